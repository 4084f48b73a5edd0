import threading
import time

import pytest
from integration_support import empty_tables

from contactlib import (
    Contact,
    ContactService,
    EmailAddress,
    Link,
    PartyRef,
    build_contact,
)
from contactlib.adapters.sqlalchemy import (
    SqlAlchemyContactRepository,
    links_table,
    metadata,
)
from contactlib.exceptions import (
    ContactNotFoundError,
    DuplicateContactError,
    PrimaryContactConflictError,
    StorageError,
    TransientConflictError,
    VersionConflictError,
)

sa = pytest.importorskip("sqlalchemy")

ACME = PartyRef("Customer", "ACME")
GLOBEX = PartyRef("Supplier", "GLOBEX")


@pytest.fixture
def repository(sql_engine):
    return SqlAlchemyContactRepository(sql_engine)


def _contact(contact_id, *links, **fields):
    fields.setdefault("first_name", contact_id.title())
    return Contact(contact_id=contact_id, links=links, **fields)


def _primary(party):
    return Link(party.party_type, party.party_name, is_primary=True)


def _plain(party):
    return Link(party.party_type, party.party_name)


class TestRoundTrip:
    def test_every_field_kept(self, repository):
        """A stored contact reads back equal, field for field."""
        contact = build_contact(
            contact_id="c1",
            first_name="Zoë",
            last_name="Łukasz",
            company_name="ACME",
            status="Open",
            emails=["anna@example.com", "Anna.Berg@Example.org"],
            phones=["+49 30 901820", "+49 151 23456789", "not a number"],
            links=[
                Link(
                    "Customer",
                    "ACME",
                    title="Acme Ltd",
                    is_primary=True,
                    roles={"billing"},
                ),
                Link("Supplier", "GLOBEX", roles={"sales", "support"}),
            ],
            user_id="u-7",
            unsubscribed=True,
        )

        stored = repository.add(contact)

        assert repository.get("c1") == stored
        assert stored.version == 1

    def test_lookups(self, repository):
        """Look-ups by party, primary, e-mail and phone find the contact."""
        contact = repository.add(
            build_contact(
                contact_id="c1",
                first_name="Anna",
                emails=["Anna@Example.com"],
                phones=["+49 30 901820"],
                links=[_primary(ACME)],
            )
        )

        assert repository.find_by_party(ACME) == [contact]
        assert repository.find_primary(ACME) == contact
        assert repository.find_by_email("anna@example.com") == [contact]
        assert repository.find_by_phone("+4930901820") == [contact]
        assert repository.find_primary(GLOBEX) is None

    def test_find_by_parties(self, repository):
        """Many parties are answered at once, unknown ones empty."""
        first = repository.add(_contact("c1", _plain(ACME)))
        second = repository.add(_contact("c2", _plain(ACME), _plain(GLOBEX)))
        nowhere = PartyRef("Lead", "NOWHERE")

        found = repository.find_by_parties([GLOBEX, ACME, nowhere, ACME])

        assert found == {
            ACME: [first, second],
            GLOBEX: [second],
            nowhere: [],
        }

    def test_iteration_pages(self, sql_engine):
        """Iteration crosses page boundaries in id order."""
        repository = SqlAlchemyContactRepository(sql_engine, batch_size=3)
        repository.add_many(_contact(f"c{i:02}") for i in range(7))

        ids = [contact.contact_id for contact in repository]

        assert ids == [f"c{i:02}" for i in range(7)]
        assert len(repository) == 7


class TestWrites:
    def test_duplicate_id(self, repository):
        """Adding a taken id raises a duplicate error."""
        repository.add(_contact("c1"))

        with pytest.raises(DuplicateContactError) as caught:
            repository.add(_contact("c1"))

        assert caught.value.contact_id == "c1"

    def test_stale_save(self, repository):
        """A save based on an old version names both versions."""
        first = repository.add(_contact("c1"))
        repository.save(first)

        with pytest.raises(VersionConflictError) as caught:
            repository.save(first)

        assert caught.value.expected_version == 1
        assert caught.value.actual_version == 2
        assert str(caught.value) == (
            "contact 'c1' changed since it was read: the change is based "
            "on version 1 but version 2 is stored; read it again and "
            "reapply the change"
        )

    def test_save_missing(self, repository):
        """Saving a contact that is not stored raises not-found."""
        with pytest.raises(ContactNotFoundError):
            repository.save(_contact("c1"))

    def test_second_primary(self, repository):
        """A second primary contact for a party is rejected."""
        repository.add(_contact("c1", _primary(ACME)))

        with pytest.raises(PrimaryContactConflictError) as caught:
            repository.add(_contact("c2", _primary(ACME)))

        assert caught.value.current_primary_id == "c1"
        assert caught.value.contact_id == "c2"
        assert len(repository) == 1

    def test_delete_with_version(self, repository, sql_engine):
        """Delete checks the version and removes the child rows."""
        repository.add(_contact("c1", _primary(ACME)))

        with pytest.raises(VersionConflictError):
            repository.delete("c1", expected_version=5)
        repository.delete("c1", expected_version=1)

        with sql_engine.connect() as connection:
            links = connection.scalar(
                sa.select(sa.func.count()).select_from(links_table)
            )
        assert links == 0
        assert repository.find("c1") is None

    def test_delete_missing(self, repository):
        """Deleting an unknown id raises not-found."""
        with pytest.raises(ContactNotFoundError):
            repository.delete("nope")


