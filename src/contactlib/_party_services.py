"""Party lifecycle use cases: rename, merge and delete a party.

Each function runs in one transaction of the repository it is given.
`PartyLifecycleMethods` makes them methods of `ContactService`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contactlib._lifecycle import (
    OrphanPolicy,
    PartyChange,
    move_link,
    source_primary_survives,
)
from contactlib._log import logger
from contactlib._values import PartyRef
from contactlib.exceptions import (
    InvalidLinkError,
    InvalidValueError,
    PartyExistsError,
)

if TYPE_CHECKING:
    from contactlib._party_types import PartyTypeRegistry
    from contactlib.ports import ContactRepository


def rename_party_links(
    repository: ContactRepository, party: PartyRef, new_name: str
) -> PartyChange:
    """Give *party* a new name, and move every link to it along.

    Raises:
        PartyExistsError: Contacts are linked to a party of the new name
            already; merge the parties instead.
    """
    target = PartyRef(party.party_type, new_name)
    if target == party:
        return PartyChange()
    updated: list[str] = []
    with repository.transaction():
        if repository.find_by_party(target):
            raise PartyExistsError(target.party_type, target.party_name)
        for contact in repository.find_by_party(party):
            moved = move_link(contact, party, target, keep_primary=True)
            updated.append(repository.save(moved).contact_id)
    logger.debug("renamed a party; %d contacts follow", len(updated))
    return PartyChange(updated=tuple(sorted(updated)))


def merge_party_links(
    repository: ContactRepository,
    source: PartyRef,
    target: PartyRef,
    registry: PartyTypeRegistry | None,
) -> PartyChange:
    """Move every link from *source* to *target*.

    Links to both parties merge into one.  The target's primary contact
    stays primary.  Only when the target has none does the source's
    primary contact become the target's.

    Raises:
        InvalidLinkError: *source* and *target* are the same party, or a
            moved link breaks the rules of *registry*.
    """
    if source == target:
        raise InvalidLinkError(
            "party",
            str(source),
            f"cannot merge {source} into itself; name two different parties",
        )
    if registry is not None:
        registry.get(target.party_type)
    updated: list[str] = []
    with repository.transaction():
        found = repository.find_by_parties([source, target])
        keep_primary = source_primary_survives(target, found.get(target, ()))
        for contact in found.get(source, ()):
            moved = move_link(
                contact, source, target, keep_primary=keep_primary
            )
            link = moved.link_to(target)
            if registry is not None and link is not None:
                registry.check_link(link)
            updated.append(repository.save(moved).contact_id)
    logger.debug("merged two parties; %d contacts moved", len(updated))
    return PartyChange(updated=tuple(sorted(updated)))


def to_orphan_policy(value: OrphanPolicy | str) -> OrphanPolicy:
    """Return *value* as an `OrphanPolicy`.

    Raises:
        InvalidValueError: *value* names no policy.
    """
    try:
        return OrphanPolicy(value)
    except ValueError:
        allowed = ", ".join(policy.value for policy in OrphanPolicy)
        raise InvalidValueError(
            "orphans",
            value,
            f"unknown choice {value!r} for contacts linked only to the "
            f"deleted party; use one of {allowed}",
        ) from None


def delete_party_links(
    repository: ContactRepository,
    party: PartyRef,
    orphans: OrphanPolicy | str,
) -> PartyChange:
    """Remove every link to *party*.

    *orphans* selects whether contacts linked only to *party* are
    deleted or kept standalone.  Contacts linked to other parties too
    lose only this link.

    Raises:
        InvalidValueError: *orphans* names no policy.
    """
    policy = to_orphan_policy(orphans)
    updated: list[str] = []
    deleted: list[str] = []
    with repository.transaction():
        for contact in repository.find_by_party(party):
            if contact.parties == {party} and policy is OrphanPolicy.DELETE:
                repository.delete(
                    contact.contact_id, expected_version=contact.version
                )
                deleted.append(contact.contact_id)
            else:
                repository.save(contact.without_link(party))
                updated.append(contact.contact_id)
    logger.debug(
        "deleted a party; %d contacts unlinked, %d deleted",
        len(updated),
        len(deleted),
    )
    return PartyChange(updated=tuple(updated), deleted=tuple(deleted))


class PartyLifecycleMethods:
    """The party lifecycle methods of `ContactService`."""

    repository: ContactRepository
    party_types: PartyTypeRegistry | None

    def rename_party(self, party: PartyRef, new_name: str) -> PartyChange:
        """Rename a party, moving every link in one transaction.

        Links keep their titles, roles and primary marks.

        Raises:
            InvalidLinkError: `party_types` does not register the type.
            InvalidValueError: *new_name* is the party's name already.
            PartyExistsError: Contacts are linked to a party of the new
                name already; use `merge_parties` instead.

        .. versionadded:: 0.1.0
        """
        self._check_party_type(party)
        if new_name.strip() == party.party_name:
            raise InvalidValueError(
                "new_name",
                new_name,
                f"{party} already has that name; give a different one",
            )
        return rename_party_links(self.repository, party, new_name)

    def merge_parties(self, source: PartyRef, target: PartyRef) -> PartyChange:
        """Merge *source* into *target* in one transaction.

        Every link to *source* moves to *target*, and a contact linked to
        both keeps one link, with the roles of both.  The target's primary
        contact stays primary.  Only when the target has none does the
        source's primary contact become the target's.

        Raises:
            InvalidLinkError: The parties are the same, or `party_types`
                does not allow either type or a moved role.

        .. versionadded:: 0.1.0
        """
        self._check_party_type(source)
        return merge_party_links(
            self.repository, source, target, self.party_types
        )

    def delete_party(
        self, party: PartyRef, *, orphans: OrphanPolicy | str
    ) -> PartyChange:
        """Remove every link to a deleted party, in one transaction.

        Args:
            party: The party the host deleted.
            orphans: What happens to contacts linked only to *party*:
                `OrphanPolicy.DELETE` deletes them, `OrphanPolicy.KEEP`
                keeps them standalone.  Contacts linked elsewhere too lose
                only the link to *party*.

        Raises:
            InvalidLinkError: `party_types` does not register the type.
            InvalidValueError: *orphans* names no policy.

        .. versionadded:: 0.1.0
        """
        self._check_party_type(party)
        return delete_party_links(self.repository, party, orphans)

    def _check_party_type(self, party: PartyRef) -> None:
        """Reject a party type that `party_types` does not register.

        A misspelt type matches no links, so without this check a rename
        or delete would report success and change nothing.
        """
        if self.party_types is not None:
            self.party_types.get(party.party_type)
