"""Contacts read from and written to XLSX workbooks through openpyxl.

openpyxl is an optional dependency (the ``xlsx`` extra); it is imported
only when a workbook is read or written, so ``import contactlib`` works
without it.  Reading turns the first sheet into CSV text on the fly and
hands it to `CsvReader`, so a workbook gets the same layouts, mappings
and row report as a CSV file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import IO, TYPE_CHECKING

from contactlib.exceptions import ImportFileError, MissingDependencyError
from contactlib.interchange._csv import CsvReader
from contactlib.interchange._csv_write import (
    ExportLayout,
    ExportReport,
    escape_formula,
    export_rows,
)
from contactlib.interchange._formats import ReadOptions, register_format

if TYPE_CHECKING:
    import os
    import types
    from collections.abc import Iterable, Iterator, Mapping

    from contactlib._import_report import SourceRecord
    from contactlib._model import Contact
    from contactlib.interchange._layouts import Layout


def _openpyxl() -> types.ModuleType:
    try:
        import openpyxl  # noqa: PLC0415
    except ImportError:
        raise MissingDependencyError(
            "XLSX files need openpyxl; install it with "
            "`pip install 'contactlib[xlsx]'`"
        ) from None
    return openpyxl


def write_xlsx(
    contacts: Iterable[Contact],
    target: str | os.PathLike[str] | IO[bytes],
    *,
    layout: ExportLayout | str = ExportLayout.ERPNEXT,
    escape_formulas: bool = True,
) -> ExportReport:
    """Write contacts as an XLSX workbook with one sheet.

    The sheet has the columns and rows that `write_csv` writes for
    *layout*.  Every cell is a text cell.  With *escape_formulas* (the
    default), a cell that starts like a formula is stored as text, so
    no spreadsheet program runs it, and its content is unchanged.
    Without it, such cells are stored as formulas.

    Args:
        contacts: The contacts, written in this order.
        target: A path, or a binary stream to write to.
        layout: An `ExportLayout` value.
        escape_formulas: Store formula-like cells as text.

    Returns:
        The number of contacts written and the values left out.

    Raises:
        MissingDependencyError: openpyxl is not installed.
        InvalidValueError: *layout* is not an `ExportLayout` value.

    .. versionadded:: 0.1.0
    """
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    report = ExportReport()
    for row in export_rows(
        contacts, report, layout=layout, escape_formulas=False
    ):
        cells = []
        for text in row:
            cell = WriteOnlyCell(sheet, value=text)
            if escape_formulas and escape_formula(text) != text:
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(target)
    return report


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


class _GeneratedStream(io.RawIOBase):
    """A readable binary stream over chunks that a generator yields."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        """Return ``True``: the stream can be read."""
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        """Fill *buffer* with the next bytes; 0 at the end."""
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _csv_lines(rows: Iterator[tuple[object, ...]]) -> Iterator[bytes]:
    text = io.StringIO()
    writer = csv.writer(text)
    for row in rows:
        # NOTE: a cell with a line break takes two CSV lines, so the row
        # numbers of later rows in the report are one higher per break.
        writer.writerow([_cell_text(value) for value in row])
        yield text.getvalue().encode("utf-8")
        text.seek(0)
        text.truncate()


def read_xlsx(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    path: str = "<stream>",
    layout: Layout | str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> CsvReader:
    """Read the contacts of the first sheet of an XLSX workbook.

    The sheet is read row by row, in openpyxl's read-only mode, and goes
    through the same detection of header, layout and mapping as a CSV
    file.  Report row numbers are the sheet's row numbers.

    Args:
        source: A path, or a binary stream of the workbook.
        path: The file's name, for messages.
        layout: The layout; detected from the header when not given.
        mapping: Header name to field, as for `read_csv`.

    Returns:
        An iterator of records, with the detected layout as attributes.

    Raises:
        MissingDependencyError: openpyxl is not installed.
        ImportFileError: The file is not an XLSX workbook, or its first
            sheet has no header that a layout or the mapping matches.

    .. versionadded:: 0.1.0
    """
    openpyxl = _openpyxl()
    try:
        workbook = openpyxl.load_workbook(
            source, read_only=True, data_only=True
        )
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise ImportFileError(
            path,
            f"the file cannot be read as an XLSX workbook ({error}); save "
            "it again as .xlsx",
        ) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    stream = io.BufferedReader(_GeneratedStream(_csv_lines(rows)))
    return CsvReader(
        stream,
        path=path,
        layout=layout,
        mapping=mapping,
        encoding="utf-8",
        delimiter=",",
    )


def _read_xlsx_format(
    stream: IO[bytes], options: ReadOptions
) -> Iterator[SourceRecord]:
    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    return read_xlsx(
        stream,
        path=options.path,
        layout=options.layout,
        mapping=options.mapping,
    )


def _is_xlsx(head: bytes) -> bool:
    # An XLSX file is a zip archive whose entries live under "xl/".
    return head.startswith(b"PK\x03\x04") and (
        b"xl/" in head or b"[Content_Types].xml" in head
    )


register_format("xlsx", _read_xlsx_format, suffixes=(".xlsx",), sniff=_is_xlsx)
