"""Reading contact spreadsheets in CSV as `SourceRecord` objects."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from contactlib.exceptions import ImportFileError
from contactlib.interchange._detect import (
    ENCODING_ADVICE,
    check_encoding,
    detect_encoding,
    read_head,
    rejoin,
    sniff_delimiter,
    text_sample,
)
from contactlib.interchange._layouts import (
    LINK_PREFIX,
    MAPPING_FIELDS,
    Column,
    Layout,
    classify,
    detect_layout,
    recognised,
)
from contactlib.interchange._records import Draft, RecordBuilder
from contactlib.interchange._template import (
    TEMPLATE_MARKERS,
    TemplateError,
    read_template_header,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from contactlib._import_report import SourceRecord

MAX_PREAMBLE = 20
"""Lines before the header row that the reader skips at most."""

_GROUPED = frozenset({Layout.ERPNEXT, Layout.ERPNEXT_TEMPLATE})
_SHOWN_HEADERS = 12


class CsvReader(Iterator["SourceRecord"]):
    """Iterator over the contacts of a CSV file, with what was detected.

    Make one with `read_csv`.  Detection happens when the reader is made,
    so a file that cannot be read fails before any record is taken.

    Attributes:
        path: The file as given, or ``"<stream>"``.
        encoding: Python name of the text encoding.
        delimiter: The cell delimiter.
        layout: The layout of the header.
        columns: Every header cell with its meaning.
        header_line: Line number of the header row, counting from 1.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        stream: IO[bytes],
        *,
        path: str = "<stream>",
        layout: Layout | str | None = None,
        mapping: Mapping[str, str] | None = None,
        encoding: str | None = None,
        delimiter: str | None = None,
    ) -> None:
        """Detect the file's encoding, delimiter, header and layout.

        Raises:
            ImportFileError: The file cannot be read as a contact list.
        """
        self.path = path
        self._mapping = _checked_mapping(path, mapping)
        requested = _checked_layout(path, layout)
        head = read_head(stream)
        if not head:
            raise ImportFileError(
                path, "the file is empty; export the contacts again"
            )
        if encoding is None:
            self.encoding = detect_encoding(head, stream, path)
        else:
            check_encoding(head, stream, path, encoding)
            self.encoding = encoding
        sample = text_sample(head, self.encoding)
        if not sample.strip():
            raise ImportFileError(
                path, "the file contains only blank lines; nothing to import"
            )
        self.delimiter = _checked_delimiter(path, delimiter) or (
            sniff_delimiter(sample)
        )
        self._text = io.TextIOWrapper(
            rejoin(head, stream), encoding=self.encoding, newline=""
        )
        self._reader = csv.reader(self._text, delimiter=self.delimiter)
        self._last_line = 0
        self._records = self._numbered()
        self.layout, self.columns, self.header_line = self._find_header(
            requested
        )
        self._builder = RecordBuilder(self.columns)
        self._draft: Draft | None = None
        self._closes_stream = False

    def __next__(self) -> SourceRecord:
        """Return the next contact of the file."""
        try:
            return self._next_record()
        except (StopIteration, ImportFileError):
            if self._closes_stream:
                self.close()
            raise

    def _next_record(self) -> SourceRecord:
        if self.layout not in _GROUPED:
            for line, cells in self._records:
                return self._builder.finish(self._builder.start(line, cells))
            raise StopIteration
        for line, cells in self._records:
            if self._draft is not None and self._builder.is_continuation(
                cells
            ):
                self._builder.add(self._draft, line, cells)
                continue
            finished, self._draft = (
                self._draft,
                self._builder.start(line, cells),
            )
            if finished is not None:
                return self._builder.finish(finished)
        if self._draft is None:
            raise StopIteration
        finished, self._draft = self._draft, None
        return self._builder.finish(finished)

    def close(self) -> None:
        """Close the text stream and the file under it."""
        self._text.close()

    def _numbered(self) -> Iterator[tuple[int, list[str]]]:
        """Yield ``(first line, cells)`` of every record with a value."""
        while True:
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except UnicodeDecodeError as error:
                raise ImportFileError(
                    self.path, self._decode_failure(error)
                ) from None
            except csv.Error as error:
                raise ImportFileError(
                    self.path,
                    f"line {self._last_line + 1} cannot be read as CSV "
                    f"({error}); check it for a quote that is never closed",
                ) from None
            line = self._last_line + 1
            self._last_line = self._reader.line_num
            if line == 1 and cells:
                cells[0] = cells[0].removeprefix("\ufeff")
            if any(cell.strip() for cell in cells):
                yield line, cells

    def _decode_failure(self, error: UnicodeDecodeError) -> str:
        """Describe a decoding error met while reading, after detection."""
        if error.reason == "truncated data":
            return (
                f"the file ends in the middle of a character after line "
                f"{self._last_line}, so it was probably cut off; export or "
                "copy it again"
            )
        byte = error.object[error.start]
        return (
            f"byte 0x{byte:02X} after line {self._last_line} is not valid "
            f"{self.encoding} text; {ENCODING_ADVICE}"
        )

    def _find_header(
        self, requested: Layout | None
    ) -> tuple[Layout, list[Column], int]:
        first: list[str] | None = None
        for count, (line, cells) in enumerate(self._records):
            if first is None:
                first = cells
            if cells[0].strip() in TEMPLATE_MARKERS and requested in {
                None,
                Layout.ERPNEXT_TEMPLATE,
            }:
                return self._template_header(line)
            found = self._header_columns(cells, requested)
            if found is not None:
                return found[0], found[1], line
            if count + 1 >= MAX_PREAMBLE:
                break
        raise ImportFileError(
            self.path, _no_header_reason(first, requested, self._mapping)
        )

    def _header_columns(
        self, cells: list[str], requested: Layout | None
    ) -> tuple[Layout, list[Column]] | None:
        cells = [cell.strip() for cell in cells]
        layout = requested or detect_layout(cells)
        if layout is Layout.ERPNEXT_TEMPLATE:
            return None
        columns = classify(layout, cells, self._mapping)
        mapped = set(self._mapping) <= set(cells) and self._mapping
        if not (mapped or recognised(columns)):
            return None
        missing = [key for key in self._mapping if key not in cells]
        if missing:
            raise ImportFileError(
                self.path,
                f"the mapping names {_quoted(missing)}, which the header "
                f"does not have; the header has {_quoted(cells)}",
            )
        return layout, columns

    def _template_header(self, line: int) -> tuple[Layout, list[Column], int]:
        try:
            columns = read_template_header(self._records, self._mapping)
        except TemplateError as error:
            raise ImportFileError(self.path, str(error)) from None
        return Layout.ERPNEXT_TEMPLATE, columns, line


