"""Entities and value objects: contacts, their links, e-mails and phones."""

from __future__ import annotations

import copy
import enum
import uuid
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from contactlib._normalize import (
    describe_control,
    email_key,
    find_control,
    is_e164,
    normalize_email,
    normalize_name,
    parse_phone,
)
from contactlib.exceptions import (
    InvalidContactError,
    InvalidLinkError,
    InvalidNameError,
    InvalidPhoneError,
    InvalidValueError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

_Item = TypeVar("_Item")


class ContactStatus(enum.StrEnum):
    """State of communication with a contact.

    New contacts are `PASSIVE`.  An outgoing message makes a passive
    contact `OPEN`, and a reply from the person makes it `REPLIED`.

    .. versionadded:: 0.1.0
    """

    PASSIVE = "Passive"
    OPEN = "Open"
    REPLIED = "Replied"


def _clean_text(value: str) -> str:
    return normalize_name(value, "text")


@attrs.frozen(order=True)
class PartyRef:
    """Reference to a party, the record a contact belongs to.

    Attributes:
        party_type: Kind of party, such as ``"Customer"`` or
            ``"Supplier"``.
        party_name: Identity of the party within its type, such as
            ``"CUST-0042"``.

    .. versionadded:: 0.1.0
    """

    party_type: str = attrs.field(converter=_clean_text)
    party_name: str = attrs.field(converter=_clean_text)

    def __attrs_post_init__(self) -> None:
        """Reject empty parts."""
        for field in ("party_type", "party_name"):
            if not getattr(self, field):
                raise InvalidLinkError(
                    field,
                    getattr(self, field),
                    f"the {field.replace('_', ' ')} is empty; give one",
                )

    def __str__(self) -> str:
        """Return ``TYPE NAME`` for messages."""
        return f"{self.party_type} {self.party_name}"


def normalize_roles(roles: Iterable[str]) -> frozenset[str]:
    if isinstance(roles, str):
        roles = [roles]
    return frozenset(
        normalize_name(role, "roles").lower()
        for role in roles
        if role and role.strip()
    )


@attrs.frozen
class Link:
    """Association of one contact with one party.

    Attributes:
        party_type: Kind of party, such as ``"Customer"``.
        party_name: Identity of the party within its type.
        title: Display title of the party, such as its full name.
        is_primary: Whether the contact is the primary contact of this
            party.  At most one contact per party has this mark.
        roles: Roles the contact has for this party, such as
            ``"billing"``; stored in lower case.

    .. versionadded:: 0.1.0
    """

    party_type: str = attrs.field(converter=_clean_text)
    party_name: str = attrs.field(converter=_clean_text)
    title: str = attrs.field(default="", converter=_clean_text)
    is_primary: bool = attrs.field(default=False, converter=bool)
    roles: frozenset[str] = attrs.field(
        factory=frozenset, converter=normalize_roles
    )

    def __attrs_post_init__(self) -> None:
        """Reject empty party parts."""
        PartyRef(self.party_type, self.party_name)

    @property
    def party(self) -> PartyRef:
        """The party this link points to."""
        return PartyRef(self.party_type, self.party_name)

    def merged_with(self, other: Link) -> Link:
        """Return one link holding the facts of both links to one party.

        Roles are united, the primary mark is kept if either has it, and
        the first non-empty title wins.
        """
        return attrs.evolve(
            self,
            title=self.title or other.title,
            is_primary=self.is_primary or other.is_primary,
            roles=self.roles | other.roles,
        )


def _to_normalized_email(text: str) -> str:
    return normalize_email(text)


@attrs.frozen
class EmailAddress:
    """One e-mail address of a contact.

    The address is validated and stored in email-validator's normalized
    form when the object is made.

    Attributes:
        address: The normalized address.
        is_primary: Whether this is the contact's primary address.

    .. versionadded:: 0.1.0
    """

    address: str = attrs.field(converter=_to_normalized_email)
    is_primary: bool = attrs.field(default=False, converter=bool)

    @property
    def key(self) -> str:
        """Case-insensitive key; equal keys mean the same address."""
        return email_key(self.address)


def _check_e164(
    _instance: PhoneNumber, attribute: attrs.Attribute[Any], value: str | None
) -> None:
    if value is not None and not is_e164(value):
        raise InvalidPhoneError(
            attribute.name, value, "is not in E.164 form (+ and digits)"
        )


@attrs.frozen
class PhoneNumber:
    """One phone number of a contact.

    The raw text is always kept.  `e164` and `extension` are filled when
    the text could be parsed; `validated` tells whether the number is a
    valid number of its country.  Use `PhoneNumber.parse` to make one from
    user input.

    Attributes:
        raw: The number as the user wrote it.
        e164: The number in E.164 form, or ``None`` if it could not be
            parsed.
        extension: The extension, if any.
        is_mobile: Whether this is a mobile number.
        validated: Whether the number parsed and is valid.
        is_primary_phone: Whether this is the contact's primary phone.
        is_primary_mobile: Whether this is the contact's primary mobile.

    .. versionadded:: 0.1.0
    """

    raw: str = attrs.field()
    e164: str | None = attrs.field(default=None, validator=_check_e164)
    extension: str | None = None
    is_mobile: bool = attrs.field(default=False, converter=bool)
    validated: bool = attrs.field(default=False, converter=bool)
    is_primary_phone: bool = attrs.field(default=False, converter=bool)
    is_primary_mobile: bool = attrs.field(default=False, converter=bool)

    @raw.validator
    def _check_raw(self, attribute: attrs.Attribute[str], value: str) -> None:
        if not value.strip():
            raise InvalidPhoneError(
                attribute.name, value, "the phone number is empty"
            )
        _check_control(attribute.name, value)

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        region: str | None = None,
        strict: bool = False,
        is_mobile: bool | None = None,
        is_primary_phone: bool = False,
        is_primary_mobile: bool = False,
    ) -> PhoneNumber:
        """Parse a number written in any formatting.

        Args:
            text: The number as the user wrote it.
            region: Country to assume when the number has no country
                code, as an ISO 3166 alpha-2 code.
            strict: Raise for a number that is not valid instead of
                keeping it marked unvalidated.
            is_mobile: Override the mobile classification, for example
                when the source file has a "Mobile" column.
            is_primary_phone: Mark as the primary phone.
            is_primary_mobile: Mark as the primary mobile.

        Raises:
            InvalidPhoneError: The text is empty, or *strict* is true and
                the number is not valid.
        """
        parsed = parse_phone(text, region, strict=strict)
        return cls(
            raw=parsed.raw,
            e164=parsed.e164,
            extension=parsed.extension,
            is_mobile=parsed.is_mobile if is_mobile is None else is_mobile,
            validated=parsed.validated,
            is_primary_phone=is_primary_phone,
            is_primary_mobile=is_primary_mobile,
        )

    @property
    def key(self) -> str:
        """Key under which two numbers count as the same.

        E.164 plus extension when parsed, else the raw digits.
        """
        if self.e164 is None:
            return "raw:" + "".join(ch for ch in self.raw if ch.isalnum())
        return self.e164 + (f";ext={self.extension}" if self.extension else "")


