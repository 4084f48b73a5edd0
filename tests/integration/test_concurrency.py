import contextlib
import functools
import multiprocessing
import sqlite3
import threading

import pytest
from concurrency_workload import (
    OPERATIONS,
    WORKERS,
    Checker,
    final_problems,
    postgresql_repository,
    primary_violations,
    run_worker,
    seed_contacts,
    sqlite_repository,
    summary,
)
from integration_support import empty_tables

sa = pytest.importorskip("sqlalchemy")

from contactlib.adapters.sqlalchemy import links_table  # noqa: E402


def duplicate_rows(engine):
    """Return link rows that occur twice, and parties with two primaries.

    Reads the SQLAlchemy adapter's tables.
    """
    links = links_table.c
    with engine.connect() as connection:
        twice = connection.execute(
            sa.select(links.party_type, links.party_name, links.contact_id)
            .group_by(links.party_type, links.party_name, links.contact_id)
            .having(sa.func.count() > 1)
        ).all()
        primaries = connection.execute(
            sa.select(links.party_type, links.party_name)
            .where(links.is_primary)
            .group_by(links.party_type, links.party_name)
            .having(sa.func.count() > 1)
        ).all()
    return [f"duplicate link {row}" for row in twice] + [
        f"two primaries {row}" for row in primaries
    ]


def duplicate_rows_sqlite(path):
    """Return the same problems as `duplicate_rows`, in the SQLite adapter."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        twice = connection.execute(
            "SELECT party_type, party_name, contact_id FROM contact_link "
            "GROUP BY party_type, party_name, contact_id HAVING count(*) > 1"
        ).fetchall()
        primaries = connection.execute(
            "SELECT party_type, party_name FROM contact_link "
            "WHERE is_primary = 1 GROUP BY party_type, party_name "
            "HAVING count(*) > 1"
        ).fetchall()
    return [f"duplicate link {row}" for row in twice] + [
        f"two primaries {row}" for row in primaries
    ]


def run_threads(factory):
    """Run the workers as threads sharing one repository."""
    repository = factory()
    results = [None] * WORKERS

    def work(worker):
        results[worker] = run_worker(
            factory, worker, OPERATIONS // WORKERS, worker, repository
        )

    threads = [
        threading.Thread(target=work, args=(w,)) for w in range(WORKERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    repository.close()
    return results


def run_processes(factory):
    """Run the workers as processes started with "spawn"."""
    context = multiprocessing.get_context("spawn")
    arguments = [
        (factory, worker, OPERATIONS // WORKERS, 100 + worker)
        for worker in range(WORKERS)
    ]
    with context.Pool(WORKERS) as pool:
        return pool.starmap(run_worker, arguments)


def run_and_check(factory, duplicates, run):
    """Run the workload while a checker watches, then check the result.

    Args:
        factory: Makes a repository on the shared database.
        duplicates: Returns duplicate link rows and double primaries,
            read from the adapter's tables in single statements.
        run: Runs the workers and returns their results.
    """
    repository = factory()
    seed_contacts(repository)

    def check():
        with repository.transaction():
            problems = primary_violations(repository)
        return problems + duplicates()

    checker = Checker(check)
    checker.start()
    try:
        results = run(factory)
    finally:
        checker.stop.set()
        checker.join()

    counts = summary(results)
    problems = final_problems(repository, results) + duplicates()
    repository.close()
    return counts, checker, problems


def assert_clean(counts, checker, problems):
    """Assert that the run kept every rule and did real work."""
    assert problems == []
    assert checker.problems == []
    assert checker.rounds >= 3
    assert counts["unexpected"] == 0
    assert counts["accepted"] + counts["rejected"] == OPERATIONS
    assert counts["accepted"] > OPERATIONS // 2


class TestPostgresql:
    @pytest.fixture
    def factory(self, postgresql_url, postgresql_engine):
        """Return a repository factory on the emptied database."""
        empty_tables(postgresql_engine)
        return functools.partial(postgresql_repository, postgresql_url)

    def test_threads(self, factory, postgresql_engine):
        """Eight threads keep every rule on PostgreSQL."""
        counts, checker, problems = run_and_check(
            factory,
            functools.partial(duplicate_rows, postgresql_engine),
            run_threads,
        )

        assert_clean(counts, checker, problems)

    def test_processes(self, factory, postgresql_engine):
        """Eight processes keep every rule on PostgreSQL."""
        counts, checker, problems = run_and_check(
            factory,
            functools.partial(duplicate_rows, postgresql_engine),
            run_processes,
        )

        assert_clean(counts, checker, problems)


class TestSqliteFile:
    def test_processes(self, tmp_path):
        """Eight processes keep every rule on one SQLite file."""
        path = str(tmp_path / "contacts.sqlite3")
        factory = functools.partial(sqlite_repository, path)

        counts, checker, problems = run_and_check(
            factory,
            functools.partial(duplicate_rows_sqlite, path),
            run_processes,
        )

        assert_clean(counts, checker, problems)
