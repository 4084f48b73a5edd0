"""`InvitationService` with the in-memory adapters."""

from __future__ import annotations

import re
from datetime import timedelta

import attrs
import pytest

from contactlib import (
    ContactService,
    Ineligibility,
    IneligibilityReason,
    InvitationService,
    InvitationStatus,
    InvitationTemplate,
    Link,
    PartyRef,
    PortalUser,
    hash_token,
    new_token,
)
from contactlib.exceptions import (
    ContactNotFoundError,
    ExpiredTokenError,
    InvalidValueError,
    InvitationAcceptedError,
    InvitationNotSentError,
    MailTimeoutError,
    NotEligibleError,
    RevokedTokenError,
    UnknownTokenError,
    UsedTokenError,
)
from contactlib.testing import (
    ManualClock,
    MemoryContactRepository,
    MemoryInvitationStore,
    MemoryMailer,
    MemoryUserDirectory,
)

ACCEPT_URL = "https://portal.example.com/accept?token={token}"
CUSTOMER = PartyRef("Customer", "CUST-1")


@pytest.fixture
def contacts():
    """An empty contact repository."""
    return MemoryContactRepository()


@pytest.fixture
def users():
    """An empty user directory."""
    return MemoryUserDirectory()


@pytest.fixture
def service(contacts, users):
    """A service over in-memory adapters and a manual clock."""
    return InvitationService(
        contacts=contacts,
        users=users,
        invitations=MemoryInvitationStore(),
        mailer=MemoryMailer(),
        clock=ManualClock(),
        portal_types={"Customer", "Supplier"},
        accept_url=ACCEPT_URL,
        token_lifetime=timedelta(days=3),
    )


@pytest.fixture
def anna(contacts):
    """A customer contact with an e-mail address."""
    return ContactService(contacts).create(
        contact_id="C-1",
        first_name="Anna",
        emails=["anna@example.com"],
        links=[Link("Customer", "CUST-1")],
    )


def _token(service, index=-1):
    text = service.mailer.sent[index].text
    match = re.search(r"token=([A-Za-z0-9_-]+)", text)
    assert match is not None
    return match.group(1)


class TestNewToken:
    def test_never_starts_with_dash(self, monkeypatch):
        """A token that would start with a dash is drawn again."""
        drawn = iter(["-first", "second"])
        monkeypatch.setattr(
            "contactlib._portal_model.secrets.token_urlsafe",
            lambda _size: next(drawn),
        )

        assert new_token() == "second"

    def test_length(self):
        """A token carries 32 random bytes in URL-safe base64."""
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", new_token())


