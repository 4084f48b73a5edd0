"""Several processes sharing one SQLite file, and processes that crash."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from contactlib import Contact, Link, PartyRef
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.exceptions import PrimaryContactConflictError

CUSTOMER = PartyRef("Customer", "CUST-0001")

# Imports and a helper for every child process.  The child gets the file
# as its first argument and reports on its standard output.
_PRELUDE = """
import sys
from contactlib import Contact, Link
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.exceptions import PrimaryContactConflictError

def person(contact_id, primary=False):
    return Contact(
        contact_id=contact_id,
        first_name="Child " + contact_id,
        links=[Link("Customer", "CUST-0001", is_primary=primary)],
    )

repository = SqliteContactRepository(sys.argv[1])
"""


def start_child(path, body):
    """Start a Python process that runs *body* against the file."""
    code = _PRELUDE + textwrap.dedent(body)
    return subprocess.Popen(  # noqa: S603 - runs this interpreter
        [sys.executable, "-c", code, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(child):
    """Wait for *child* and return its output; fail if it failed."""
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    return out


def person(contact_id, *, primary=False):
    """Make a contact linked to the customer."""
    return Contact(
        contact_id=contact_id,
        first_name=f"Parent {contact_id}",
        links=[Link("Customer", "CUST-0001", is_primary=primary)],
    )


@pytest.fixture
def path(tmp_path):
    """Path of a database file, created by the parent process."""
    path = tmp_path / "contacts.sqlite3"
    SqliteContactRepository(path).close()
    return path


class TestSharedFile:
    """Writers in two processes see one consistent store."""

    def test_sees_other_process(self, path):
        """Contacts committed by another process are read whole."""
        with SqliteContactRepository(path) as repository:
            repository.add(person("p1", primary=True))

            finish(
                start_child(
                    path,
                    """
                    with repository.transaction():
                        for n in range(50):
                            repository.add(person(f"c{n:02}"))
                    """,
                )
            )

            contacts = repository.find_by_party(CUSTOMER)
            assert len(contacts) == 51
            assert len(repository) == 51
            assert repository.find_primary(CUSTOMER).contact_id == "p1"
            assert repository.get("c49").first_name == "Child c49"

    def test_writers_interleave(self, path):
        """Two processes adding at the same time lose no write."""
        child = start_child(
            path,
            """
            print("ready", flush=True)
            sys.stdin.readline()
            for n in range(200):
                repository.add(person(f"c{n:03}"))
            """,
        )
        assert child.stdout.readline() == "ready\n"
        with SqliteContactRepository(path) as repository:
            child.stdin.write("go\n")
            child.stdin.flush()
            for n in range(200):
                repository.add(person(f"p{n:03}"))

            finish(child)

            assert len(repository) == 400
            assert len(repository.find_by_party(CUSTOMER)) == 400

    def test_one_primary_across_processes(self, path):
        """Of two processes marking a primary for a party, one wins."""
        child = start_child(
            path,
            """
            sys.stdin.readline()
            try:
                repository.add(person("child", primary=True))
            except PrimaryContactConflictError as error:
                print("conflict", error.current_primary_id)
            else:
                print("stored")
            """,
        )
        with SqliteContactRepository(path) as repository:
            child.stdin.write("go\n")
            child.stdin.flush()
            try:
                repository.add(person("parent", primary=True))
            except PrimaryContactConflictError as error:
                parent_outcome = f"conflict {error.current_primary_id}"
            else:
                parent_outcome = "stored"

            child_outcome = finish(child).strip()

            outcomes = sorted([parent_outcome, child_outcome])
            assert outcomes in (
                ["conflict parent", "stored"],
                ["conflict child", "stored"],
            )
            primary = repository.find_primary(CUSTOMER)
            assert primary is not None
            assert len(repository) == 1

    def test_waits_for_other_writer(self, path):
        """A write waits while another process holds the write lock."""
        child = start_child(
            path,
            """
            import time
            with repository.transaction():
                repository.add(person("child"))
                print("locked", flush=True)
                time.sleep(0.5)
            """,
        )
        assert child.stdout.readline() == "locked\n"

        with SqliteContactRepository(path, timeout=30) as repository:
            repository.add(person("parent"))

            finish(child)
            assert [c.contact_id for c in repository] == ["child", "parent"]


class TestCrash:
    """A process that dies inside a transaction leaves nothing of it."""

    def test_killed_mid_transaction(self, path):
        """Writes of a killed process's open transaction are gone."""
        with SqliteContactRepository(path) as repository:
            repository.add(person("p1", primary=True))
        child = start_child(
            path,
            """
            import time
            with repository.transaction():
                for n in range(20):
                    repository.add(person(f"c{n:02}"))
                repository.delete("p1")
                print("inside", flush=True)
                time.sleep(60)
            """,
        )
        assert child.stdout.readline() == "inside\n"

        child.kill()
        child.communicate(timeout=60)

        with SqliteContactRepository(path, timeout=30) as repository:
            assert [c.contact_id for c in repository] == ["p1"]
            assert repository.find_primary(CUSTOMER).contact_id == "p1"
            repository.add(person("p2"))
            assert len(repository) == 2

    def test_exit_mid_transaction(self, path):
        """A process that exits inside a transaction commits nothing."""
        finish(
            start_child(
                path,
                """
                import os
                with repository.transaction():
                    repository.add(person("c1", primary=True))
                    sys.stdout.flush()
                    os._exit(0)
                """,
            )
        )

        with SqliteContactRepository(path) as repository:
            assert len(repository) == 0
            assert repository.find_primary(CUSTOMER) is None
            connection = repository._state().connection
            assert connection.execute("PRAGMA integrity_check").fetchone() == (
                "ok",
            )
