"""Commands that read and change stored contacts."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import click

from contactlib._values import PartyRef
from contactlib.cli._base import (
    EXIT_NO_DEFAULT,
    CliError,
    check_roles,
    check_text,
    echo_json,
    json_option,
    opened_service,
    parse_party,
    resolve_contact_id,
    settings_of,
)
from contactlib.cli._render import (
    contact_json,
    print_contact,
    print_contact_table,
    print_resolution,
    resolution_json,
)
from contactlib.cli._text import clip
from contactlib.exceptions import InvalidLinkError

if TYPE_CHECKING:
    from contactlib._model import Contact

_DEFAULT_LIMIT = 100


@click.command("list")
@click.option(
    "--party",
    metavar="TYPE:NAME",
    help="Only contacts linked to this party, such as Customer:CUST-0042.",
)
@click.option(
    "--party-type",
    callback=check_text,
    help="Party type; use with --party-name.",
)
@click.option(
    "--party-name",
    callback=check_text,
    help="Party name; use with --party-type.",
)
@click.option(
    "--search",
    default="",
    metavar="TEXT",
    help="Only contacts whose names, company, e-mails, phones or links "
    "contain TEXT, ignoring letter case.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=_DEFAULT_LIMIT,
    show_default=True,
    help="Maximum number of contacts to print; 0 prints all.",
)
@json_option
@click.pass_context
def list_contacts(  # noqa: PLR0917
    ctx: click.Context,
    party: str | None,
    party_type: str | None,
    party_name: str | None,
    search: str,
    limit: int,
) -> None:
    """List contacts, ordered by id."""
    settings = settings_of(ctx)
    party_ref = _party_filter(party, party_type, party_name)
    with opened_service(settings) as service:
        found = service.search(search, party=party_ref)
        if limit:
            contacts = list(itertools.islice(found, limit + 1))
            more = len(contacts) > limit
            contacts = contacts[:limit]
        else:
            contacts, more = list(found), False
    if settings.json:
        echo_json(
            {
                "contacts": [contact_json(c) for c in contacts],
                "more": more,
            }
        )
        return
    if not contacts:
        click.echo("No contacts match.")
        return
    print_contact_table(contacts)
    if more:
        shown = (
            "the first contact is"
            if limit == 1
            else f"the first {limit} contacts are"
        )
        click.echo(f"Only {shown} shown; raise --limit to see more.")


def _party_filter(
    party: str | None, party_type: str | None, party_name: str | None
) -> PartyRef | None:
    if party is not None and (party_type or party_name):
        raise CliError("give --party or --party-type/--party-name, not both")
    if party is not None:
        return parse_party(party)
    if party_type is None and party_name is None:
        return None
    if not party_type or not party_name:
        raise CliError("give both --party-type and --party-name")
    return PartyRef(party_type, party_name)


@click.command()
@click.argument("contact_id", metavar="ID")
@json_option
@click.pass_context
def show(ctx: click.Context, contact_id: str) -> None:
    """Show every field of one contact.

    ID may be the start of an id, as long as only one id starts with it.
    """
    settings = settings_of(ctx)
    with opened_service(settings) as service:
        contact = service.repository.get(
            resolve_contact_id(service, contact_id)
        )
    if settings.json:
        echo_json(contact_json(contact))
    else:
        print_contact(contact)


@click.command()
@click.argument("party_type", callback=check_text)
@click.argument("party_name", callback=check_text)
@click.option(
    "--role",
    callback=check_roles,
    help="Prefer contacts with this role for the party, such as billing.",
)
@json_option
@click.pass_context
def default(
    ctx: click.Context, party_type: str, party_name: str, role: str | None
) -> None:
    """Print the default contact of a party, as a sales order picks it.

    The rules, in order: the primary contact with the role, the only
    contact with the role, the primary contact, the only contact.  When
    none applies, print the reason and the candidates and exit with
    status 3.
    """
    settings = settings_of(ctx)
    party = PartyRef(party_type, party_name)
    with opened_service(settings) as service:
        if service.party_types is not None:
            # A misspelt type has no contacts, so report the spelling
            # instead of "no contacts".
            service.party_types.get(party.party_type)
        resolution = service.resolve_default(party, role)
        names = {}
        for contact_id in resolution.candidates:
            candidate = service.repository.find(contact_id)
            if candidate is not None:
                names[contact_id] = candidate.display_name
    if settings.json:
        echo_json(resolution_json(resolution, names))
    else:
        print_resolution(resolution, names)
    if not resolution:
        ctx.exit(EXIT_NO_DEFAULT)


@click.command()
@click.option("--email", metavar="ADDRESS", help="E-mail address to find.")
@click.option(
    "--phone",
    metavar="NUMBER",
    help="Phone number to find, in any formatting; numbers without a "
    "country code need --region.",
)
@json_option
@click.pass_context
def find(ctx: click.Context, email: str | None, phone: str | None) -> None:
    """Find the contacts with an e-mail address or a phone number.

    E-mail addresses match ignoring letter case; phone numbers match on
    their international (E.164) form, whatever their formatting.
    """
    settings = settings_of(ctx)
    if (email is None) == (phone is None):
        raise CliError("give exactly one of --email and --phone")
    with opened_service(settings) as service:
        contacts = (
            service.find_by_email(email)
            if email is not None
            else service.find_by_phone(phone or "")
        )
    if settings.json:
        echo_json({"contacts": [contact_json(c) for c in contacts]})
    elif contacts:
        print_contact_table(contacts)
    else:
        click.echo("No contact has it.")


@click.command()
@click.argument("contact_id", metavar="ID")
@click.argument("party_type", callback=check_text)
@click.argument("party_name", callback=check_text)
@click.option(
    "--title",
    default="",
    callback=check_text,
    help="Display title of the party.",
)
@click.option(
    "--role",
    "roles",
    multiple=True,
    callback=check_roles,
    help="Role of the contact for the party, such as billing; repeat the "
    "option for several roles.",
)
@click.option(
    "--primary",
    is_flag=True,
    help="Make the contact the primary contact of the party; the current "
    "one loses the mark.",
)
@json_option
@click.pass_context
def link(  # noqa: PLR0917
    ctx: click.Context,
    contact_id: str,
    party_type: str,
    party_name: str,
    title: str,
    roles: tuple[str, ...],
    primary: bool,
) -> None:
    """Link a contact to a party.

    Linking a contact that is already linked adds the roles and keeps
    the title it has.
    """
    settings = settings_of(ctx)
    party = PartyRef(party_type, party_name)
    with opened_service(settings) as service:
        contact = service.link(
            resolve_contact_id(service, contact_id),
            party,
            title=title,
            roles=roles,
            primary=primary,
        )
    _print_changed(settings.json, contact, f"Linked to {clip(str(party))}.")


@click.command()
@click.argument("contact_id", metavar="ID")
@click.argument("party_type", callback=check_text)
@click.argument("party_name", callback=check_text)
@json_option
@click.pass_context
def unlink(
    ctx: click.Context, contact_id: str, party_type: str, party_name: str
) -> None:
    """Remove a contact's link to a party."""
    settings = settings_of(ctx)
    party = PartyRef(party_type, party_name)
    with opened_service(settings) as service:
        full_id = resolve_contact_id(service, contact_id)
        try:
            contact = service.unlink(full_id, party)
        except InvalidLinkError as error:
            raise CliError(
                f"contact {full_id} is not linked to {clip(str(party))}, so "
                "there is "
                f"no link to remove; `contactlib show {full_id}` lists its "
                "links"
            ) from error
    _print_changed(
        settings.json, contact, f"Unlinked from {clip(str(party))}."
    )