class TestInvite:
    """`InvitationService.invite`."""

    def test_creates_user(self, service, users, contacts, anna):
        """A new user is created, linked and sent one message."""
        result = service.invite("C-1")

        assert result.created_user
        assert users.find_by_email("anna@example.com") == result.user
        assert not result.user.enabled
        assert contacts.get("C-1").user_id == result.user.user_id
        assert len(service.mailer.sent) == 1
        assert service.mailer.sent[0].to_address == "anna@example.com"
        assert service.mailer.sent[0].to_name == "Anna"

    def test_token(self, service, anna):
        """The token has at least 128 bits and only its hash is stored."""
        result = service.invite("C-1")

        token = _token(service)
        assert len(token) >= 22
        assert result.invitation is not None
        assert result.invitation.token_hash == hash_token(token)
        assert token not in repr(result.invitation)

    def test_expiry(self, service, anna):
        """The token expires after the host's lifetime."""
        result = service.invite("C-1")

        assert result.invitation is not None
        lifetime = result.invitation.expires_at - service.clock.now()
        assert lifetime == timedelta(days=3)
        assert service.status(result.invitation) is InvitationStatus.SENT

    def test_links_existing_user(self, service, users, anna):
        """An account with the same e-mail is linked, not duplicated."""
        existing = users.create_portal_user(
            "ANNA@example.com", full_name="Anna"
        )

        result = service.invite("C-1")

        assert result.user == existing
        assert not result.created_user
        assert len(users) == 1

    def test_active_existing_user(self, service, users, contacts, anna):
        """An account that can log in is linked and nothing is sent."""
        existing = users.create_portal_user(
            "anna@example.com", full_name="Anna"
        )
        users.enable(existing.user_id)

        result = service.invite("C-1")

        assert result.invitation is None
        assert contacts.get("C-1").user_id == existing.user_id
        assert service.mailer.sent == []

    def test_twice(self, service, users, anna):
        """Inviting twice keeps one user and one invitation."""
        first = service.invite("C-1")

        second = service.invite("C-1")

        assert second.user == first.user
        assert not second.created_user
        assert len(users) == 1
        assert len(list(service.invitations)) == 1
        assert len(service.mailer.sent) == 2

    def test_twice_rotates_token(self, service, anna):
        """A second invitation makes the first token unknown."""
        service.invite("C-1")
        old = _token(service)
        service.invite("C-1")

        with pytest.raises(UnknownTokenError):
            service.accept(old)

        assert service.accept(_token(service)).enabled

    def test_not_eligible(self, service, contacts):
        """Every reason is reported in one error."""
        ContactService(contacts).create(contact_id="C-2", first_name="Bo")

        with pytest.raises(NotEligibleError) as caught:
            service.invite("C-2")

        assert [item.reason for item in caught.value.reasons] == [
            IneligibilityReason.NO_EMAIL,
            IneligibilityReason.NO_PORTAL_PARTY,
        ]
        assert str(caught.value) == (
            "contact 'C-2' cannot be invited: the contact has no primary "
            "e-mail address; add one; the contact links to no party of a "
            "portal-enabled type; link it to one, such as a customer or "
            "supplier"
        )
        assert service.users.find_by_email("bo@example.com") is None

    def test_unknown_contact(self, service):
        """An unknown contact id raises `ContactNotFoundError`."""
        with pytest.raises(ContactNotFoundError):
            service.invite("C-404")

    def test_host_rule(self, contacts, users, anna):
        """A host rule can refuse a contact."""
        hold = Ineligibility(
            IneligibilityReason.HOST_RULE, "on hold", code="hold"
        )
        service = InvitationService(
            contacts=contacts,
            users=users,
            invitations=MemoryInvitationStore(),
            mailer=MemoryMailer(),
            portal_types={"Customer"},
            accept_url=ACCEPT_URL,
            rules=[lambda _context: [hold]],
        )

        with pytest.raises(NotEligibleError) as caught:
            service.invite("C-1")

        assert [item.code for item in caught.value.reasons] == ["hold"]

    def test_disabled_account_rule(self, contacts, users, anna):
        """A host rule can keep a disabled account from being linked."""

        def keep_disabled_accounts(context):
            user = context.email_user
            if (
                user is not None
                and not user.enabled
                and context.linked_user is None
            ):
                yield Ineligibility(
                    IneligibilityReason.HOST_RULE,
                    f"user {user.user_id} is disabled",
                    code="disabled_account",
                )

        users.create_portal_user("anna@example.com", full_name="Anna")
        service = InvitationService(
            contacts=contacts,
            users=users,
            invitations=MemoryInvitationStore(),
            mailer=MemoryMailer(),
            portal_types={"Customer"},
            accept_url=ACCEPT_URL,
            rules=[keep_disabled_accounts],
        )

        reasons = service.check("C-1")

        assert [item.code for item in reasons] == ["disabled_account"]
        assert contacts.get("C-1").user_id is None

    def test_mailer_failure(self, service, anna):
        """A mailer failure leaves a pending invitation with the reason."""
        service.mailer.fail_next(MailTimeoutError("timed out"))

        with pytest.raises(InvitationNotSentError) as caught:
            service.invite("C-1")

        assert isinstance(caught.value.__cause__, MailTimeoutError)
        invitation = service.invitations.get(caught.value.invitation_id)
        assert service.status(invitation) is InvitationStatus.PENDING
        assert invitation.attempts == 1
        assert invitation.last_error == "timed out"

    def test_template(self, contacts, users, anna):
        """A host template composes the message."""
        service = InvitationService(
            contacts=contacts,
            users=users,
            invitations=MemoryInvitationStore(),
            mailer=MemoryMailer(),
            portal_types={"Customer"},
            accept_url=ACCEPT_URL,
            template=InvitationTemplate(
                subject="Welcome, $first_name",
                text="Go to $link",
                html="<a href='$link'>$name</a>",
            ),
        )

        service.invite("C-1")

        message = service.mailer.sent[0]
        assert message.subject == "Welcome, Anna"
        assert message.text.startswith("Go to https://portal.example.com/")
        assert message.html is not None
        assert message.html.endswith(">Anna</a>")


