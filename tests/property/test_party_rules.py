"""Any sequence of operations keeps the invariants, on every adapter.

A hypothesis state machine runs link, unlink, set primary, rename, merge
and delete of parties, and create, update and delete of contacts, against
the adapter under test and the in-memory reference adapter side by side.
After every step it checks the invariants on the adapter under test and
that both stores contain exactly the same contacts and return the same
results, so every adapter agrees with every other.

The test runs once per adapter of the `repository` fixture, so an adapter
added to ``ADAPTERS`` in the test configuration is covered without
changes here.
"""

from __future__ import annotations

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from contactlib import (
    ContactService,
    ContactStatus,
    OrphanPolicy,
    PartyRef,
    resolve_default_contact,
)
from contactlib.exceptions import ContactlibError
from contactlib.testing import MemoryContactRepository
from contactlib.testing import strategies as cs

PARTY_TYPES = ("Customer", "Supplier")
PARTY_NAMES = ("P-1", "P-2", "P-3")
ALL_PARTIES = [
    PartyRef(party_type, name)
    for party_type in PARTY_TYPES
    for name in (*PARTY_NAMES, "P-4")
]
ROLES = (None, "billing")

parties = cs.party_refs(types=PARTY_TYPES, names=PARTY_NAMES)
link_lists = st.lists(cs.links(from_parties=parties), max_size=3)
role_sets = st.frozensets(st.sampled_from(cs.ROLES), max_size=2)


