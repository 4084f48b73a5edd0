"""Contacts as JSON, through one explicit cattrs converter.

The JSON form of a contact is stable: every attribute of `Contact`,
`EmailAddress`, `PhoneNumber` and `Link` under its own name, the status
as its value (``"Passive"``), roles as a sorted list, and nothing else.
"""

from __future__ import annotations

import io
import json
import typing
from typing import IO, TYPE_CHECKING, Any

import cattrs

from contactlib._import_report import (
    RowProblem,
    SourceEmail,
    SourceLink,
    SourcePhone,
    SourceRecord,
)
from contactlib._model import Contact
from contactlib._values import ContactStatus, PhoneNumber
from contactlib.exceptions import ImportFileError, InvalidValueError
from contactlib.interchange._formats import ReadOptions, register_format
from contactlib.interchange._vcard_write import phone_region

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import TextIO

_FIELDS = (
    "contact_id",
    "first_name",
    "middle_name",
    "last_name",
    "salutation",
    "designation",
    "gender",
    "company_name",
    "department",
    "status",
    "user_id",
)
_KNOWN = frozenset(
    (
        *_FIELDS,
        "emails",
        "phones",
        "links",
        "unsubscribed",
        "extra_properties",
    )
)
_KNOWN_WITH_VERSION = _KNOWN | {"version"}


def _is_frozenset(kind: object) -> bool:
    return kind is frozenset or typing.get_origin(kind) is frozenset


def _sorted_list(values: frozenset[str]) -> list[str]:
    return sorted(values)


def _status_value(status: ContactStatus) -> str:
    return status.value


def make_converter() -> cattrs.Converter:
    """Make the converter between contacts and JSON-ready values.

    Each call makes a new converter, so a host can add hooks to its own
    copy without changing the one contactlib uses.

    Returns:
        A converter whose ``unstructure`` turns a `Contact` (or an
        `EmailAddress`, `PhoneNumber`, `Link` or `PartyRef`) into dicts,
        lists, strings, numbers and booleans, and whose ``structure``
        turns them back into an equal object.

    .. versionadded:: 0.1.0
    """
    converter = cattrs.Converter()
    converter.register_unstructure_hook_func(_is_frozenset, _sorted_list)
    converter.register_unstructure_hook(ContactStatus, _status_value)
    converter.register_structure_hook_func(
        _is_frozenset, lambda values, _: frozenset(values)
    )
    return converter


_CONVERTER = make_converter()


def contact_to_dict(contact: Contact) -> dict[str, Any]:
    """Return the JSON-ready form of a contact.

    .. versionadded:: 0.1.0
    """
    data: dict[str, Any] = _CONVERTER.unstructure(contact)
    return data


def contact_from_dict(data: dict[str, Any]) -> Contact:
    """Make a contact from its JSON-ready form.

    Raises:
        cattrs.BaseValidationError: A value has the wrong type or breaks
            a rule of the model; the group names every bad field.

    .. versionadded:: 0.1.0
    """
    return _CONVERTER.structure(data, Contact)


def write_json(contacts: Iterable[Contact], stream: TextIO) -> int:
    """Write contacts as a JSON array, one contact per line.

    Args:
        contacts: The contacts, written in this order.
        stream: Where to write.

    Returns:
        The number of contacts written.

    .. versionadded:: 0.1.0
    """
    count = 0
    stream.write("[")
    for contact in contacts:
        stream.write(",\n" if count else "\n")
        stream.write(
            json.dumps(
                contact_to_dict(contact), ensure_ascii=False, sort_keys=True
            )
        )
        count += 1
    stream.write("\n]\n")
    return count


def read_json(
    source: bytes | IO[bytes], *, path: str = "<stream>"
) -> Iterator[SourceRecord]:
    """Read the contacts of a file that `write_json` wrote.

    The file contains a JSON array of objects in the form of
    `contact_to_dict`; missing keys take their defaults.  Each object
    becomes one record whose row is its position in the array, counting
    from 1.  Unknown keys are reported as unmodelled values; an item
    that is not an object, or a value of the wrong type, rejects the
    record.

    Args:
        source: The file's bytes, or the file opened in binary mode.
        path: The file's name, for messages.

    Raises:
        ImportFileError: The file is not JSON, or not a JSON array.

    .. versionadded:: 0.1.0
    """
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        items = json.load(stream)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFileError(
            path, f"the file is not valid JSON ({error}); check its content"
        ) from None
    if not isinstance(items, list):
        raise ImportFileError(
            path,
            "the file holds a JSON "
            f"{type(items).__name__}, not an array of contacts",
        )
    for index, item in enumerate(items, start=1):
        yield _record(index, item)


