"""What the SQLite adapter does beyond the repository contract."""

from __future__ import annotations

import gc
import sqlite3
import threading

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contactlib import (
    Contact,
    ContactService,
    EmailAddress,
    Link,
    PartyRef,
    PhoneNumber,
)
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.exceptions import StorageError
from contactlib.testing import strategies

CUSTOMER = PartyRef("Customer", "CUST-0001")


def person(contact_id, *, links=(), emails=()):
    """Make a small contact named after its id."""
    return Contact(
        contact_id=contact_id,
        first_name=f"Person {contact_id}",
        emails=[EmailAddress(address) for address in emails],
        links=links,
    )


@pytest.fixture
def path(tmp_path):
    """Path of a database file that does not exist yet."""
    return tmp_path / "contacts.sqlite3"


@pytest.fixture
def repository(path):
    """A repository on a new file, closed after the test."""
    with SqliteContactRepository(path) as repository:
        yield repository


class TestSchema:
    """Creation, versioning and checks of the file's schema."""

    def test_creates_schema(self, repository, path):
        """Opening a new file creates the tables, indexes and version."""
        with sqlite3.connect(path) as connection:
            names = {
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master"
                    " WHERE type IN ('table', 'index')"
                    " AND name NOT LIKE 'sqlite_%'"
                )
            }
            (version,) = connection.execute(
                "SELECT version FROM contactlib_schema"
            ).fetchone()
        connection.close()

        assert names == {
            "contactlib_schema",
            "contact",
            "contact_email",
            "contact_by_user",
            "contact_email_by_key",
            "contact_phone",
            "contact_phone_by_e164",
            "contact_link",
            "contact_link_by_party",
            "contact_link_primary",
        }
        assert version == 1

    def test_reopen_keeps_contacts(self, path):
        """Contacts written before closing are read back after reopening."""
        contact = Contact(
            contact_id="c1",
            first_name="محمد",
            last_name="李",
            emails=[
                EmailAddress("b@example.org"),
                EmailAddress("A@Example.com", is_primary=True),
            ],
            phones=[
                PhoneNumber.parse("call reception"),
                PhoneNumber.parse("+1 201 555 0123 ext. 42"),
            ],
            links=[
                Link("Supplier", "S-1", roles=frozenset({"shipping"})),
                Link("Customer", "CUST-0001", title="ACME", is_primary=True),
            ],
            user_id="u-1",
            unsubscribed=True,
        )
        with SqliteContactRepository(path) as first:
            stored = first.add(contact)

        with SqliteContactRepository(path) as second:
            assert second.get("c1") == stored
            assert second.find_primary(CUSTOMER) == stored

    def test_opens_existing_schema(self, path):
        """Opening a file twice keeps one schema and one version row."""
        SqliteContactRepository(path).close()

        SqliteContactRepository(path).close()

        with sqlite3.connect(path) as connection:
            assert connection.execute(
                "SELECT count(*) FROM contactlib_schema"
            ).fetchone() == (1,)
        connection.close()

    def test_newer_schema(self, path):
        """A file written by a newer release is rejected with advice."""
        SqliteContactRepository(path).close()
        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE contactlib_schema SET version = 99")
        connection.close()

        with pytest.raises(StorageError) as caught:
            SqliteContactRepository(path)

        assert str(caught.value) == (
            f"{path}: the contact schema is version 99, but this contactlib"
            " reads up to version 1; upgrade contactlib"
        )

    def test_not_a_database(self, path):
        """A file that is not an SQLite database raises a storage error."""
        path.write_bytes(b"name,email\nAnna,anna@example.com\n" * 100)

        with pytest.raises(StorageError) as caught:
            SqliteContactRepository(path)

        assert str(caught.value).startswith(
            f"{path}: cannot use the file as a contact database ("
        )
        assert isinstance(caught.value.__cause__, sqlite3.DatabaseError)

    def test_clashing_table(self, path):
        """A file with its own table named like ours is not changed."""
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE contact (name TEXT)")
        connection.close()

        with pytest.raises(StorageError) as caught:
            SqliteContactRepository(path)

        assert "cannot create the contact schema" in str(caught.value)
        with sqlite3.connect(path) as connection:
            tables = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            ).fetchall()
        connection.close()
        assert tables == [("contact",)]

    def test_missing_folder(self, tmp_path):
        """A file in a folder that does not exist raises a storage error."""
        path = tmp_path / "missing" / "contacts.sqlite3"

        with pytest.raises(StorageError) as caught:
            SqliteContactRepository(path)

        assert str(caught.value).startswith(
            f"{path}: cannot open the database file ("
        )

    def test_pragmas(self, repository):
        """Connections use WAL, foreign keys and the busy timeout."""
        connection = repository._state().connection

        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert connection.execute("PRAGMA busy_timeout").fetchone() == (5000,)


