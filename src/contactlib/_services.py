"""Use cases that combine the model, the policies and a repository."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from contactlib._log import logger
from contactlib._model import Contact, build_contact
from contactlib._normalize import mask_phone, normalize_email, parse_phone
from contactlib._party_services import PartyLifecycleMethods
from contactlib._party_types import ERPNEXT_PARTY_TYPES, check_links
from contactlib._resolution import (
    Resolution,
    resolve_party_default,
    resolve_party_defaults,
)
from contactlib._status_services import StatusMethods
from contactlib._values import Link, PartyRef
from contactlib.exceptions import (
    InvalidLinkError,
    InvalidPhoneError,
    InvalidValueError,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from contactlib._party_types import PartyTypeRegistry
    from contactlib.ports import ContactRepository


class ContactService(PartyLifecycleMethods, StatusMethods):
    """Create, change, link and resolve contacts in one repository.

    Each method that writes runs in one repository transaction, so a
    failure leaves nothing half done.

    Args:
        repository: Where contacts are stored.
        default_region: Country assumed for phone numbers written without
            a country code, as an ISO 3166 alpha-2 code such as ``"DE"``.
        strict_phones: Reject numbers that are not valid instead of
            keeping them marked unvalidated.
        party_types: The party types and roles links may use.  The
            default, `PartyTypeRegistry.erpnext`, allows ERPNext's usual types
            with any role; ``None`` allows every type and role.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        repository: ContactRepository,
        *,
        default_region: str | None = None,
        strict_phones: bool = False,
        party_types: PartyTypeRegistry | None = ERPNEXT_PARTY_TYPES,
    ) -> None:
        """Bind the service to *repository*."""
        self.repository = repository
        self.default_region = default_region
        self.strict_phones = strict_phones
        self.party_types = party_types

    def create(self, **fields: Any) -> Contact:  # noqa: ANN401
        """Store a new contact made from *fields*.

        Takes the keyword arguments of `Contact`; ``emails`` and
        ``phones`` may be plain strings.

        Raises:
            InvalidContactError: Every invalid field, at once.
            DuplicateContactError: The given ``contact_id`` is taken.
            InvalidLinkError: A link has a party type or role that
                `party_types` does not allow.
            PrimaryContactConflictError: A link is marked primary for a
                party that has another primary contact.
        """
        contact = build_contact(
            region=self.default_region, strict=self.strict_phones, **fields
        )
        check_links(contact.links, self.party_types)
        stored = self.repository.add(contact)
        logger.debug("created contact %s", stored.contact_id)
        return stored

    def update(
        self,
        contact_id: str,
        /,
        *,
        expected_version: int | None = None,
        **changes: Any,  # noqa: ANN401
    ) -> Contact:
        """Change fields of a stored contact.

        Args:
            contact_id: The contact to change.
            expected_version: Version the change is based on; by default
                the version stored now, which makes the update apply to
                the latest data.
            **changes: New field values, as for `create`.

        Raises:
            ContactNotFoundError: No contact has *contact_id*.
            InvalidContactError: Every invalid field, at once.
            InvalidLinkError: A new or changed link has a party type or
                role that `party_types` does not allow.
            VersionConflictError: The stored version is not
                *expected_version*.
        """
        for field in ("contact_id", "version"):
            if field in changes:
                raise InvalidValueError(
                    field,
                    changes[field],
                    f"the {field} of a contact cannot be changed; give "
                    "expected_version to base the update on a version",
                )
        unknown = sorted(set(changes) - _UPDATABLE_FIELDS)
        if unknown:
            raise InvalidValueError(
                unknown[0],
                changes[unknown[0]],
                f"Contact has no field {unknown[0]!r}; use one of "
                + ", ".join(sorted(_UPDATABLE_FIELDS)),
            )
        with self.repository.transaction():
            current = self.repository.get(contact_id)
            fields = attrs.asdict(current, recurse=False)
            fields.update(changes)
            fields.update(contact_id=contact_id, version=current.version)
            contact = build_contact(
                region=self.default_region,
                strict=self.strict_phones,
                **fields,
            )
            check_links(
                (k for k in contact.links if k not in current.links),
                self.party_types,
            )
            stored = self.repository.save(
                contact,
                expected_version=(
                    current.version
                    if expected_version is None
                    else expected_version
                ),
            )
        logger.debug("updated contact %s", contact_id)
        return stored

    def delete(
        self, contact_id: str, *, expected_version: int | None = None
    ) -> None:
        """Delete a contact and its links.

        Raises:
            ContactNotFoundError: No contact has *contact_id*.
            VersionConflictError: The stored version differs from
                *expected_version*.
        """
        self.repository.delete(contact_id, expected_version=expected_version)
        logger.debug("deleted contact %s", contact_id)

    def link(
        self,
        contact_id: str,
        party: PartyRef,
        *,
        title: str = "",
        roles: Iterable[str] = (),
        primary: bool = False,
    ) -> Contact:
        """Link a contact to a party, merging with an existing link.

        Linking twice unites the roles and keeps the title already set.
        With *primary*, the contact becomes the party's primary contact
        and the previous one is demoted in the same transaction.

        Raises:
            ContactNotFoundError: No contact has *contact_id*.
            InvalidLinkError: `party_types` does not allow the party type
                or a role.
        """
        link = Link(
            party.party_type,
            party.party_name,
            title=title,
            roles=frozenset(roles),
        )
        check_links([link], self.party_types)
        with self.repository.transaction():
            current = self.repository.get(contact_id)
            contact = current.with_link(link)
            if primary:
                self._demote_primary(party, keep=contact_id)
                contact = contact.with_primary_mark(party, primary=True)
            if contact == current:
                # Nothing to change: keep the version, so that linking is
                # idempotent and conflicts with no concurrent writer.
                return current
            stored = self.repository.save(contact)
        logger.debug("linked contact %s to %s", contact_id, party)
        return stored

    def unlink(self, contact_id: str, party: PartyRef) -> Contact:
        """Remove a contact's link to a party.

        Removing the link of the primary contact leaves the party with no
        primary contact.

        Raises:
            ContactNotFoundError: No contact has *contact_id*.
            InvalidLinkError: The contact is not linked to *party*.
        """
        with self.repository.transaction():
            contact = self.repository.get(contact_id)
            if contact.link_to(party) is None:
                raise InvalidLinkError(
                    "links",
                    str(party),
                    f"contact {contact_id!r} is not linked to {party}",
                )
            stored = self.repository.save(contact.without_link(party))
        logger.debug("unlinked contact %s from %s", contact_id, party)
        return stored

    def set_primary(self, party: PartyRef, contact_id: str) -> Contact:
        """Make a contact the primary contact of a party.

        The previous primary contact, if any, loses the mark in the same
        transaction.

        Raises:
            ContactNotFoundError: No contact has *contact_id*.
            InvalidLinkError: The contact is not linked to *party*.
        """
        with self.repository.transaction():
            contact = self.repository.get(contact_id)
            marked = contact.with_primary_mark(party, primary=True)
            self._demote_primary(party, keep=contact_id)
            stored = (
                contact if marked == contact else self.repository.save(marked)
            )
        logger.debug("contact %s is primary for %s", contact_id, party)
        return stored

    def clear_primary(self, party: PartyRef) -> None:
        """Remove the primary mark of a party, so it has none."""
        with self.repository.transaction():
            self._demote_primary(party, keep=None)

    def _demote_primary(self, party: PartyRef, *, keep: str | None) -> None:
        current = self.repository.find_primary(party)
        if current is None or current.contact_id == keep:
            return
        self.repository.save(current.with_primary_mark(party, primary=False))
        logger.debug(
            "contact %s is no longer primary for %s",
            current.contact_id,
            party,
        )

    def resolve_default(
        self, party: PartyRef, role: str | None = None
    ) -> Resolution:
        """Return the default contact of *party*, as a sales order needs.

        See `resolve_default_contact` for the rules and
        `resolve_party_default` for the one repository call it makes.
        """
        return resolve_party_default(self.repository, party, role)

    def resolve_defaults(
        self, parties: Iterable[PartyRef], role: str | None = None
    ) -> dict[PartyRef, Resolution]:
        """Resolve the default contact of many parties in one look-up.

        Makes one call of `ContactRepository.find_by_parties`, whatever
        the number of parties; see `resolve_party_defaults`.

        Returns:
            One resolution per distinct party, in the order first given.
        """
        return resolve_party_defaults(self.repository, parties, role)

    def find_by_email(self, text: str) -> list[Contact]:
        """Return the contacts with this address, ignoring letter case.

        Raises:
            InvalidEmailError: *text* is not a valid address.
        """
        return self.repository.find_by_email(normalize_email(text))

    def find_by_phone(self, text: str) -> list[Contact]:
        """Return the contacts with this number, written in any way.

        The number is parsed with the service's default region and
        matched exactly on its E.164 form.

        Raises:
            InvalidPhoneError: *text* cannot be parsed as a number.
        """
        parsed = parse_phone(text, self.default_region)
        if parsed.e164 is None:
            hint = (
                ""
                if self.default_region
                else "; write it with its country code or set a region"
            )
            raise InvalidPhoneError(
                "phone",
                text,
                f"cannot parse {mask_phone(text.strip())!r} as a complete "
                "phone number" + hint,
            )
        return self.repository.find_by_phone(parsed.e164)

    def search(
        self, text: str = "", *, party: PartyRef | None = None
    ) -> Iterator[Contact]:
        """Yield contacts whose names, company or e-mails contain *text*.

        The match ignores letter case.  With *party*, only contacts linked
        to it are searched, through the party index.
        """
        needle = text.strip().casefold()
        pool: Iterable[Contact] = (
            self.repository
            if party is None
            else self.repository.find_by_party(party)
        )
        for contact in pool:
            if not needle or needle in _search_text(contact):
                yield contact


def _search_text(contact: Contact) -> str:
    parts = [
        contact.full_name,
        contact.company_name,
        contact.designation,
        contact.department,
        *(email.address for email in contact.emails),
        *(phone.raw for phone in contact.phones),
        *(link.party_name for link in contact.links),
        *(link.title for link in contact.links),
    ]
    return "\n".join(parts).casefold()


_UPDATABLE_FIELDS = frozenset(
    field.name
    for field in attrs.fields(Contact)
    if field.name not in {"contact_id", "version"}
)
