"""Policies of portal access: who may be invited, and what a user may see.

Pure functions over values: the service looks the users up and passes
them in, so the rules can be tested and reused without any port.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Protocol

import attrs

from contactlib._mime import header_address
from contactlib._normalize import email_key
from contactlib.exceptions import InvalidEmailError

if TYPE_CHECKING:
    from collections.abc import Container, Iterable

    from contactlib._model import Contact
    from contactlib._portal_model import PortalUser
    from contactlib._values import PartyRef


class IneligibilityReason(enum.StrEnum):
    """Kind of reason a contact cannot be invited to the portal.

    .. versionadded:: 0.1.0
    """

    NO_EMAIL = "no_email"
    """The contact has no primary e-mail address."""
    INVALID_EMAIL = "invalid_email"
    """The primary e-mail address cannot be used to send mail."""
    UNSUBSCRIBED = "unsubscribed"
    """The person opted out of mail, and the host respects that."""
    ALREADY_USER = "already_user"
    """The contact is linked to a user who can already log in."""
    EMAIL_OF_OTHER_USER = "email_of_other_user"
    """The address belongs to a user of another contact or another link."""
    USER_EMAIL_DIFFERS = "user_email_differs"
    """The linked user logs in with another address than the contact's."""
    NO_PORTAL_PARTY = "no_portal_party"
    """The contact links to no party of a portal-enabled type."""
    HOST_RULE = "host_rule"
    """A rule added by the host rejected the contact."""


@attrs.frozen
class Ineligibility:
    """One reason a contact cannot be invited.

    Attributes:
        reason: The kind of reason.
        message: What is wrong and what to do, as one sentence.
        code: A finer code; host rules set their own, such as
            ``"credit_hold"``.  Defaults to the value of *reason*.

    .. versionadded:: 0.1.0
    """

    reason: IneligibilityReason
    message: str
    code: str = attrs.field()

    @code.default
    def _code_default(self) -> str:
        return self.reason.value


@attrs.frozen
class EligibilityContext:
    """Everything the eligibility rules look at for one contact.

    Attributes:
        contact: The contact to invite.
        linked_user: The user ``contact.user_id`` names, or ``None`` when
            the contact has no user or the directory no longer has it.
        email_user: The user with the contact's primary address, or
            ``None``.
        email_user_contact_ids: Ids of other contacts already linked to
            *email_user*.
        portal_types: Party types whose contacts may use the portal.
        respect_unsubscribe: Whether an unsubscribed contact is refused.

    .. versionadded:: 0.1.0
    """

    contact: Contact
    linked_user: PortalUser | None = None
    email_user: PortalUser | None = None
    email_user_contact_ids: frozenset[str] = frozenset()
    portal_types: Container[str] = frozenset()
    respect_unsubscribe: bool = False


class EligibilityRule(Protocol):
    """A rule the host adds to the eligibility check.

    Any function that takes an `EligibilityContext` and returns (or
    yields) the `Ineligibility` reasons it finds fits; returning nothing
    means the rule passes.

    .. versionadded:: 0.1.0
    """

    def __call__(
        self, context: EligibilityContext, /
    ) -> Iterable[Ineligibility]:
        """Return the reasons the contact cannot be invited."""
        ...


def check_eligibility(
    context: EligibilityContext,
    rules: Iterable[EligibilityRule] = (),
) -> tuple[Ineligibility, ...]:
    """Return every reason the contact cannot be invited.

    The built-in rules run first, in the order of `IneligibilityReason`,
    then *rules* in their order.  An empty tuple means the contact may be
    invited.

    Args:
        context: The contact and the users the service found for it.
        rules: Host rules, each returning its reasons for the contact.

    .. versionadded:: 0.1.0
    """
    reasons = [
        *_email_reasons(context),
        *_user_reasons(context),
        *_party_reasons(context),
    ]
    for rule in rules:
        reasons.extend(rule(context))
    return tuple(reasons)


def _email_reasons(context: EligibilityContext) -> list[Ineligibility]:
    contact = context.contact
    address = contact.primary_email
    reasons = []
    if address is None:
        reasons.append(
            Ineligibility(
                IneligibilityReason.NO_EMAIL,
                "the contact has no primary e-mail address; add one",
            )
        )
    else:
        try:
            header_address(address)
        except InvalidEmailError as error:
            reasons.append(
                Ineligibility(
                    IneligibilityReason.INVALID_EMAIL,
                    f"the primary e-mail address cannot receive mail: "
                    f"{error.reason}",
                )
            )
    if context.respect_unsubscribe and contact.unsubscribed:
        reasons.append(
            Ineligibility(
                IneligibilityReason.UNSUBSCRIBED,
                "the contact unsubscribed from mail; ask the person to "
                "subscribe again before inviting",
            )
        )
    return reasons


def _user_reasons(context: EligibilityContext) -> list[Ineligibility]:
    contact = context.contact
    linked = context.linked_user
    other = context.email_user
    address = contact.primary_email
    reasons = []
    if linked is not None and linked.enabled:
        reasons.append(
            Ineligibility(
                IneligibilityReason.ALREADY_USER,
                f"the contact is already linked to user {linked.user_id!r}"
                ", who can log in",
            )
        )
    if other is not None and (
        (linked is not None and other.user_id != linked.user_id)
        or context.email_user_contact_ids - {contact.contact_id}
    ):
        reasons.append(
            Ineligibility(
                IneligibilityReason.EMAIL_OF_OTHER_USER,
                f"the primary e-mail address belongs to user "
                f"{other.user_id!r}, who is linked to another contact or "
                "is not this contact's user; unlink that user or change "
                "the address",
            )
        )
    if (
        linked is not None
        and address is not None
        and email_key(linked.email) != email_key(address)
        and other is None
    ):
        reasons.append(
            Ineligibility(
                IneligibilityReason.USER_EMAIL_DIFFERS,
                f"linked user {linked.user_id!r} logs in with another "
                "e-mail address than the contact's primary one; make "
                "them the same",
            )
        )
    return reasons


def _party_reasons(context: EligibilityContext) -> list[Ineligibility]:
    if any(
        link.party_type in context.portal_types
        for link in context.contact.links
    ):
        return []
    return [
        Ineligibility(
            IneligibilityReason.NO_PORTAL_PARTY,
            "the contact links to no party of a portal-enabled type; "
            "link it to one, such as a customer or supplier",
        )
    ]


def portal_scope(
    contact: Contact | None,
    user_id: str,
    portal_types: Container[str],
) -> frozenset[PartyRef]:
    """Return the parties a user may see through its contact.

    These are the parties *contact* links to whose types are in
    *portal_types*.  The scope is empty when there is no contact or the
    contact is not linked to *user_id*.

    .. versionadded:: 0.1.0
    """
    if contact is None or contact.user_id != user_id:
        return frozenset()
    return frozenset(
        link.party for link in contact.links if link.party_type in portal_types
    )


class PortalTypeSource(Protocol):
    """Anything with a `portal_types` attribute, such as a type registry.

    .. versionadded:: 0.1.0
    """

    @property
    def portal_types(self) -> Container[str]:
        """Names of the party types whose contacts may use the portal."""
        ...


def portal_type_names(
    source: Container[str] | PortalTypeSource,
) -> Container[str]:
    """Return the container of portal-enabled type names in *source*."""
    # A registry's `in` is true for every registered type, portal or not,
    # so its `portal_types` must be used instead of the registry itself.
    names = getattr(source, "portal_types", None)
    if names is not None:
        return names  # type: ignore[no-any-return]
    return source  # type: ignore[return-value]