@click.command("set-primary")
@click.argument("party_type", callback=check_text)
@click.argument("party_name", callback=check_text)
@click.argument("contact_id", metavar="ID")
@json_option
@click.pass_context
def set_primary(
    ctx: click.Context, party_type: str, party_name: str, contact_id: str
) -> None:
    """Make a contact the primary contact of a party.

    The contact must be linked to the party.  The party's previous
    primary contact loses the mark in the same transaction.
    """
    settings = settings_of(ctx)
    party = PartyRef(party_type, party_name)
    with opened_service(settings) as service:
        full_id = resolve_contact_id(service, contact_id)
        previous = service.repository.find_primary(party)
        contact = service.set_primary(party, full_id)
    previous_id = None if previous is None else previous.contact_id
    if settings.json:
        echo_json(
            {
                "contact": contact_json(contact),
                "previous_primary_id": previous_id,
            }
        )
        return
    message = f"Primary contact of {clip(str(party))}."
    if previous_id is not None and previous_id != full_id:
        message += f" Contact {previous_id} is no longer primary."
    _print_changed(settings.json, contact, message)


def _print_changed(as_json: bool, contact: Contact, message: str) -> None:
    if as_json:
        echo_json({"contact": contact_json(contact)})
        return
    click.echo(message)
    print_contact(contact)