class TestBulk:
    def test_many_batches(self, sql_engine):
        """add_many stores contacts across several executemany batches."""
        repository = SqlAlchemyContactRepository(sql_engine, batch_size=50)
        contacts = [
            _contact(
                f"c{i:04}",
                _plain(ACME),
                emails=[EmailAddress(f"p{i}@example.com")],
            )
            for i in range(260)
        ]

        stored = repository.add_many(contacts)

        assert [c.version for c in stored] == [1] * 260
        assert len(repository.find_by_party(ACME)) == 260

    def test_all_or_nothing(self, repository):
        """A conflict anywhere in add_many stores nothing."""
        repository.add(_contact("c0100"))
        contacts = [_contact(f"c{i:04}") for i in range(200)]

        with pytest.raises(DuplicateContactError) as caught:
            repository.add_many(contacts)

        assert caught.value.contact_id == "c0100"
        assert len(repository) == 1

    def test_two_primaries_in_batch(self, repository):
        """Two contacts of one batch cannot both be primary for a party."""
        with pytest.raises(PrimaryContactConflictError):
            repository.add_many(
                [
                    _contact("c1", _primary(ACME)),
                    _contact("c2", _primary(ACME)),
                ]
            )

        assert len(repository) == 0


class TestTransactions:
    def test_rollback(self, repository):
        """An error inside a block undoes its writes."""

        def write():
            with repository.transaction():
                repository.add(_contact("c1"))
                raise RuntimeError

        with pytest.raises(RuntimeError):
            write()

        assert len(repository) == 0

    def test_savepoint(self, repository):
        """A failing nested block undoes only its own writes."""

        def write_and_fail():
            with repository.transaction():
                repository.add(_contact("c2"))
                raise RuntimeError

        with repository.transaction():
            repository.add(_contact("c1"))
            with pytest.raises(RuntimeError):
                write_and_fail()
            repository.add(_contact("c3"))

        assert [c.contact_id for c in repository] == ["c1", "c3"]

    def test_failed_write_keeps_transaction(self, repository):
        """A rejected write inside a block leaves the block usable."""
        with repository.transaction():
            repository.add(_contact("c1", _primary(ACME)))
            with pytest.raises(PrimaryContactConflictError):
                repository.add(_contact("c2", _primary(ACME)))
            repository.add(_contact("c3"))

        assert [c.contact_id for c in repository] == ["c1", "c3"]

    def test_host_transaction_rollback(self, sql_engine):
        """Writes through a host connection roll back with the host."""
        with sql_engine.connect() as connection:
            host = connection.begin()
            service = ContactService(SqlAlchemyContactRepository(connection))
            service.create(contact_id="c1", first_name="Anna")
            service.link("c1", ACME, primary=True)
            host.rollback()

        assert len(SqlAlchemyContactRepository(sql_engine)) == 0

    def test_host_transaction_commit(self, sql_engine):
        """Writes through a host connection commit with the host."""
        with sql_engine.begin() as connection:
            service = ContactService(SqlAlchemyContactRepository(connection))
            service.create(contact_id="c1", first_name="Anna")
            service.link("c1", ACME, primary=True)

        repository = SqlAlchemyContactRepository(sql_engine)
        assert repository.get("c1").link_to(ACME).is_primary


