"""Invitation stores and user directories: in memory and in SQLite."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from contactlib import Invitation, PortalUser, hash_token, new_token
from contactlib.adapters.sqlite_invitations import SQLiteInvitationStore
from contactlib.adapters.sqlite_users import SQLiteUserDirectory
from contactlib.exceptions import (
    ConflictError,
    InvitationNotFoundError,
    UserConflictError,
    UserNotFoundError,
)
from contactlib.testing import MemoryInvitationStore, MemoryUserDirectory

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    """Each invitation store, empty."""
    if request.param == "memory":
        yield MemoryInvitationStore()
        return
    with SQLiteInvitationStore(tmp_path / "contacts.db") as sqlite_store:
        yield sqlite_store


def _invitation(contact_id="C-1", **fields):
    values = {
        "contact_id": contact_id,
        "user_id": "U-1",
        "email": "anna@example.com",
        "token_hash": hash_token(new_token()),
        "created_at": NOW,
        "expires_at": NOW + timedelta(days=7),
    }
    values.update(fields)
    return Invitation(**values)


class TestInvitationStore:
    """The `InvitationStore` contract, for every adapter."""

    def test_round_trip(self, store):
        """A stored invitation reads back equal, times included."""
        invitation = _invitation(
            sent_at=NOW + timedelta(seconds=1, microseconds=5),
            attempts=2,
            last_error="timed out",
        )

        store.add(invitation)

        assert store.get(invitation.invitation_id) == invitation
        assert store.find_by_token_hash(invitation.token_hash) == invitation
        assert store.find_open("C-1") == invitation

    def test_one_open_per_contact(self, store):
        """A second open invitation for one contact is a conflict."""
        store.add(_invitation())

        with pytest.raises(ConflictError):
            store.add(_invitation())

    def test_after_accept(self, store):
        """After acceptance, the contact may get a new invitation."""
        first = store.add(_invitation())
        assert store.mark_accepted(first.invitation_id, first.token_hash, NOW)

        second = store.add(_invitation())

        assert store.find_open("C-1") == second
        assert store.get(first.invitation_id).accepted_at == NOW

    def test_mark_accepted_once(self, store):
        """Only the first acceptance of a token succeeds."""
        invitation = store.add(_invitation())

        first = store.mark_accepted(
            invitation.invitation_id, invitation.token_hash, NOW
        )
        second = store.mark_accepted(
            invitation.invitation_id, invitation.token_hash, NOW
        )

        assert first
        assert not second

    def test_mark_accepted_old_hash(self, store):
        """A replaced token cannot accept the invitation."""
        invitation = store.add(_invitation())
        old_hash = invitation.token_hash
        store.save(attrs.evolve(invitation, token_hash=hash_token("new")))

        assert not store.mark_accepted(invitation.invitation_id, old_hash, NOW)
        assert store.find_by_token_hash(old_hash) is None

    def test_concurrent_accept(self, store):
        """Of many threads accepting one token, exactly one succeeds."""
        invitation = store.add(_invitation())
        results: list[bool] = []
        barrier = threading.Barrier(8)

        def accept():
            barrier.wait()
            results.append(
                store.mark_accepted(
                    invitation.invitation_id, invitation.token_hash, NOW
                )
            )

        threads = [threading.Thread(target=accept) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(results) == [False] * 7 + [True]

    def test_save_missing(self, store):
        """Saving an invitation that is not stored raises."""
        with pytest.raises(InvitationNotFoundError):
            store.save(_invitation())

    def test_order(self, store):
        """Iteration is by creation time, then id."""
        later = store.add(_invitation("C-2", created_at=NOW + timedelta(1)))
        earlier = store.add(_invitation("C-1"))

        assert list(store) == [earlier, later]


class TestSQLiteInvitationStore:
    """What only the SQLite store does."""

    def test_reopen(self, tmp_path):
        """Invitations survive closing and reopening the file."""
        path = tmp_path / "contacts.db"
        with SQLiteInvitationStore(path) as store:
            invitation = store.add(_invitation())

        with SQLiteInvitationStore(path) as store:
            assert store.get(invitation.invitation_id) == invitation

    def test_shares_file(self, tmp_path):
        """The store keeps to its own table in a shared file."""
        path = tmp_path / "contacts.db"
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE other (x)")

        with SQLiteInvitationStore(path) as store:
            store.add(_invitation())

        with sqlite3.connect(path) as connection:
            tables = {
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
        assert tables == {"other", "contactlib_invitations"}

    def test_two_connections(self, tmp_path):
        """A token accepted through one connection is used for another."""
        path = tmp_path / "contacts.db"
        with (
            SQLiteInvitationStore(path) as first,
            SQLiteInvitationStore(path) as second,
        ):
            invitation = first.add(_invitation())

            accepted = first.mark_accepted(
                invitation.invitation_id, invitation.token_hash, NOW
            )

            assert accepted
            assert not second.mark_accepted(
                invitation.invitation_id, invitation.token_hash, NOW
            )


@pytest.fixture(params=["memory", "sqlite"])
def users(request, tmp_path):
    """Each user directory, empty."""
    if request.param == "memory":
        yield MemoryUserDirectory()
        return
    with SQLiteUserDirectory(tmp_path / "contacts.db") as directory:
        yield directory


class TestUserDirectory:
    """The `UserDirectory` contract, for every adapter."""

    def test_create(self, users):
        """A new user is disabled and found by id and address."""
        user = users.create_portal_user("anna@example.com", full_name="Anna")

        assert not user.enabled
        assert users.get(user.user_id) == user
        assert users.find_by_email("ANNA@example.com") == user

    def test_unique_email(self, users):
        """A second user with the same address, in any case, is refused."""
        first = users.create_portal_user("anna@example.com", full_name="A")

        with pytest.raises(UserConflictError) as caught:
            users.create_portal_user("ANNA@example.com", full_name="Anna")

        assert caught.value.user_id == first.user_id
        assert len(list(users)) == 1

    def test_enable(self, users):
        """Enabling lets the user log in, and twice is harmless."""
        user = users.create_portal_user("anna@example.com", full_name="Anna")

        users.enable(user.user_id)
        enabled = users.enable(user.user_id)

        assert enabled.enabled
        assert users.get(user.user_id).enabled

    def test_enable_missing(self, users):
        """Enabling an unknown user raises `UserNotFoundError`."""
        with pytest.raises(UserNotFoundError):
            users.enable("user-9")

    def test_find_missing(self, users):
        """Unknown ids and addresses are not found."""
        assert users.find("user-9") is None
        assert users.find_by_email("nobody@example.com") is None


class TestMemoryUserDirectory:
    """What only `MemoryUserDirectory` does."""

    def test_ids_skip_given(self):
        """New ids never reuse the id of a user given at the start."""
        users = MemoryUserDirectory([PortalUser("user-2", "b@example.com")])

        user = users.create_portal_user("a@example.com", full_name="A")

        assert user.user_id == "user-3"
