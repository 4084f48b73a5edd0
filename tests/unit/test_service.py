import pytest

from contactlib import ContactService, Link, PartyRef
from contactlib.exceptions import (
    ContactNotFoundError,
    InvalidContactError,
    InvalidLinkError,
    InvalidPhoneError,
    InvalidValueError,
    PrimaryContactConflictError,
    VersionConflictError,
)
from contactlib.testing import MemoryContactRepository

ACME = PartyRef("Customer", "ACME")
GLOBEX = PartyRef("Supplier", "GLOBEX")


@pytest.fixture
def service():
    return ContactService(MemoryContactRepository(), default_region="DE")


class TestCreate:
    def test_stored_with_version_one(self, service):
        """A created contact is stored with version 1."""
        contact = service.create(first_name="Anna")

        assert contact.version == 1
        assert service.repository.get(contact.contact_id) == contact

    def test_invalid_fields_reported(self, service):
        """Creating with bad fields stores nothing and names each field."""
        with pytest.raises(InvalidContactError) as caught:
            service.create(first_name="", emails=["x"])

        assert [f for f, _ in caught.value.problems] == ["emails[0]"]
        assert len(service.repository) == 0

    def test_region_applies(self, service):
        """Phones without a country code use the service's region."""
        contact = service.create(first_name="A", phones=["030 901820"])

        assert contact.phones[0].e164 == "+4930901820"


class TestUpdate:
    def test_changes_field(self, service):
        """An update changes the field and bumps the version."""
        contact = service.create(first_name="Anna")

        updated = service.update(contact.contact_id, last_name="Ek")

        assert updated.last_name == "Ek"
        assert updated.version == 2

    def test_stale_version(self, service):
        """An update based on an old version raises a conflict."""
        contact = service.create(first_name="Anna")
        service.update(contact.contact_id, last_name="Ek")

        with pytest.raises(VersionConflictError) as caught:
            service.update(
                contact.contact_id, expected_version=1, last_name="Berg"
            )

        assert caught.value.expected_version == 1
        assert caught.value.actual_version == 2

    def test_id_immutable(self, service):
        """The id of a contact cannot be changed by an update."""
        contact = service.create(first_name="Anna")

        with pytest.raises(InvalidValueError, match="cannot be changed"):
            service.update(contact.contact_id, contact_id="other")

    def test_unknown_field(self, service):
        """An update naming no field of Contact is rejected."""
        contact = service.create(first_name="Anna")

        with pytest.raises(InvalidValueError, match="has no field 'nickname'"):
            service.update(contact.contact_id, nickname="Ann")

    def test_unknown_id(self, service):
        """Updating an unknown id raises a not-found error."""
        with pytest.raises(ContactNotFoundError):
            service.update("nope", first_name="X")


class TestLinking:
    def test_link_twice_merges(self, service):
        """Linking twice to one party keeps one link with both roles."""
        contact = service.create(first_name="A")
        service.link(contact.contact_id, ACME, roles=["billing"])

        linked = service.link(contact.contact_id, ACME, roles=["shipping"])

        assert linked.links == (
            Link("Customer", "ACME", roles={"billing", "shipping"}),
        )

    def test_customer_and_supplier(self, service):
        """One contact links to a customer and a supplier at once."""
        contact = service.create(first_name="A")
        service.link(contact.contact_id, ACME)

        linked = service.link(contact.contact_id, GLOBEX)

        assert linked.parties == {ACME, GLOBEX}

    def test_unlink_not_linked(self, service):
        """Unlinking a party the contact is not linked to is an error."""
        contact = service.create(first_name="A")

        with pytest.raises(InvalidLinkError, match="not linked"):
            service.unlink(contact.contact_id, ACME)

    def test_unlink_primary_leaves_none(self, service):
        """Unlinking the primary contact leaves the party with none."""
        contact = service.create(first_name="A")
        service.link(contact.contact_id, ACME, primary=True)

        service.unlink(contact.contact_id, ACME)

        assert service.repository.find_primary(ACME) is None


class TestSetPrimary:
    def test_demotes_previous(self, service):
        """Setting a primary demotes the previous one."""
        first = service.create(
            first_name="A", links=[Link("Customer", "ACME")]
        )
        second = service.create(
            first_name="B", links=[Link("Customer", "ACME")]
        )
        service.set_primary(ACME, first.contact_id)

        service.set_primary(ACME, second.contact_id)

        primary = service.repository.find_primary(ACME)
        assert primary is not None
        assert primary.contact_id == second.contact_id
        demoted = service.repository.get(first.contact_id)
        assert not demoted.links[0].is_primary

    def test_needs_link(self, service):
        """A contact must be linked before it can be primary."""
        contact = service.create(first_name="A")

        with pytest.raises(InvalidLinkError):
            service.set_primary(ACME, contact.contact_id)

    def test_rollback_on_failure(self, service):
        """A failed set-primary leaves the previous primary in place."""
        first = service.create(
            first_name="A", links=[Link("Customer", "ACME", is_primary=True)]
        )
        unlinked = service.create(first_name="B")

        with pytest.raises(InvalidLinkError):
            service.set_primary(ACME, unlinked.contact_id)

        primary = service.repository.find_primary(ACME)
        assert primary is not None
        assert primary.contact_id == first.contact_id

    def test_repository_rejects_second_primary(self, service):
        """Saving a second primary for a party directly is rejected."""
        service.create(
            first_name="A", links=[Link("Customer", "ACME", is_primary=True)]
        )

        with pytest.raises(PrimaryContactConflictError):
            service.create(
                first_name="B",
                links=[Link("Customer", "ACME", is_primary=True)],
            )


class TestFind:
    def test_by_email_any_case(self, service):
        """Look-up by e-mail ignores letter case."""
        contact = service.create(first_name="A", emails=["Anna@Example.com"])

        found = service.find_by_email("ANNA@example.COM")

        assert found == [contact]

    def test_by_phone_any_format(self, service):
        """Look-up by phone matches any formatting of the number."""
        contact = service.create(first_name="A", phones=["+49 30 901820"])

        assert service.find_by_phone("030/90 18 20") == [contact]
        assert service.find_by_phone("+49-30-901820") == [contact]

    def test_phone_wildcards_literal(self, service):
        """Wildcard characters in a phone look-up are not wildcards."""
        service.create(first_name="A", phones=["+49 30 901820"])

        with pytest.raises(InvalidPhoneError):
            service.find_by_phone("%")

    def test_search(self, service):
        """Text search matches names case-insensitively."""
        service.create(first_name="Zoë", last_name="Ek")
        service.create(first_name="Bob")

        found = [c.first_name for c in service.search("zOË")]

        assert found == ["Zoë"]


class TestIdempotentLink:
    def test_same_link_keeps_version(self, service):
        """Linking again with nothing new does not write."""
        contact = service.create(first_name="A")
        linked = service.link(contact.contact_id, ACME, roles=["billing"])

        again = service.link(contact.contact_id, ACME, roles=["billing"])

        assert again.version == linked.version
