"""Settings, errors, exit statuses and storage access for every command."""

from __future__ import annotations

import contextlib
import enum
import json
import sqlite3
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs
import click
import phonenumbers
from click.core import ParameterSource

from contactlib._normalize import normalize_name
from contactlib._services import ContactService
from contactlib._values import PartyRef
from contactlib.cli._text import shorten_quoted
from contactlib.exceptions import (
    ContactlibError,
    ContactNotFoundError,
    ImportFileError,
    InvalidContactError,
    InvalidNameError,
    InvalidValueError,
    NotFoundError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from contactlib.ports import ContactRepository

EXIT_OK = 0
"""The command did what was asked."""
EXIT_FAILURE = 1
"""The command failed: storage error, conflict, or rejected rows with
``--fail-on-reject``."""
EXIT_BAD_INPUT = 2
"""Usage error or bad input: an unknown option, an invalid e-mail address
or phone number, an unknown contact id, a file that cannot be read."""
EXIT_NO_DEFAULT = 3
"""``default`` found no default contact for the party."""

DEFAULT_DB = "contacts.sqlite3"
DB_ENV = "CONTACTLIB_DB"
REGION_ENV = "CONTACTLIB_REGION"

_F = TypeVar("_F", bound="Callable[..., Any]")

_SQLITE_HEADER = b"SQLite format 3\x00"
_MAX_LISTED_MATCHES = 5


@attrs.define
class Settings:
    """Options given before the command name.

    Attributes:
        db: Path of the SQLite database.
        region: Default region for phone numbers, or ``None``.
        json: Whether to print JSON instead of text.
    """

    db: Path
    region: str | None
    json: bool = False


class CliError(click.ClickException):
    """Bad input, shown as one ``error: ...`` line on standard error."""

    exit_code: ClassVar[int] = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        """Hold *message*, made one line, with long quoted values cut."""
        super().__init__(shorten_quoted(" ".join(message.split())))

    def show(self, file: Any = None) -> None:  # noqa: ANN401
        """Print the one-line message to standard error."""
        click.echo(f"error: {self.message}", file=file, err=file is None)


class CliFailureError(CliError):
    """A failure that is not the user's input, such as a storage error."""

    exit_code: ClassVar[int] = EXIT_FAILURE


def error_from(error: BaseException) -> CliError:  # noqa: PLR0911
    """Turn an exception raised by the library or the OS into a CliError.

    Raises:
        BaseException: *error* itself when it is not one of the expected
            kinds, so that real bugs keep their traceback.
    """
    match error:
        case InvalidContactError():
            problems = "; ".join(
                f"{field}: {reason}" for field, reason in error.problems
            )
            return CliError(f"invalid contact: {problems}")
        case InvalidValueError() | ImportFileError() | NotFoundError():
            return CliError(str(error))
        case ContactlibError():
            return CliFailureError(str(error))
        case (
            FileNotFoundError()
            | PermissionError()
            | IsADirectoryError()
            | NotADirectoryError()
        ):
            reason = (error.strerror or type(error).__name__).lower()
            return CliError(f"cannot open {error.filename}: {reason}")
        case UnicodeError():
            return CliError(
                f"cannot decode the input: {error}; give its encoding "
                "with --encoding"
            )
        case OSError():
            return CliFailureError(f"input/output error: {error}")
        case sqlite3.Error():
            return CliFailureError(f"database error: {error}")
    raise error


class ContactlibGroup(click.Group):
    """Command group that turns expected errors into one-line messages."""

    def invoke(self, ctx: click.Context) -> Any:  # noqa: ANN401
        """Run the chosen command, mapping errors to exit statuses."""
        try:
            return super().invoke(ctx)
        except (
            ContactlibError,
            OSError,
            UnicodeError,
            sqlite3.Error,
        ) as error:
            raise error_from(error) from error


def _set_json(
    ctx: click.Context, _param: click.Parameter, value: bool
) -> None:
    if value:
        settings_of(ctx).json = True


def json_option(command: _F) -> _F:
    """Add the ``--json`` flag to a command."""
    return click.option(
        "--json",
        is_flag=True,
        expose_value=False,
        callback=_set_json,
        help="Print machine-readable JSON instead of text.",
    )(command)


def check_region(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    """Validate a region code from the command line or the environment.

    Raises:
        CliError: The code is not a region of the phone number metadata.
            The message names its source: ``--region`` or the
            environment variable.
    """
    if value is None or not value.strip():
        return None
    region = value.strip().upper()
    if region in phonenumbers.SUPPORTED_REGIONS:
        return region
    codes = "an ISO 3166 alpha-2 country code such as DE, IN or US"
    source = ctx.get_parameter_source(param.name or "")
    if source is ParameterSource.ENVIRONMENT:
        raise CliError(
            f"unknown region {value!r} in the environment variable "
            f"{REGION_ENV}; set it to {codes}, or unset it"
        )
    raise CliError(
        f"unknown region {value!r} given with --region; give {codes}"
    )


def _parameter_name(param: click.Parameter) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name


def check_text(
    _ctx: click.Context,
    param: click.Parameter,
    value: str | tuple[str, ...] | None,
) -> str | tuple[str, ...] | None:
    """Check a party name, title or role as the model will check it.

    The model's message names its own field, such as ``text``; this one
    names the option or argument, such as ``--title``.

    Raises:
        CliError: The value is too long or contains a control character.
    """
    values = value if isinstance(value, tuple) else (value,)
    for text in values:
        if text is None:
            continue
        try:
            normalize_name(text, "text")
        except InvalidNameError as error:
            name = _parameter_name(param)
            raise CliError(f"{name} {error.reason}") from error
    return value


def check_roles(
    ctx: click.Context,
    param: click.Parameter,
    value: str | tuple[str, ...] | None,
) -> str | tuple[str, ...] | None:
    """Reject an empty ``--role``, then check the roles like `check_text`.

    Raises:
        click.UsageError: A role is empty or only spaces.
    """
    values = value if isinstance(value, tuple) else (value,)
    if any(role is not None and not role.strip() for role in values):
        message = (
            f"{_parameter_name(param)} needs a role name, such as billing; "
            "leave the option out for no role"
        )
        raise click.UsageError(message, ctx)
    return check_text(ctx, param, value)


class DatabaseState(enum.Enum):
    """Kind of file at a ``--db`` path, as far as contactlib is concerned."""

    MISSING = "missing"
    """No file at the path."""
    EMPTY = "empty"
    """An empty file, or a SQLite database with no tables."""
    CONTACTS = "contacts"
    """A SQLite database with the contact schema."""
    OTHER = "other"
    """A SQLite database with tables of another program only."""


def database_state(path: Path) -> DatabaseState:
    """Return the kind of file at *path*, without changing the file.

    Raises:
        CliError: The path exists but is not a SQLite database.
        sqlite3.Error: The file has a SQLite header but cannot be read.
    """
    from contactlib.adapters._sqlite_schema import (  # noqa: PLC0415
        has_tables,
        stored_version,
    )

    if not path.exists():
        return DatabaseState.MISSING
    _check_sqlite_file(path)
    # mode=rw never creates a file.  It is not mode=ro, because a
    # read-only connection to a WAL file leaves its -wal and -shm files
    # behind; a read-write one removes them when it closes.
    uri = path.absolute().as_uri() + "?mode=rw"
    connection = sqlite3.connect(uri, uri=True)
    try:
        if stored_version(connection):
            return DatabaseState.CONTACTS
        if has_tables(connection):
            return DatabaseState.OTHER
        return DatabaseState.EMPTY
    finally:
        connection.close()


def open_repository(path: Path, *, create: bool) -> ContactRepository:
    """Open the contact database at *path*.

    Args:
        path: The database file.
        create: Create the file, or the contact schema in an empty file,
            when it is missing.  A SQLite file that contains another
            program's tables is never changed.

    Raises:
        CliError: The file does not exist or has no contact schema and
            *create* is false, its folder does not exist, it is not a
            SQLite database, or it contains another program's tables.
    """
    from contactlib.adapters.sqlite import (  # noqa: PLC0415
        SqliteContactRepository,
    )

    state = database_state(path)
    if state is DatabaseState.MISSING and not create:
        raise CliError(
            f"database {path} not found; import contacts first with "
            "`contactlib import FILE`, or give the database with --db"
        )
    if state is DatabaseState.MISSING and not path.parent.is_dir():
        raise CliError(
            f"cannot create database {path}: folder {path.parent} does not "
            "exist; create it or give another path with --db"
        )
    if state is DatabaseState.OTHER:
        raise CliError(
            f"{path} is a SQLite database of another program: it has "
            "tables but no contacts; give the path of a contactlib "
            "database or of a new file with --db"
        )
    if state is DatabaseState.EMPTY and not create:
        raise CliError(
            f"{path} is not a contactlib database: it is empty; import "
            "contacts into it first with `contactlib import FILE`, or "
            "check --db"
        )
    return SqliteContactRepository(path, create=create)


def _check_sqlite_file(path: Path) -> None:
    with path.open("rb") as file:
        header = file.read(len(_SQLITE_HEADER))
    if header and header != _SQLITE_HEADER:
        raise CliError(
            f"{path} is not a SQLite database; give the path of a "
            "contactlib database with --db"
        )


def settings_of(ctx: click.Context) -> Settings:
    """Return the settings that the command group stored."""
    settings = ctx.find_object(Settings)
    if settings is None:
        message = "the command runs outside the contactlib group"
        raise RuntimeError(message)
    return settings


@contextlib.contextmanager
def opened_service(
    settings: Settings, *, create: bool = False
) -> Iterator[ContactService]:
    """Open the database and yield a service over it; close it after."""
    repository = open_repository(settings.db, create=create)
    try:
        yield ContactService(repository, default_region=settings.region)
    finally:
        repository.close()


def resolve_contact_id(service: ContactService, text: str) -> str:
    """Return the id of the one contact whose id is or starts with *text*.

    An exact id wins.  Otherwise *text* is matched as the start of an id
    with its letter case, and when that matches nothing, ignoring letter
    case, so ``3F0C`` finds ``3f0c…``.

    Raises:
        ContactNotFoundError: No id starts with *text*.
        CliError: Several ids start with *text*.
    """
    repository = service.repository
    prefix = text.strip()
    if not prefix:
        raise ContactNotFoundError(text)
    if repository.find(prefix) is not None:
        return prefix
    # NOTE: the repository port has no prefix look-up, so a prefix is
    # matched by reading every contact; an exact id never is.
    folded = prefix.casefold()
    matches: list[str] = []
    folded_matches: list[str] = []
    for contact in repository:
        contact_id = contact.contact_id
        if contact_id.startswith(prefix):
            matches.append(contact_id)
        elif contact_id.casefold().startswith(folded):
            folded_matches.append(contact_id)
    matches = matches or folded_matches
    if not matches:
        raise ContactNotFoundError(text)
    if len(matches) > 1:
        listed = ", ".join(matches[:_MAX_LISTED_MATCHES])
        more = "" if len(matches) <= _MAX_LISTED_MATCHES else ", …"
        raise CliError(
            f"id prefix {text!r} matches {len(matches)} contacts "
            f"({listed}{more}); give more characters"
        )
    return matches[0]


def parse_party(text: str) -> PartyRef:
    """Parse ``TYPE:NAME``, splitting at the first colon.

    Raises:
        CliError: There is no colon.
    """
    party_type, colon, party_name = text.partition(":")
    if not colon:
        raise CliError(
            f"party {text!r} has no colon; write it as TYPE:NAME, such as "
            "Customer:CUST-0042"
        )
    return PartyRef(party_type, party_name)


def echo_json(data: object) -> None:
    """Print *data* as indented JSON, keeping non-ASCII characters."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
