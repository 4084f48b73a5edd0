"""Default-contact resolution: which contact a transaction picks up."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from contactlib._model import Contact
    from contactlib._values import Link, PartyRef
    from contactlib.ports import ContactRepository


class ResolutionReason(enum.StrEnum):
    """Rule that chose a default contact, or the reason none was chosen.

    .. versionadded:: 0.1.0
    """

    PRIMARY_WITH_ROLE = "primary contact with the role"
    ONLY_WITH_ROLE = "only contact with the role"
    PRIMARY = "primary contact"
    ONLY_CONTACT = "only linked contact"
    NO_CONTACTS = "no contacts are linked to the party"
    SEVERAL_CANDIDATES = "several contacts and none is primary"

    @property
    def found(self) -> bool:
        """Whether this reason comes with a contact."""
        return self not in {
            ResolutionReason.NO_CONTACTS,
            ResolutionReason.SEVERAL_CANDIDATES,
        }


@attrs.frozen
class DefaultContact:
    """Fields of the default contact that transaction code copies.

    These are the fields a sales order or invoice takes over from its
    contact.

    Attributes:
        contact_id: Id of the contact.
        display_name: Full name, else company name, else e-mail address.
        email: Primary e-mail address, if any.
        phone: Primary phone number as written, if any.
        mobile: Primary mobile number as written, if any.
        designation: Job title.
        department: Department.

    .. versionadded:: 0.1.0
    """

    contact_id: str
    display_name: str
    email: str | None
    phone: str | None
    mobile: str | None
    designation: str
    department: str

    @classmethod
    def of(cls, contact: Contact) -> DefaultContact:
        """Take the transaction fields from *contact*."""
        phone = contact.primary_phone
        mobile = contact.primary_mobile
        return cls(
            contact_id=contact.contact_id,
            display_name=contact.display_name,
            email=contact.primary_email,
            phone=None if phone is None else phone.raw,
            mobile=None if mobile is None else mobile.raw,
            designation=contact.designation,
            department=contact.department,
        )


@attrs.frozen
class Resolution:
    """The default contact of a party, or the reason there is none.

    Attributes:
        party: The party that was resolved.
        role: The role asked for, or ``None``.
        reason: How the contact was chosen, or why there is none.
        contact: The chosen contact's transaction fields, or ``None``.
        candidates: Ids of the contacts that were considered, sorted;
            with `ResolutionReason.SEVERAL_CANDIDATES` these are the
            contacts the caller may choose from.

    .. versionadded:: 0.1.0
    """

    party: PartyRef
    role: str | None
    reason: ResolutionReason
    contact: DefaultContact | None = None
    candidates: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        """Return whether a contact was found."""
        return self.contact is not None


def resolve_default_contact(
    party: PartyRef,
    contacts: Iterable[Contact],
    role: str | None = None,
) -> Resolution:
    """Choose the default contact of *party* among *contacts*.

    The rules apply in this order:

    1. the primary contact that has *role*,
    2. the only contact with *role*,
    3. the primary contact,
    4. the only linked contact,
    5. none, with the reason.

    Contacts not linked to *party* are ignored, and the result never
    depends on the order of *contacts*.

    Args:
        party: The party, such as the customer of a sales order.
        contacts: The contacts to choose from, normally those linked to
            *party*.
        role: A role such as ``"billing"``; ``None`` for any.

    Returns:
        The choice and the rule that made it.

    .. versionadded:: 0.1.0
    """
    linked = sorted(
        (
            (contact, link)
            for contact in contacts
            if (link := contact.link_to(party)) is not None
        ),
        key=lambda pair: pair[0].contact_id,
    )
    candidates = tuple(contact.contact_id for contact, _ in linked)
    requested = None if role is None else role.strip().lower() or None
    choice = _choose(linked, requested)
    if choice is None:
        reason = (
            ResolutionReason.SEVERAL_CANDIDATES
            if linked
            else ResolutionReason.NO_CONTACTS
        )
        return Resolution(party, requested, reason, None, candidates)
    contact, reason = choice
    return Resolution(
        party, requested, reason, DefaultContact.of(contact), candidates
    )


def _choose(
    linked: list[tuple[Contact, Link]], role: str | None
) -> tuple[Contact, ResolutionReason] | None:
    """Apply the resolution rules to contacts sorted by id."""
    if role is not None:
        with_role = [pair for pair in linked if role in pair[1].roles]
        for contact, link in with_role:
            if link.is_primary:
                return contact, ResolutionReason.PRIMARY_WITH_ROLE
        if len(with_role) == 1:
            return with_role[0][0], ResolutionReason.ONLY_WITH_ROLE
    for contact, link in linked:
        if link.is_primary:
            return contact, ResolutionReason.PRIMARY
    if len(linked) == 1:
        return linked[0][0], ResolutionReason.ONLY_CONTACT
    return None


def resolve_default_contacts(
    contacts_by_party: Mapping[PartyRef, Iterable[Contact]],
    role: str | None = None,
) -> dict[PartyRef, Resolution]:
    """Choose the default contact of every party in *contacts_by_party*.

    The batch form of `resolve_default_contact`, for contacts a host has
    loaded itself, for example with one query inside its own transaction.

    Args:
        contacts_by_party: The contacts linked to each party.
        role: A role such as ``"billing"``; ``None`` for any.

    Returns:
        One resolution per party, in the order of *contacts_by_party*.

    .. versionadded:: 0.1.0
    """
    return {
        party: resolve_default_contact(party, contacts, role)
        for party, contacts in contacts_by_party.items()
    }


def resolve_party_default(
    repository: ContactRepository,
    party: PartyRef,
    role: str | None = None,
) -> Resolution:
    """Resolve the default contact of *party* from *repository*.

    Makes exactly one repository call, `ContactRepository.find_by_party`,
    so transaction code may call it inside its own transaction with its
    own repository.

    .. versionadded:: 0.1.0
    """
    return resolve_default_contact(
        party, repository.find_by_party(party), role
    )


def resolve_party_defaults(
    repository: ContactRepository,
    parties: Iterable[PartyRef],
    role: str | None = None,
) -> dict[PartyRef, Resolution]:
    """Resolve the default contacts of many parties from *repository*.

    Makes exactly one repository call,
    `ContactRepository.find_by_parties`, whatever the number of parties,
    so an order import that resolves thousands of customers does not make
    one round trip per customer.

    Returns:
        One resolution per distinct party, in the order first given.

    .. versionadded:: 0.1.0
    """
    wanted = list(dict.fromkeys(parties))
    found = repository.find_by_parties(wanted)
    return resolve_default_contacts(
        {party: found.get(party, ()) for party in wanted}, role
    )
