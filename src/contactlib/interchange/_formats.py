"""The format registry and `import_file`, which reads any registered format.

A format reader takes a binary stream and `ReadOptions` and returns an
iterator of `SourceRecord` objects.  `import_file` picks the reader by
the ``format`` argument, else by the first registered format whose sniff
function accepts the file's first bytes, else by the file name's
suffix, else CSV.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, TypeAlias

import attrs

from contactlib._import_report import SourceRecord
from contactlib._importing import import_records
from contactlib.exceptions import ImportFileError
from contactlib.interchange._csv import CsvReader, open_binary
from contactlib.interchange._detect import read_head, rejoin

if TYPE_CHECKING:
    from collections.abc import Mapping

    from contactlib._import_report import ImportReport
    from contactlib._party_types import PartyTypeRegistry
    from contactlib._upsert import UpsertKey
    from contactlib.interchange._layouts import Layout
    from contactlib.ports import ContactRepository

_SNIFF_SIZE = 4096


@attrs.frozen
class ReadOptions:
    """Settings that `import_file` passes to a format reader.

    Readers ignore the settings that do not apply to their format.

    Attributes:
        path: The file, for messages, or ``"<stream>"``.
        layout: Layout name for tabular formats, ``None`` to detect it.
        mapping: Header name to field, for tabular formats.
        encoding: Text encoding, ``None`` to detect it.
        delimiter: Cell delimiter for CSV, ``None`` to detect it.

    .. versionadded:: 0.1.0
    """

    path: str = "<stream>"
    layout: Layout | str | None = None
    mapping: Mapping[str, str] | None = None
    encoding: str | None = None
    delimiter: str | None = None


FormatReader: TypeAlias = Callable[
    [IO[bytes], ReadOptions], Iterator[SourceRecord]
]
"""A function that reads the records of one file format."""


@attrs.frozen
class _Format:
    name: str
    reader: FormatReader
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], bool] | None


_FORMATS: dict[str, _Format] = {}


def register_format(
    name: str,
    reader: FormatReader,
    *,
    suffixes: tuple[str, ...] = (),
    sniff: Callable[[bytes], bool] | None = None,
) -> None:
    """Make *reader* available to `import_file` under *name*.

    Registering a name again replaces its reader.

    Args:
        name: Format name, such as ``"csv"`` or ``"vcard"``.
        reader: Function from a binary stream and options to records.
            It raises `ImportFileError` for a file it cannot read.
        suffixes: File name suffixes of the format, such as ``(".vcf",)``,
            compared in lower case.
        sniff: Function that returns whether the first 4 KiB of a file
            are in this format.

    .. versionadded:: 0.1.0
    """
    _FORMATS[name] = _Format(
        name, reader, tuple(s.lower() for s in suffixes), sniff
    )


def format_names() -> list[str]:
    """Return the names of the registered formats, sorted.

    .. versionadded:: 0.1.0
    """
    return sorted(_FORMATS)


def detect_format(head: bytes, path: str) -> str:
    """Return the name of the format of a file that starts with *head*."""
    for entry in _FORMATS.values():
        if entry.sniff is not None and entry.sniff(head):
            return entry.name
    suffix = PurePath(path).suffix.lower()
    for entry in _FORMATS.values():
        if suffix and suffix in entry.suffixes:
            return entry.name
    return "csv"


def import_file(
    path: str | os.PathLike[str],
    repository: ContactRepository,
    *,
    format: str | None = None,  # noqa: A002
    layout: Layout | str | None = None,
    mapping: Mapping[str, str] | None = None,
    region: str | None = None,
    strict: bool = False,
    dry_run: bool = False,
    batch_size: int = 500,
    on_progress: Callable[[int], None] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    upsert: UpsertKey | str | None = None,
    party_types: PartyTypeRegistry | None = None,
) -> ImportReport:
    """Import the contacts of a file and report on every row.

    The format is detected from the file's first bytes and its name
    unless *format* is given; the rest of the options go to the format's
    reader and to `import_records`.

    Args:
        path: The file to import.
        repository: Where to store the contacts.
        format: Registered format name, such as ``"csv"``; see
            `format_names`.
        layout: Spreadsheet layout; detected from the header when not
            given.
        mapping: Header name to field, overriding the layout.
        region: Default region for phone numbers without a country code,
            such as ``"DE"``.
        strict: Reject rows with phone numbers that are not valid.
        dry_run: Validate and report without writing.
        batch_size: Contacts written per transaction.
        on_progress: Called with the number of rows read so far.
        encoding: Text encoding; detected when not given.
        delimiter: CSV delimiter; detected when not given.
        upsert: Update stored contacts that match a row by contact id
            or primary e-mail address instead of adding duplicates;
            see `import_records`.
        party_types: Reject rows with a link this registry does not
            allow; see `import_records`.

    Returns:
        The report: rows read, ids stored, rejected rows with reasons,
        and warnings for values contactlib has no field for.

    Raises:
        ImportFileError: The file cannot be read at all: it is missing,
            empty, binary, truncated, in an unknown format, or has a
            header that no layout or mapping matches.

    .. versionadded:: 0.1.0
    """
    name = os.fspath(path)
    options = ReadOptions(name, layout, mapping, encoding, delimiter)
    with open_binary(name) as stream:
        head = read_head(stream, _SNIFF_SIZE)
        if stream.seekable():
            stream.seek(0)
            source = stream
        else:
            source = rejoin(head, stream)
        chosen = format or detect_format(head, name)
        entry = _FORMATS.get(chosen)
        if entry is None:
            raise ImportFileError(
                name,
                f"unknown format {chosen!r}; use one of "
                f"{', '.join(format_names())}",
            )
        records = entry.reader(source, options)
        return import_records(
            records,
            repository,
            region=region,
            strict=strict,
            dry_run=dry_run,
            batch_size=batch_size,
            on_progress=on_progress,
            upsert=upsert,
            party_types=party_types,
        )


def _read_csv_format(
    stream: IO[bytes], options: ReadOptions
) -> Iterator[SourceRecord]:
    return CsvReader(
        stream,
        path=options.path,
        layout=options.layout,
        mapping=options.mapping,
        encoding=options.encoding,
        delimiter=options.delimiter,
    )


register_format(
    "csv", _read_csv_format, suffixes=(".csv", ".tsv", ".txt", ".tab")
)