def _settle_emails(values: Iterable[EmailAddress]) -> tuple[EmailAddress, ...]:
    """Drop repeated addresses and make sure exactly one is primary."""
    merged: dict[str, EmailAddress] = {}
    for email in values:
        previous = merged.get(email.key)
        if previous is None:
            merged[email.key] = email
        elif email.is_primary and not previous.is_primary:
            merged[email.key] = attrs.evolve(previous, is_primary=True)
    emails = list(merged.values())
    primaries = [index for index, e in enumerate(emails) if e.is_primary]
    if len(primaries) > 1:
        raise InvalidValueError(
            "emails",
            [e.address for e in emails],
            f"{len(primaries)} e-mail addresses are marked primary; "
            "mark only one",
        )
    if emails and not primaries:
        emails[0] = attrs.evolve(emails[0], is_primary=True)
    return tuple(emails)


def _settle_phones(values: Iterable[PhoneNumber]) -> tuple[PhoneNumber, ...]:
    """Drop repeated numbers and settle the primary phone and mobile."""
    merged: dict[str, PhoneNumber] = {}
    for phone in values:
        previous = merged.get(phone.key)
        if previous is None:
            merged[phone.key] = phone
        else:
            merged[phone.key] = attrs.evolve(
                previous,
                is_mobile=previous.is_mobile or phone.is_mobile,
                is_primary_phone=(
                    previous.is_primary_phone or phone.is_primary_phone
                ),
                is_primary_mobile=(
                    previous.is_primary_mobile or phone.is_primary_mobile
                ),
            )
    phones = list(merged.values())
    for flag, label in (
        ("is_primary_phone", "primary phone"),
        ("is_primary_mobile", "primary mobile"),
    ):
        count = sum(1 for p in phones if getattr(p, flag))
        if count > 1:
            raise InvalidValueError(
                "phones",
                [p.raw for p in phones],
                f"{count} numbers are marked {label}; mark only one",
            )
    phones = [
        attrs.evolve(p, is_mobile=True)
        if p.is_primary_mobile and not p.is_mobile
        else p
        for p in phones
    ]
    if phones and not any(p.is_primary_phone for p in phones):
        landlines = [i for i, p in enumerate(phones) if not p.is_mobile]
        chosen = landlines[0] if landlines else 0
        phones[chosen] = attrs.evolve(phones[chosen], is_primary_phone=True)
    mobiles = [i for i, p in enumerate(phones) if p.is_mobile]
    if mobiles and not any(p.is_primary_mobile for p in phones):
        phones[mobiles[0]] = attrs.evolve(
            phones[mobiles[0]], is_primary_mobile=True
        )
    return tuple(phones)


