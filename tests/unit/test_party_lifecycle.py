"""Party lifecycle: rename, merge and delete a party."""

import pytest

from contactlib import (
    Contact,
    ContactService,
    Link,
    OrphanPolicy,
    PartyChange,
    PartyRef,
    move_link,
    source_primary_survives,
)
from contactlib.exceptions import (
    InvalidLinkError,
    InvalidValueError,
    PartyExistsError,
)
from contactlib.testing import MemoryContactRepository

OLD = PartyRef("Customer", "CUST-OLD")
NEW = PartyRef("Customer", "CUST-NEW")
GLOBEX = PartyRef("Supplier", "GLOBEX")


@pytest.fixture
def service():
    return ContactService(MemoryContactRepository())


def link(party, **fields):
    return Link(party.party_type, party.party_name, **fields)


class TestRenameParty:
    def test_links_follow(self, service):
        """Every link to the party points to the new name afterwards."""
        anna = service.create(
            first_name="Anna", links=[link(OLD, is_primary=True)]
        )
        ben = service.create(first_name="Ben", links=[link(OLD)])

        change = service.rename_party(OLD, "CUST-NEW")

        assert change == PartyChange(
            updated=tuple(sorted([anna.contact_id, ben.contact_id]))
        )
        assert service.repository.find_by_party(OLD) == []
        assert len(service.repository.find_by_party(NEW)) == 2

    def test_keeps_link_facts(self, service):
        """Renaming keeps the title, roles and primary mark of each link."""
        anna = service.create(
            first_name="Anna",
            links=[
                link(OLD, title="Old Ltd", roles={"billing"}, is_primary=True)
            ],
        )

        service.rename_party(OLD, "CUST-NEW")

        moved = service.repository.get(anna.contact_id).link_to(NEW)
        assert moved.title == "Old Ltd"
        assert moved.roles == {"billing"}
        assert moved.is_primary

    def test_other_links_untouched(self, service):
        """Links to other parties stay as they are."""
        anna = service.create(
            first_name="Anna", links=[link(OLD), link(GLOBEX)]
        )

        service.rename_party(OLD, "CUST-NEW")

        assert service.repository.get(anna.contact_id).parties == {NEW, GLOBEX}

    def test_name_in_use(self, service):
        """Renaming to a name that has contacts is rejected; merge instead."""
        service.create(first_name="Anna", links=[link(OLD)])
        service.create(first_name="Ben", links=[link(NEW)])

        with pytest.raises(PartyExistsError) as caught:
            service.rename_party(OLD, "CUST-NEW")

        assert str(caught.value) == (
            "Customer 'CUST-NEW' already has linked contacts, so no party "
            "can be renamed to it; merge the two parties instead"
        )
        assert len(service.repository.find_by_party(OLD)) == 1

    def test_atomic(self, service):
        """A failure part-way leaves every link where it was."""
        service.create(first_name="Anna", links=[link(OLD)])
        ben = service.create(first_name="Ben", links=[link(OLD)])
        repository = service.repository
        save = repository.save

        def failing_save(contact, **kwargs):
            if contact.contact_id == ben.contact_id:
                raise RuntimeError("disk full")
            return save(contact, **kwargs)

        repository.save = failing_save
        with pytest.raises(RuntimeError):
            service.rename_party(OLD, "CUST-NEW")
        repository.save = save

        assert len(repository.find_by_party(OLD)) == 2
        assert repository.find_by_party(NEW) == []