class TestLogging:
    """Log records of the invitation workflow."""

    def test_ids_not_addresses(self, service, anna, caplog):
        """Records name ids, never the e-mail address or the token."""
        caplog.set_level("DEBUG", logger="contactlib")
        service.mailer.fail_next()
        with pytest.raises(InvitationNotSentError):
            service.invite("C-1")
        service.invite("C-1")
        token = _token(service)
        service.accept(token)

        messages = [record.getMessage() for record in caplog.records]
        assert any("C-1" in message for message in messages)
        assert not any("anna@" in message for message in messages)
        assert not any(token in message for message in messages)


class TestResend:
    """`InvitationService.resend`."""

    def test_after_failure(self, service, anna):
        """A re-send delivers a pending invitation once."""
        service.mailer.fail_next()
        with pytest.raises(InvitationNotSentError) as caught:
            service.invite("C-1")

        result = service.resend(caught.value.invitation_id)

        assert len(service.mailer.sent) == 1
        assert result.invitation is not None
        assert result.invitation.attempts == 2
        assert result.invitation.last_error == ""
        assert service.accept(_token(service)).enabled

    def test_failed_keeps_token(self, service, anna):
        """A failed re-send leaves the delivered token working."""
        result = service.invite("C-1")
        assert result.invitation is not None
        token = _token(service)
        service.mailer.fail_next()

        with pytest.raises(InvitationNotSentError):
            service.resend(result.invitation.invitation_id)

        assert service.accept(token).enabled

    def test_accepted(self, service, anna):
        """An accepted invitation is not sent again."""
        result = service.invite("C-1")
        service.accept(_token(service))
        assert result.invitation is not None

        with pytest.raises(InvitationAcceptedError):
            service.resend(result.invitation.invitation_id)

    def test_expired(self, service, anna):
        """An expired invitation is sent again with a fresh expiry."""
        result = service.invite("C-1")
        assert result.invitation is not None
        service.clock.advance(timedelta(days=4))

        again = service.resend(result.invitation.invitation_id)

        assert again.invitation is not None
        assert again.invitation.expires_at == (
            service.clock.now() + timedelta(days=3)
        )
        assert service.accept(_token(service)).enabled


class TestAccept:
    """`InvitationService.accept`."""

    def test_enables_once(self, service, anna):
        """A valid token enables the user and is then used up."""
        service.invite("C-1")
        token = _token(service)

        user = service.accept(token)

        assert user.enabled
        with pytest.raises(UsedTokenError) as caught:
            service.accept(token)
        assert str(caught.value).endswith(
            "a token works once, so log in instead"
        )

    def test_unknown(self, service):
        """An unknown token raises `UnknownTokenError`."""
        with pytest.raises(UnknownTokenError) as caught:
            service.accept("not-a-token")

        assert str(caught.value) == (
            "the invitation token is not known: it may be incomplete, or a "
            "newer invitation replaced it; use the link from the latest "
            "invitation or ask for a new one"
        )

    def test_expired(self, service, anna):
        """A token used after its expiry raises `ExpiredTokenError`."""
        result = service.invite("C-1")
        service.clock.advance(timedelta(days=3))

        with pytest.raises(ExpiredTokenError) as caught:
            service.accept(_token(service))

        assert result.invitation is not None
        assert caught.value.expired_at == result.invitation.expires_at
        assert not service.users.get(result.user.user_id).enabled

    def test_deleted_contact(self, service, contacts, anna):
        """A token of a deleted contact raises `RevokedTokenError`."""
        service.invite("C-1")
        contacts.delete("C-1")

        with pytest.raises(RevokedTokenError):
            service.accept(_token(service))

    def test_unlinked_user(self, service, contacts, anna):
        """A token whose contact lost its user raises `RevokedTokenError`."""
        service.invite("C-1")
        contacts.save(attrs.evolve(contacts.get("C-1"), user_id=None))

        with pytest.raises(RevokedTokenError):
            service.accept(_token(service))


