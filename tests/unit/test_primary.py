"""The primary selection policy: at most one primary contact per party."""

import pytest

from contactlib import (
    Contact,
    ContactService,
    Link,
    PartyRef,
    ResolutionReason,
    apply_contact_wide_primary,
)
from contactlib.exceptions import PrimaryContactConflictError
from contactlib.testing import MemoryContactRepository

ACME = PartyRef("Customer", "ACME")
GLOBEX = PartyRef("Supplier", "GLOBEX")


@pytest.fixture
def service():
    return ContactService(MemoryContactRepository())


def primaries(service, party):
    return [
        contact.contact_id
        for contact in service.repository.find_by_party(party)
        if contact.link_to(party).is_primary
    ]


class TestSetPrimary:
    def test_demotes_previous(self, service):
        """Making a contact primary demotes the previous primary."""
        anna = service.create(
            first_name="Anna", links=[Link("Customer", "ACME")]
        )
        ben = service.create(
            first_name="Ben", links=[Link("Customer", "ACME")]
        )
        service.set_primary(ACME, anna.contact_id)

        service.set_primary(ACME, ben.contact_id)

        assert primaries(service, ACME) == [ben.contact_id]

    def test_per_party(self, service):
        """A contact may be primary for one party and not for another."""
        anna = service.create(
            first_name="Anna",
            links=[Link("Customer", "ACME"), Link("Supplier", "GLOBEX")],
        )
        ben = service.create(
            first_name="Ben", links=[Link("Supplier", "GLOBEX")]
        )

        service.set_primary(ACME, anna.contact_id)
        service.set_primary(GLOBEX, ben.contact_id)

        assert primaries(service, ACME) == [anna.contact_id]
        assert primaries(service, GLOBEX) == [ben.contact_id]

    def test_second_primary_rejected_by_storage(self, service):
        """Storing a second primary mark directly is a conflict."""
        service.create(
            first_name="Anna",
            links=[Link("Customer", "ACME", is_primary=True)],
        )

        with pytest.raises(PrimaryContactConflictError):
            service.create(
                first_name="Ben",
                links=[Link("Customer", "ACME", is_primary=True)],
            )

    def test_unlink_primary_leaves_none(self, service):
        """Unlinking the primary contact leaves the party with no primary."""
        anna = service.create(
            first_name="Anna", links=[Link("Customer", "ACME")]
        )
        service.create(first_name="Ben", links=[Link("Customer", "ACME")])
        service.set_primary(ACME, anna.contact_id)

        service.unlink(anna.contact_id, ACME)

        assert primaries(service, ACME) == []
        assert service.repository.find_primary(ACME) is None

    def test_delete_primary_leaves_none(self, service):
        """Deleting the primary contact leaves the party with no primary."""
        anna = service.create(
            first_name="Anna", links=[Link("Customer", "ACME")]
        )
        ben = service.create(
            first_name="Ben", links=[Link("Customer", "ACME")]
        )
        service.set_primary(ACME, anna.contact_id)

        service.delete(anna.contact_id)

        assert primaries(service, ACME) == []
        resolution = service.resolve_default(ACME)
        assert resolution.reason is ResolutionReason.ONLY_CONTACT
        assert resolution.contact.contact_id == ben.contact_id

    def test_no_primary_falls_back(self, service):
        """Without a primary, several contacts resolve to no default."""
        service.create(first_name="Anna", links=[Link("Customer", "ACME")])
        service.create(first_name="Ben", links=[Link("Customer", "ACME")])

        resolution = service.resolve_default(ACME)

        assert resolution.contact is None
        assert resolution.reason is ResolutionReason.SEVERAL_CANDIDATES


class TestContactWidePrimary:
    def test_marks_every_link(self):
        """The ERPNext flag marks every link of the contact primary."""
        contact = Contact(
            first_name="Anna",
            links=[Link("Customer", "ACME"), Link("Supplier", "GLOBEX")],
        )

        flagged = apply_contact_wide_primary(contact, is_primary_contact=True)

        assert [link.is_primary for link in flagged.links] == [True, True]

    def test_false_flag_keeps_marks(self):
        """A false flag leaves primary marks set per link alone."""
        contact = Contact(
            first_name="Anna",
            links=[
                Link("Customer", "ACME", is_primary=True),
                Link("Supplier", "GLOBEX"),
            ],
        )

        unchanged = apply_contact_wide_primary(
            contact, is_primary_contact=False
        )

        assert unchanged == contact

    def test_keeps_titles_and_roles(self):
        """Marking links primary keeps their titles and roles."""
        contact = Contact(
            first_name="Anna",
            links=[
                Link("Customer", "ACME", title="ACME Inc.", roles={"billing"})
            ],
        )

        flagged = apply_contact_wide_primary(contact, is_primary_contact=True)

        assert flagged.links[0].title == "ACME Inc."
        assert flagged.links[0].roles == {"billing"}
