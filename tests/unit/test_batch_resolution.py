"""Default-contact resolution from transaction code, one party or many."""

from contactlib import (
    ContactService,
    Link,
    PartyRef,
    ResolutionReason,
    resolve_default_contacts,
    resolve_party_default,
    resolve_party_defaults,
)
from contactlib.testing import MemoryContactRepository


class CountingRepository(MemoryContactRepository):
    """A memory repository that counts its look-ups by party."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def find_by_party(self, party):
        """Count the call, then look up."""
        self.calls.append("find_by_party")
        return super().find_by_party(party)

    def find_by_parties(self, parties):
        """Count the call, then look up."""
        self.calls.append("find_by_parties")
        return super().find_by_parties(parties)


def customer(number):
    return PartyRef("Customer", f"CUST-{number:05d}")


def stock(repository, count):
    service = ContactService(repository)
    for number in range(count):
        party = customer(number)
        service.create(
            first_name=f"Buyer {number}",
            links=[Link(party.party_type, party.party_name)],
        )


class TestResolvePartyDefault:
    def test_one_call(self):
        """Resolving one party makes one repository call."""
        repository = CountingRepository()
        stock(repository, 3)
        repository.calls.clear()

        resolution = resolve_party_default(repository, customer(1))

        assert resolution.reason is ResolutionReason.ONLY_CONTACT
        assert repository.calls == ["find_by_party"]

    def test_inside_host_transaction(self):
        """A host resolves inside its own transaction, reading its writes."""
        repository = MemoryContactRepository()
        service = ContactService(repository)

        with repository.transaction():
            service.create(first_name="Anna", links=[Link("Customer", "NEW")])
            resolution = resolve_party_default(
                repository, PartyRef("Customer", "NEW")
            )

        assert resolution.contact.display_name == "Anna"


class TestResolvePartyDefaults:
    def test_ten_thousand_parties_one_call(self):
        """An import resolving 10,000 customers makes one repository call."""
        repository = CountingRepository()
        stock(repository, 200)
        repository.calls.clear()
        parties = [customer(number) for number in range(10_000)]

        resolutions = resolve_party_defaults(repository, parties)

        assert repository.calls == ["find_by_parties"]
        assert len(resolutions) == 10_000
        assert resolutions[customer(5)].reason is ResolutionReason.ONLY_CONTACT
        assert resolutions[customer(500)].reason is (
            ResolutionReason.NO_CONTACTS
        )

    def test_service_one_call(self):
        """`ContactService.resolve_defaults` makes one repository call too."""
        repository = CountingRepository()
        stock(repository, 5)
        repository.calls.clear()
        service = ContactService(repository)

        service.resolve_defaults([customer(n) for n in range(5)])

        assert repository.calls == ["find_by_parties"]

    def test_order_and_duplicates(self):
        """Each party appears once, in the order it was first given."""
        repository = MemoryContactRepository()
        parties = [customer(2), customer(1), customer(2)]

        resolutions = resolve_party_defaults(repository, parties)

        assert list(resolutions) == [customer(2), customer(1)]

    def test_role(self):
        """The role applies to every party of the batch."""
        repository = MemoryContactRepository()
        service = ContactService(repository)
        acme = PartyRef("Customer", "ACME")
        service.create(first_name="Anna", links=[Link("Customer", "ACME")])
        bill = service.create(
            first_name="Bill",
            links=[Link("Customer", "ACME", roles={"billing"})],
        )

        resolutions = resolve_party_defaults(repository, [acme], "billing")

        assert resolutions[acme].contact.contact_id == bill.contact_id
        assert resolutions[acme].reason is ResolutionReason.ONLY_WITH_ROLE


class TestResolveDefaultContacts:
    def test_contacts_loaded_by_host(self):
        """The pure batch form resolves contacts the host loaded itself."""
        repository = MemoryContactRepository()
        stock(repository, 2)
        loaded = {
            customer(n): repository.find_by_party(customer(n))
            for n in range(2)
        }

        resolutions = resolve_default_contacts(loaded)

        assert [r.contact.display_name for r in resolutions.values()] == [
            "Buyer 0",
            "Buyer 1",
        ]
