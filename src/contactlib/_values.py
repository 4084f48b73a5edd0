"""Value objects of a contact: status, party links, e-mails and phones."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

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
    InvalidLinkError,
    InvalidPhoneError,
    InvalidValueError,
)

if TYPE_CHECKING:
    from collections.abc import Iterable


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
        _check_party_parts(self.party_type, self.party_name)

    def __str__(self) -> str:
        """Return ``TYPE NAME`` for messages."""
        return f"{self.party_type} {self.party_name}"


def _check_party_parts(party_type: str, party_name: str) -> None:
    """Raise `InvalidLinkError` if a part of a party reference is empty."""
    for field, value in (
        ("party_type", party_type),
        ("party_name", party_name),
    ):
        if not value:
            raise InvalidLinkError(
                field,
                value,
                f"the {field.replace('_', ' ')} is empty; give one",
            )


def _clean_party(party_type: str, party_name: str) -> PartyRef:
    """Make a `PartyRef` from parts that are normalized and non-empty.

    `Link.party` calls this on every look-up.  The parts of a link passed
    the same checks when the link was made, so they are not run again.
    """
    party = object.__new__(PartyRef)
    object.__setattr__(party, "party_type", party_type)
    object.__setattr__(party, "party_name", party_name)
    return party


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
        _check_party_parts(self.party_type, self.party_name)

    @property
    def party(self) -> PartyRef:
        """The party this link points to."""
        return _clean_party(self.party_type, self.party_name)

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
    the text could be parsed; `validated` states whether the number is a
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
        check_control(attribute.name, value)

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


def check_control(field: str, value: str) -> None:
    """Reject *value* if it contains a control or invisible character."""
    position = find_control(value)
    if position is not None:
        raise InvalidValueError(
            field, value, describe_control(value, position)
        )
