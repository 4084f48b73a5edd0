"""The contract suite: the behaviour every `ContactRepository` must show.

A host that stores contacts in its own database checks its adapter by
subclassing `ContactRepositoryContract` in a test module and giving it a
``repository`` fixture that returns an empty repository::

    import pytest

    from contactlib.testing.contract import ContactRepositoryContract


    class TestMyRepository(ContactRepositoryContract):
        @pytest.fixture
        def repository(self, tmp_path):
            repository = MyRepository(tmp_path / "contacts.db")
            yield repository
            repository.close()

pytest then runs every test of the suite against that adapter.  The
suite needs pytest and hypothesis, which the ``tests`` extra installs.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import contextlib
import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contactlib._model import Contact
from contactlib._values import (
    ContactStatus,
    EmailAddress,
    Link,
    PartyRef,
    PhoneNumber,
)
from contactlib.exceptions import (
    ContactNotFoundError,
    DuplicateContactError,
    PrimaryContactConflictError,
    VersionConflictError,
)
from contactlib.testing import strategies

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from contactlib.ports import ContactRepository

__all__ = ["ContactRepositoryContract"]

CUSTOMER = PartyRef("Customer", "CUST-0001")
OTHER_CUSTOMER = PartyRef("Customer", "CUST-0002")
SUPPLIER = PartyRef("Supplier", "CUST-0001")


class _RollbackError(Exception):
    """Raised inside a transaction block to roll it back on purpose."""


def _person(
    contact_id: str,
    *,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    links: Iterable[Link] = (),
) -> Contact:
    """Make a small contact named after its id, for the tests below."""
    return Contact(
        contact_id=contact_id,
        first_name=f"Person {contact_id}",
        emails=[EmailAddress(address) for address in emails],
        phones=[PhoneNumber.parse(text, region="DE") for text in phones],
        links=tuple(links),
    )


def _link(
    party: PartyRef,
    *,
    primary: bool = False,
    roles: Iterable[str] = (),
    title: str = "",
) -> Link:
    """Make a link to *party*."""
    return Link(
        party.party_type,
        party.party_name,
        title=title,
        is_primary=primary,
        roles=frozenset(roles),
    )


def _ids(contacts: Iterable[Contact]) -> list[str]:
    return [contact.contact_id for contact in contacts]


def _primary_id(repository: ContactRepository, party: PartyRef) -> str | None:
    primary = repository.find_primary(party)
    return None if primary is None else primary.contact_id


def _run_together(
    tasks: list[Callable[[], object]],
) -> list[BaseException | None]:
    """Run *tasks* in threads that start together and return their errors."""
    barrier = threading.Barrier(len(tasks))

    def run(task: Callable[[], object]) -> BaseException | None:
        barrier.wait()
        try:
            task()
        except Exception as error:  # noqa: BLE001
            return error
        return None

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return list(pool.map(run, tasks))


class ContactRepositoryContract:
    """Tests of every documented behaviour of `ContactRepository`.

    Subclass it with a name that starts with ``Test`` and give the
    subclass a ``repository`` fixture that returns an empty repository
    (and closes it afterwards).  Set `supports_threads` to false for an
    adapter that must not be shared between threads; the two concurrency
    tests are then skipped.

    .. versionadded:: 0.1.0
    """

    supports_threads: ClassVar[bool] = True
    """Whether the concurrency tests run against the adapter."""

    # add

    def test_add_returns_version_one(
        self, repository: ContactRepository
    ) -> None:
        """Adding a contact returns it with version 1."""
        contact = _person("c1", emails=["anna@example.com"])

        stored = repository.add(contact)

        assert stored == attrs.evolve(contact, version=1)

    def test_add_stores_contact(self, repository: ContactRepository) -> None:
        """An added contact can be read back by its id."""
        stored = repository.add(_person("c1"))

        assert repository.get("c1") == stored
        assert repository.find("c1") == stored

    def test_add_ignores_given_version(
        self, repository: ContactRepository
    ) -> None:
        """A new contact is stored with version 1 whatever it carries."""
        contact = attrs.evolve(_person("c1"), version=7)

        stored = repository.add(contact)

        assert stored.version == 1
        assert repository.get("c1").version == 1

    def test_add_taken_id(self, repository: ContactRepository) -> None:
        """Adding under a taken id raises and changes nothing."""
        first = repository.add(_person("c1", emails=["first@example.com"]))

        with pytest.raises(DuplicateContactError) as caught:
            repository.add(_person("c1", emails=["second@example.com"]))

        assert caught.value.contact_id == "c1"
        assert repository.get("c1") == first
        assert repository.find_by_email("second@example.com") == []
        assert len(repository) == 1

    def test_add_second_primary(self, repository: ContactRepository) -> None:
        """A second primary contact for a party raises and stores nothing."""
        repository.add(_person("c1", links=[_link(CUSTOMER, primary=True)]))

        with pytest.raises(PrimaryContactConflictError) as caught:
            repository.add(
                _person(
                    "c2",
                    emails=["c2@example.com"],
                    links=[_link(CUSTOMER, primary=True)],
                )
            )

        assert caught.value.party_type == "Customer"
        assert caught.value.party_name == "CUST-0001"
        assert caught.value.contact_id == "c2"
        assert caught.value.current_primary_id == "c1"
        assert repository.find("c2") is None
        assert repository.find_by_email("c2@example.com") == []
        assert _ids(repository.find_by_party(CUSTOMER)) == ["c1"]
        assert len(repository) == 1

    def test_add_primaries_of_other_parties(
        self, repository: ContactRepository
    ) -> None:
        """Primary marks for different parties do not conflict."""
        repository.add(_person("c1", links=[_link(CUSTOMER, primary=True)]))

        repository.add(
            _person(
                "c2",
                links=[
                    _link(OTHER_CUSTOMER, primary=True),
                    _link(SUPPLIER, primary=True),
                ],
            )
        )

        assert _primary_id(repository, CUSTOMER) == "c1"
        assert _primary_id(repository, OTHER_CUSTOMER) == "c2"
        assert _primary_id(repository, SUPPLIER) == "c2"

    # add_many

    def test_add_many_returns_in_order(
        self, repository: ContactRepository
    ) -> None:
        """Bulk adding returns the contacts in input order with version 1."""
        contacts = [_person("c3"), _person("c1"), _person("c2")]

        stored = repository.add_many(contacts)

        assert stored == [attrs.evolve(c, version=1) for c in contacts]
        assert list(repository) == sorted(stored, key=lambda c: c.contact_id)

    def test_add_many_generator(self, repository: ContactRepository) -> None:
        """Bulk adding accepts a generator, as the importer passes one."""
        stored = repository.add_many(_person(f"c{i}") for i in range(5))

        assert _ids(stored) == ["c0", "c1", "c2", "c3", "c4"]
        assert len(repository) == 5

    def test_add_many_empty(self, repository: ContactRepository) -> None:
        """Bulk adding nothing stores nothing."""
        assert repository.add_many([]) == []
        assert len(repository) == 0

    def test_add_many_indexes(self, repository: ContactRepository) -> None:
        """Bulk-added contacts are found by party, e-mail and phone."""
        repository.add_many(
            [
                _person(
                    "c1",
                    emails=["one@example.com"],
                    phones=["030 901820"],
                    links=[_link(CUSTOMER, primary=True)],
                ),
                _person("c2", links=[_link(CUSTOMER)]),
            ]
        )

        assert _ids(repository.find_by_party(CUSTOMER)) == ["c1", "c2"]
        assert _primary_id(repository, CUSTOMER) == "c1"
        assert _ids(repository.find_by_email("ONE@example.com")) == ["c1"]
        assert _ids(repository.find_by_phone("+4930901820")) == ["c1"]

    def test_add_many_taken_id(self, repository: ContactRepository) -> None:
        """A batch with an id that is stored already stores nothing."""
        repository.add(_person("c2"))

        with pytest.raises(DuplicateContactError) as caught:
            repository.add_many([_person("c1"), _person("c2"), _person("c3")])

        assert caught.value.contact_id == "c2"
        assert _ids(repository) == ["c2"]

    def test_add_many_repeated_id(self, repository: ContactRepository) -> None:
        """A batch that repeats an id stores nothing."""
        with pytest.raises(DuplicateContactError) as caught:
            repository.add_many([_person("c1"), _person("c2"), _person("c1")])

        assert caught.value.contact_id == "c1"
        assert len(repository) == 0

    def test_add_many_two_primaries(
        self, repository: ContactRepository
    ) -> None:
        """A batch with two primary contacts for one party stores nothing."""
        batch = [
            _person("c1", links=[_link(CUSTOMER, primary=True)]),
            _person("c2", links=[_link(CUSTOMER, primary=True)]),
        ]

        with pytest.raises(PrimaryContactConflictError) as caught:
            repository.add_many(batch)

        assert caught.value.contact_id == "c2"
        assert caught.value.current_primary_id == "c1"
        assert len(repository) == 0
        assert repository.find_primary(CUSTOMER) is None

    def test_add_many_stored_primary(
        self, repository: ContactRepository
    ) -> None:
        """A batch with a second primary for a stored party stores nothing."""
        repository.add(_person("c0", links=[_link(CUSTOMER, primary=True)]))

        with pytest.raises(PrimaryContactConflictError) as caught:
            repository.add_many(
                [
                    _person("c1", links=[_link(CUSTOMER)]),
                    _person("c2", links=[_link(CUSTOMER, primary=True)]),
                ]
            )

        assert caught.value.party_type == "Customer"
        assert caught.value.party_name == "CUST-0001"
        assert caught.value.contact_id == "c2"
        assert caught.value.current_primary_id == "c0"
        assert _ids(repository) == ["c0"]

    # find and get

    def test_find_unknown(self, repository: ContactRepository) -> None:
        """Finding an unknown id returns None."""
        assert repository.find("nobody") is None

    def test_get_unknown(self, repository: ContactRepository) -> None:
        """Getting an unknown id raises a lookup error naming the id."""
        with pytest.raises(ContactNotFoundError) as caught:
            repository.get("nobody")

        assert caught.value.contact_id == "nobody"
        assert isinstance(caught.value, LookupError)

    # save

    def test_save_increments_version(
        self, repository: ContactRepository
    ) -> None:
        """Each save returns the contact with the next version."""
        stored = repository.add(_person("c1"))

        saved = repository.save(attrs.evolve(stored, last_name="Ng"))
        saved_again = repository.save(attrs.evolve(saved, last_name="Ngo"))

        assert saved.version == 2
        assert saved_again.version == 3
        assert repository.get("c1") == saved_again
        assert repository.get("c1").last_name == "Ngo"

    def test_save_stale_copy(self, repository: ContactRepository) -> None:
        """Saving a copy older than the stored version raises both versions."""
        stored = repository.add(_person("c1"))
        newer = repository.save(attrs.evolve(stored, last_name="New"))

        with pytest.raises(VersionConflictError) as caught:
            repository.save(attrs.evolve(stored, last_name="Old"))

        assert caught.value.contact_id == "c1"
        assert caught.value.expected_version == 1
        assert caught.value.actual_version == 2
        assert repository.get("c1") == newer

    def test_save_expected_version(
        self, repository: ContactRepository
    ) -> None:
        """An explicit expected version wins over the contact's own."""
        stored = repository.add(_person("c1"))
        repository.save(stored)

        saved = repository.save(
            attrs.evolve(stored, last_name="Ng"), expected_version=2
        )

        assert saved.version == 3
        assert saved.last_name == "Ng"

    def test_save_wrong_expected_version(
        self, repository: ContactRepository
    ) -> None:
        """An expected version that is not stored raises, changing nothing."""
        stored = repository.add(_person("c1"))

        with pytest.raises(VersionConflictError) as caught:
            repository.save(
                attrs.evolve(stored, last_name="Ng"), expected_version=5
            )

        assert caught.value.expected_version == 5
        assert caught.value.actual_version == 1
        assert repository.get("c1") == stored

    def test_save_unknown(self, repository: ContactRepository) -> None:
        """Saving a contact that is not stored raises a lookup error."""
        with pytest.raises(ContactNotFoundError) as caught:
            repository.save(attrs.evolve(_person("c1"), version=1))

        assert caught.value.contact_id == "c1"
        assert len(repository) == 0

    def test_save_deleted(self, repository: ContactRepository) -> None:
        """Saving a contact deleted in the meantime raises a lookup error."""
        stored = repository.add(_person("c1"))
        repository.delete("c1")

        with pytest.raises(ContactNotFoundError):
            repository.save(stored)

        assert repository.find("c1") is None

    def test_save_second_primary(self, repository: ContactRepository) -> None:
        """Saving a second primary for a party raises and changes nothing."""
        repository.add(_person("c1", links=[_link(CUSTOMER, primary=True)]))
        other = repository.add(_person("c2", links=[_link(CUSTOMER)]))

        with pytest.raises(PrimaryContactConflictError) as caught:
            repository.save(
                attrs.evolve(
                    other,
                    last_name="Changed",
                    links=[_link(CUSTOMER, primary=True)],
                )
            )

        assert caught.value.contact_id == "c2"
        assert caught.value.current_primary_id == "c1"
        assert repository.get("c2") == other
        assert _primary_id(repository, CUSTOMER) == "c1"

    def test_save_own_primary(self, repository: ContactRepository) -> None:
        """The primary contact can be saved again without a conflict."""
        stored = repository.add(
            _person("c1", links=[_link(CUSTOMER, primary=True)])
        )

        saved = repository.save(attrs.evolve(stored, last_name="Ng"))

        assert saved.version == 2
        assert _primary_id(repository, CUSTOMER) == "c1"

    def test_save_updates_lookups(self, repository: ContactRepository) -> None:
        """A save replaces the links, e-mails and phones in every look-up."""
        stored = repository.add(
            _person(
                "c1",
                emails=["old@example.com"],
                phones=["030 901820"],
                links=[_link(CUSTOMER, primary=True)],
            )
        )

        repository.save(
            attrs.evolve(
                stored,
                emails=[EmailAddress("new@example.com")],
                phones=[PhoneNumber.parse("+49 171 1234567")],
                links=[_link(SUPPLIER)],
            )
        )

        assert repository.find_by_party(CUSTOMER) == []
        assert repository.find_primary(CUSTOMER) is None
        assert _ids(repository.find_by_party(SUPPLIER)) == ["c1"]
        assert repository.find_by_email("old@example.com") == []
        assert _ids(repository.find_by_email("new@example.com")) == ["c1"]
        assert repository.find_by_phone("+4930901820") == []
        assert _ids(repository.find_by_phone("+491711234567")) == ["c1"]

    def test_save_moves_primary(self, repository: ContactRepository) -> None:
        """One transaction can demote one contact and promote another."""
        first = repository.add(
            _person("c1", links=[_link(CUSTOMER, primary=True)])
        )
        second = repository.add(_person("c2", links=[_link(CUSTOMER)]))

        with repository.transaction():
            repository.save(first.with_primary_mark(CUSTOMER, primary=False))
            repository.save(second.with_primary_mark(CUSTOMER, primary=True))

        assert _primary_id(repository, CUSTOMER) == "c2"
        assert not repository.get("c1").links[0].is_primary

    # delete

    def test_delete_removes(self, repository: ContactRepository) -> None:
        """A deleted contact is gone from every look-up."""
        repository.add(
            _person(
                "c1",
                emails=["anna@example.com"],
                phones=["030 901820"],
                links=[_link(CUSTOMER, primary=True)],
            )
        )

        repository.delete("c1")

        assert repository.find("c1") is None
        assert len(repository) == 0
        assert list(repository) == []
        assert repository.find_by_party(CUSTOMER) == []
        assert repository.find_primary(CUSTOMER) is None
        assert repository.find_by_email("anna@example.com") == []
        assert repository.find_by_phone("+4930901820") == []

    def test_delete_unknown(self, repository: ContactRepository) -> None:
        """Deleting an unknown id raises a lookup error."""
        with pytest.raises(ContactNotFoundError) as caught:
            repository.delete("nobody")

        assert caught.value.contact_id == "nobody"

    def test_delete_wrong_version(self, repository: ContactRepository) -> None:
        """Deleting with a version that is not stored raises and keeps it."""
        stored = repository.add(_person("c1"))
        repository.save(stored)

        with pytest.raises(VersionConflictError) as caught:
            repository.delete("c1", expected_version=1)

        assert caught.value.contact_id == "c1"
        assert caught.value.expected_version == 1
        assert caught.value.actual_version == 2
        assert repository.get("c1").version == 2

    def test_delete_right_version(self, repository: ContactRepository) -> None:
        """Deleting with the stored version deletes."""
        repository.add(_person("c1"))

        repository.delete("c1", expected_version=1)

        assert repository.find("c1") is None

    def test_delete_frees_primary(self, repository: ContactRepository) -> None:
        """After the primary contact is deleted another can become primary."""
        repository.add(_person("c1", links=[_link(CUSTOMER, primary=True)]))
        repository.delete("c1")

        repository.add(_person("c2", links=[_link(CUSTOMER, primary=True)]))

        assert _primary_id(repository, CUSTOMER) == "c2"

    # find_by_party

    def test_find_by_party_order(self, repository: ContactRepository) -> None:
        """Contacts of a party come ordered by id, not by insertion."""
        for contact_id in ["c3", "c10", "c1", "c2"]:
            repository.add(_person(contact_id, links=[_link(CUSTOMER)]))

        found = repository.find_by_party(CUSTOMER)

        assert _ids(found) == ["c1", "c10", "c2", "c3"]

    def test_find_by_party_unknown(
        self, repository: ContactRepository
    ) -> None:
        """A party nothing links to has no contacts."""
        repository.add(_person("c1", links=[_link(CUSTOMER)]))

        assert repository.find_by_party(OTHER_CUSTOMER) == []

    def test_find_by_party_type_matters(
        self, repository: ContactRepository
    ) -> None:
        """Parties of different types with the same name are different."""
        repository.add(_person("c1", links=[_link(CUSTOMER)]))
        repository.add(_person("c2", links=[_link(SUPPLIER)]))

        assert _ids(repository.find_by_party(CUSTOMER)) == ["c1"]
        assert _ids(repository.find_by_party(SUPPLIER)) == ["c2"]

    def test_find_by_party_exact(self, repository: ContactRepository) -> None:
        """Party names match exactly, with no wildcards and no prefixes."""
        repository.add(_person("c1", links=[_link(CUSTOMER)]))

        for name in ["CUST-000", "CUST-%", "CUST_0001", "cust-0001"]:
            assert repository.find_by_party(PartyRef("Customer", name)) == []

    def test_find_by_party_full_contacts(
        self, repository: ContactRepository
    ) -> None:
        """Contacts found by party are whole, with all their links."""
        stored = repository.add(
            _person(
                "c1",
                emails=["anna@example.com"],
                links=[_link(SUPPLIER), _link(CUSTOMER, roles=["billing"])],
            )
        )

        assert repository.find_by_party(CUSTOMER) == [stored]

    # find_by_parties

    def test_find_by_parties_keys(self, repository: ContactRepository) -> None:
        """Every requested party is a key, also those with no contacts."""
        repository.add(_person("c1", links=[_link(CUSTOMER)]))

        found = repository.find_by_parties([CUSTOMER, OTHER_CUSTOMER])

        assert set(found) == {CUSTOMER, OTHER_CUSTOMER}
        assert _ids(found[CUSTOMER]) == ["c1"]
        assert found[OTHER_CUSTOMER] == []

    def test_find_by_parties_like_single(
        self, repository: ContactRepository
    ) -> None:
        """Each party's list equals what find_by_party returns for it."""
        repository.add(_person("c2", links=[_link(CUSTOMER), _link(SUPPLIER)]))
        repository.add(_person("c1", links=[_link(CUSTOMER, primary=True)]))
        repository.add(_person("c3", links=[_link(SUPPLIER, primary=True)]))
        parties = [CUSTOMER, SUPPLIER, OTHER_CUSTOMER]

        found = repository.find_by_parties(parties)

        for party in parties:
            assert found[party] == repository.find_by_party(party)
        assert _ids(found[CUSTOMER]) == ["c1", "c2"]
        assert _ids(found[SUPPLIER]) == ["c2", "c3"]

    def test_find_by_parties_repeated(
        self, repository: ContactRepository
    ) -> None:
        """A party requested twice is one key of the result."""
        repository.add(_person("c1", links=[_link(CUSTOMER)]))

        found = repository.find_by_parties([CUSTOMER, CUSTOMER])

        assert list(found) == [CUSTOMER]
        assert _ids(found[CUSTOMER]) == ["c1"]

    def test_find_by_parties_empty(
        self, repository: ContactRepository
    ) -> None:
        """No parties give an empty mapping."""
        repository.add(_person("c1", links=[_link(CUSTOMER)]))

        assert dict(repository.find_by_parties([])) == {}

    def test_find_by_parties_generator(
        self, repository: ContactRepository
    ) -> None:
        """The parties may come from a generator."""
        repository.add(_person("c1", links=[_link(CUSTOMER)]))

        found = repository.find_by_parties(p for p in [CUSTOMER, SUPPLIER])

        assert _ids(found[CUSTOMER]) == ["c1"]
        assert found[SUPPLIER] == []

    def test_find_by_parties_many(self, repository: ContactRepository) -> None:
        """Thousands of parties, beyond any SQL parameter limit, work."""
        repository.add(_person("c1", links=[_link(CUSTOMER)]))
        parties = [PartyRef("Customer", f"CUST-{n:04}") for n in range(3000)]

        found = repository.find_by_parties(parties)

        assert len(found) == 3000
        assert _ids(found[CUSTOMER]) == ["c1"]
        assert sum(len(contacts) for contacts in found.values()) == 1

    # find_primary

    def test_find_primary_none(self, repository: ContactRepository) -> None:
        """A party whose contacts are not primary has no primary contact."""
        repository.add(_person("c1", links=[_link(CUSTOMER)]))

        assert repository.find_primary(CUSTOMER) is None
        assert repository.find_primary(OTHER_CUSTOMER) is None

    def test_find_primary_holder(self, repository: ContactRepository) -> None:
        """The contact whose link is marked primary is returned whole."""
        repository.add(_person("c1", links=[_link(CUSTOMER)]))
        holder = repository.add(
            _person("c2", links=[_link(CUSTOMER, primary=True)])
        )

        assert repository.find_primary(CUSTOMER) == holder
        assert repository.find_primary(SUPPLIER) is None

    # find_by_email

    def test_find_by_email_case(self, repository: ContactRepository) -> None:
        """E-mail look-up ignores letter case in both parts."""
        repository.add(_person("c1", emails=["Anna.Schmidt@Example.com"]))

        for address in [
            "anna.schmidt@example.com",
            "ANNA.SCHMIDT@EXAMPLE.COM",
            "Anna.Schmidt@example.com",
        ]:
            assert _ids(repository.find_by_email(address)) == ["c1"]

    def test_find_by_email_order(self, repository: ContactRepository) -> None:
        """Contacts sharing an address come ordered by id."""
        repository.add(_person("c2", emails=["team@example.com"]))
        repository.add(_person("c1", emails=["TEAM@example.com"]))

        assert _ids(repository.find_by_email("team@example.com")) == [
            "c1",
            "c2",
        ]

    def test_find_by_email_any_position(
        self, repository: ContactRepository
    ) -> None:
        """Secondary addresses are found as well as primary ones."""
        repository.add(
            _person("c1", emails=["first@example.com", "second@example.com"])
        )

        assert _ids(repository.find_by_email("second@example.com")) == ["c1"]

    def test_find_by_email_exact(self, repository: ContactRepository) -> None:
        """Addresses match whole, with no wildcards."""
        repository.add(_person("c1", emails=["anna@example.com"]))

        for address in ["_nna@example.com", "%@example.com", "anna@example"]:
            assert repository.find_by_email(address) == []

    # find_by_phone

    def test_find_by_phone_e164(self, repository: ContactRepository) -> None:
        """A number written nationally is found by its E.164 form."""
        repository.add(_person("c1", phones=["030 / 90 18 20"]))

        assert _ids(repository.find_by_phone("+4930901820")) == ["c1"]

    def test_find_by_phone_extension(
        self, repository: ContactRepository
    ) -> None:
        """A number with an extension is found by its E.164 form alone."""
        repository.add(_person("c1", phones=["+1 201 555 0123 ext. 42"]))

        assert _ids(repository.find_by_phone("+12015550123")) == ["c1"]

    def test_find_by_phone_order(self, repository: ContactRepository) -> None:
        """Contacts sharing a number come ordered by id."""
        repository.add(_person("c2", phones=["+49 30 901820"]))
        repository.add(_person("c1", phones=["030 901820"]))

        assert _ids(repository.find_by_phone("+4930901820")) == ["c1", "c2"]

    def test_find_by_phone_exact(self, repository: ContactRepository) -> None:
        """Numbers match whole, never by suffix or raw text."""
        repository.add(_person("c1", phones=["030 901820", "call reception"]))

        for text in ["901820", "+49309018", "%901820", "call reception"]:
            assert repository.find_by_phone(text) == []

    # look-up by user

    def test_find_by_user(self, repository: ContactRepository) -> None:
        """Only contacts linked to the user are found, ordered by id."""
        repository.add(attrs.evolve(_person("b"), user_id="U-1"))
        repository.add(attrs.evolve(_person("a"), user_id="U-1"))
        repository.add(attrs.evolve(_person("c"), user_id="U-2"))
        repository.add(_person("d"))

        assert _ids(repository.find_by_user("U-1")) == ["a", "b"]
        assert repository.find_by_user("U-9") == []

    def test_find_by_user_changes(self, repository: ContactRepository) -> None:
        """Unlinking the user or deleting the contact takes effect."""
        first = repository.add(attrs.evolve(_person("a"), user_id="U-1"))
        repository.add(attrs.evolve(_person("b"), user_id="U-1"))

        repository.save(attrs.evolve(first, user_id=None))
        repository.delete("b")

        assert repository.find_by_user("U-1") == []

    # iteration and length

    def test_iter_order(self, repository: ContactRepository) -> None:
        """Iteration yields every contact ordered by id."""
        for contact_id in ["b", "c", "a", "B"]:
            repository.add(_person(contact_id))

        assert _ids(repository) == ["B", "a", "b", "c"]

    def test_iter_empty(self, repository: ContactRepository) -> None:
        """An empty repository yields nothing and has length 0."""
        assert list(repository) == []
        assert len(repository) == 0

    def test_len_counts(self, repository: ContactRepository) -> None:
        """The length is the number of stored contacts."""
        repository.add_many(_person(f"c{i}") for i in range(3))
        repository.delete("c1")

        assert len(repository) == 2

    # transactions

    def test_transaction_commits(self, repository: ContactRepository) -> None:
        """Writes in a block that ends normally are kept."""
        with repository.transaction():
            repository.add(_person("c1"))
            repository.add(_person("c2", links=[_link(CUSTOMER)]))

        assert _ids(repository) == ["c1", "c2"]
        assert _ids(repository.find_by_party(CUSTOMER)) == ["c2"]

    def test_transaction_reads_own_writes(
        self, repository: ContactRepository
    ) -> None:
        """Reads inside a block see the writes made earlier in it."""
        with repository.transaction():
            stored = repository.add(_person("c1", links=[_link(CUSTOMER)]))

            assert repository.get("c1") == stored
            assert repository.find_by_party(CUSTOMER) == [stored]

    def test_rollback_leaves_nothing(
        self, repository: ContactRepository
    ) -> None:
        """An exception undoes every add, save and delete of the block."""
        kept = repository.add(
            _person(
                "c1",
                emails=["kept@example.com"],
                links=[_link(CUSTOMER, primary=True)],
            )
        )
        doomed = repository.add(_person("c2", phones=["030 901820"]))

        with contextlib.suppress(_RollbackError), repository.transaction():
            repository.add(
                _person(
                    "c3",
                    emails=["new@example.com"],
                    links=[_link(SUPPLIER, primary=True)],
                )
            )
            repository.save(
                attrs.evolve(
                    kept,
                    emails=[EmailAddress("changed@example.com")],
                    links=[],
                )
            )
            repository.delete("c2")
            raise _RollbackError

        assert _ids(repository) == ["c1", "c2"]
        assert repository.get("c1") == kept
        assert repository.get("c2") == doomed
        assert repository.find("c3") is None
        assert repository.find_primary(SUPPLIER) is None
        assert repository.find_by_email("new@example.com") == []
        assert repository.find_by_email("changed@example.com") == []
        assert _ids(repository.find_by_email("kept@example.com")) == ["c1"]
        assert repository.find_primary(CUSTOMER) == kept
        assert _ids(repository.find_by_phone("+4930901820")) == ["c2"]

    def test_rollback_reraises(self, repository: ContactRepository) -> None:
        """The exception that ends a block reaches the caller unchanged."""
        error = _RollbackError("boom")

        with pytest.raises(_RollbackError) as caught, repository.transaction():
            raise error

        assert caught.value is error

    def test_usable_after_rollback(
        self, repository: ContactRepository
    ) -> None:
        """A block after a rolled-back one commits normally."""
        with contextlib.suppress(_RollbackError), repository.transaction():
            repository.add(_person("c1"))
            raise _RollbackError

        with repository.transaction():
            repository.add(_person("c1"))

        assert _ids(repository) == ["c1"]

    def test_nested_failure_inner_only(
        self, repository: ContactRepository
    ) -> None:
        """A failing nested block undoes only its own writes."""
        with repository.transaction():
            repository.add(_person("c1"))
            with contextlib.suppress(_RollbackError), repository.transaction():
                repository.add(_person("c2"))
                repository.delete("c1")
                raise _RollbackError
            repository.add(_person("c3"))

        assert _ids(repository) == ["c1", "c3"]

    def test_nested_success_outer_failure(
        self, repository: ContactRepository
    ) -> None:
        """Writes of a finished nested block are undone with the outer one."""
        with contextlib.suppress(_RollbackError), repository.transaction():
            repository.add(_person("c1"))
            with repository.transaction():
                repository.add(_person("c2"))
            raise _RollbackError

        assert len(repository) == 0

    def test_nested_three_levels(self, repository: ContactRepository) -> None:
        """Savepoints nest to any depth, each undoing only its own writes."""
        with repository.transaction():
            first = repository.add(_person("c1"))
            with repository.transaction():
                second = repository.save(attrs.evolve(first, last_name="A"))
                with (
                    contextlib.suppress(_RollbackError),
                    repository.transaction(),
                ):
                    repository.save(attrs.evolve(second, last_name="B"))
                    repository.add(_person("c2"))
                    raise _RollbackError
                repository.add(_person("c3"))

        assert _ids(repository) == ["c1", "c3"]
        assert repository.get("c1") == second

    def test_failed_write_in_transaction(
        self, repository: ContactRepository
    ) -> None:
        """A write that raises inside a block leaves nothing of itself."""
        repository.add(_person("c1", links=[_link(CUSTOMER, primary=True)]))

        with repository.transaction():
            with pytest.raises(PrimaryContactConflictError):
                repository.add(
                    _person(
                        "c2",
                        emails=["c2@example.com"],
                        links=[_link(SUPPLIER), _link(CUSTOMER, primary=True)],
                    )
                )
            with pytest.raises(DuplicateContactError):
                repository.add_many([_person("c3"), _person("c1")])
            repository.add(_person("c4"))

        assert _ids(repository) == ["c1", "c4"]
        assert repository.find_by_party(SUPPLIER) == []
        assert repository.find_by_email("c2@example.com") == []

    def test_conflict_in_transaction(
        self, repository: ContactRepository
    ) -> None:
        """A version conflict inside a block leaves the block usable."""
        stored = repository.add(_person("c1"))
        newer = repository.save(stored)

        with repository.transaction():
            with pytest.raises(VersionConflictError):
                repository.save(attrs.evolve(stored, last_name="Old"))
            repository.save(attrs.evolve(newer, last_name="New"))

        assert repository.get("c1").last_name == "New"
        assert repository.get("c1").version == 3

    def test_rollback_restores_primary(
        self, repository: ContactRepository
    ) -> None:
        """A rolled-back change of primary contact keeps the old one."""
        first = repository.add(
            _person("c1", links=[_link(CUSTOMER, primary=True)])
        )
        second = repository.add(_person("c2", links=[_link(CUSTOMER)]))

        with contextlib.suppress(_RollbackError), repository.transaction():
            repository.save(first.with_primary_mark(CUSTOMER, primary=False))
            repository.save(second.with_primary_mark(CUSTOMER, primary=True))
            raise _RollbackError

        assert repository.find_primary(CUSTOMER) == first
        assert repository.get("c2") == second

    # concurrency

    def test_concurrent_primaries(self, repository: ContactRepository) -> None:
        """Of several threads marking a primary for a party, one wins."""
        if not self.supports_threads:
            pytest.skip("the adapter is not shared between threads")
        contacts = [
            _person(f"c{i}", links=[_link(CUSTOMER, primary=True)])
            for i in range(4)
        ]

        errors = _run_together(
            [functools.partial(repository.add, c) for c in contacts]
        )

        assert errors.count(None) == 1
        assert all(
            isinstance(error, PrimaryContactConflictError)
            for error in errors
            if error is not None
        )
        assert len(repository) == 1
        assert repository.find_primary(CUSTOMER) is not None

    def test_concurrent_saves(self, repository: ContactRepository) -> None:
        """Of several threads saving the same version, one wins."""
        if not self.supports_threads:
            pytest.skip("the adapter is not shared between threads")
        stored = repository.add(_person("c1"))
        copies = [attrs.evolve(stored, last_name=f"N{i}") for i in range(4)]

        errors = _run_together(
            [functools.partial(repository.save, c) for c in copies]
        )

        assert errors.count(None) == 1
        assert all(
            isinstance(error, VersionConflictError)
            for error in errors
            if error is not None
        )
        assert repository.get("c1").version == 2

    # round trip

    def test_round_trip_every_field(
        self, repository: ContactRepository
    ) -> None:
        """Every field of a contact comes back exactly, in order."""
        contact = Contact(
            contact_id="c-ü 1",
            salutation="Dr.",
            first_name="José María",
            middle_name="محمد",
            last_name="李",
            designation="Einkäufer",
            gender="Female",
            company_name="Société Générale",
            department="Achats",
            status=ContactStatus.REPLIED,
            emails=[
                EmailAddress("second@example.org"),
                EmailAddress("Anna@Example.com", is_primary=True),
                EmailAddress("dritte@beispiel.de"),
            ],
            phones=[
                PhoneNumber.parse("call reception"),
                PhoneNumber.parse("0171 1234567", region="DE"),
                PhoneNumber.parse("+1 201 555 0123 ext. 42"),
                PhoneNumber.parse("+49 30 901820", is_primary_phone=True),
            ],
            links=[
                _link(SUPPLIER, title="Zulieferer", roles=["shipping"]),
                _link(
                    CUSTOMER,
                    primary=True,
                    roles=["billing", "sales"],
                    title="ACME",
                ),
            ],
            user_id="user-7",
            unsubscribed=True,
        )

        stored = repository.add(contact)

        assert repository.get(contact.contact_id) == stored
        assert stored == attrs.evolve(contact, version=1)
        assert repository.find_by_party(CUSTOMER) == [stored]
        assert repository.find_primary(CUSTOMER) == stored
        assert repository.find_by_email("anna@example.com") == [stored]
        assert repository.find_by_phone("+12015550123") == [stored]
        assert list(repository) == [stored]

    def test_round_trip_after_save(
        self, repository: ContactRepository
    ) -> None:
        """A saved contact comes back exactly as saved."""
        stored = repository.add(
            _person(
                "c1",
                emails=["a@example.com", "b@example.com"],
                links=[_link(CUSTOMER)],
            )
        )
        changed = attrs.evolve(
            stored,
            status=ContactStatus.OPEN,
            emails=[
                EmailAddress("c@example.com"),
                EmailAddress("a@example.com", is_primary=True),
            ],
            links=[_link(SUPPLIER, roles=["sales"]), _link(CUSTOMER)],
            user_id=None,
            extra_properties=(
                "BDAY:1990-01-01",
                "NOTE:Grüße\\, zweite Zeile\\nfolgt",
                "PHOTO;ENCODING=b;TYPE=JPEG:" + "/9j/4AAQ" * 200,
            ),
        )

        saved = repository.save(changed)

        assert saved == attrs.evolve(changed, version=2)
        assert repository.get("c1") == saved

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def test_round_trip_generated(
        self, repository: ContactRepository, data: st.DataObject
    ) -> None:
        """A generated contact, primary links included, comes back equal."""
        contact = data.draw(strategies.contacts())
        contact = attrs.evolve(
            contact,
            links=data.draw(st.lists(strategies.links(), max_size=3)),
        )

        # The block is rolled back, so every example starts empty.
        with contextlib.suppress(_RollbackError), repository.transaction():
            stored = repository.add(contact)

            assert stored == attrs.evolve(contact, version=1)
            assert repository.get(contact.contact_id) == stored
            for party in contact.parties:
                assert repository.find_by_party(party) == [stored]
            raise _RollbackError

        assert repository.find(contact.contact_id) is None
