"""Measure import throughput into PostgreSQL and SQLite.

Imports one generated CSV file (the same generator as ``bench.py``) with
`contactlib.interchange.import_file` into each storage adapter: the
standard-library SQLite adapter, the SQLAlchemy adapter on a SQLite file
and the SQLAlchemy adapter on PostgreSQL.  Without ``--postgresql-url``
the script starts a throw-away PostgreSQL server from ``initdb`` and
``pg_ctl``, as the tests do, with durability turned off; the PostgreSQL
figures are then an upper bound for a server that syncs to disk.

Run it through nox (``nox -s bench``) or directly::

    python benchmarks/bench_postgresql.py --rows 20000 --output PAGE.md
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from bench import _cpu_name, clear_caches, timed, write_csv

from contactlib.adapters.sqlalchemy import (
    SqlAlchemyContactRepository,
    create_schema,
    create_sqlite_engine,
    metadata,
)
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.interchange import import_file

if TYPE_CHECKING:
    from collections.abc import Iterator

TESTS = Path(__file__).resolve().parent.parent / "tests"


@contextlib.contextmanager
def postgresql(url: str | None) -> Iterator[str]:
    """Yield *url*, or the URL of a throw-away server when it is None."""
    if url is not None:
        yield url
        return
    sys.path.insert(0, str(TESTS))
    import postgres_server  # noqa: PLC0415 - a helper of the test suite

    bin_dir = postgres_server.find_bin_dir()
    if bin_dir is None:
        sys.exit("PostgreSQL is not installed; give --postgresql-url")
    with postgres_server.start_server(bin_dir) as started:
        yield started


def main() -> None:
    """Run the imports and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--parties", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgresql-url")
    parser.add_argument("--output", type=Path)
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="contactlib-bench-"))
    source = work / "contacts.csv"
    write_csv(source, options.rows, options.parties, seed=1)
    runs = iter(range(10_000))

    def run_sqlite() -> int:
        clear_caches()
        path = work / f"run{next(runs)}.sqlite3"
        with SqliteContactRepository(path) as repository:
            return import_file(source, repository, region="DE").stored

    def run_sqlalchemy_sqlite() -> int:
        clear_caches()
        engine = create_sqlite_engine(work / f"run{next(runs)}.sqlite3")
        create_schema(engine)
        with SqlAlchemyContactRepository(engine) as repository:
            return import_file(source, repository, region="DE").stored

    with postgresql(options.postgresql_url) as url:
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            version = connection.dialect.server_version_info or ()
        options.server_version = ".".join(str(part) for part in version)

        def run_postgresql() -> int:
            clear_caches()
            metadata.drop_all(engine)
            create_schema(engine)
            repository = SqlAlchemyContactRepository(engine)
            return import_file(source, repository, region="DE").stored

        results = []
        for label, action in (
            ("SQLite adapter, SQLite file", run_sqlite),
            ("SQLAlchemy adapter, SQLite file", run_sqlalchemy_sqlite),
            ("SQLAlchemy adapter, PostgreSQL", run_postgresql),
        ):
            seconds, stored = timed(action, options.repeat)
            results.append((label, seconds, stored))
        metadata.drop_all(engine)
        engine.dispose()

    lines = [
        "| adapter | seconds | rows stored | rows per second |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines.extend(
        f"| {label} | {seconds:.3f} | {stored:,} | {stored / seconds:,.0f} |"
        for label, seconds, stored in results
    )
    table = "\n".join(lines)
    print(table)
    if options.output is not None:
        write_report(options, table)


def write_report(options: argparse.Namespace, table: str) -> None:
    """Write the table with the command and machine that produced it."""
    command = (
        f"python benchmarks/bench_postgresql.py --rows {options.rows} "
        f"--parties {options.parties} --repeat {options.repeat}"
    )
    server = (
        f"PostgreSQL {options.server_version}, given by URL"
        if options.postgresql_url
        else f"a throw-away PostgreSQL {options.server_version} server with "
        "fsync, synchronous_commit and full_page_writes off"
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    text = f"""# Import throughput by storage adapter

Produced by `nox -s bench`, which runs `{command}`.

Machine: {_cpu_name()}, {os.cpu_count()} cores, {platform.system()}
{platform.machine()}, Python {platform.python_version()}, SQLAlchemy
{sa.__version__}. PostgreSQL ran as {server}, on the same machine,
reached over TCP on 127.0.0.1.

Times are the median of {options.repeat} runs, wall clock, of `import_file`
on one generated CSV file of {options.rows:,} rows, each run into an empty
database, with the default batch of 500 rows per transaction. Validation
of the rows costs the same for every adapter, so the differences are the
cost of storage. The load average at the end of the run was {load}; other
processes on the machine slow every adapter, so compare figures only
within one run.

{table}
"""
    options.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
