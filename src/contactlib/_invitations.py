"""The invite, re-send, accept and scope use cases of the portal."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from contactlib._eligibility import (
    EligibilityContext,
    EligibilityRule,
    Ineligibility,
    PortalTypeSource,
    check_eligibility,
    portal_scope,
    portal_type_names,
)
from contactlib._log import logger
from contactlib._portal_model import (
    Invitation,
    InvitationStatus,
    InviteResult,
    PortalUser,
    SystemClock,
    hash_token,
    new_token,
)
from contactlib._templates import InvitationTemplate, MessageTemplate
from contactlib.exceptions import (
    ExpiredTokenError,
    InvalidValueError,
    InvitationAcceptedError,
    InvitationNotSentError,
    MailerError,
    NotEligibleError,
    RevokedTokenError,
    UnknownTokenError,
    UsedTokenError,
    UserConflictError,
)

if TYPE_CHECKING:
    from collections.abc import Container, Iterable

    from contactlib._model import Contact
    from contactlib._values import PartyRef
    from contactlib.ports import (
        Clock,
        ContactRepository,
        InvitationStore,
        Mailer,
        UserDirectory,
    )

DEFAULT_TOKEN_LIFETIME = timedelta(days=7)
"""How long a token works when the host sets no lifetime."""

_MAX_ERROR_LENGTH = 500


class InvitationService:
    """Service that invites contacts to the portal and computes their scope.

    Args:
        contacts: Where contacts are stored.
        users: The host's user accounts.
        invitations: Where invitations and token hashes are stored.
        mailer: Sends the invitation messages.
        portal_types: Party types whose contacts may use the portal, such
            as ``{"Customer", "Supplier"}``, or an object with a
            ``portal_types`` attribute, such as a party type registry.
        accept_url: The link in the message, with ``{token}`` where the
            token goes, such as
            ``"https://portal.example.com/accept?token={token}"``.
        clock: Source of the current time; the system clock by default.
        template: Composes the message; `InvitationTemplate` by default.
        token_lifetime: How long a token works after it is sent; 7 days
            by default.
        respect_unsubscribe: Refuse contacts who unsubscribed from mail.
        rules: Host rules run after the built-in eligibility rules.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        *,
        contacts: ContactRepository,
        users: UserDirectory,
        invitations: InvitationStore,
        mailer: Mailer,
        portal_types: Container[str] | PortalTypeSource,
        accept_url: str,
        clock: Clock | None = None,
        template: MessageTemplate | None = None,
        token_lifetime: timedelta = DEFAULT_TOKEN_LIFETIME,
        respect_unsubscribe: bool = False,
        rules: Iterable[EligibilityRule] = (),
    ) -> None:
        """Bind the service to its ports."""
        if "{token}" not in accept_url:
            raise InvalidValueError(
                "accept_url",
                accept_url,
                "the accept URL has no {token} placeholder; add one where "
                "the token goes",
            )
        if token_lifetime <= timedelta(0):
            raise InvalidValueError(
                "token_lifetime",
                token_lifetime,
                "the token lifetime must be positive",
            )
        self.contacts = contacts
        self.users = users
        self.invitations = invitations
        self.mailer = mailer
        self.portal_types = portal_type_names(portal_types)
        self.accept_url = accept_url
        self.clock = clock or SystemClock()
        self.template = template or InvitationTemplate()
        self.token_lifetime = token_lifetime
        self.respect_unsubscribe = respect_unsubscribe
        self.rules = tuple(rules)

    def check(self, contact_id: str) -> tuple[Ineligibility, ...]:
        """Return every reason the contact cannot be invited now.

        Raises:
            ContactNotFoundError: No contact has *contact_id*.
        """
        contact = self.contacts.get(contact_id)
        return check_eligibility(self._context(contact), self.rules)

    def invite(self, contact_id: str) -> InviteResult:
        """Invite a contact: link a user, issue a token and send the mail.

        An account that already has the contact's address is linked, not
        duplicated.  If that account can already log in, nothing is sent.
        Inviting a contact that has a pending or sent invitation sends it
        again with a new token.  The previous token stops working once the
        new message is sent, and keeps working if sending fails.

        Raises:
            ContactNotFoundError: No contact has *contact_id*.
            NotEligibleError: With every reason the contact cannot be
                invited.
            VersionConflictError: The contact changed during the call.
            InvitationNotSentError: The mailer failed; the invitation is
                stored as pending and `resend` delivers it.
        """
        contact = self.contacts.get(contact_id)
        context = self._context(contact)
        reasons = check_eligibility(context, self.rules)
        if reasons:
            raise NotEligibleError(contact_id, reasons)

        user, created = self._find_or_create_user(context)
        if contact.user_id != user.user_id:
            contact = self.contacts.save(
                attrs.evolve(contact, user_id=user.user_id)
            )
            logger.debug(
                "linked contact %s to user %s", contact_id, user.user_id
            )
        if user.enabled:
            return InviteResult(contact_id, user, created, None)

        current, replacement, token = self._issue_token(contact, user)
        sent = self._deliver(contact, current, replacement, token)
        return InviteResult(contact_id, user, created, sent)

    def resend(self, invitation_id: str) -> InviteResult:
        """Send an invitation again with a new token.

        Only hashes of tokens are stored, so a new token is issued.  The
        previous one stops working once the new message is sent.  The
        contact is checked again first.

        Raises:
            InvitationNotFoundError: No invitation has *invitation_id*.
            InvitationAcceptedError: The invitation was accepted already.
            NotEligibleError: The contact cannot be invited any more.
            InvitationNotSentError: The mailer failed again.
        """
        invitation = self.invitations.get(invitation_id)
        if invitation.accepted_at is not None:
            raise InvitationAcceptedError(invitation_id)
        return self.invite(invitation.contact_id)

    def accept(self, token: str) -> PortalUser:
        """Accept an invitation by its token and enable the user.

        A token works once.  The check that it is unused and the mark that
        uses it are one atomic step of the invitation store, so two
        requests with one token enable the user once.

        Returns:
            The enabled user.

        Raises:
            UnknownTokenError: No invitation has this token.
            ExpiredTokenError: The token expired.
            UsedTokenError: The token was used already.
            RevokedTokenError: The contact was deleted or is linked to
                another user since the invitation was sent.
        """
        token_hash = hash_token(token.strip())
        invitation = self.invitations.find_by_token_hash(token_hash)
        if invitation is None:
            raise UnknownTokenError
        now = self.clock.now()
        if invitation.accepted_at is not None:
            raise UsedTokenError(
                invitation.invitation_id, invitation.accepted_at
            )
        if now >= invitation.expires_at:
            raise ExpiredTokenError(
                invitation.invitation_id, invitation.expires_at
            )
        contact = self.contacts.find(invitation.contact_id)
        if contact is None or contact.user_id != invitation.user_id:
            raise RevokedTokenError(
                invitation.invitation_id, invitation.contact_id
            )

        if not self.invitations.mark_accepted(
            invitation.invitation_id, token_hash, now
        ):
            current = self.invitations.find(invitation.invitation_id)
            if current is not None and current.accepted_at is not None:
                raise UsedTokenError(
                    invitation.invitation_id, current.accepted_at
                )
            raise UnknownTokenError
        user = self.users.enable(invitation.user_id)
        logger.debug(
            "invitation %s accepted; user %s enabled",
            invitation.invitation_id,
            user.user_id,
        )
        return user

    def scope(self, user_id: str) -> frozenset[PartyRef]:
        """Return the parties the user may see in the portal.

        The scope is read from the contacts on every call, so unlinking a
        party or deleting the contact takes effect at once.  A user that
        is unknown, disabled or linked to no contact gets an empty set.
        """
        user = self.users.find(user_id)
        if user is None or not user.enabled:
            return frozenset()
        parties: set[PartyRef] = set()
        for contact in self.contacts.find_by_user(user_id):
            parties |= portal_scope(contact, user_id, self.portal_types)
        return frozenset(parties)

    def status(self, invitation: Invitation) -> InvitationStatus:
        """Return the state of *invitation* by the service's clock."""
        return invitation.status(self.clock.now())

    def list_invitations(
        self, status: InvitationStatus | None = None
    ) -> list[Invitation]:
        """Return the invitations, optionally only those in *status*."""
        now = self.clock.now()
        return [
            invitation
            for invitation in self.invitations
            if status is None or invitation.status(now) is status
        ]

    def _context(self, contact: Contact) -> EligibilityContext:
        linked = (
            None
            if contact.user_id is None
            else self.users.find(contact.user_id)
        )
        address = contact.primary_email
        email_user = (
            None if address is None else self.users.find_by_email(address)
        )
        holders = (
            frozenset()
            if email_user is None
            else frozenset(
                other.contact_id
                for other in self.contacts.find_by_user(email_user.user_id)
            )
        )
        return EligibilityContext(
            contact=contact,
            linked_user=linked,
            email_user=email_user,
            email_user_contact_ids=holders,
            portal_types=self.portal_types,
            respect_unsubscribe=self.respect_unsubscribe,
        )

    def _find_or_create_user(
        self, context: EligibilityContext
    ) -> tuple[PortalUser, bool]:
        if context.linked_user is not None:
            return context.linked_user, False
        if context.email_user is not None:
            return context.email_user, False
        contact = context.contact
        address = contact.primary_email
        assert address is not None  # noqa: S101 - eligibility checked it
        try:
            user = self.users.create_portal_user(
                address, full_name=contact.display_name
            )
        except UserConflictError:
            # Another request created the account between the look-up and
            # the create; link that one.
            existing = self.users.find_by_email(address)
            if existing is None:
                raise
            return existing, False
        logger.debug(
            "created user %s for contact %s", user.user_id, contact.contact_id
        )
        return user, True

    def _issue_token(
        self, contact: Contact, user: PortalUser
    ) -> tuple[Invitation, Invitation, str]:
        # Returns the invitation as stored now, as it is to be stored once
        # the message is sent, and the token.  A new invitation is stored
        # at once, so that a failed send leaves it pending.  An open one
        # keeps its stored token until the message with the new token is
        # sent, so a failed re-send does not break the link the person
        # already has.
        token = new_token()
        now = self.clock.now()
        address = contact.primary_email or user.email
        current = self.invitations.find_open(contact.contact_id)
        if current is None:
            current = self.invitations.add(
                Invitation(
                    contact_id=contact.contact_id,
                    user_id=user.user_id,
                    email=address,
                    token_hash=hash_token(token),
                    created_at=now,
                    expires_at=now + self.token_lifetime,
                )
            )
        replacement = attrs.evolve(
            current,
            user_id=user.user_id,
            email=address,
            token_hash=hash_token(token),
            expires_at=now + self.token_lifetime,
        )
        return current, replacement, token

    def _deliver(
        self,
        contact: Contact,
        current: Invitation,
        replacement: Invitation,
        token: str,
    ) -> Invitation:
        message = self.template.render(
            contact,
            link=self.accept_url.replace("{token}", token),
            expires_at=replacement.expires_at,
        )
        attempts = current.attempts + 1
        try:
            self.mailer.send(message)
        except MailerError as error:
            reason = str(error)[:_MAX_ERROR_LENGTH]
            self.invitations.save(
                attrs.evolve(current, attempts=attempts, last_error=reason)
            )
            logger.debug(
                "invitation %s not sent at attempt %d: %s",
                current.invitation_id,
                attempts,
                type(error).__name__,
            )
            raise InvitationNotSentError(
                current.invitation_id, contact.contact_id, reason
            ) from error
        # NOTE: if this save fails, the person has a token that is not
        # stored.  The error propagates, and a re-send issues a new token.
        sent = self.invitations.save(
            attrs.evolve(
                replacement,
                attempts=attempts,
                last_error="",
                sent_at=self.clock.now(),
            )
        )
        logger.debug(
            "invitation %s sent for contact %s",
            current.invitation_id,
            contact.contact_id,
        )
        return sent
