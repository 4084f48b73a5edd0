"""Entities and value objects: contacts, their links, e-mails and phones."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from contactlib._normalize import (
    normalize_name,
)
from contactlib._values import (
    ContactStatus,
    EmailAddress,
    Link,
    PartyRef,
    PhoneNumber,
    check_control,
)
from contactlib.exceptions import (
    InvalidContactError,
    InvalidLinkError,
    InvalidNameError,
    InvalidValueError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

_Item = TypeVar("_Item")
_Flagged = TypeVar("_Flagged", EmailAddress, PhoneNumber)
_Record = TypeVar("_Record", EmailAddress, PhoneNumber, "Contact")


def _with_flags(value: _Flagged, **flags: bool) -> _Flagged:
    """Return a copy of *value* with boolean marks changed.

    Unlike `attrs.evolve`, this does not run the converters and validators
    again: the copy differs only in marks, which no rule checks alone.
    """
    return _replaced(value, flags)


def _replaced(value: _Record, changes: dict[str, Any]) -> _Record:
    """Copy an attrs instance field by field, with *changes* applied.

    `copy.copy` of a slotted attrs class goes through pickling support,
    which costs more than the copy itself on the import path.
    """
    cls = type(value)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(
            field.name for field in attrs.fields(cls)
        )
    copied = object.__new__(cls)
    for name in names:
        object.__setattr__(
            copied, name, changes.get(name, getattr(value, name))
        )
    return copied


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _settle_emails(values: Iterable[EmailAddress]) -> tuple[EmailAddress, ...]:
    """Drop repeated addresses and make sure exactly one is primary."""
    merged: dict[str, EmailAddress] = {}
    for email in values:
        previous = merged.get(email.key)
        if previous is None:
            merged[email.key] = email
        elif email.is_primary and not previous.is_primary:
            merged[email.key] = _with_flags(previous, is_primary=True)
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
        emails[0] = _with_flags(emails[0], is_primary=True)
    return tuple(emails)


def _settle_phones(values: Iterable[PhoneNumber]) -> tuple[PhoneNumber, ...]:
    """Drop repeated numbers and settle the primary phone and mobile."""
    merged: dict[str, PhoneNumber] = {}
    for phone in values:
        previous = merged.get(phone.key)
        if previous is None:
            merged[phone.key] = phone
        else:
            merged[phone.key] = _with_flags(
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
        _with_flags(p, is_mobile=True)
        if p.is_primary_mobile and not p.is_mobile
        else p
        for p in phones
    ]
    if phones and not any(p.is_primary_phone for p in phones):
        landlines = [i for i, p in enumerate(phones) if not p.is_mobile]
        chosen = landlines[0] if landlines else 0
        phones[chosen] = _with_flags(phones[chosen], is_primary_phone=True)
    mobiles = [i for i, p in enumerate(phones) if p.is_mobile]
    if mobiles and not any(p.is_primary_mobile for p in phones):
        phones[mobiles[0]] = _with_flags(
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


_EXTRA_LINE = re.compile(r"(?:[\w-]+\.)?[\w-]+[;:]", re.ASCII)
_EXTRA_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def extra_lines(values: Iterable[str]) -> tuple[str, ...]:
    """Check that each entry is one unfolded vCard content line."""
    lines = tuple(values)
    for index, line in enumerate(lines):
        field = f"extra_properties[{index}]"
        if not isinstance(line, str):
            raise InvalidValueError(
                field, line, "an extra property must be a string"
            )
        control = _EXTRA_CONTROL.search(line)
        if control is not None:
            raise InvalidValueError(
                field,
                line[: control.start()],
                f"the line has the control character "
                f"U+{ord(control.group()):04X} at position "
                f"{control.start() + 1}; give one unfolded line, with line "
                "breaks in values written as \\n",
            )
        if _EXTRA_LINE.match(line) is None or ":" not in line:
            raise InvalidValueError(
                field,
                line[:40],
                "the line is not a vCard property; write it as NAME:value, "
                "such as BDAY:1990-01-01",
            )
    return lines


def _optional_id(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    check_control("user_id", value)
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
        extra_properties: vCard properties contactlib has no field for,
            kept for re-export: each entry is one unfolded content line
            as read, group prefix included, such as
            ``"BDAY:1990-01-01"``.  vCard exports write them back.
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
    extra_properties: tuple[str, ...] = attrs.field(
        factory=tuple, converter=extra_lines, kw_only=True
    )
    version: int = attrs.field(default=0, kw_only=True)

    def __attrs_post_init__(self) -> None:
        """Check the rules that span several fields."""
        if not self.contact_id or self.contact_id != self.contact_id.strip():
            raise InvalidValueError(
                "contact_id",
                self.contact_id,
                "the contact id is empty or has surrounding spaces",
            )
        check_control("contact_id", self.contact_id)
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
    return _replaced(contact, {"version": version})


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