class TestCreateFalse:
    """Opening with create=False, which never creates the schema."""

    def _message(self, path):
        return (
            f"{path} is not a contactlib database: it has no contact "
            "schema; give the path of a contactlib database, or open it "
            "with create=True to create the schema"
        )

    def test_opens_contact_database(self, path):
        """A file with the contact schema opens and reads as usual."""
        with SqliteContactRepository(path) as repository:
            repository.add(person("c1"))

        with SqliteContactRepository(path, create=False) as repository:
            found = repository.find("c1")

        assert found is not None

    def test_missing_file(self, path):
        """A missing file raises and is not created."""
        with pytest.raises(StorageError) as caught:
            SqliteContactRepository(path, create=False)

        assert str(caught.value).startswith(
            f"{path}: cannot open the database file ("
        )
        assert not path.exists()

    def test_empty_file(self, path):
        """An empty file raises and stays empty."""
        path.write_bytes(b"")

        with pytest.raises(StorageError) as caught:
            SqliteContactRepository(path, create=False)

        assert str(caught.value) == self._message(path)
        assert path.read_bytes() == b""

    def test_other_program_file(self, path):
        """Another program's SQLite file raises and is left unchanged."""
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE invoice (number TEXT)")
        connection.close()
        before = path.read_bytes()

        with pytest.raises(StorageError) as caught:
            SqliteContactRepository(path, create=False)

        assert str(caught.value) == self._message(path)
        assert path.read_bytes() == before
        assert not path.with_name(path.name + "-wal").exists()

    def test_memory_database(self):
        """A new in-memory database never has the schema, so it raises."""
        with pytest.raises(StorageError) as caught:
            SqliteContactRepository(":memory:", create=False)

        assert str(caught.value) == self._message(":memory:")


class TestBadText:
    """Text that UTF-8 cannot encode."""

    def test_lone_surrogate(self, repository, path):
        """A lone surrogate that got past the model is a storage error."""
        contact = Contact(contact_id="c1", first_name="Anna")
        object.__setattr__(contact, "contact_id", "c\ud800")

        with pytest.raises(StorageError) as caught:
            repository.add(contact)

        assert str(caught.value) == (
            f"{path}: a text field contains the lone surrogate U+D800, which"
            " SQLite cannot store; remove it from the input"
        )
        assert len(repository) == 0


class TestRoundTrip:
    """Contacts read back from a reopened file."""

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        contact=strategies.contacts(),
        links=st.lists(strategies.links(), max_size=3),
    )
    def test_generated_after_reopen(self, tmp_path, contact, links):
        """A generated contact is equal after the file is reopened."""
        contact = attrs.evolve(contact, links=links)
        path = tmp_path / f"{contact.contact_id}.sqlite3"
        with SqliteContactRepository(path) as first:
            stored = first.add(contact)

        with SqliteContactRepository(path) as second:
            assert second.get(contact.contact_id) == stored
            assert list(second) == [stored]


class TestIndexes:
    """The indexes behind each look-up, and the rules they enforce."""

    @pytest.mark.parametrize(
        ("method", "argument", "index"),
        [
            ("find_by_party", CUSTOMER, "contact_link_by_party"),
            ("find_primary", CUSTOMER, "contact_link_primary"),
            ("find_by_email", "a@example.com", "contact_email_by_key"),
            ("find_by_phone", "+4930901820", "contact_phone_by_e164"),
            ("find_by_parties", [CUSTOMER], "contact_link_by_party"),
            ("find_by_user", "user-1", "contact_by_user"),
        ],
    )
    def test_lookup_plan(self, repository, method, argument, index):
        """Each look-up searches an index and scans no table."""
        connection = repository._state().connection
        statements = []
        connection.set_trace_callback(statements.append)
        getattr(repository, method)(argument)
        connection.set_trace_callback(None)

        plan = [
            row[3]
            for row in connection.execute(
                "EXPLAIN QUERY PLAN " + statements[0]
            )
        ]

        table_scans = [
            step
            for step in plan
            if step.startswith("SCAN")
            and step != "SCAN wanted"
            and "CONSTANT ROW" not in step
        ]
        assert any(index in step for step in plan)
        assert table_scans == []

    def test_schema_rejects_second_primary(self, repository, path):
        """The partial unique index stops a second primary from any writer."""
        repository.add(person("c1", links=[Link("Customer", "CUST-0001")]))
        repository.add(
            person(
                "c2", links=[Link("Customer", "CUST-0001", is_primary=True)]
            )
        )
        connection = sqlite3.connect(path)

        with pytest.raises(sqlite3.IntegrityError), connection:
            connection.execute(
                "UPDATE contact_link SET is_primary = 1"
                " WHERE contact_id = 'c1'"
            )

        connection.close()

    def test_schema_rejects_repeated_link(self, repository, path):
        """The unique index stops two links of one contact to one party."""
        repository.add(person("c1", links=[Link("Customer", "CUST-0001")]))
        connection = sqlite3.connect(path)

        with pytest.raises(sqlite3.IntegrityError), connection:
            connection.execute(
                "INSERT INTO contact_link (contact_id, position, party_type,"
                " party_name, title, is_primary, roles) VALUES"
                " ('c1', 1, 'Customer', 'CUST-0001', '', 0, '[]')"
            )

        connection.close()

    def test_delete_cascades(self, repository, path):
        """Deleting a contact deletes its e-mail, phone and link rows."""
        repository.add(
            person(
                "c1",
                emails=["a@example.com"],
                links=[Link("Customer", "CUST-0001")],
            )
        )

        repository.delete("c1")

        with sqlite3.connect(path) as connection:
            for table in ("contact_email", "contact_phone", "contact_link"):
                assert connection.execute(
                    f"SELECT count(*) FROM {table}"  # noqa: S608
                ).fetchone() == (0,)
        connection.close()