class TestScope:
    """`InvitationService.scope`."""

    def test_after_accept(self, service, anna):
        """An accepted user sees the portal parties of its contact."""
        result = service.invite("C-1")
        service.accept(_token(service))

        assert service.scope(result.user.user_id) == {CUSTOMER}

    def test_before_accept(self, service, anna):
        """A user that did not accept yet has an empty scope."""
        result = service.invite("C-1")

        assert service.scope(result.user.user_id) == frozenset()

    def test_unlink_party(self, service, contacts, anna):
        """Unlinking the party removes it from the scope at once."""
        result = service.invite("C-1")
        service.accept(_token(service))

        ContactService(contacts).unlink("C-1", CUSTOMER)

        assert service.scope(result.user.user_id) == frozenset()

    def test_delete_contact(self, service, contacts, anna):
        """Deleting the contact empties the scope at once."""
        result = service.invite("C-1")
        service.accept(_token(service))

        contacts.delete("C-1")

        assert service.scope(result.user.user_id) == frozenset()

    def test_unknown_user(self, service):
        """An unknown user sees nothing."""
        assert service.scope("nobody") == frozenset()


class TestListInvitations:
    """`InvitationService.list_invitations`."""

    def test_by_status(self, service, contacts, anna):
        """Invitations are filtered by their status at the clock's time."""
        ContactService(contacts).create(
            contact_id="C-2",
            first_name="Bo",
            emails=["bo@example.com"],
            links=[Link("Customer", "CUST-1")],
        )
        service.invite("C-1")
        service.mailer.fail_next()
        with pytest.raises(InvitationNotSentError):
            service.invite("C-2")

        sent = service.list_invitations(InvitationStatus.SENT)
        pending = service.list_invitations(InvitationStatus.PENDING)

        assert [item.contact_id for item in sent] == ["C-1"]
        assert [item.contact_id for item in pending] == ["C-2"]
        service.clock.advance(timedelta(days=3))
        assert len(service.list_invitations(InvitationStatus.EXPIRED)) == 2


class TestSettings:
    """Checks of the service's settings."""

    def test_type_registry(self, contacts, users, anna):
        """A registry's portal types are used, not its registered types."""

        class Registry:
            portal_types = frozenset({"Supplier"})

            def __contains__(self, name):
                return name in {"Customer", "Supplier"}

        service = InvitationService(
            contacts=contacts,
            users=users,
            invitations=MemoryInvitationStore(),
            mailer=MemoryMailer(),
            portal_types=Registry(),
            accept_url=ACCEPT_URL,
        )

        reasons = service.check("C-1")

        assert [item.reason for item in reasons] == [
            IneligibilityReason.NO_PORTAL_PARTY
        ]

    def test_accept_url(self, contacts, users):
        """An accept URL without ``{token}`` is rejected."""
        with pytest.raises(InvalidValueError) as caught:
            InvitationService(
                contacts=contacts,
                users=users,
                invitations=MemoryInvitationStore(),
                mailer=MemoryMailer(),
                portal_types={"Customer"},
                accept_url="https://portal.example.com/accept",
            )

        assert caught.value.field == "accept_url"

    def test_portal_user_repr(self):
        """A portal user shows its id and address."""
        user = PortalUser("U-1", "anna@example.com")

        assert "U-1" in repr(user)
