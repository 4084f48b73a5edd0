"""Commands for portal invitations: invite, invitations, scope, accept.

Contacts, portal users and invitations share the database file given with
``--db``: users go to `SQLiteUserDirectory`, invitations to
`SQLiteInvitationStore`.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich.table import Table
from rich.text import Text

from contactlib._invitations import InvitationService
from contactlib._portal_model import Invitation, InvitationStatus
from contactlib._services import ContactService
from contactlib.adapters.outbox import OutboxMailer
from contactlib.adapters.smtp import DEFAULT_TIMEOUT, SMTPMailer
from contactlib.adapters.sqlite_invitations import SQLiteInvitationStore
from contactlib.adapters.sqlite_users import SQLiteUserDirectory
from contactlib.cli._base import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    CliError,
    CliFailureError,
    echo_json,
    json_option,
    open_repository,
    resolve_contact_id,
    settings_of,
)
from contactlib.cli._render import _console
from contactlib.exceptions import (
    InvitationNotSentError,
    InvitationTokenError,
    MailerError,
    NotEligibleError,
)
from contactlib.ports import Mailer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from contactlib._invitations import InviteResult
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


def _portal_types_option(command: Callable[..., Any]) -> Any:  # noqa: ANN401
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
def _opened_service(
    settings: Settings,
    *,
    portal_types: tuple[str, ...],
    mailer: Mailer | None = None,
    accept_url: str = "{token}",
    lifetime: timedelta | None = None,
    respect_unsubscribe: bool = False,
) -> Iterator[InvitationService]:
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


def _mailer(options: dict[str, Any]) -> Mailer:
    outbox: Path | None = options["outbox"]
    host: str | None = options["smtp_host"]
    sender: str | None = options["sender"]
    if outbox is not None and host:
        raise CliError("give --outbox or --smtp-host, not both")
    if outbox is None and not host:
        raise CliError(
            "no way to send the message: give --smtp-host (or set "
            "CONTACTLIB_SMTP_HOST), or --outbox DIR to write it to a folder"
        )
    if not sender:
        raise CliError(
            "no sender address: give --sender (or set CONTACTLIB_MAIL_FROM)"
        )
    if outbox is not None:
        return OutboxMailer(
            outbox, sender=sender, sender_name=options["sender_name"]
        )
    assert host is not None  # noqa: S101 - checked above
    security = options["smtp_security"]
    return SMTPMailer(
        host,
        options["smtp_port"] or (465 if security == "tls" else 587),
        sender=sender,
        sender_name=options["sender_name"],
        starttls=security == "starttls",
        implicit_tls=security == "tls",
        username=options["smtp_user"],
        password=options["smtp_password"],
        timeout=options["smtp_timeout"],
    )


@click.command()
@click.argument("contact_id", metavar="ID")
@click.option(
    "--accept-url",
    envvar=ACCEPT_URL_ENV,
    show_envvar=True,
    metavar="URL",
    help="Link in the message, with {token} where the token goes, such as "
    "https://portal.example.com/accept?token={token}.",
)
@click.option(
    "--outbox",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write the message as an .eml file to DIR instead of sending it.",
)
@click.option(
    "--smtp-host",
    envvar="CONTACTLIB_SMTP_HOST",
    show_envvar=True,
    help="SMTP server to send through.",
)
@click.option(
    "--smtp-port",
    type=click.IntRange(1, 65535),
    envvar="CONTACTLIB_SMTP_PORT",
    show_envvar=True,
    help="SMTP port; 587 by default, 465 with --smtp-security tls.",
)
@click.option(
    "--smtp-security",
    type=click.Choice(["starttls", "tls", "none"]),
    envvar="CONTACTLIB_SMTP_SECURITY",
    show_envvar=True,
    default="starttls",
    show_default=True,
    help="starttls upgrades the connection, tls connects with TLS from "
    "the start, none sends in plain text.",
)
@click.option(
    "--smtp-user",
    envvar="CONTACTLIB_SMTP_USER",
    show_envvar=True,
    help="Log in to the SMTP server as this user.",
)
@click.option(
    "--smtp-password",
    envvar="CONTACTLIB_SMTP_PASSWORD",
    show_envvar=True,
    help="Password for --smtp-user.  Prefer the environment variable, "
    "because other users can see command-line options.",
)
@click.option(
    "--smtp-timeout",
    type=click.FloatRange(min=0, min_open=True),
    envvar="CONTACTLIB_SMTP_TIMEOUT",
    show_envvar=True,
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for the SMTP server to connect or respond.",
)
@click.option(
    "--sender",
    envvar="CONTACTLIB_MAIL_FROM",
    show_envvar=True,
    metavar="ADDRESS",
    help="From address of the message.",
)
@click.option(
    "--sender-name",
    envvar="CONTACTLIB_MAIL_FROM_NAME",
    show_envvar=True,
    default="",
    help="From display name of the message.",
)
@click.option(
    "--lifetime-days",
    type=click.FloatRange(min=0, min_open=True),
    default=7.0,
    show_default=True,
    help="Days until the token in the message expires.",
)
@click.option(
    "--respect-unsubscribe",
    is_flag=True,
    help="Refuse contacts who unsubscribed from mail.",
)
@_portal_types_option
@json_option
@click.pass_context
def invite(ctx: click.Context, /, contact_id: str, **options: Any) -> None:  # noqa: ANN401
    """Invite a contact to the portal and send the invitation.

    An account with the contact's e-mail address is linked, never
    duplicated.  Inviting again sends the open invitation again with a
    new token.  Exit status 2 lists every reason the contact cannot be
    invited, and 1 means sending failed and the invitation stays stored
    for the next try.
    """
    settings = settings_of(ctx)
    accept_url = options["accept_url"]
    if not accept_url:
        raise CliError(
            "no accept URL: give --accept-url (or set "
            f"{ACCEPT_URL_ENV}) with {{token}} where the token goes"
        )
    mailer = _mailer(options)
    with _opened_service(
        settings,
        portal_types=options["portal_types"],
        mailer=mailer,
        accept_url=accept_url,
        lifetime=timedelta(days=options["lifetime_days"]),
        respect_unsubscribe=options["respect_unsubscribe"],
    ) as service:
        contact_id = resolve_contact_id(
            ContactService(service.contacts), contact_id
        )
        try:
            result = service.invite(contact_id)
        except NotEligibleError as error:
            _not_eligible(ctx, settings, error)
        except InvitationNotSentError as error:
            _not_sent(ctx, settings, service, error)
    _print_invited(settings, result)


def _not_eligible(
    ctx: click.Context, settings: Settings, error: NotEligibleError
) -> NoReturn:
    if not settings.json:
        raise CliError(str(error)) from error
    echo_json(
        {
            "contact_id": error.contact_id,
            "invited": False,
            "reasons": [
                {
                    "reason": item.reason.value,
                    "code": item.code,
                    "message": item.message,
                }
                for item in error.reasons
            ],
        }
    )
    ctx.exit(EXIT_BAD_INPUT)


def _not_sent(
    ctx: click.Context,
    settings: Settings,
    service: InvitationService,
    error: InvitationNotSentError,
) -> NoReturn:
    cause = error.__cause__
    reason = str(cause) if cause is not None else str(error)
    if not settings.json:
        raise CliFailureError(
            f"sending invitation {error.invitation_id} for contact "
            f"{error.contact_id} failed: {reason}; the invitation stays "
            f"stored, so run `contactlib invite {error.contact_id}` again "
            "to send it"
        ) from error
    invitation = service.invitations.get(error.invitation_id)
    echo_json(
        {
            "contact_id": error.contact_id,
            "invited": False,
            "invitation": _invitation_json(
                invitation, service.status(invitation)
            ),
        }
    )
    ctx.exit(EXIT_FAILURE)


def _print_invited(settings: Settings, result: InviteResult) -> None:
    if settings.json:
        echo_json(
            {
                "contact_id": result.contact_id,
                "invited": result.invitation is not None,
                "user": {
                    "user_id": result.user.user_id,
                    "email": result.user.email,
                    "enabled": result.user.enabled,
                    "created": result.created_user,
                },
                "invitation": (
                    None
                    if result.invitation is None
                    else _invitation_json(
                        result.invitation, InvitationStatus.SENT
                    )
                ),
            }
        )
        return
    user = result.user
    if result.invitation is None:
        click.echo(
            f"Linked contact {result.contact_id} to user {user.user_id}, "
            "who can already log in; no invitation was sent."
        )
        return
    created = "new" if result.created_user else "existing"
    click.echo(
        f"Sent invitation {result.invitation.invitation_id} to "
        f"{result.invitation.email} for {created} user {user.user_id}; "
        f"the link expires at {_time(result.invitation.expires_at)}."
    )


def _time(moment: datetime | None) -> str:
    if moment is None:
        return _NONE
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _json_time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def _invitation_json(
    invitation: Invitation, status: InvitationStatus
) -> dict[str, Any]:
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
    with _opened_service(settings, portal_types=()) as service:
        now = service.clock.now()
        rows = [
            (invitation, invitation.status(now))
            for invitation in service.list_invitations(selected)
        ]
    if settings.json:
        echo_json({"invitations": [_invitation_json(i, s) for i, s in rows]})
        return
    if not rows:
        click.echo("No invitations match.")
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for title in (
        "Invitation",
        "Contact",
        "User",
        "Status",
        "Attempts",
        "Expires",
        "Last error",
    ):
        table.add_column(title, no_wrap=True)
    for invitation, state in rows:
        table.add_row(
            *(
                Text(cell)
                for cell in (
                    invitation.invitation_id,
                    invitation.contact_id,
                    invitation.user_id,
                    state.value,
                    str(invitation.attempts),
                    _time(invitation.expires_at),
                    invitation.last_error or _NONE,
                )
            )
        )
    _console().print(table)


@click.command()
@click.argument("user_id", metavar="USER")
@_portal_types_option
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
    with _opened_service(settings, portal_types=portal_types) as service:
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
    with _opened_service(settings, portal_types=()) as service:
        try:
            user = service.accept(token)
        except InvitationTokenError as error:
            raise CliError(str(error)) from error
    if settings.json:
        echo_json({"user_id": user.user_id, "enabled": user.enabled})
        return
    click.echo(f"User {user.user_id} is enabled and can log in.")
