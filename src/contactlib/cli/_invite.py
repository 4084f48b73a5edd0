"""The ``invite`` command: invite a contact and send the message."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from contactlib._portal_model import InvitationStatus
from contactlib._services import ContactService
from contactlib.adapters.outbox import OutboxMailer
from contactlib.adapters.smtp import DEFAULT_TIMEOUT, SMTPMailer
from contactlib.cli._base import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    CliError,
    CliFailureError,
    echo_json,
    json_option,
    resolve_contact_id,
    settings_of,
)
from contactlib.cli._portal import (
    ACCEPT_URL_ENV,
    format_time,
    invitation_json,
    opened_invitation_service,
    portal_types_option,
)
from contactlib.cli._text import shorten_quoted
from contactlib.exceptions import InvitationNotSentError, NotEligibleError

if TYPE_CHECKING:
    from contactlib._invitations import InvitationService
    from contactlib._portal_model import InviteResult
    from contactlib.cli._base import Settings
    from contactlib.ports import Mailer


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
@portal_types_option
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
    with opened_invitation_service(
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
                    "message": shorten_quoted(item.message),
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
            "invitation": invitation_json(
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
                    else invitation_json(
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
        f"the link expires at {format_time(result.invitation.expires_at)}."
    )