class TestMergeParties:
    def test_links_move(self, service):
        """Contacts of the source end up linked to the target."""
        anna = service.create(first_name="Anna", links=[link(OLD)])

        service.merge_parties(OLD, NEW)

        assert service.repository.get(anna.contact_id).parties == {NEW}

    def test_duplicate_links_merge(self, service):
        """A contact linked to both keeps one link with both roles."""
        anna = service.create(
            first_name="Anna",
            links=[
                link(OLD, roles={"billing"}),
                link(NEW, title="New Ltd", roles={"shipping"}),
            ],
        )

        service.merge_parties(OLD, NEW)

        links = service.repository.get(anna.contact_id).links
        assert len(links) == 1
        assert links[0].roles == {"billing", "shipping"}
        assert links[0].title == "New Ltd"

    def test_target_primary_survives(self, service):
        """When both parties have a primary, the target's stays primary."""
        anna = service.create(
            first_name="Anna", links=[link(OLD, is_primary=True)]
        )
        ben = service.create(
            first_name="Ben", links=[link(NEW, is_primary=True)]
        )

        service.merge_parties(OLD, NEW)

        assert (
            service.repository.find_primary(NEW).contact_id == ben.contact_id
        )
        assert (
            not service.repository.get(anna.contact_id).link_to(NEW).is_primary
        )

    def test_source_primary_when_target_has_none(self, service):
        """When only the source has a primary, it becomes the target's."""
        anna = service.create(
            first_name="Anna", links=[link(OLD, is_primary=True)]
        )
        service.create(first_name="Ben", links=[link(NEW)])

        service.merge_parties(OLD, NEW)

        assert (
            service.repository.find_primary(NEW).contact_id == anna.contact_id
        )

    def test_into_itself(self, service):
        """Merging a party into itself is rejected."""
        with pytest.raises(InvalidLinkError, match="cannot merge"):
            service.merge_parties(OLD, OLD)

    def test_target_type_checked_first(self, service):
        """An unregistered target type is rejected with nothing to move."""
        with pytest.raises(InvalidLinkError, match="unknown party type"):
            service.merge_parties(OLD, PartyRef("Patient", "P-1"))

    def test_target_type_checked(self, service):
        """The target's type must be registered."""
        service.create(first_name="Anna", links=[link(OLD)])

        with pytest.raises(InvalidLinkError, match="unknown party type"):
            service.merge_parties(OLD, PartyRef("Patient", "P-1"))

        assert len(service.repository.find_by_party(OLD)) == 1


class TestDeleteParty:
    def test_orphans_deleted(self, service):
        """With DELETE, contacts linked only to the party are deleted."""
        anna = service.create(first_name="Anna", links=[link(OLD)])

        change = service.delete_party(OLD, orphans=OrphanPolicy.DELETE)

        assert change.deleted == (anna.contact_id,)
        assert service.repository.find(anna.contact_id) is None

    def test_orphans_kept(self, service):
        """With KEEP, contacts linked only to the party stay, standalone."""
        anna = service.create(first_name="Anna", links=[link(OLD)])

        change = service.delete_party(OLD, orphans="keep")

        assert change.updated == (anna.contact_id,)
        assert service.repository.get(anna.contact_id).links == ()

    def test_linked_elsewhere_loses_link(self, service):
        """Contacts with other links lose only the deleted party's link."""
        anna = service.create(
            first_name="Anna", links=[link(OLD), link(GLOBEX)]
        )

        change = service.delete_party(OLD, orphans=OrphanPolicy.DELETE)

        assert change.deleted == ()
        assert service.repository.get(anna.contact_id).parties == {GLOBEX}

    def test_unknown_choice(self, service):
        """An unknown orphan choice is rejected with the allowed ones."""
        with pytest.raises(InvalidValueError) as caught:
            service.delete_party(OLD, orphans="archive")

        assert caught.value.reason == (
            "unknown choice 'archive' for contacts linked only to the "
            "deleted party; use one of delete, keep"
        )


class TestPurePolicies:
    def test_move_link_without_source(self):
        """Moving a link the contact does not have changes nothing."""
        contact = Contact(first_name="Anna", links=[link(GLOBEX)])

        assert move_link(contact, OLD, NEW, keep_primary=True) == contact

    def test_move_link_drops_primary(self):
        """Without ``keep_primary`` the moved link loses its mark."""
        contact = Contact(
            first_name="Anna", links=[link(OLD, is_primary=True)]
        )

        moved = move_link(contact, OLD, NEW, keep_primary=False)

        assert not moved.link_to(NEW).is_primary

    def test_source_primary_survives(self):
        """The source's primary survives only if the target has none."""
        ben = Contact(first_name="Ben", links=[link(NEW, is_primary=True)])
        cleo = Contact(first_name="Cleo", links=[link(NEW)])

        assert not source_primary_survives(NEW, [cleo, ben])
        assert source_primary_survives(NEW, [cleo])
        assert source_primary_survives(NEW, [])
