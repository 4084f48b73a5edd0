"""Contacts written as vCard 3.0 (RFC 2426), 4.0 (RFC 6350) and jCard."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TypeAlias

import attrs
import phonenumbers

from contactlib._normalize import parse_phone
from contactlib.exceptions import InvalidValueError
from contactlib.interchange._vcard_syntax import escape, fold

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import TextIO

    from contactlib._model import Contact
    from contactlib._values import PhoneNumber

VCARD_VERSIONS = ("3.0", "4.0")
"""vCard versions that `write_vcard` writes."""

_EXTENSION = "X-CONTACTLIB-"

Component: TypeAlias = str | list[str]


@attrs.frozen
class _Property:
    """One property before it is written as text or as jCard.

    A structured value is a list of components; a component that contains
    several values is a list itself.
    """

    name: str
    value: str | list[Component]
    params: tuple[tuple[str, str], ...] = ()
    value_type: str = "text"


def phone_region(phone: PhoneNumber) -> str | None:
    """Return the region that parses *phone*'s raw text to its E.164 form.

    ``None`` when the raw text parses to the same number without a
    region, or when no region does.  Formats that keep only the raw text
    store this region beside it, so a national number such as
    ``030 901820`` keeps its E.164 form when it is read back.

    .. versionadded:: 0.1.0
    """
    if phone.e164 is None or parse_phone(phone.raw).e164 == phone.e164:
        return None
    number = phonenumbers.parse(phone.e164)
    candidates = [
        phonenumbers.region_code_for_number(number),
        *phonenumbers.region_codes_for_country_code(number.country_code or 0),
    ]
    for region in candidates:
        if region and region != "ZZ":
            parsed = parse_phone(phone.raw, region)
            if parsed.e164 == phone.e164:
                return region
    return None


def _email_properties(contact: Contact, *, v4: bool) -> list[_Property]:
    properties = []
    for email in contact.emails:
        params: list[tuple[str, str]] = [] if v4 else [("TYPE", "INTERNET")]
        if email.is_primary:
            params.append(("PREF", "1") if v4 else ("TYPE", "PREF"))
        properties.append(_Property("EMAIL", email.address, tuple(params)))
    return properties


def _phone_properties(contact: Contact, *, v4: bool) -> list[_Property]:
    properties = []
    for phone in contact.phones:
        kind = "cell" if phone.is_mobile else "voice"
        params = [("TYPE", kind if v4 else kind.upper())]
        if phone.is_primary_phone:
            params.append(("PREF", "1") if v4 else ("TYPE", "PREF"))
        marks = [
            mark
            for mark, flag in (
                ("phone", phone.is_primary_phone),
                ("mobile", phone.is_primary_mobile),
            )
            if flag
        ]
        params.append((f"{_EXTENSION}PRIMARY", ",".join(marks) or "none"))
        region = phone_region(phone)
        if region is not None:
            params.append((f"{_EXTENSION}REGION", region))
        properties.append(_Property("TEL", phone.raw, tuple(params)))
    return properties


def _link_properties(contact: Contact) -> list[_Property]:
    return [
        _Property(
            f"{_EXTENSION}LINK",
            [
                link.party_type,
                link.party_name,
                link.title,
                "1" if link.is_primary else "0",
                sorted(link.roles),
            ],
        )
        for link in contact.links
    ]


def _properties(contact: Contact, *, v4: bool) -> list[_Property]:
    names = [
        contact.last_name,
        contact.first_name,
        contact.middle_name,
        contact.salutation,
        "",
    ]
    properties = [
        _Property("UID", contact.contact_id),
        _Property("FN", contact.display_name),
        _Property("N", list(names)),
    ]
    if contact.company_name or contact.department:
        organisation = [contact.company_name]
        if contact.department:
            organisation.append(contact.department)
        properties.append(_Property("ORG", list(organisation)))
    if contact.designation:
        properties.append(_Property("TITLE", contact.designation))
    properties += _email_properties(contact, v4=v4)
    properties += _phone_properties(contact, v4=v4)
    if contact.gender and v4:
        properties.append(_Property("GENDER", ["", contact.gender]))
    elif contact.gender:
        properties.append(_Property(f"{_EXTENSION}GENDER", contact.gender))
    properties.append(_Property(f"{_EXTENSION}STATUS", contact.status.value))
    if contact.user_id:
        properties.append(_Property(f"{_EXTENSION}USER-ID", contact.user_id))
    if contact.unsubscribed:
        properties.append(_Property(f"{_EXTENSION}UNSUBSCRIBED", "1"))
    properties += _link_properties(contact)
    return properties


def _check_version(version: str) -> None:
    if version not in VCARD_VERSIONS:
        raise InvalidValueError(
            "version",
            version,
            f"vCard version {version!r} cannot be written; use 3.0 or 4.0",
        )


def _text_value(value: str | list[Component]) -> str:
    if isinstance(value, str):
        return escape(value)
    return ";".join(
        escape(part)
        if isinstance(part, str)
        else ",".join(escape(item) for item in part)
        for part in value
    )


def _text_line(prop: _Property, *, v4: bool) -> str:
    params = [f"{name}={value}" for name, value in prop.params]
    if v4 and prop.name == "TEL":
        params.insert(0, "VALUE=text")
    head = ";".join((prop.name, *params))
    return fold(f"{head}:{_text_value(prop.value)}")


def format_vcard(contact: Contact, *, version: str = "4.0") -> str:
    """Write one contact as a vCard.

    Names go to ``N`` and ``FN``, the company and department to ``ORG``,
    the designation to ``TITLE`` and the id to ``UID``.  The primary
    e-mail and phone carry ``PREF=1`` (4.0) or ``TYPE=PREF`` (3.0).
    What vCard has no property for (status, links with their roles,
    both primary phone marks, the user id) goes into ``X-CONTACTLIB-*``
    properties and parameters, which other programs ignore and
    `read_vcard` reads back, so nothing contactlib stores is lost.
    The contact's ``extra_properties`` follow, each line as stored: they
    are not converted between vCard versions.

    Args:
        contact: The contact.
        version: ``"3.0"`` or ``"4.0"``.

    Returns:
        The card, with CRLF line ends and lines folded at 75 octets.

    Raises:
        InvalidValueError: *version* is not one of `VCARD_VERSIONS`.

    .. versionadded:: 0.1.0
    """
    _check_version(version)
    v4 = version == "4.0"
    lines = [_text_line(p, v4=v4) for p in _properties(contact, v4=v4)]
    lines += [fold(line) for line in contact.extra_properties]
    return "".join(
        ["BEGIN:VCARD\r\n", f"VERSION:{version}\r\n", *lines, "END:VCARD\r\n"]
    )


def write_vcard(
    contacts: Iterable[Contact], stream: TextIO, *, version: str = "4.0"
) -> int:
    """Write contacts as vCards to a text stream.

    Open files with ``newline=""``, so that the CRLF line ends that
    vCard requires are written unchanged.

    Args:
        contacts: The contacts, written in this order.
        stream: Where to write.
        version: ``"3.0"`` or ``"4.0"``.

    Returns:
        The number of cards written.

    Raises:
        InvalidValueError: *version* is not one of `VCARD_VERSIONS`.

    .. versionadded:: 0.1.0
    """
    _check_version(version)
    count = 0
    for contact in contacts:
        stream.write(format_vcard(contact, version=version))
        count += 1
    return count


def to_jcard(contact: Contact) -> list[object]:
    """Return a contact as a jCard (RFC 7095), ready for `json.dumps`.

    The properties are those of `format_vcard` for vCard 4.0, with
    parameter names in lower case as RFC 7095 requires.  The contact's
    ``extra_properties`` are left out: they are vCard text lines, which
    jCard has no form for without parsing their values.

    .. versionadded:: 0.1.0
    """
    properties: list[object] = [["version", {}, "text", "4.0"]]
    for prop in _properties(contact, v4=True):
        params: dict[str, str] = {}
        for name, value in prop.params:
            key = name.lower()
            params[key] = f"{params[key]},{value}" if key in params else value
        properties.append(
            [prop.name.lower(), params, prop.value_type, prop.value]
        )
    return ["vcard", properties]


def write_jcard(contacts: Iterable[Contact], stream: TextIO) -> int:
    """Write contacts as a JSON array of jCards, one card per line.

    Args:
        contacts: The contacts, written in this order.
        stream: Where to write.

    Returns:
        The number of cards written.

    .. versionadded:: 0.1.0
    """
    count = 0
    stream.write("[")
    for contact in contacts:
        stream.write(",\n" if count else "\n")
        stream.write(json.dumps(to_jcard(contact), ensure_ascii=False))
        count += 1
    stream.write("\n]\n")
    return count
