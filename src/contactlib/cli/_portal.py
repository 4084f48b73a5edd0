"""Shared parts of the portal commands, and invitations, scope, accept.

Contacts, portal users and invitations share the database file given with
``--db``: users go to `SQLiteUserDirectory`, invitations to
`SQLiteInvitationStore`.
"""

from __future__ import annotations

import contextlib
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from contactlib._invitations import InvitationService
from contactlib._portal_model import Invitation, InvitationStatus
from contactlib.adapters.sqlite_invitations import SQLiteInvitationStore
from contactlib.adapters.sqlite_users import SQLiteUserDirectory
from contactlib.cli._base import (
    CliError,
    echo_json,
    json_option,
    open_repository,
    settings_of,
)
from contactlib.exceptions import InvitationTokenError, MailerError
from contactlib.ports import Mailer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import timedelta

    from contactlib.cli._base import Settings
    from contactlib.ports import OutgoingMessage

DEFAULT_PORTAL_TYPES = ("Customer", "Supplier")
"""Party types whose contacts may use the portal, as in ERPNext."""

PORTAL_TYPES_ENV = "CONTACTLIB_PORTAL_TYPES"
ACCEPT_URL_ENV = "CONTACTLIB_ACCEPT_URL"
_NONE = "-"


class _NoMailer(Mailer):
    """Mailer of commands that never send, so any send is a bug."""

    def send(self, message: OutgoingMessage) -> None:  # noqa: ARG002
        """Raise, because this command sends no mail."""
        raise MailerError("this command sends no mail")


def portal_types_option(command: Callable[..., Any]) -> Any:  # noqa: ANN401
    """Add the repeatable ``--portal-type`` option to a command."""
    return click.option(
        "--portal-type",
        "portal_types",
        multiple=True,
        envvar=PORTAL_TYPES_ENV,
        show_envvar=True,
        default=DEFAULT_PORTAL_TYPES,
        show_default=True,
        metavar="TYPE",
        help="Party type whose contacts may use the portal; repeat for "
        "several.  The environment variable takes names separated by "
        "spaces.",
    )(command)


@contextlib.contextmanager
def opened_invitation_service(
    settings: Settings,
    *,
    portal_types: tuple[str, ...],
    mailer: Mailer | None = None,
    accept_url: str = "{token}",
    lifetime: timedelta | None = None,
    respect_unsubscribe: bool = False,
) -> Iterator[InvitationService]:
    """Open the database's three stores and yield a service over them."""
    with contextlib.ExitStack() as stack:
        repository = stack.enter_context(
            open_repository(settings.db, create=False)
        )
        users = stack.enter_context(SQLiteUserDirectory(settings.db))
        invitations = stack.enter_context(SQLiteInvitationStore(settings.db))
        options: dict[str, Any] = {}
        if lifetime is not None:
            options["token_lifetime"] = lifetime
        yield InvitationService(
            contacts=repository,
            users=users,
            invitations=invitations,
            mailer=mailer or _NoMailer(),
            portal_types=frozenset(portal_types),
            accept_url=accept_url,
            respect_unsubscribe=respect_unsubscribe,
            **options,
        )


def format_time(moment: datetime | None) -> str:
    """Return *moment* in UTC to the minute, or ``-`` for none."""
    if moment is None:
        return _NONE
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _json_time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def invitation_json(
    invitation: Invitation, status: InvitationStatus
) -> dict[str, Any]:
    """Return *invitation* as a JSON object, without its token hash."""
    return {
        "invitation_id": invitation.invitation_id,
        "contact_id": invitation.contact_id,
        "user_id": invitation.user_id,
        "email": invitation.email,
        "status": status.value,
        "created_at": _json_time(invitation.created_at),
        "expires_at": _json_time(invitation.expires_at),
        "sent_at": _json_time(invitation.sent_at),
        "accepted_at": _json_time(invitation.accepted_at),
        "attempts": invitation.attempts,
        "last_error": invitation.last_error,
    }


