"""The ``contactlib`` command group and its global options."""

from __future__ import annotations

from pathlib import Path

import click

from contactlib.cli._base import (
    DB_ENV,
    DEFAULT_DB,
    REGION_ENV,
    ContactlibGroup,
    Settings,
    check_region,
)
from contactlib.cli._commands import (
    default,
    find,
    link,
    list_contacts,
    set_primary,
    show,
    unlink,
)
from contactlib.cli._export import export_contacts
from contactlib.cli._import import import_files
from contactlib.cli._invite import invite
from contactlib.cli._policy_commands import (
    delete_party,
    merge_parties,
    record_reply,
    record_sent,
    rename_party,
    set_status,
)
from contactlib.cli._portal import accept, invitations, scope


@click.group(cls=ContactlibGroup)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    envvar=DB_ENV,
    default=DEFAULT_DB,
    show_default=True,
    show_envvar=True,
    help="SQLite database file.",
)
@click.option(
    "--region",
    metavar="CC",
    envvar=REGION_ENV,
    show_envvar=True,
    callback=check_region,
    help="Country assumed for phone numbers written without a country "
    "code, as an ISO 3166 alpha-2 code such as DE.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print machine-readable JSON instead of text.",
)
@click.version_option(package_name="contactlib")
@click.pass_context
def cli(
    ctx: click.Context, db: Path, region: str | None, as_json: bool
) -> None:
    """Import contact files and find the contact for a party.

    Exit status: 0 done, 1 failed (storage error, conflict, or rejected
    rows with --fail-on-reject), 2 usage error or bad input, 3 no
    default contact.
    """
    ctx.obj = Settings(db=db, region=region, json=as_json)


for _command in (
    import_files,
    export_contacts,
    list_contacts,
    show,
    default,
    find,
    link,
    unlink,
    set_primary,
    rename_party,
    merge_parties,
    delete_party,
    record_sent,
    record_reply,
    set_status,
    invite,
    invitations,
    scope,
    accept,
):
    cli.add_command(_command)
