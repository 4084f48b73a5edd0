"""Text and JSON output of contacts, resolutions and import reports.

The ``*_json`` functions build the JSON documents that the command docs
describe.  Their keys are part of the command's interface, so later
versions add keys but never rename or remove them.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from contactlib.cli._text import clip, plural, shorten, shorten_quoted

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from contactlib._import_report import ImportReport, RejectedRow
    from contactlib._model import Contact
    from contactlib._resolution import Resolution
    from contactlib._values import Link, PhoneNumber

_NONE = "-"
_TABLE_HEADERS = ("ID", "Name", "Company", "E-mail", "Phone", "Links")


def contact_json(contact: Contact) -> dict[str, Any]:
    """Return every field of *contact* as a JSON object."""
    return {
        "id": contact.contact_id,
        "display_name": contact.display_name,
        "full_name": contact.full_name,
        "salutation": contact.salutation,
        "first_name": contact.first_name,
        "middle_name": contact.middle_name,
        "last_name": contact.last_name,
        "designation": contact.designation,
        "gender": contact.gender,
        "company_name": contact.company_name,
        "department": contact.department,
        "status": contact.status.value,
        "user_id": contact.user_id,
        "unsubscribed": contact.unsubscribed,
        "version": contact.version,
        "emails": [
            {"address": email.address, "is_primary": email.is_primary}
            for email in contact.emails
        ],
        "phones": [_phone_json(phone) for phone in contact.phones],
        "links": [_link_json(link) for link in contact.links],
    }


def _phone_json(phone: PhoneNumber) -> dict[str, Any]:
    return {
        "raw": phone.raw,
        "e164": phone.e164,
        "extension": phone.extension,
        "is_mobile": phone.is_mobile,
        "validated": phone.validated,
        "is_primary_phone": phone.is_primary_phone,
        "is_primary_mobile": phone.is_primary_mobile,
    }


def _link_json(link: Link) -> dict[str, Any]:
    return {
        "party_type": link.party_type,
        "party_name": link.party_name,
        "title": link.title,
        "is_primary": link.is_primary,
        "roles": sorted(link.roles),
    }


def resolution_json(
    resolution: Resolution, names: dict[str, str]
) -> dict[str, Any]:
    """Return a default-contact resolution as a JSON object.

    Args:
        resolution: The result of `ContactService.resolve_default`.
        names: Display name of each candidate id.
    """
    found = resolution.contact
    return {
        "party_type": resolution.party.party_type,
        "party_name": resolution.party.party_name,
        "role": resolution.role,
        "found": found is not None,
        "rule": resolution.reason.name.lower(),
        "reason": resolution.reason.value,
        "contact": None
        if found is None
        else {
            "id": found.contact_id,
            "display_name": found.display_name,
            "email": found.email,
            "phone": found.phone,
            "mobile": found.mobile,
            "designation": found.designation,
            "department": found.department,
        },
        "candidates": [
            {"id": contact_id, "display_name": names.get(contact_id, "")}
            for contact_id in resolution.candidates
        ],
    }


def report_json(path: str, report: ImportReport) -> dict[str, Any]:
    """Return the import report of one file as a JSON object."""
    return {
        "file": path,
        "dry_run": report.dry_run,
        "rows_read": report.rows_read,
        "stored": report.stored,
        "rejected": len(report.rejected),
        "stored_ids": list(report.stored_ids),
        "updated_ids": list(report.updated_ids),
        "rejections": [
            {
                "row": rejected.row,
                "problems": [
                    {
                        "column": problem.column,
                        "value": problem.value,
                        "reason": shorten_quoted(problem.reason),
                    }
                    for problem in rejected.problems
                ],
            }
            for rejected in sorted(report.rejected, key=_row_number)
        ],
        "warnings": [
            {
                "row": warning.row,
                "column": warning.column,
                "value": warning.value,
                "reason": shorten_quoted(warning.reason),
            }
            for warning in report.warnings
        ],
    }


def _row_number(rejected: RejectedRow) -> int:
    return rejected.row


def _primary_mark(is_primary: bool) -> str:
    return "*" if is_primary else " "


def _links_text(contact: Contact) -> str:
    return ", ".join(
        f"{link.party_type} {link.party_name}"
        + ("*" if link.is_primary else "")
        for link in contact.links
    )


def print_contact_table(contacts: Sequence[Contact]) -> None:
    """Print one line per contact; ``*`` marks primary links.

    A terminal gets a rich table fitted to its width.  A pipe or file gets
    plain columns that are never cut, which is also much faster for long
    lists.
    """
    rows = [_table_row(contact) for contact in contacts]
    if sys.stdout.isatty():
        _print_rich_table(rows)
    else:
        _print_plain_table(rows)


def _table_row(contact: Contact) -> tuple[str, ...]:
    phone = contact.primary_phone or contact.primary_mobile
    return (
        contact.contact_id,
        contact.full_name or _NONE,
        contact.company_name or _NONE,
        contact.primary_email or _NONE,
        _NONE if phone is None else phone.raw,
        _links_text(contact) or _NONE,
    )


def _print_rich_table(rows: Sequence[tuple[str, ...]]) -> None:
    table = Table(box=None, pad_edge=False, header_style="bold")
    # Ids are never cut short on a narrow terminal, because they are what
    # the other commands take.  Names and links wrap at spaces instead.
    id_width = max(len(row[0]) for row in rows)
    for title in _TABLE_HEADERS:
        table.add_column(
            title,
            no_wrap=title == "ID",
            min_width=id_width if title == "ID" else None,
            overflow="fold",
        )
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    Console(highlight=False).print(table)


def _print_plain_table(rows: Sequence[tuple[str, ...]]) -> None:
    # Widths count terminal cells, so Chinese or Japanese names, which
    # take two cells per character, still line up.
    lines = [_TABLE_HEADERS, *rows]
    widths = [max(cell_len(line[i]) for line in lines) for i in range(6)]
    for line in lines:
        padded = (
            cell + " " * (width - cell_len(cell))
            for cell, width in zip(line, widths, strict=True)
        )
        click.echo("  ".join(padded).rstrip())


def _fields(rows: Iterable[tuple[str, str]]) -> None:
    pairs = list(rows)
    width = max(len(label) for label, _ in pairs)
    for label, value in pairs:
        click.echo(f"  {label.ljust(width)}  {value or _NONE}")


def print_contact(contact: Contact) -> None:
    """Print every field of *contact*; ``*`` marks primary entries."""
    click.echo(f"Contact {contact.contact_id} (version {contact.version})")
    _fields(
        [
            ("name", contact.display_name),
            ("salutation", contact.salutation),
            ("first name", contact.first_name),
            ("middle name", contact.middle_name),
            ("last name", contact.last_name),
            ("designation", contact.designation),
            ("department", contact.department),
            ("company", contact.company_name),
            ("gender", contact.gender),
            ("status", contact.status.value),
            ("user id", contact.user_id or ""),
            ("unsubscribed", "yes" if contact.unsubscribed else "no"),
        ]
    )

    click.echo("E-mail addresses (* primary)")
    for email in contact.emails:
        click.echo(f"  {_primary_mark(email.is_primary)} {email.address}")
    if not contact.emails:
        click.echo(f"    {_NONE}")

    click.echo("Phone numbers (* primary phone, + primary mobile)")
    for phone in contact.phones:
        click.echo("  " + _phone_line(phone))
    if not contact.phones:
        click.echo(f"    {_NONE}")

    click.echo("Links (* primary contact of the party)")
    for link in contact.links:
        roles = ", ".join(sorted(link.roles))
        click.echo(
            f"  {_primary_mark(link.is_primary)} {link.party_type} "
            f"{link.party_name}"
            + (f" ({link.title})" if link.title else "")
            + (f"  roles: {roles}" if roles else "")
        )
    if not contact.links:
        click.echo(f"    {_NONE}")


def _phone_line(phone: PhoneNumber) -> str:
    marks = ("*" if phone.is_primary_phone else " ") + (
        "+" if phone.is_primary_mobile else " "
    )
    kind = "mobile" if phone.is_mobile else "phone"
    if phone.e164 is None:
        normalized = "not validated"
    else:
        normalized = phone.e164 + (
            f" ext. {phone.extension}" if phone.extension else ""
        )
        if not phone.validated:
            normalized += ", not validated"
    return f"{marks} {phone.raw}  [{kind}, {normalized}]"


def print_resolution(resolution: Resolution, names: dict[str, str]) -> None:
    """Print the default contact of a party, or why there is none."""
    role = (
        "" if resolution.role is None else f" (role {clip(resolution.role)})"
    )
    party = f"{clip(str(resolution.party))}{role}"
    found = resolution.contact
    if found is None:
        click.echo(f"No default contact for {party}: {resolution.reason}")
        if resolution.candidates:
            click.echo("Candidates; make one primary with set-primary:")
            for contact_id in resolution.candidates:
                click.echo(f"  {contact_id}  {names.get(contact_id, '')}")
        return
    click.echo(f"Default contact for {party}")
    _fields(
        [
            ("id", found.contact_id),
            ("name", found.display_name),
            ("e-mail", found.email or ""),
            ("phone", found.phone or ""),
            ("mobile", found.mobile or ""),
            ("designation", found.designation),
            ("department", found.department),
            ("rule", resolution.reason.value),
        ]
    )


def print_report(path: str, report: ImportReport) -> None:
    """Print the counts and every rejected row of one imported file.

    Values and reasons are shortened to `MAX_SHOWN` characters each;
    the JSON report has them whole.
    """
    verb = "would be stored" if report.dry_run else "stored"
    click.echo(
        f"{path}: {plural(report.rows_read, 'row')} read, "
        f"{report.stored} {verb}, {len(report.rejected)} rejected"
        + (" (dry run, nothing written)" if report.dry_run else "")
    )
    updated = len(report.updated_ids)
    if updated:
        click.echo(
            f"  {updated} of the stored rows updated "
            + ("an existing contact" if updated == 1 else "existing contacts")
        )
    for rejected in sorted(report.rejected, key=_row_number):
        for problem in rejected.problems:
            where = (
                f"{clip(problem.column)} {shorten(problem.value)}: "
                if problem.column
                else ""
            )
            reason = shorten_quoted(problem.reason)
            click.echo(f"  row {rejected.row}: {where}{reason}")
    if len(report.warnings) == 1:
        click.echo(
            "  1 value has no field in contactlib; --json lists it with "
            "the reason and whether it was kept"
        )
    elif report.warnings:
        click.echo(
            f"  {len(report.warnings)} values have no field in contactlib; "
            "--json lists them with the reasons and whether they were kept"
        )