def read_csv(
    stream_or_path: IO[bytes] | str | os.PathLike[str],
    *,
    layout: Layout | str | None = None,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> CsvReader:
    """Read the contacts of a CSV file, one record per contact.

    The file is read as a stream: only a sample of 64 KiB and the current
    record are held in memory.  Detection runs at once, so errors about
    the file as a whole are raised here, before any record is taken.

    Args:
        stream_or_path: A binary stream, or the path of a file, which the
            reader opens and closes when it is exhausted or closed.
        layout: The layout, as a `Layout` or its name; detected from the
            header when not given.
        mapping: Header name to field, for columns the layout does not
            know or reads differently; see `MAPPING_FIELDS`.
        encoding: Python name of the encoding; detected when not given.
        delimiter: The cell delimiter; detected when not given.

    Returns:
        An iterator of records, with the detected settings as attributes.

    Raises:
        ImportFileError: The file is missing, empty, binary, truncated, or
            has no header that a layout or the mapping matches.

    .. versionadded:: 0.1.0
    """
    if isinstance(stream_or_path, str | os.PathLike):
        path = os.fspath(stream_or_path)
        stream = open_binary(path)
        try:
            reader = CsvReader(
                stream,
                path=path,
                layout=layout,
                mapping=mapping,
                encoding=encoding,
                delimiter=delimiter,
            )
        except BaseException:
            stream.close()
            raise
        reader._closes_stream = True  # noqa: SLF001
        return reader
    return CsvReader(
        stream_or_path,
        path=getattr(stream_or_path, "name", "<stream>"),
        layout=layout,
        mapping=mapping,
        encoding=encoding,
        delimiter=delimiter,
    )


def open_binary(path: str) -> IO[bytes]:
    """Open *path* for reading bytes.

    Raises:
        ImportFileError: The file is missing, a folder, or not readable.
    """
    try:
        return Path(path).open("rb")
    except FileNotFoundError:
        reason = "the file does not exist; check the path"
    except IsADirectoryError:
        reason = "this is a folder; give the path of a file"
    except PermissionError:
        reason = "the file is not readable; check its permissions"
    raise ImportFileError(path, reason)


def _checked_mapping(
    path: str, mapping: Mapping[str, str] | None
) -> dict[str, str]:
    if not mapping:
        return {}
    unknown = {
        header: field
        for header, field in mapping.items()
        if field not in MAPPING_FIELDS
        and not (
            field.startswith(LINK_PREFIX) and field[len(LINK_PREFIX) :].strip()
        )
    }
    if unknown:
        header, field = next(iter(unknown.items()))
        raise ImportFileError(
            path,
            f"the mapping sends column {header!r} to {field!r}, which is "
            f"not a field; use one of {', '.join(MAPPING_FIELDS)}, or "
            f"'{LINK_PREFIX}TYPE' for a column of party names of type TYPE",
        )
    return dict(mapping)


def _checked_layout(path: str, layout: Layout | str | None) -> Layout | None:
    if layout is None:
        return None
    try:
        return Layout(layout)
    except ValueError:
        names = ", ".join(item.value for item in Layout)
        raise ImportFileError(
            path, f"unknown layout {layout!r}; use one of {names}"
        ) from None


def _checked_delimiter(path: str, delimiter: str | None) -> str | None:
    if delimiter is not None and len(delimiter) != 1:
        raise ImportFileError(
            path,
            f"the delimiter must be one character, not {delimiter!r}",
        )
    return delimiter


def _quoted(names: list[str]) -> str:
    shown = [repr(name) for name in names[:_SHOWN_HEADERS]]
    if len(names) > _SHOWN_HEADERS:
        shown.append(f"and {len(names) - _SHOWN_HEADERS} more")
    return ", ".join(shown)


def _no_header_reason(
    first: list[str] | None,
    requested: Layout | None,
    mapping: dict[str, str],
) -> str:
    if first is None:
        return "the file has no rows; nothing to import"
    seen = [cell.strip() for cell in first if cell.strip()]
    missing = [key for key in mapping if key not in seen]
    if missing:
        return (
            f"the mapping names {_quoted(missing)}, which no header row "
            f"has; the first row has {_quoted(seen)}"
        )
    layout = (
        f"the {requested.value} layout" if requested else "any known layout"
    )
    return (
        f"no header row matches {layout}: the first row has "
        f"{_quoted(seen)}; map the headers to fields (`--map Mail=email` "
        "on the command line, `mapping={'Mail': 'email'}` in Python)"
    )
