"""Cases the ERPNext Contact gets wrong, and what contactlib does instead."""

import pytest

from contactlib import (
    Contact,
    ContactService,
    EmailAddress,
    Link,
    OrphanPolicy,
    PartyRef,
    PhoneNumber,
    ResolutionReason,
)
from contactlib.testing import MemoryContactRepository

ACME = PartyRef("Customer", "ACME")
INITECH = PartyRef("Customer", "INITECH")


@pytest.fixture
def service():
    return ContactService(MemoryContactRepository(), default_region="DE")


class TestPreferredFlagPerLink:
    def test_primary_for_one_customer_only(self, service):
        """A person linked to two customers is primary for just one."""
        anna = service.create(
            first_name="Anna",
            links=[Link("Customer", "ACME"), Link("Customer", "INITECH")],
        )
        ben = service.create(
            first_name="Ben", links=[Link("Customer", "INITECH")]
        )

        service.set_primary(ACME, anna.contact_id)
        service.set_primary(INITECH, ben.contact_id)

        assert service.resolve_default(ACME).contact.contact_id == (
            anna.contact_id
        )
        assert service.resolve_default(INITECH).contact.contact_id == (
            ben.contact_id
        )


class TestNoFirstRowDefault:
    def test_insertion_order_irrelevant(self):
        """Two stores filled in opposite order resolve alike."""
        people = [
            Contact(
                first_name=name,
                contact_id=name,
                links=[Link("Customer", "ACME")],
            )
            for name in ("anna", "ben", "cleo")
        ]
        forward = MemoryContactRepository()
        backward = MemoryContactRepository()
        for contact in people:
            forward.add(contact)
        for contact in reversed(people):
            backward.add(contact)

        first = ContactService(forward).resolve_default(ACME)
        second = ContactService(backward).resolve_default(ACME)

        assert first == second

    def test_several_without_primary(self, service):
        """Several contacts and no primary give no default, with a reason."""
        service.create(first_name="Anna", links=[Link("Customer", "ACME")])
        service.create(first_name="Ben", links=[Link("Customer", "ACME")])

        resolution = service.resolve_default(ACME)

        assert resolution.contact is None
        assert resolution.reason is ResolutionReason.SEVERAL_CANDIDATES
        assert len(resolution.candidates) == 2


class TestPhoneLookupExact:
    def test_any_formatting(self, service):
        """A number is found however it is written."""
        anna = service.create(first_name="Anna", phones=["030 901820"])

        for text in ("+49 30 901820", "0049 30 90 18 20", "(030) 901-820"):
            found = service.find_by_phone(text)

            assert [c.contact_id for c in found] == [anna.contact_id]

    def test_suffix_does_not_match(self, service):
        """The last digits of a number do not match the whole number."""
        service.create(first_name="Anna", phones=["+49 30 901820"])

        assert service.find_by_phone("+49 901820") == []

    def test_wildcards_are_not_wildcards(self, service):
        """SQL wildcard characters in the input match nothing."""
        service.create(first_name="Anna", phones=["+49 30 901820"])

        for text in ("%", "%901820", "_"):
            assert service.repository.find_by_phone(text) == []

    def test_several_matches_all_returned(self, service):
        """Two contacts sharing a number are both returned, by id."""
        service.create(first_name="Anna", phones=["+49 30 901820"])
        service.create(first_name="Ben", phones=["030/901820"])

        found = service.find_by_phone("+4930901820")

        assert len(found) == 2
        assert found == sorted(found, key=lambda c: c.contact_id)


class TestPrimaryEmailAndPhone:
    def test_first_email_primary(self):
        """Several e-mails with none marked make the first primary."""
        contact = Contact(
            first_name="Anna",
            emails=[
                EmailAddress("anna@example.com"),
                EmailAddress("a.ek@example.org"),
            ],
        )

        assert contact.primary_email == "anna@example.com"

    def test_single_phone_primary(self):
        """A single phone number is the primary phone."""
        contact = Contact(
            first_name="Anna",
            phones=[PhoneNumber.parse("+49 30 901820")],
        )

        assert contact.primary_phone is contact.phones[0]


class TestLinksKept:
    def test_duplicate_link_keeps_title(self):
        """A repeated link merges into the first and keeps its title."""
        contact = Contact(
            first_name="Anna",
            links=[
                Link("Customer", "ACME", title="ACME Corporation"),
                Link("Customer", "ACME", roles={"billing"}),
            ],
        )

        assert len(contact.links) == 1
        assert contact.links[0].title == "ACME Corporation"
        assert contact.links[0].roles == {"billing"}

    def test_deleted_party_does_not_block_saves(self, service):
        """After a party is deleted, its former contacts save normally."""
        anna = service.create(
            first_name="Anna",
            links=[Link("Customer", "ACME"), Link("Customer", "INITECH")],
        )
        service.delete_party(ACME, orphans=OrphanPolicy.KEEP)

        updated = service.update(anna.contact_id, last_name="Ek")

        assert updated.last_name == "Ek"
        assert updated.parties == {INITECH}

    def test_same_names_distinct_ids(self, service):
        """Two people with one name get distinct ids, no name check."""
        first = service.create(first_name="Anna", last_name="Ek")
        second = service.create(first_name="Anna", last_name="Ek")

        assert first.contact_id != second.contact_id
        assert len(service.repository) == 2