def _settle_links(values: Iterable[Link]) -> tuple[Link, ...]:
    """Merge links to the same party, keeping the first one's position."""
    merged: dict[PartyRef, Link] = {}
    for link in values:
        previous = merged.get(link.party)
        merged[link.party] = (
            link if previous is None else previous.merged_with(link)
        )
    return tuple(merged.values())


def _new_contact_id() -> str:
    return uuid.uuid4().hex


def _optional_name(value: str | None) -> str:
    return "" if value is None else normalize_name(value)


def to_status(value: ContactStatus | str) -> ContactStatus:
    try:
        return ContactStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in ContactStatus)
        raise InvalidValueError(
            "status", value, f"unknown status {value!r}; use one of {allowed}"
        ) from None


def _check_control(field: str, value: str) -> None:
    position = find_control(value)
    if position is not None:
        raise InvalidValueError(
            field, value, describe_control(value, position)
        )


def _optional_id(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    _check_control("user_id", value)
    return value or None


@attrs.frozen
class Contact:
    """One person, with ways to reach them and the parties they belong to.

    Contacts are immutable: make a changed copy with `attrs.evolve` or the
    ``with_*`` methods.  Construction and every copy enforce the
    invariants: at most one primary e-mail, phone and mobile (the first of
    several is made primary when none is marked), no repeated e-mail
    address, phone number or party link, and names in NFC form.

    Attributes:
        contact_id: Opaque identity; a random one is made if not given.
        first_name: Given name.
        middle_name: Middle name.
        last_name: Family name.
        salutation: Form of address, such as ``"Dr."``.
        designation: Job title.
        gender: Gender, as the host records it.
        company_name: Organisation the person works for.
        department: Department within the organisation.
        status: State of communication; new contacts are passive.
        emails: E-mail addresses, the primary one marked.
        phones: Phone numbers, the primary phone and mobile marked.
        links: Parties the contact belongs to.
        user_id: Id of the host's user account linked to the contact.
        unsubscribed: Whether the person opted out of bulk mail.
        version: Stored version, for optimistic concurrency.  ``0`` for a
            contact that was never stored.

    .. versionadded:: 0.1.0
    """

    contact_id: str = attrs.field(factory=_new_contact_id, kw_only=True)
    first_name: str = attrs.field(default="", converter=_optional_name)
    middle_name: str = attrs.field(default="", converter=_optional_name)
    last_name: str = attrs.field(default="", converter=_optional_name)
    salutation: str = attrs.field(default="", converter=_optional_name)
    designation: str = attrs.field(default="", converter=_optional_name)
    gender: str = attrs.field(default="", converter=_optional_name)
    company_name: str = attrs.field(default="", converter=_optional_name)
    department: str = attrs.field(default="", converter=_optional_name)
    status: ContactStatus = attrs.field(
        default=ContactStatus.PASSIVE, converter=to_status
    )
    emails: tuple[EmailAddress, ...] = attrs.field(
        factory=tuple, converter=_settle_emails
    )
    phones: tuple[PhoneNumber, ...] = attrs.field(
        factory=tuple, converter=_settle_phones
    )
    links: tuple[Link, ...] = attrs.field(
        factory=tuple, converter=_settle_links
    )
    user_id: str | None = attrs.field(default=None, converter=_optional_id)
    unsubscribed: bool = attrs.field(default=False, converter=bool)
    version: int = attrs.field(default=0, kw_only=True)

    def __attrs_post_init__(self) -> None:
        """Check the rules that span several fields."""
        if not self.contact_id or self.contact_id != self.contact_id.strip():
            raise InvalidValueError(
                "contact_id",
                self.contact_id,
                "the contact id is empty or has surrounding spaces",
            )
        _check_control("contact_id", self.contact_id)
        if not self.display_name:
            raise InvalidNameError(
                "first_name",
                self.first_name,
                "a contact needs a name: give a first or last name, a "
                "company name or an e-mail address",
            )

    @property
    def full_name(self) -> str:
        """First, middle and last name joined by spaces."""
        parts = (self.first_name, self.middle_name, self.last_name)
        return " ".join(part for part in parts if part)

    @property
    def display_name(self) -> str:
        """Full name, else company name, else primary e-mail address."""
        return (
            self.full_name or self.company_name or (self.primary_email or "")
        )

    @property
    def primary_email(self) -> str | None:
        """The primary e-mail address, or ``None`` if there is none."""
        for email in self.emails:
            if email.is_primary:
                return email.address
        return None

    @property
    def primary_phone(self) -> PhoneNumber | None:
        """The primary phone number, or ``None`` if there is none."""
        for phone in self.phones:
            if phone.is_primary_phone:
                return phone
        return None

    @property
    def primary_mobile(self) -> PhoneNumber | None:
        """The primary mobile number, or ``None`` if there is none."""
        for phone in self.phones:
            if phone.is_primary_mobile:
                return phone
        return None

    @property
    def parties(self) -> frozenset[PartyRef]:
        """Every party the contact links to."""
        return frozenset(link.party for link in self.links)

    def link_to(self, party: PartyRef) -> Link | None:
        """Return the link to *party*, or ``None`` if there is none."""
        for link in self.links:
            if link.party == party:
                return link
        return None

    def with_link(self, link: Link) -> Contact:
        """Return a copy linked to *link*'s party, merging an existing link.

        Adding a link the contact already has unites the roles, keeps the
        primary mark if either has it and keeps the existing title unless
        it is empty.
        """
        return attrs.evolve(self, links=(*self.links, link))

    def without_link(self, party: PartyRef) -> Contact:
        """Return a copy with no link to *party*."""
        return attrs.evolve(
            self, links=tuple(k for k in self.links if k.party != party)
        )

    def with_primary_mark(self, party: PartyRef, *, primary: bool) -> Contact:
        """Return a copy whose link to *party* has the primary mark set.

        Raises:
            InvalidLinkError: The contact has no link to *party*.
        """
        if self.link_to(party) is None:
            raise InvalidLinkError(
                "links",
                str(party),
                f"contact {self.contact_id!r} is not linked to {party}; "
                "link it first",
            )
        return attrs.evolve(
            self,
            links=tuple(
                attrs.evolve(k, is_primary=primary) if k.party == party else k
                for k in self.links
            ),
        )


def with_version(contact: Contact, version: int) -> Contact:
    """Return a copy of *contact* with another version number.

    Storage adapters call this on every write.  Unlike `attrs.evolve`, it
    does not run the converters again, which are the costly part of
    making a contact and cannot change a contact that passed them.
    """
    copied = copy.copy(contact)
    object.__setattr__(copied, "version", version)
    return copied


def restore_email(address: str, is_primary: bool) -> EmailAddress:
    """Make an `EmailAddress` from an address in stored, normalized form.

    Storage adapters call this when they load contacts.  It skips
    email-validator, which is the costly step of making a contact, so it
    must only get addresses that an `EmailAddress` had normalized before.
    """
    email = object.__new__(EmailAddress)
    object.__setattr__(email, "address", address)
    object.__setattr__(email, "is_primary", is_primary)
    return email


def build_contact(**fields: Any) -> Contact:  # noqa: ANN401
    """Make a contact, reporting every invalid field at once.

    Takes the same keyword arguments as `Contact`, except that ``emails``
    and ``phones`` may also be given as plain strings, which are parsed
    (phones with ``region`` and ``strict``, which are taken out of
    *fields*).

    Raises:
        InvalidContactError: One or more fields are invalid; the group
            holds one error per problem.
    """
    region = fields.pop("region", None)
    strict = fields.pop("strict", False)
    errors: list[InvalidValueError] = []

    def parse_email(item: str) -> EmailAddress:
        return EmailAddress(item)

    def parse_phone_text(item: str) -> PhoneNumber:
        return PhoneNumber.parse(item, region=region, strict=strict)

    emails = _parse_items(fields.pop("emails", ()), "emails", parse_email)
    phones = _parse_items(fields.pop("phones", ()), "phones", parse_phone_text)
    errors.extend(emails.errors)
    errors.extend(phones.errors)
    for name, value in list(fields.items()):
        if isinstance(value, str) and name in _NAME_FIELDS:
            try:
                fields[name] = normalize_name(value, name)
            except InvalidValueError as error:
                errors.append(error)
    if errors:
        raise InvalidContactError("invalid contact", errors)
    try:
        return Contact(emails=emails.items, phones=phones.items, **fields)
    except InvalidValueError as error:
        raise InvalidContactError("invalid contact", [error]) from None


@attrs.define
class _Parsed(Generic[_Item]):
    items: list[_Item] = attrs.Factory(list)
    errors: list[InvalidValueError] = attrs.Factory(list)


def _parse_items(
    values: Iterable[_Item | str] | str,
    field: str,
    parse: Callable[[str], _Item],
) -> _Parsed[_Item]:
    """Parse the strings among *values*, collecting every error.

    A single string counts as a list of one, not as a list of letters.
    """
    if isinstance(values, str):
        values = [values]
    parsed: _Parsed[_Item] = _Parsed()
    for index, item in enumerate(values):
        try:
            parsed.items.append(parse(item) if isinstance(item, str) else item)
        except InvalidValueError as error:
            parsed.errors.append(_reindex(error, f"{field}[{index}]"))
    return parsed


_NAME_FIELDS = frozenset(
    {
        "first_name",
        "middle_name",
        "last_name",
        "salutation",
        "designation",
        "gender",
        "company_name",
        "department",
    }
)


def _reindex(error: InvalidValueError, field: str) -> InvalidValueError:
    copy = type(error)(field, error.value, error.reason)
    copy.__cause__ = error.__cause__
    return copy
