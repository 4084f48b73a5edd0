"""The ``export`` command: contacts from the database into a file."""

from __future__ import annotations

import contextlib
import io
import sys
from typing import IO, TYPE_CHECKING, Any, TextIO

import click

from contactlib.cli._base import (
    CliError,
    echo_json,
    json_option,
    open_repository,
    parse_party,
    settings_of,
)
from contactlib.cli._text import plural, shorten, shorten_quoted
from contactlib.interchange import (
    ExportLayout,
    ExportReport,
    write_csv,
    write_jcard,
    write_json,
    write_vcard,
    write_xlsx,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from contactlib._model import Contact
    from contactlib.ports import ContactRepository

EXPORT_FORMATS = ("csv", "xlsx", "vcard", "vcard3", "json", "jcard")
"""Names that ``contactlib export --format`` accepts."""


def _contacts(
    repository: ContactRepository, parties: tuple[str, ...]
) -> Iterator[Contact]:
    """Yield every contact, or those linked to any of *parties*, by id."""
    if not parties:
        yield from repository
        return
    found = repository.find_by_parties(parse_party(text) for text in parties)
    unique = {c.contact_id: c for group in found.values() for c in group}
    yield from (unique[key] for key in sorted(unique))


@contextlib.contextmanager
def _binary_target(output: str) -> Iterator[IO[bytes]]:
    if output == "-":
        if sys.stdout.isatty():
            raise CliError(
                "an XLSX workbook is binary and is not written to a "
                "terminal; give a file with --output"
            )
        yield sys.stdout.buffer
        return
    with open(output, "wb") as stream:  # noqa: PTH123
        yield stream


@contextlib.contextmanager
def _text_target(output: str) -> Iterator[TextIO]:
    if output == "-":
        stream = io.TextIOWrapper(
            sys.stdout.buffer,
            encoding="utf-8",
            newline="",
            write_through=True,
        )
        try:
            yield stream
        finally:
            stream.detach()
        return
    with open(output, "w", encoding="utf-8", newline="") as stream:  # noqa: PTH123
        yield stream


def _write(
    file_format: str,
    contacts: Iterator[Contact],
    output: str,
    layout: str,
    escape_formulas: bool,
) -> tuple[int, ExportReport | None]:
    if file_format == "xlsx":
        with _binary_target(output) as binary:
            report = write_xlsx(
                contacts,
                binary,
                layout=layout,
                escape_formulas=escape_formulas,
            )
        return report.contacts, report
    with _text_target(output) as text:
        if file_format == "csv":
            report = write_csv(
                contacts, text, layout=layout, escape_formulas=escape_formulas
            )
            return report.contacts, report
        if file_format in {"vcard", "vcard3"}:
            version = "3.0" if file_format == "vcard3" else "4.0"
            return write_vcard(contacts, text, version=version), None
        if file_format == "jcard":
            return write_jcard(contacts, text), None
        return write_json(contacts, text), None


@click.command("export")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(EXPORT_FORMATS),
    default="csv",
    show_default=True,
    help="File format: CSV or XLSX spreadsheet, vCard 4.0 (vcard) or 3.0 "
    "(vcard3), contactlib JSON, or jCard.",
)
@click.option(
    "--layout",
    type=click.Choice([layout.value for layout in ExportLayout]),
    default=ExportLayout.ERPNEXT.value,
    show_default=True,
    help="Column layout of a CSV or XLSX file.",
)
@click.option(
    "--party",
    "parties",
    metavar="TYPE:NAME",
    multiple=True,
    help="Only contacts linked to this party, such as Customer:CUST-0042; "
    "repeat for several parties.",
)
@click.option(
    "-o",
    "--output",
    default="-",
    metavar="FILE",
    help="File to write; standard output by default.",
)
@click.option(
    "--escape-formulas/--no-escape-formulas",
    default=True,
    show_default=True,
    help="Keep spreadsheet programs from running cells that start with "
    "=, +, -, @, tab or CR as formulas.",
)
@json_option
@click.pass_context
def export_contacts(  # noqa: PLR0917
    ctx: click.Context,
    file_format: str,
    layout: str,
    parties: tuple[str, ...],
    output: str,
    escape_formulas: bool,
) -> None:
    """Export contacts from the database to a file.

    The summary (contacts written, values the layout has no column for)
    goes to standard error, or to standard output as JSON with --json
    when the file is written with --output.
    """
    settings = settings_of(ctx)
    if settings.json and output == "-":
        raise CliError(
            "--json needs --output, because the file goes to "
            "standard output otherwise"
        )
    repository = open_repository(settings.db, create=False)
    try:
        count, report = _write(
            file_format,
            _contacts(repository, parties),
            output,
            layout,
            escape_formulas,
        )
    finally:
        repository.close()
    omitted = report.omitted if report is not None else []
    if settings.json:
        summary: dict[str, Any] = {
            "file": output,
            "format": file_format,
            "contacts": count,
            "omitted": [
                {
                    "contact_id": cid,
                    "value": value,
                    "reason": shorten_quoted(reason),
                }
                for cid, value, reason in omitted
            ],
        }
        echo_json(summary)
        return
    where = "standard output" if output == "-" else output
    click.echo(f"{plural(count, 'contact')} written to {where}", err=True)
    for contact_id, value, reason in omitted:
        click.echo(
            f"  {contact_id}: left out {shorten(value)}: "
            f"{shorten_quoted(reason)}",
            err=True,
        )
