"""Commands for party lifecycle and contact status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from contactlib._lifecycle import OrphanPolicy
from contactlib._values import ContactStatus, PartyRef
from contactlib.cli._base import (
    CliError,
    echo_json,
    json_option,
    opened_service,
    resolve_contact_id,
    settings_of,
)

if TYPE_CHECKING:
    from contactlib._lifecycle import PartyChange
    from contactlib._status import StatusChange


def _change_json(change: PartyChange, **parties: PartyRef) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: {"party_type": p.party_type, "party_name": p.party_name}
        for name, p in parties.items()
    }
    data["updated"] = list(change.updated)
    data["deleted"] = list(change.deleted)
    return data


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


@click.command("rename-party")
@click.argument("party_type")
@click.argument("party_name")
@click.argument("new_name")
@json_option
@click.pass_context
def rename_party(
    ctx: click.Context, party_type: str, party_name: str, new_name: str
) -> None:
    """Rename a party, moving every link in one transaction.

    Fails when contacts are linked to a party called NEW_NAME already.
    Use merge-parties for that.
    """
    settings = settings_of(ctx)
    party = PartyRef(party_type, party_name)
    renamed = PartyRef(party_type, new_name)
    with opened_service(settings) as service:
        change = service.rename_party(party, new_name)
    if settings.json:
        echo_json(_change_json(change, party=party, renamed=renamed))
        return
    click.echo(
        f"Renamed {party} to {renamed.party_name}; "
        f"{_count(len(change.updated), 'contact')} updated."
    )


@click.command("merge-parties")
@click.argument("party_type")
@click.argument("source_name")
@click.argument("target_name")
@click.option(
    "--target-type",
    help="Type of the target party, when it differs from PARTY_TYPE.",
)
@json_option
@click.pass_context
def merge_parties(
    ctx: click.Context,
    party_type: str,
    source_name: str,
    target_name: str,
    target_type: str | None,
) -> None:
    """Merge party SOURCE_NAME into TARGET_NAME in one transaction.

    Every link to the source moves to the target, and a contact linked to
    both keeps one link with the roles of both.  The target's primary
    contact stays primary.  Only when the target has none does the
    source's primary contact become the target's.
    """
    settings = settings_of(ctx)
    source = PartyRef(party_type, source_name)
    target = PartyRef(target_type or party_type, target_name)
    with opened_service(settings) as service:
        change = service.merge_parties(source, target)
    if settings.json:
        echo_json(_change_json(change, source=source, target=target))
        return
    click.echo(
        f"Merged {source} into {target}; "
        f"{_count(len(change.updated), 'contact')} moved."
    )


@click.command("delete-party")
@click.argument("party_type")
@click.argument("party_name")
@click.option(
    "--orphans",
    type=click.Choice([policy.value for policy in OrphanPolicy]),
    required=True,
    help="What to do with contacts linked only to this party: delete "
    "them, or keep them without links.  Contacts linked to other "
    "parties too lose only this link.",
)
@json_option
@click.pass_context
def delete_party(
    ctx: click.Context, party_type: str, party_name: str, orphans: str
) -> None:
    """Remove every link to a deleted party, in one transaction."""
    settings = settings_of(ctx)
    party = PartyRef(party_type, party_name)
    with opened_service(settings) as service:
        change = service.delete_party(party, orphans=orphans)
    if settings.json:
        echo_json(_change_json(change, party=party))
        return
    click.echo(
        f"Removed every link to {party}; "
        f"{_count(len(change.updated), 'contact')} unlinked, "
        f"{_count(len(change.deleted), 'contact')} deleted."
    )


def _status_json(change: StatusChange) -> dict[str, Any]:
    return {
        "contact_id": change.contact.contact_id,
        "event": change.event.value,
        "previous": change.previous.value,
        "current": change.current.value,
        "changed": change.changed,
    }


def _print_status_changes(as_json: bool, changes: list[StatusChange]) -> None:
    if as_json:
        echo_json({"changes": [_status_json(c) for c in changes]})
        return
    if not changes:
        click.echo("No contact has it; nothing recorded.")
    for change in changes:
        contact_id = change.contact.contact_id
        if change.changed:
            click.echo(
                f"Contact {contact_id}: {change.previous} -> {change.current}."
            )
        else:
            click.echo(f"Contact {contact_id}: stays {change.current}.")


@click.command("record-sent")
@click.argument("contact_id", metavar="ID")
@json_option
@click.pass_context
def record_sent(ctx: click.Context, contact_id: str) -> None:
    """Record a message sent to a contact: Passive becomes Open."""
    settings = settings_of(ctx)
    with opened_service(settings) as service:
        change = service.record_outgoing(
            resolve_contact_id(service, contact_id)
        )
    _print_status_changes(settings.json, [change])


@click.command("record-reply")
@click.option("--email", metavar="ADDRESS", help="Sender's e-mail address.")
@click.option(
    "--phone",
    metavar="NUMBER",
    help="Sender's phone number, in any formatting; numbers without a "
    "country code need --region.",
)
@json_option
@click.pass_context
def record_reply(
    ctx: click.Context, email: str | None, phone: str | None
) -> None:
    """Record a message from a person: their contacts become Replied.

    Every contact with the address or number is changed.  Finding no
    contact is not an error.
    """
    settings = settings_of(ctx)
    if (email is None) == (phone is None):
        raise CliError("give exactly one of --email and --phone")
    with opened_service(settings) as service:
        changes = service.record_incoming(email=email, phone=phone)
    _print_status_changes(settings.json, changes)


@click.command("set-status")
@click.argument("contact_id", metavar="ID")
@click.argument(
    "status",
    type=click.Choice([status.value for status in ContactStatus]),
)
@json_option
@click.pass_context
def set_status(ctx: click.Context, contact_id: str, status: str) -> None:
    """Set a contact's status by hand."""
    settings = settings_of(ctx)
    with opened_service(settings) as service:
        change = service.set_status(
            resolve_contact_id(service, contact_id), status
        )
    _print_status_changes(settings.json, [change])