class TestErrors:
    def test_missing_schema(self, tmp_path):
        """A database without the tables raises a storage error."""
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        repository = SqlAlchemyContactRepository(engine)

        with pytest.raises(StorageError, match="OperationalError"):
            repository.find("c1")

        engine.dispose()

    def test_primary_race(self, sql_engine):
        """Two writers marking different contacts primary: one conflicts."""
        repository = SqlAlchemyContactRepository(sql_engine)
        repository.add_many([_contact("c1"), _contact("c2")])
        first_wrote = threading.Event()
        errors = []

        def first():
            with repository.transaction():
                repository.save(repository.get("c1").with_link(_primary(ACME)))
                first_wrote.set()
                time.sleep(0.3)

        def second():
            first_wrote.wait()
            try:
                repository.save(repository.get("c2").with_link(_primary(ACME)))
            except PrimaryContactConflictError as error:
                errors.append(error)

        threads = [threading.Thread(target=f) for f in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert [e.current_primary_id for e in errors] == ["c1"]
        assert repository.find_primary(ACME).contact_id == "c1"


class TestPostgresTransient:
    def test_deadlock(self, postgresql_engine):
        """A deadlock becomes a transient conflict for one of two writers."""
        empty_tables(postgresql_engine)
        repository = SqlAlchemyContactRepository(postgresql_engine)
        repository.add_many([_contact("c1"), _contact("c2")])
        both_locked = threading.Barrier(2, timeout=10)
        errors = []

        def write(first_id, second_id):
            try:
                with repository.transaction():
                    repository.save(repository.get(first_id))
                    both_locked.wait()
                    repository.save(repository.get(second_id))
            except TransientConflictError as error:
                errors.append(error)

        threads = [
            threading.Thread(target=write, args=("c1", "c2")),
            threading.Thread(target=write, args=("c2", "c1")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert len(errors) == 1
        assert "SQLSTATE 40P01" in str(errors[0])
        assert [c.version for c in repository] == [2, 2]

    def test_serialization_failure(self, postgresql_engine):
        """A stale write under repeatable read becomes a transient conflict."""
        empty_tables(postgresql_engine)
        other = SqlAlchemyContactRepository(postgresql_engine)
        other.add(_contact("c1"))

        def save_stale_copy():
            with (
                postgresql_engine.connect().execution_options(
                    isolation_level="REPEATABLE READ"
                ) as connection,
                connection.begin(),
            ):
                repository = SqlAlchemyContactRepository(connection)
                contact = repository.get("c1")
                other.save(other.get("c1"))
                repository.save(contact)

        with pytest.raises(TransientConflictError, match="SQLSTATE 40001"):
            save_stale_copy()

        assert other.get("c1").version == 2


class TestSchema:
    def test_indexes(self, sql_engine):
        """Every hot look-up has its index, the primary one unique."""
        inspector = sa.inspect(sql_engine)

        indexes = {
            table: {
                index["name"]: (tuple(index["column_names"]), index["unique"])
                for index in inspector.get_indexes(table)
            }
            for table in ("contactlib_emails", "contactlib_phones")
        }
        links = {
            index["name"]: (tuple(index["column_names"]), index["unique"])
            for index in inspector.get_indexes("contactlib_links")
        }
        unique = inspector.get_unique_constraints("contactlib_links")

        assert indexes["contactlib_emails"] == {
            "ix_contactlib_emails_address_key": (("address_key",), False)
        }
        assert indexes["contactlib_phones"] == {
            "ix_contactlib_phones_e164": (("e164",), False)
        }
        assert links["contactlib_links_one_primary"] == (
            ("party_type", "party_name"),
            True,
        )
        assert [tuple(u["column_names"]) for u in unique] == [
            ("party_type", "party_name", "contact_id")
        ]

    def test_partial_index_where(self, sql_engine):
        """The one-primary index covers only rows marked primary."""
        with sql_engine.connect() as connection:
            if sql_engine.dialect.name == "sqlite":
                ddl = connection.scalar(
                    sa.text(
                        "SELECT sql FROM sqlite_master "
                        "WHERE name = 'contactlib_links_one_primary'"
                    )
                )
            else:
                ddl = connection.scalar(
                    sa.text(
                        "SELECT indexdef FROM pg_indexes "
                        "WHERE indexname = 'contactlib_links_one_primary'"
                    )
                )

        assert "WHERE" in ddl
        assert "is_primary" in ddl

    def test_mysql_ddl(self):
        """MySQL gets no one-primary index, which would cover every link."""
        statements = []

        def record(statement, *_args, **_kwargs):
            statements.append(str(statement.compile(dialect=engine.dialect)))

        engine = sa.create_mock_engine("mysql://", record)
        metadata.create_all(engine, checkfirst=False)

        assert not [s for s in statements if "one_primary" in s]
        assert "CREATE TABLE contactlib_links" in "\n".join(statements)


class TestUnexplainedRace:
    def test_transient(self, repository):
        """A collision that no stored row explains is transient."""
        error = sa.exc.IntegrityError(
            "INSERT ...", {}, Exception("UNIQUE constraint failed")
        )

        result = repository._explain(error, [_contact("c9")], new=False)

        assert isinstance(result, TransientConflictError)
        assert "a concurrent writer changed the same party" in str(result)
