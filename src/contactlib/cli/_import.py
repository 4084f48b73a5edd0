"""The ``import`` command: contact files into the database."""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import attrs
import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from contactlib._party_types import PartyTypeRegistry
from contactlib._upsert import UpsertKey
from contactlib.cli._base import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    EXIT_OK,
    DatabaseState,
    database_state,
    echo_json,
    error_from,
    json_option,
    open_repository,
    settings_of,
)
from contactlib.cli._render import print_report, report_json
from contactlib.exceptions import ContactlibError
from contactlib.interchange import MAPPING_FIELDS, Layout, import_file

if TYPE_CHECKING:
    from types import TracebackType

    from rich.progress import TaskID

    from contactlib.cli._base import Settings
    from contactlib.ports import ContactRepository

PROGRESS_DELAY = 0.5
"""Seconds an import runs before the progress bar appears."""


class ImportProgress:
    """A progress bar on standard error that appears only when needed.

    It shows nothing until the import has run for `PROGRESS_DELAY`
    seconds, so quick imports print only their report.

    Args:
        label: What is imported, shown beside the bar.
        enabled: Whether to show a bar at all.
        delay: Seconds to wait before the bar appears.
        console: Where to draw; standard error by default.
    """

    def __init__(
        self,
        label: str,
        *,
        enabled: bool,
        delay: float = PROGRESS_DELAY,
        console: Console | None = None,
    ) -> None:
        """Prepare a bar for *label*; nothing is drawn yet."""
        self.label = label
        self.enabled = enabled
        self.delay = delay
        self.console = console
        self._started = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Self:
        """Start the clock."""
        self._started = time.monotonic()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Remove the bar, if it was shown."""
        if self._progress is not None:
            self._progress.stop()

    def update(self, rows_read: int) -> None:
        """Show *rows_read* on the bar, drawing it once the delay passed."""
        if not self.enabled:
            return
        if self._progress is None:
            if time.monotonic() - self._started < self.delay:
                return
            self._start(rows_read)
        assert self._progress is not None  # noqa: S101
        assert self._task is not None  # noqa: S101
        self._progress.update(self._task, completed=rows_read)

    def _start(self, rows_read: int) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed} rows"),
            TimeElapsedColumn(),
            console=self.console or Console(stderr=True),
            transient=True,
        )
        self._task = self._progress.add_task(
            self.label, total=None, completed=rows_read
        )
        self._progress.start()


@attrs.frozen
class _FileOptions:
    file_format: str | None
    layout: str | None
    mapping: dict[str, str] | None
    encoding: str | None
    delimiter: str | None
    strict: bool
    dry_run: bool
    upsert: str | None = None


def _parse_mapping(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[str, str]:
    mapping = {}
    for value in values:
        column, equals, field = value.rpartition("=")
        if not equals or not column or not field:
            message = f"{value!r} is not COLUMN=FIELD, such as 'Roles=roles'"
            raise click.BadParameter(message)
        mapping[column] = field.strip()
    return mapping


def _wants_progress(settings: Settings) -> bool:
    return not settings.json and sys.stderr.isatty()


@click.command("import")
@click.argument("files", metavar="FILE...", nargs=-1, required=True)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check every row and report, but write nothing.",
)
@click.option(
    "--format",
    "file_format",
    metavar="FORMAT",
    help="File format: csv, vcard, json or xlsx; detected from the "
    "file's content by default.",
)
@click.option(
    "--layout",
    type=click.Choice([layout.value for layout in Layout]),
    help="Column layout of a spreadsheet; detected from the header by "
    "default.",
)
@click.option(
    "--map",
    "mapping",
    metavar="COLUMN=FIELD",
    multiple=True,
    callback=_parse_mapping,
    help="Read COLUMN into FIELD, overriding the layout; repeat for "
    "several columns.  FIELD is one of: " + ", ".join(MAPPING_FIELDS) + ".",
)
@click.option(
    "--link-column",
    metavar="COLUMN",
    help="Column of party names to link each row's contact to; needs "
    "--link-type.",
)
@click.option(
    "--link-type",
    metavar="TYPE",
    help="Party type of the names in --link-column, such as Customer.",
)
@click.option(
    "--encoding",
    metavar="NAME",
    help="Text encoding, such as utf-8 or cp1252; detected by default.",
)
@click.option(
    "--delimiter",
    metavar="CHAR",
    help="CSV cell delimiter; detected among comma, semicolon and tab "
    "by default.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Reject rows with phone numbers that are not valid, instead of "
    "storing them marked unvalidated.",
)
@click.option(
    "--upsert",
    type=click.Choice([key.value for key in UpsertKey]),
    help="Update the stored contact with the row's contact id or primary "
    "e-mail address instead of adding a duplicate.",
)
@click.option(
    "--fail-on-reject",
    is_flag=True,
    help="Exit with status 1 when any row was rejected.",
)
@json_option
@click.pass_context
def import_files(  # noqa: PLR0917
    ctx: click.Context,
    files: tuple[str, ...],
    dry_run: bool,
    file_format: str | None,
    layout: str | None,
    mapping: dict[str, str],
    link_column: str | None,
    link_type: str | None,
    encoding: str | None,
    delimiter: str | None,
    strict: bool,
    upsert: str | None,
    fail_on_reject: bool,
) -> None:
    """Import contact files into the database.

    Every row is stored or reported with its row number, column, value
    and reason.  The database is created when it does not exist.  Files
    are imported one after the other, each in batches of rows.
    """
    settings = settings_of(ctx)
    if (link_column is None) != (link_type is None):
        message = "give --link-column and --link-type together"
        raise click.UsageError(message)
    if link_column is not None and link_type is not None:
        mapping = {**mapping, link_column: f"link:{link_type}"}
    paths = [Path(name) for name in files]
    for path in paths:
        _check_readable(path)
    repository = _open_for_import(settings, dry_run=dry_run)
    results: list[dict[str, Any]] = []
    status = EXIT_OK
    try:
        for name, path in zip(files, paths, strict=True):
            result = _import_one(
                name,
                path,
                repository,
                settings,
                _FileOptions(
                    file_format=file_format,
                    layout=layout,
                    mapping=mapping or None,
                    encoding=encoding,
                    delimiter=delimiter,
                    strict=strict,
                    dry_run=dry_run,
                    upsert=upsert,
                ),
            )
            results.append(result)
            if "error" in result:
                status = EXIT_BAD_INPUT
            elif result["rejected"] and fail_on_reject and not status:
                status = EXIT_FAILURE
    finally:
        repository.close()
    if settings.json:
        echo_json({"files": results})
    ctx.exit(status)


def _check_readable(path: Path) -> None:
    if path.is_dir():
        raise IsADirectoryError(
            errno.EISDIR, os.strerror(errno.EISDIR), str(path)
        )
    if not path.exists():
        raise FileNotFoundError(
            errno.ENOENT, os.strerror(errno.ENOENT), str(path)
        )
    if not os.access(path, os.R_OK):
        raise PermissionError(
            errno.EACCES, os.strerror(errno.EACCES), str(path)
        )


def _open_for_import(
    settings: Settings, *, dry_run: bool
) -> ContactRepository:
    if not dry_run:
        return open_repository(settings.db, create=True)
    state = database_state(settings.db)
    if state in {DatabaseState.MISSING, DatabaseState.EMPTY}:
        # A dry run must not create the database, and an empty store gives
        # the same report as an empty database would.
        from contactlib.adapters.memory import (  # noqa: PLC0415
            MemoryContactRepository,
        )

        return MemoryContactRepository()
    return open_repository(settings.db, create=False)


def _import_one(
    name: str,
    path: Path,
    repository: ContactRepository,
    settings: Settings,
    options: _FileOptions,
) -> dict[str, Any]:
    try:
        with ImportProgress(
            name, enabled=_wants_progress(settings)
        ) as progress:
            report = import_file(
                path,
                repository,
                format=options.file_format,
                layout=options.layout,
                mapping=options.mapping,
                encoding=options.encoding,
                delimiter=options.delimiter,
                region=settings.region,
                strict=options.strict,
                dry_run=options.dry_run,
                on_progress=progress.update,
                upsert=options.upsert,
                party_types=PartyTypeRegistry.erpnext(),
            )
    except (ContactlibError, OSError, UnicodeError) as error:
        message = error_from(error).message
        click.echo(f"error: {message}", err=True)
        return {"file": name, "error": message}
    if not settings.json:
        print_report(name, report)
    return report_json(name, report)
