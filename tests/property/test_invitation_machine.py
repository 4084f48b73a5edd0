"""Stateful properties of invitations over random sequences of actions."""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from datetime import timedelta

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    rule,
)

from contactlib import (
    ContactService,
    EmailAddress,
    InvitationService,
    Link,
    PartyRef,
    email_key,
)
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.adapters.sqlite_invitations import SQLiteInvitationStore
from contactlib.adapters.sqlite_users import SQLiteUserDirectory
from contactlib.exceptions import (
    ContactNotFoundError,
    InvalidLinkError,
    InvitationAcceptedError,
    InvitationNotSentError,
    InvitationTokenError,
    NotEligibleError,
)
from contactlib.testing import (
    ManualClock,
    MemoryContactRepository,
    MemoryInvitationStore,
    MemoryMailer,
    MemoryUserDirectory,
)

PORTAL_TYPES = frozenset({"Customer", "Supplier"})
LIFETIME = timedelta(hours=48)
PARTIES = [
    PartyRef("Customer", "CUST-1"),
    PartyRef("Customer", "CUST-2"),
    PartyRef("Supplier", "SUPP-1"),
    PartyRef("Lead", "LEAD-1"),
]
# Few addresses, differing in case, so that contacts share them.
ADDRESSES = ["anna@example.com", "Anna@Example.com", "bo@example.com"]
# The mailer fails in one send of three.
FAILURES = st.sampled_from([False, False, True])
TOKEN = re.compile(r"token=([A-Za-z0-9_-]+)")