def _record(row: int, item: object) -> SourceRecord:
    if not isinstance(item, dict):
        return SourceRecord(
            row,
            problems=(
                RowProblem(
                    f"[{row}]",
                    type(item).__name__,
                    "the item is not a JSON object; give one object per "
                    "contact",
                ),
            ),
        )
    try:
        return _record_from_dict(row, item)
    except KeyError as error:
        reason = (
            f"the key {error} is missing; compare the item with what "
            "write_json writes"
        )
    except (TypeError, AttributeError, InvalidValueError) as error:
        reason = (
            f"a value has the wrong type ({error}); compare the item with "
            "what write_json writes"
        )
    # The names are kept, so that the report shows only the real problem.
    names = {
        name: value
        for name in _FIELDS
        if isinstance(value := item.get(name), str) and value
    }
    return SourceRecord(
        row, fields=names, problems=(RowProblem(f"[{row}]", "", reason),)
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a string")
    return value


def _record_from_dict(row: int, item: dict[str, Any]) -> SourceRecord:
    fields = {name: _text(item.get(name)) for name in _FIELDS}
    fields = {name: value for name, value in fields.items() if value}
    unsubscribed = item.get("unsubscribed")
    if unsubscribed is not None and not isinstance(unsubscribed, bool):
        raise TypeError(f"unsubscribed is {unsubscribed!r}, not true or false")
    if unsubscribed is not None:
        fields["unsubscribed"] = "1" if unsubscribed else "0"
    emails = tuple(
        SourceEmail(
            _text(email["address"]),
            f"emails[{index}]",
            is_primary=bool(email.get("is_primary")),
        )
        for index, email in enumerate(item.get("emails") or ())
    )
    phones = tuple(
        _phone(index, phone)
        for index, phone in enumerate(item.get("phones") or ())
    )
    links = tuple(
        SourceLink(
            _text(link["party_type"]),
            _text(link["party_name"]),
            f"links[{index}]",
            title=_text(link.get("title")),
            is_primary=bool(link.get("is_primary")),
            roles=frozenset(_text(role) for role in link.get("roles") or ()),
        )
        for index, link in enumerate(item.get("links") or ())
    )
    extras = item.get("extra_properties") or ()
    if not isinstance(extras, list | tuple):
        raise TypeError(f"extra_properties is {extras!r}, not a list")
    unmodelled = tuple(
        (key, json.dumps(value, ensure_ascii=False)[:80])
        for key, value in item.items()
        if key not in _KNOWN_WITH_VERSION
    )
    return SourceRecord(
        row,
        fields=fields,
        columns={name: name for name in fields},
        emails=emails,
        phones=phones,
        links=links,
        unmodelled=unmodelled,
        extra_properties=tuple(_text(line) for line in extras),
    )


def _phone(index: int, data: dict[str, Any]) -> SourcePhone:
    raw = _text(data["raw"])
    e164 = data.get("e164")
    region = None
    if isinstance(e164, str) and raw.strip():
        region = phone_region(
            PhoneNumber(raw, e164=e164, extension=data.get("extension"))
        )
    return SourcePhone(
        raw,
        f"phones[{index}]",
        is_mobile=bool(data.get("is_mobile")),
        is_primary_phone=bool(data.get("is_primary_phone")),
        is_primary_mobile=bool(data.get("is_primary_mobile")),
        region=region,
    )


def _read_json_format(
    stream: IO[bytes], options: ReadOptions
) -> Iterator[SourceRecord]:
    return read_json(stream, path=options.path)


def _is_json(head: bytes) -> bool:
    # write_json writes an array; a CSV header never starts with "[".
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")


register_format("json", _read_json_format, suffixes=(".json",), sniff=_is_json)