class TestReads:
    """Paging and statement counts of the reads."""

    def test_iterates_past_a_page(self, repository):
        """Iteration reads every contact in order, across pages."""
        repository.add_many(person(f"c{n:04}") for n in range(1201))

        ids = [contact.contact_id for contact in repository]

        assert ids == [f"c{n:04}" for n in range(1201)]

    def test_find_by_parties_statements(self, repository):
        """Ten parties are read with one SELECT statement."""
        parties = [PartyRef("Customer", f"CUST-{n}") for n in range(10)]
        repository.add_many(
            person(f"c{n}", links=[Link(p.party_type, p.party_name)])
            for n, p in enumerate(parties)
        )
        statements = []
        repository._state().connection.set_trace_callback(statements.append)

        found = repository.find_by_parties(parties)

        assert [len(found[party]) for party in parties] == [1] * 10
        assert len(statements) == 1
        assert statements[0].startswith("WITH wanted")


class TestThreads:
    """Connections per thread, closing and lock time-outs."""

    def test_connection_per_thread(self, repository):
        """Each thread reads and writes through its own connection."""
        connections = []

        def work(n):
            repository.add(person(f"c{n}"))
            connections.append(repository._state().connection)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert len({id(c) for c in connections}) == 3
        assert len(repository) == 3

    def test_thread_end_closes(self, repository):
        """A thread's connection is closed when the thread ends."""
        connections = []
        thread = threading.Thread(
            target=lambda: connections.append(repository._state().connection)
        )

        thread.start()
        thread.join()
        gc.collect()

        with pytest.raises(sqlite3.ProgrammingError):
            connections[0].execute("SELECT 1")

    def test_close(self, path):
        """Closing ends every connection, and later calls raise."""
        repository = SqliteContactRepository(path)
        connection = repository._state().connection

        repository.close()
        repository.close()

        with pytest.raises(sqlite3.ProgrammingError):
            connection.execute("SELECT 1")
        with pytest.raises(StorageError) as caught:
            repository.find("c1")
        assert str(caught.value) == (
            f"{path}: the repository is closed; open a new one"
        )

    def test_lock_timeout(self, path):
        """A write that waits too long for the lock raises a storage error."""
        repository = SqliteContactRepository(path, timeout=0.1)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")

        with pytest.raises(StorageError) as caught:
            repository.add(person("c1"))

        assert str(caught.value) == (
            f"{path}: another connection held the write lock for more than"
            " 0.1 s; retry, or open the repository with a longer timeout"
        )
        assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
        other.execute("ROLLBACK")
        other.close()
        repository.add(person("c1"))
        assert len(repository) == 1
        repository.close()

    def test_no_lost_updates(self, repository):
        """Read-modify-write blocks in many threads lose no update."""
        service = ContactService(repository)
        repository.add(
            Contact(contact_id="c1", first_name="A", department="0")
        )

        def increment():
            for _ in range(25):
                with repository.transaction():
                    current = int(repository.get("c1").department)
                    service.update("c1", department=str(current + 1))

        threads = [threading.Thread(target=increment) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        contact = repository.get("c1")
        assert contact.department == "100"
        assert contact.version == 101

    def test_open_during_write(self, path):
        """Opening a file never waits for another connection's write."""
        SqliteContactRepository(path).close()
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")

        with SqliteContactRepository(path, timeout=0.1) as repository:
            assert len(repository) == 0

        other.execute("ROLLBACK")
        other.close()

    def test_reads_during_write(self, path):
        """Another thread reads committed data while a write is open."""
        repository = SqliteContactRepository(path)
        repository.add(person("c1"))
        seen = []

        with repository.transaction():
            repository.add(person("c2"))
            reader = threading.Thread(
                target=lambda: seen.append(len(repository))
            )
            reader.start()
            reader.join()

        assert seen == [1]
        assert len(repository) == 2
        repository.close()

    def test_memory_database_per_thread(self):
        """With ":memory:", each thread has its own database with a schema."""
        repository = SqliteContactRepository(":memory:")
        repository.add(person("c1"))
        seen = []

        def work():
            repository.add(person("c2"))
            seen.append([c.contact_id for c in repository])

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()

        assert seen == [["c2"]]
        assert [c.contact_id for c in repository] == ["c1"]
        repository.close()
