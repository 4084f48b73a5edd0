"""Party lifecycle and primary-mark policies, as pure functions.

The services apply these functions to the contacts of a party inside one
repository transaction; hosts may apply them to contacts they load
themselves.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import attrs

from contactlib._values import Link, PartyRef

if TYPE_CHECKING:
    from collections.abc import Iterable

    from contactlib._model import Contact


class OrphanPolicy(enum.StrEnum):
    """Choice for the contacts linked only to a deleted party.

    Contacts also linked to other parties always keep those links and
    lose only the link to the deleted party.

    .. versionadded:: 0.1.0
    """

    DELETE = "delete"
    """Delete the contact."""

    KEEP = "keep"
    """Keep the contact, standalone, with no links."""


@attrs.frozen
class PartyChange:
    """Contacts changed by renaming, merging or deleting a party.

    Attributes:
        updated: Ids of the contacts whose links changed, sorted.
        deleted: Ids of the contacts that were deleted, sorted.

    .. versionadded:: 0.1.0
    """

    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()


def apply_contact_wide_primary(
    contact: Contact, *, is_primary_contact: bool
) -> Contact:
    """Apply a contact-wide "is primary contact" flag to every link.

    ERPNext stores one ``is_primary_contact`` flag per contact, not per
    link.  Importers of ERPNext data call this to give every link of a
    flagged contact the primary mark.  A false flag leaves the links
    unchanged, so primary marks set per link survive.

    Args:
        contact: The contact as read.
        is_primary_contact: The contact-wide flag.

    Returns:
        The contact with every link marked primary when the flag is set.

    .. versionadded:: 0.1.0
    """
    if not is_primary_contact:
        return contact
    return attrs.evolve(
        contact,
        links=tuple(
            attrs.evolve(link, is_primary=True) for link in contact.links
        ),
    )


def move_link(
    contact: Contact,
    source: PartyRef,
    target: PartyRef,
    *,
    keep_primary: bool,
) -> Contact:
    """Move the contact's link from *source* to *target*.

    The link keeps its title and roles.  If the contact already links to
    *target*, the two links merge: roles are united, the existing title
    is kept unless it is empty, and the link is primary if either was.

    Args:
        contact: A contact linked to *source*.
        source: The party the link points to now.
        target: The party it should point to.
        keep_primary: Whether a primary mark on the source link carries
            over to the target link.

    Returns:
        The changed contact; *contact* itself when it has no link to
        *source*.

    .. versionadded:: 0.1.0
    """
    link = contact.link_to(source)
    if link is None or source == target:
        return contact
    moved = Link(
        target.party_type,
        target.party_name,
        title=link.title,
        is_primary=link.is_primary and keep_primary,
        roles=link.roles,
    )
    return contact.without_link(source).with_link(moved)


def source_primary_survives(
    target: PartyRef, target_contacts: Iterable[Contact]
) -> bool:
    """Return whether a merge keeps the source party's primary contact.

    The merge rule: the target's primary contact stays primary.  Only
    when the target has no primary contact does the source's primary
    contact become the primary contact of the merged party.

    Args:
        target: The party that remains after the merge.
        target_contacts: The contacts linked to *target*.

    .. versionadded:: 0.1.0
    """
    for contact in target_contacts:
        link = contact.link_to(target)
        if link is not None and link.is_primary:
            return False
    return True