@click.command()
@click.option(
    "--status",
    type=click.Choice([status.value for status in InvitationStatus]),
    help="Only invitations in this state.",
)
@json_option
@click.pass_context
def invitations(ctx: click.Context, status: str | None) -> None:
    """List invitations: pending, sent, accepted and expired.

    Pending invitations were stored but their message was not sent; run
    `contactlib invite ID` again to send them.
    """
    settings = settings_of(ctx)
    selected = None if status is None else InvitationStatus(status)
    with opened_invitation_service(settings, portal_types=()) as service:
        now = service.clock.now()
        rows = [
            (invitation, invitation.status(now))
            for invitation in service.list_invitations(selected)
        ]
    if settings.json:
        echo_json({"invitations": [invitation_json(i, s) for i, s in rows]})
        return
    if not rows:
        click.echo("No invitations match.")
        return
    _print_table(
        [
            (
                invitation.invitation_id,
                invitation.contact_id,
                invitation.user_id,
                state.value,
                str(invitation.attempts),
                format_time(invitation.expires_at),
                invitation.last_error or _NONE,
            )
            for invitation, state in rows
        ]
    )


_INVITATION_HEADERS = (
    "Invitation",
    "Contact",
    "User",
    "Status",
    "Attempts",
    "Expires",
    "Last error",
)


def _print_table(rows: list[tuple[str, ...]]) -> None:
    # A terminal gets a rich table; a pipe or file gets plain columns
    # that are never cut, as `contactlib list` prints them.
    if sys.stdout.isatty():
        table = Table(box=None, pad_edge=False, header_style="bold")
        for title in _INVITATION_HEADERS:
            table.add_column(title, no_wrap=title != "Last error")
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        Console(highlight=False).print(table)
        return
    lines = [_INVITATION_HEADERS, *rows]
    widths = [
        max(cell_len(line[index]) for line in lines)
        for index in range(len(_INVITATION_HEADERS))
    ]
    for line in lines:
        padded = (
            cell + " " * (width - cell_len(cell))
            for cell, width in zip(line, widths, strict=True)
        )
        click.echo("  ".join(padded).rstrip())


@click.command()
@click.argument("user_id", metavar="USER")
@portal_types_option
@json_option
@click.pass_context
def scope(
    ctx: click.Context, user_id: str, portal_types: tuple[str, ...]
) -> None:
    """Print the parties a portal user may see.

    These are the parties of portal-enabled types that the user's contact
    links to.  A user that is unknown, not enabled yet, or linked to no
    contact has none.
    """
    settings = settings_of(ctx)
    with opened_invitation_service(
        settings, portal_types=portal_types
    ) as service:
        parties = sorted(service.scope(user_id))
    if settings.json:
        echo_json(
            {
                "user_id": user_id,
                "parties": [
                    {
                        "party_type": party.party_type,
                        "party_name": party.party_name,
                    }
                    for party in parties
                ],
            }
        )
        return
    if not parties:
        click.echo(
            f"User {user_id} may see no parties: the user is unknown, not "
            "enabled yet, or linked to no contact with a portal party."
        )
        return
    for party in parties:
        click.echo(f"{party.party_type}\t{party.party_name}")


@click.command()
@click.argument("token")
@json_option
@click.pass_context
def accept(ctx: click.Context, token: str) -> None:
    """Accept an invitation with the token from its link and enable the user.

    This is what the host's portal does when the link is opened; use it to
    try invitations written with --outbox.
    """
    settings = settings_of(ctx)
    with opened_invitation_service(settings, portal_types=()) as service:
        try:
            user = service.accept(token)
        except InvitationTokenError as error:
            raise CliError(str(error)) from error
    if settings.json:
        echo_json({"user_id": user.user_id, "enabled": user.enabled})
        return
    click.echo(f"User {user.user_id} is enabled and can log in.")
