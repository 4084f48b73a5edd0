"""Default-contact resolution, run with the same code against every adapter.

The `repository` fixture of the shared conftest runs each test once per
adapter, so every adapter must return the same resolutions.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pytest

from contactlib import (
    Contact,
    ContactService,
    DefaultContact,
    Link,
    PartyRef,
    ResolutionReason,
)
from contactlib.exceptions import InvalidLinkError, StorageError
from contactlib.ports import ContactRepository

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

CUSTOMER = PartyRef("Customer", "CUST-0042")
OTHER_CUSTOMER = PartyRef("Customer", "CUST-0043")


@pytest.fixture
def service(repository):
    """A service over the adapter under test, for German numbers."""
    return ContactService(repository, default_region="DE")


def add(
    service: ContactService,
    contact_id: str,
    *,
    party: PartyRef = CUSTOMER,
    primary: bool = False,
    roles: Iterable[str] = (),
) -> Contact:
    """Store a contact linked to *party*."""
    return service.create(
        contact_id=contact_id,
        first_name=f"Person {contact_id}",
        emails=[f"{contact_id}@example.com"],
        links=[
            Link(
                party.party_type,
                party.party_name,
                is_primary=primary,
                roles=frozenset(roles),
            )
        ],
    )


class TestResolveDefault:
    """`ContactService.resolve_default` against every adapter."""

    def test_primary_with_role(self, service):
        """The primary contact that has the role wins over the others."""
        add(service, "c1", roles=["billing"])
        add(service, "c2", primary=True, roles=["billing"])
        add(service, "c3", roles=["shipping"])

        resolution = service.resolve_default(CUSTOMER, "billing")

        assert resolution.reason is ResolutionReason.PRIMARY_WITH_ROLE
        assert resolution.contact is not None
        assert resolution.contact.contact_id == "c2"
        assert resolution.candidates == ("c1", "c2", "c3")

    def test_only_with_role(self, service):
        """The only contact with the role wins over the primary contact."""
        add(service, "c1", primary=True)
        add(service, "c2", roles=["billing"])
        add(service, "c3", roles=["shipping"])

        resolution = service.resolve_default(CUSTOMER, "Billing")

        assert resolution.reason is ResolutionReason.ONLY_WITH_ROLE
        assert resolution.role == "billing"
        assert resolution.contact is not None
        assert resolution.contact.contact_id == "c2"

    def test_primary(self, service):
        """Without a single contact with the role, the primary one wins."""
        add(service, "c1", primary=True)
        add(service, "c2", roles=["billing"])
        add(service, "c3", roles=["billing"])

        with_role = service.resolve_default(CUSTOMER, "billing")
        without_role = service.resolve_default(CUSTOMER)

        for resolution in (with_role, without_role):
            assert resolution.reason is ResolutionReason.PRIMARY
            assert resolution.contact is not None
            assert resolution.contact.contact_id == "c1"

    def test_only_contact(self, service):
        """A single linked contact wins although it is not primary."""
        add(service, "c1")
        add(service, "c2", party=OTHER_CUSTOMER, primary=True)

        resolution = service.resolve_default(CUSTOMER, "billing")

        assert resolution.reason is ResolutionReason.ONLY_CONTACT
        assert resolution.contact is not None
        assert resolution.contact.contact_id == "c1"
        assert resolution.candidates == ("c1",)

    def test_no_contacts(self, service):
        """A party nothing links to has no default, and a reason for it."""
        add(service, "c1", party=OTHER_CUSTOMER, primary=True)

        resolution = service.resolve_default(CUSTOMER)

        assert not resolution
        assert resolution.contact is None
        assert resolution.reason is ResolutionReason.NO_CONTACTS
        assert str(resolution.reason) == "no contacts are linked to the party"
        assert resolution.candidates == ()

    def test_several_candidates(self, service):
        """Several contacts and no primary give no default and the choices."""
        add(service, "c2", roles=["billing"])
        add(service, "c1", roles=["billing"])

        resolution = service.resolve_default(CUSTOMER, "billing")

        assert not resolution
        assert resolution.contact is None
        assert resolution.reason is ResolutionReason.SEVERAL_CANDIDATES
        assert str(resolution.reason) == (
            "several contacts and none is primary"
        )
        assert resolution.candidates == ("c1", "c2")

    def test_transaction_fields(self, service):
        """The resolution carries the fields a sales order copies."""
        service.create(
            contact_id="c1",
            salutation="Dr.",
            first_name="Zoë",
            last_name="Ngozi",
            designation="Einkäuferin",
            department="Einkauf",
            emails=["info@example.com", "Zoe.Ngozi@Example.com"],
            phones=["030 901820", "0171 1234567"],
            links=[Link("Customer", "CUST-0042")],
        )
        primary_email = service.repository.get("c1").emails[0].address

        resolution = service.resolve_default(CUSTOMER)

        assert resolution.contact == DefaultContact(
            contact_id="c1",
            display_name="Zoë Ngozi",
            email=primary_email,
            phone="030 901820",
            mobile="0171 1234567",
            designation="Einkäuferin",
            department="Einkauf",
        )

    @pytest.mark.parametrize(
        "order", list(itertools.permutations(["c1", "c2", "c3"]))
    )
    def test_insertion_order(self, service, order):
        """The resolution does not depend on the order of storing."""
        roles = {"c1": ["billing"], "c2": [], "c3": ["billing"]}
        for contact_id in order:
            add(service, contact_id, roles=roles[contact_id])

        resolution = service.resolve_default(CUSTOMER, "billing")

        assert resolution.reason is ResolutionReason.SEVERAL_CANDIDATES
        assert resolution.candidates == ("c1", "c2", "c3")


class TestResolveDefaults:
    """`ContactService.resolve_defaults`, the batch form, on every adapter."""

    def test_every_case(self, service):
        """One call resolves each party as a single resolution would."""
        parties = [PartyRef("Customer", f"CUST-{n}") for n in range(6)]
        add(service, "a1", party=parties[0], primary=True, roles=["billing"])
        add(service, "a2", party=parties[0], roles=["billing"])
        add(service, "b1", party=parties[1], primary=True)
        add(service, "b2", party=parties[1], roles=["billing"])
        add(service, "c1", party=parties[2], primary=True)
        add(service, "d1", party=parties[3])
        add(service, "e1", party=parties[5])
        add(service, "e2", party=parties[5])

        batch = service.resolve_defaults(parties, "billing")

        assert set(batch) == set(parties)
        reasons = [batch[party].reason for party in parties]
        assert reasons == [
            ResolutionReason.PRIMARY_WITH_ROLE,
            ResolutionReason.ONLY_WITH_ROLE,
            ResolutionReason.PRIMARY,
            ResolutionReason.ONLY_CONTACT,
            ResolutionReason.NO_CONTACTS,
            ResolutionReason.SEVERAL_CANDIDATES,
        ]
        for party in parties:
            assert batch[party] == service.resolve_default(party, "billing")

    def test_shared_contact(self, service):
        """A contact linked to two requested parties is found for both."""
        contact = add(service, "c1", party=CUSTOMER, primary=True)
        service.link(contact.contact_id, OTHER_CUSTOMER)

        batch = service.resolve_defaults([CUSTOMER, OTHER_CUSTOMER])

        assert batch[CUSTOMER].reason is ResolutionReason.PRIMARY
        assert batch[OTHER_CUSTOMER].reason is ResolutionReason.ONLY_CONTACT
        for party in (CUSTOMER, OTHER_CUSTOMER):
            assert batch[party].contact is not None
            assert batch[party].contact.contact_id == "c1"

    def test_no_parties(self, service):
        """An empty batch returns an empty mapping."""
        add(service, "c1")

        assert service.resolve_defaults([]) == {}


class TestSetPrimary:
    """`ContactService.set_primary` on every adapter."""

    def test_demotes_previous(self, service, repository):
        """The previous primary contact loses the mark."""
        add(service, "c1", primary=True)
        add(service, "c2")

        service.set_primary(CUSTOMER, "c2")

        primary = repository.find_primary(CUSTOMER)
        assert primary is not None
        assert primary.contact_id == "c2"
        assert not repository.get("c1").link_to(CUSTOMER).is_primary
        assert repository.get("c1").version == 2
        assert service.resolve_default(CUSTOMER).contact.contact_id == "c2"

    def test_same_transaction(self, service, repository):
        """When promoting fails, the demotion is undone with it."""
        add(service, "c1", primary=True)
        add(service, "c2")
        failing = ContactService(_FailingSaves(repository, "c2"))

        with pytest.raises(StorageError):
            failing.set_primary(CUSTOMER, "c2")

        primary = repository.find_primary(CUSTOMER)
        assert primary is not None
        assert primary.contact_id == "c1"
        assert repository.get("c1").version == 1
        assert repository.get("c2").version == 1

    def test_unlinked_contact(self, service, repository):
        """A contact not linked to the party cannot become its primary."""
        add(service, "c1", primary=True)
        add(service, "c2", party=OTHER_CUSTOMER)

        with pytest.raises(InvalidLinkError):
            service.set_primary(CUSTOMER, "c2")

        assert repository.find_primary(CUSTOMER).contact_id == "c1"

    def test_already_primary(self, service, repository):
        """Making the primary contact primary again changes nothing."""
        add(service, "c1", primary=True)

        service.set_primary(CUSTOMER, "c1")

        assert repository.get("c1").version == 1

    def test_primary_for_one_party(self, service, repository):
        """A contact linked to two customers is primary for only one."""
        add(service, "c1", party=CUSTOMER, primary=True)
        service.link("c1", OTHER_CUSTOMER)
        add(service, "c2", party=OTHER_CUSTOMER, primary=True)

        first = service.resolve_default(CUSTOMER)
        second = service.resolve_default(OTHER_CUSTOMER)

        assert first.reason is ResolutionReason.PRIMARY
        assert first.contact.contact_id == "c1"
        assert second.reason is ResolutionReason.PRIMARY
        assert second.contact.contact_id == "c2"
        contact = repository.get("c1")
        assert contact.link_to(CUSTOMER).is_primary
        assert not contact.link_to(OTHER_CUSTOMER).is_primary

    def test_moves_primary_of_one_party(self, service, repository):
        """Promoting for one customer leaves the other customer's mark."""
        add(service, "c1", party=CUSTOMER, primary=True)
        service.link("c1", OTHER_CUSTOMER)
        add(service, "c2", party=OTHER_CUSTOMER, primary=True)
        service.link("c2", CUSTOMER)

        service.set_primary(CUSTOMER, "c2")

        assert repository.find_primary(CUSTOMER).contact_id == "c2"
        assert repository.find_primary(OTHER_CUSTOMER).contact_id == "c2"
        assert not repository.get("c1").link_to(CUSTOMER).is_primary


class _FailingSaves(ContactRepository):
    """A repository that fails every save of one contact."""

    def __init__(self, inner: ContactRepository, contact_id: str) -> None:
        self.inner = inner
        self.contact_id = contact_id

    def transaction(self):
        return self.inner.transaction()

    def find(self, contact_id):
        return self.inner.find(contact_id)

    def add(self, contact):
        return self.inner.add(contact)

    def save(self, contact, *, expected_version=None):
        if contact.contact_id == self.contact_id:
            raise StorageError("disk full")
        return self.inner.save(contact, expected_version=expected_version)

    def delete(self, contact_id, *, expected_version=None):
        self.inner.delete(contact_id, expected_version=expected_version)

    def find_by_party(self, party):
        return self.inner.find_by_party(party)

    def find_primary(self, party):
        return self.inner.find_primary(party)

    def find_by_email(self, address):
        return self.inner.find_by_email(address)

    def find_by_phone(self, e164):
        return self.inner.find_by_phone(e164)

    def __iter__(self) -> Iterator[Contact]:
        return iter(self.inner)

    def __len__(self):
        return len(self.inner)
