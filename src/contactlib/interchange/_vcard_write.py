"""Contacts written as vCard 3.0 (RFC 2426) or 4.0 (RFC 6350)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import phonenumbers

from contactlib._normalize import parse_phone
from contactlib.exceptions import InvalidValueError
from contactlib.interchange._vcard_syntax import escape, fold

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import TextIO

    from contactlib._model import Contact, PhoneNumber

VCARD_VERSIONS = ("3.0", "4.0")
"""vCard versions that `write_vcard` writes."""

_EXTENSION = "X-CONTACTLIB-"


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


def _line(name: str, value: str, params: Iterable[str] = ()) -> str:
    head = ";".join((name, *params))
    return fold(f"{head}:{value}")


def _structured(*parts: str) -> str:
    return ";".join(escape(part) for part in parts)


def _types(values: Iterable[str], *, v4: bool) -> str:
    joined = ",".join(values)
    return f"TYPE={joined.lower() if v4 else joined.upper()}"


def _email_lines(contact: Contact, *, v4: bool) -> list[str]:
    lines = []
    for email in contact.emails:
        params = [_types(["internet"], v4=v4)] if not v4 else []
        if email.is_primary:
            params.append("PREF=1" if v4 else "TYPE=PREF")
        lines.append(_line("EMAIL", escape(email.address), params))
    return lines


def _phone_lines(contact: Contact, *, v4: bool) -> list[str]:
    lines = []
    for phone in contact.phones:
        params = [_types(["cell" if phone.is_mobile else "voice"], v4=v4)]
        if v4:
            params.insert(0, "VALUE=text")
        if phone.is_primary_phone:
            params.append("PREF=1" if v4 else "TYPE=PREF")
        marks = [
            mark
            for mark, flag in (
                ("phone", phone.is_primary_phone),
                ("mobile", phone.is_primary_mobile),
            )
            if flag
        ]
        params.append(f"{_EXTENSION}PRIMARY={','.join(marks) or 'none'}")
        region = phone_region(phone)
        if region is not None:
            params.append(f"{_EXTENSION}REGION={region}")
        lines.append(_line("TEL", escape(phone.raw), params))
    return lines


def _link_lines(contact: Contact) -> list[str]:
    return [
        _line(
            f"{_EXTENSION}LINK",
            ";".join(
                (
                    escape(link.party_type),
                    escape(link.party_name),
                    escape(link.title),
                    "1" if link.is_primary else "0",
                    ",".join(escape(role) for role in sorted(link.roles)),
                )
            ),
        )
        for link in contact.links
    ]


def format_vcard(contact: Contact, *, version: str = "4.0") -> str:
    """Write one contact as a vCard.

    Names go to ``N`` and ``FN``, the company and department to ``ORG``,
    the designation to ``TITLE`` and the id to ``UID``.  The primary
    e-mail and phone carry ``PREF=1`` (4.0) or ``TYPE=PREF`` (3.0).
    What vCard has no property for (status, links with their roles,
    both primary phone marks, the user id) goes into ``X-CONTACTLIB-*``
    properties and parameters, which other programs ignore and
    `read_vcard` reads back, so nothing contactlib stores is lost.

    Args:
        contact: The contact.
        version: ``"3.0"`` or ``"4.0"``.

    Returns:
        The card, with CRLF line ends and lines folded at 75 octets.

    Raises:
        InvalidValueError: *version* is not one of `VCARD_VERSIONS`.

    .. versionadded:: 0.1.0
    """
    if version not in VCARD_VERSIONS:
        raise InvalidValueError(
            "version",
            version,
            f"vCard version {version!r} cannot be written; use 3.0 or 4.0",
        )
    v4 = version == "4.0"
    lines = [
        "BEGIN:VCARD\r\n",
        f"VERSION:{version}\r\n",
        _line("UID", escape(contact.contact_id)),
        _line("FN", escape(contact.display_name)),
        _line(
            "N",
            _structured(
                contact.last_name,
                contact.first_name,
                contact.middle_name,
                contact.salutation,
                "",
            ),
        ),
    ]
    if contact.company_name or contact.department:
        lines.append(
            _line("ORG", _structured(contact.company_name, contact.department))
        )
    if contact.designation:
        lines.append(_line("TITLE", escape(contact.designation)))
    lines += _email_lines(contact, v4=v4)
    lines += _phone_lines(contact, v4=v4)
    if contact.gender:
        lines.append(
            _line("GENDER", ";" + escape(contact.gender))
            if v4
            else _line(f"{_EXTENSION}GENDER", escape(contact.gender))
        )
    lines.append(_line(f"{_EXTENSION}STATUS", contact.status.value))
    if contact.user_id:
        lines.append(_line(f"{_EXTENSION}USER-ID", escape(contact.user_id)))
    if contact.unsubscribed:
        lines.append(_line(f"{_EXTENSION}UNSUBSCRIBED", "1"))
    lines += _link_lines(contact)
    lines.append("END:VCARD\r\n")
    return "".join(lines)


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
    count = 0
    for contact in contacts:
        stream.write(format_vcard(contact, version=version))
        count += 1
    return count