class PartyRules(RuleBasedStateMachine):
    """Operations on parties and contacts, checked against a reference."""

    contact_ids = Bundle("contact_ids")

    def __init__(self, make_repository):
        super().__init__()
        self.subject = ContactService(make_repository())
        self.reference = ContactService(MemoryContactRepository())
        self.created = 0

    def both(self, operation):
        """Run *operation* on both services; outcomes must be equal."""
        outcomes = []
        for service in (self.reference, self.subject):
            try:
                outcomes.append(("returned", operation(service)))
            except ContactlibError as error:
                outcomes.append(("raised", type(error), str(error)))
        assert outcomes[0] == outcomes[1]
        return outcomes[1]

    def primary_id(self, party):
        """Return the id of the party's primary contact in the subject."""
        primary = self.subject.repository.find_primary(party)
        return None if primary is None else primary.contact_id

    def linked_ids(self, party):
        """Return the ids of the contacts linked to the party."""
        return [
            contact.contact_id
            for contact in self.subject.repository.find_by_party(party)
        ]

    @initialize(target=contact_ids)
    def first_contact(self):
        """Start with one contact, so id-taking rules always have one."""
        self.created += 1
        contact_id = f"c{self.created:03d}"
        self.both(lambda s: s.create(contact_id=contact_id, first_name="A"))
        return contact_id

    @rule(target=contact_ids, data=st.data())
    def create(self, data):
        """Create a contact, possibly with links marked primary."""
        self.created += 1
        contact_id = f"c{self.created:03d}"
        contact = data.draw(
            cs.contacts(contact_id=contact_id, links=data.draw(link_lists))
        )
        fields = attrs.asdict(contact, recurse=False)
        del fields["version"]
        self.both(lambda s: s.create(**fields))
        return contact_id

    @rule(contact_id=contact_ids, data=st.data())
    def update(self, contact_id, data):
        """Change names, e-mails, phones or the whole list of links."""
        changes = data.draw(
            st.one_of(
                st.fixed_dictionaries({"last_name": cs.names}),
                st.fixed_dictionaries(
                    {"emails": st.lists(cs.email_addresses(), max_size=2)}
                ),
                st.fixed_dictionaries(
                    {"phones": st.lists(cs.phone_numbers, max_size=2)}
                ),
                st.fixed_dictionaries({"links": link_lists}),
            )
        )
        self.both(lambda s: s.update(contact_id, **changes))

    @rule(contact_id=contact_ids)
    def delete(self, contact_id):
        """Delete a contact, or fail alike when it is gone already."""
        self.both(lambda s: s.delete(contact_id))

    @rule(
        contact_id=contact_ids,
        party=parties,
        roles=role_sets,
        title=st.sampled_from(("", "Main office")),
        primary=st.booleans(),
    )
    def link(self, contact_id, party, roles, title, primary):
        """Link a contact to a party, maybe as its primary contact."""
        outcome = self.both(
            lambda s: s.link(
                contact_id, party, title=title, roles=roles, primary=primary
            )
        )
        if outcome[0] == "returned" and primary:
            assert self.primary_id(party) == contact_id

    @rule(contact_id=contact_ids, party=parties)
    def unlink(self, contact_id, party):
        """Remove a link, or fail alike when there is none."""
        outcome = self.both(lambda s: s.unlink(contact_id, party))
        if outcome[0] == "returned":
            assert contact_id not in self.linked_ids(party)

    @rule(contact_id=contact_ids, party=parties)
    def set_primary(self, contact_id, party):
        """Make a contact primary, or fail alike when it is not linked."""
        outcome = self.both(lambda s: s.set_primary(party, contact_id))
        if outcome[0] == "returned":
            assert self.primary_id(party) == contact_id

    @rule(party=parties)
    def clear_primary(self, party):
        """Leave a party with no primary contact."""
        self.both(lambda s: s.clear_primary(party))
        assert self.primary_id(party) is None

    @rule(party=parties, new_name=st.sampled_from((*PARTY_NAMES, "P-4")))
    def rename_party(self, party, new_name):
        """Rename a party, or fail alike when the name is in use."""
        before = self.linked_ids(party)
        outcome = self.both(lambda s: s.rename_party(party, new_name))
        if outcome[0] == "returned" and new_name != party.party_name:
            renamed = PartyRef(party.party_type, new_name)
            assert self.linked_ids(party) == []
            assert self.linked_ids(renamed) == before

    @rule(party=parties, orphans=st.sampled_from(OrphanPolicy))
    def delete_party(self, party, orphans):
        """Delete a party with either choice for its orphans."""
        outcome = self.both(lambda s: s.delete_party(party, orphans=orphans))
        change = outcome[1]
        assert self.linked_ids(party) == []
        for contact_id in change.deleted:
            assert self.subject.repository.find(contact_id) is None
        for contact_id in change.updated:
            assert self.subject.repository.find(contact_id) is not None

    @rule(source=parties, into=parties)
    def merge_parties(self, source, into):
        """Merge two parties, or fail alike for one party twice."""
        primary_before = self.primary_id(into) or self.primary_id(source)
        expected = sorted({*self.linked_ids(source), *self.linked_ids(into)})
        outcome = self.both(lambda s: s.merge_parties(source, into))
        if outcome[0] == "returned":
            assert self.linked_ids(source) == []
            assert self.linked_ids(into) == expected
            assert self.primary_id(into) == primary_before

    @rule(contact_id=contact_ids)
    def record_outgoing(self, contact_id):
        """Record a message sent to a contact."""
        outcome = self.both(lambda s: s.record_outgoing(contact_id))
        if outcome[0] == "returned":
            assert outcome[1].current is not ContactStatus.PASSIVE

    @rule(data=st.data())
    def record_incoming(self, data):
        """Record a message from an address some contact has."""
        addresses = sorted(
            email.address
            for contact in self.reference.repository
            for email in contact.emails
        )
        if not addresses:
            return
        address = data.draw(st.sampled_from(addresses))
        outcome = self.both(lambda s: s.record_incoming(email=address.upper()))
        changes = outcome[1]
        assert changes
        assert {c.current for c in changes} == {ContactStatus.REPLIED}

    @rule(contact_id=contact_ids, status=st.sampled_from(ContactStatus))
    def set_status(self, contact_id, status):
        """Set a status by hand."""
        self.both(lambda s: s.set_status(contact_id, status))

    @invariant()
    def same_contacts(self):
        """Both stores hold the same contacts, versions included."""
        assert list(self.subject.repository) == list(self.reference.repository)

    @invariant()
    def no_duplicate_links(self):
        """No contact has two links to one party."""
        for contact in self.subject.repository:
            assert len(contact.links) == len(contact.parties)

    @invariant()
    def one_primary_per_party(self):
        """Each party has at most one primary, which find_primary returns."""
        stored = list(self.subject.repository)
        for party in ALL_PARTIES:
            marked = [
                contact.contact_id
                for contact in stored
                if (link := contact.link_to(party)) and link.is_primary
            ]
            primary = self.subject.repository.find_primary(party)

            assert len(marked) <= 1
            assert ([primary.contact_id] if primary else []) == marked

    @invariant()
    def party_index_matches(self):
        """The contacts of a party are exactly those linked to it."""
        stored = list(self.subject.repository)
        for party in ALL_PARTIES:
            linked = [c for c in stored if party in c.parties]

            assert self.subject.repository.find_by_party(party) == linked

    @invariant()
    def resolution_deterministic(self):
        """Resolution ignores order, returns linked contacts, and agrees."""
        batch = self.subject.resolve_defaults(ALL_PARTIES)
        for party in ALL_PARTIES:
            linked = self.subject.repository.find_by_party(party)
            reversed_order = linked[::-1]
            for role in ROLES:
                resolution = self.subject.resolve_default(party, role)
                expected = self.reference.resolve_default(party, role)

                assert resolution == expected
                assert resolution == resolve_default_contact(
                    party, reversed_order, role
                )
                if resolution.contact is not None:
                    assert resolution.contact.contact_id in {
                        c.contact_id for c in linked
                    }
            assert batch[party] == self.subject.resolve_default(party)


def emptied(repository):
    """Delete every contact, so each run of the machine starts empty."""
    for contact in list(repository):
        repository.delete(contact.contact_id)
    return repository


def test_party_rules(repository):
    """Every adapter keeps the invariants and agrees with the reference."""
    run_state_machine_as_test(
        lambda: PartyRules(lambda: emptied(repository)),
        settings=settings(
            max_examples=60,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