class InvitationMachine(RuleBasedStateMachine):
    """Invite, re-send, accept, unlink and delete in any order."""

    contact_ids = Bundle("contact_ids")
    tokens = Bundle("tokens")

    def __init__(self) -> None:
        super().__init__()
        self.contacts = self.make_contacts()
        self.users = self.make_users()
        self.mailer = MemoryMailer()
        self.clock = ManualClock()
        self.service = InvitationService(
            contacts=self.contacts,
            users=self.users,
            invitations=self.make_store(),
            mailer=self.mailer,
            clock=self.clock,
            portal_types=PORTAL_TYPES,
            accept_url="https://portal.example.com/accept?token={token}",
            token_lifetime=LIFETIME,
        )
        self.contact_service = ContactService(self.contacts)
        self.counter = 0
        # The model: what each token was issued for, and which token of
        # each invitation is the latest.
        self.issued: dict[str, tuple[str, object]] = {}
        self.latest: dict[str, str] = {}
        self.accepted: set[str] = set()

    def make_contacts(self):
        """Return the contact repository under test."""
        return MemoryContactRepository()

    def make_users(self):
        """Return the user directory under test."""
        return MemoryUserDirectory()

    def make_store(self):
        """Return the invitation store under test."""
        return MemoryInvitationStore()

    def teardown(self):
        """Close the adapters that have a connection."""
        for adapter in (self.contacts, self.users, self.service.invitations):
            close = getattr(adapter, "close", None)
            if close is not None:
                close()

    @initialize(target=contact_ids)
    def start(self):
        """Store three contacts that share addresses and parties."""
        return multiple(
            self._store(ADDRESSES[0], {PARTIES[0]}),
            self._store(ADDRESSES[1], {PARTIES[1], PARTIES[2]}),
            self._store(ADDRESSES[2], {PARTIES[0], PARTIES[3]}),
        )

    @rule(
        target=contact_ids,
        address=st.one_of(st.none(), st.sampled_from(ADDRESSES)),
        parties=st.sets(st.sampled_from(PARTIES), max_size=3),
    )
    def create(self, address, parties):
        """Store a new contact."""
        return self._store(address, parties)

    def _store(self, address, parties):
        self.counter += 1
        contact = self.contact_service.create(
            contact_id=f"C-{self.counter}",
            first_name="Anna",
            emails=[] if address is None else [EmailAddress(address)],
            links=[Link(p.party_type, p.party_name) for p in parties],
        )
        return contact.contact_id

    def _record_token(self) -> str:
        match = TOKEN.search(self.mailer.sent[-1].text)
        assert match is not None
        return match.group(1)

    def _send(self, action, fail):
        sent_before = len(self.mailer.sent)
        if fail:
            self.mailer.fail_next()
        try:
            result = action()
        except (NotEligibleError, ContactNotFoundError):
            return None
        except (InvitationNotSentError, InvitationAcceptedError):
            return None
        finally:
            self.mailer.cancel_failures()
        if result.invitation is None:
            assert len(self.mailer.sent) == sent_before
            return None
        assert len(self.mailer.sent) == sent_before + 1
        token = self._record_token()
        invitation = result.invitation
        self.issued[token] = (invitation.invitation_id, invitation.expires_at)
        self.latest[invitation.invitation_id] = token
        return token

    @rule(target=tokens, contact_id=contact_ids, fail=FAILURES)
    def invite(self, contact_id, fail):
        """Invite a contact, with the mailer failing or not."""
        token = self._send(lambda: self.service.invite(contact_id), fail)
        return multiple() if token is None else token

    @rule(target=tokens, contact_id=contact_ids, fail=FAILURES)
    def resend(self, contact_id, fail):
        """Send a contact's open invitation again."""
        current = self.service.invitations.find_open(contact_id)
        if current is None:
            return multiple()
        token = self._send(
            lambda: self.service.resend(current.invitation_id), fail
        )
        return multiple() if token is None else token

    @rule(token=tokens)
    def accept(self, token):
        """Accept a token, which must work exactly when the model allows it."""
        model = self.issued.get(token)
        usable = False
        if model is not None:
            invitation_id, expires_at = model
            invitation = self.service.invitations.get(invitation_id)
            contact = self.contacts.find(invitation.contact_id)
            usable = (
                self.latest[invitation_id] == token
                and invitation_id not in self.accepted
                and self.clock.now() < expires_at
                and contact is not None
                and contact.user_id == invitation.user_id
            )

        try:
            user = self.service.accept(token)
        except InvitationTokenError as error:
            event(f"accept: {type(error).__name__}")
            assert not usable
        else:
            event("accept: enabled")
            assert usable
            assert user.enabled
            self.accepted.add(self.issued[token][0])

    @rule(hours=st.integers(1, 30))
    def wait(self, hours):
        """Let time pass."""
        self.clock.advance(timedelta(hours=hours))

    @rule(contact_id=contact_ids, party=st.sampled_from(PARTIES))
    def unlink(self, contact_id, party):
        """Remove a contact's link to a party."""
        with contextlib.suppress(ContactNotFoundError, InvalidLinkError):
            self.contact_service.unlink(contact_id, party)

    @rule(contact_id=consumes(contact_ids))
    def delete(self, contact_id):
        """Delete a contact."""
        with contextlib.suppress(ContactNotFoundError):
            self.contact_service.delete(contact_id)

    @invariant()
    def one_user_per_email(self):
        """No e-mail address has two users, in any letter case."""
        keys = [email_key(user.email) for user in self.users]
        assert len(keys) == len(set(keys))

    @invariant()
    def one_contact_per_user(self):
        """No user is linked to two contacts."""
        holders: defaultdict[str, list[str]] = defaultdict(list)
        for contact in self.contacts:
            if contact.user_id is not None:
                holders[contact.user_id].append(contact.contact_id)
        assert all(len(ids) == 1 for ids in holders.values())

    @invariant()
    def scope_is_linked(self):
        """Every party in a scope is linked now and portal-enabled."""
        for user in self.users:
            for party in self.service.scope(user.user_id):
                assert party.party_type in PORTAL_TYPES
                assert any(
                    party in contact.parties
                    for contact in self.contacts.find_by_user(user.user_id)
                )


class SQLiteInvitationMachine(InvitationMachine):
    """The same sequences with contacts, users and invitations in SQLite."""

    def make_contacts(self):
        """Return an SQLite contact repository in memory."""
        return SqliteContactRepository(":memory:")

    def make_users(self):
        """Return an SQLite user directory in memory."""
        return SQLiteUserDirectory(":memory:")

    def make_store(self):
        """Return an SQLite invitation store in memory."""
        return SQLiteInvitationStore(":memory:")


EXAMPLES = 60
InvitationMachine.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=30, deadline=None
)
SQLiteInvitationMachine.TestCase.settings = settings(
    max_examples=max(EXAMPLES // 2, 1),
    stateful_step_count=30,
    deadline=None,
)
TestInvitationMachine = InvitationMachine.TestCase
TestSQLiteInvitationMachine = SQLiteInvitationMachine.TestCase
