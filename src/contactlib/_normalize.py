"""Normalization of e-mail addresses, phone numbers and names."""

from __future__ import annotations

import functools
import re
import unicodedata

import attrs
import email_validator
import phonenumbers
from email_validator import syntax as email_syntax

from contactlib.exceptions import (
    InvalidEmailError,
    InvalidNameError,
    InvalidPhoneError,
)

# Plain ASCII addresses with no quoting, comments or display name.  They
# take the fast path in `normalize_email`.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9.-]{1,253}"
)
_EMAIL_MAX_LENGTH = 254
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_WHITESPACE = re.compile(r"\s+")
_MOBILE_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE})
_MAX_NAME_LENGTH = 140
_MAX_PHONE_LENGTH = 64
_MAX_EMAIL_LENGTH = 320


def _mask_email(text: str) -> str:
    """Return *text* with the local part hidden, for error messages."""
    local, at, domain = text.rpartition("@")
    if not at:
        return f"{text[:1]}…" if len(text) > 1 else text
    return f"{local[:1]}…@{domain}"


@functools.lru_cache(maxsize=65_536)
def normalize_email(text: str) -> str:
    """Validate an e-mail address and return its normalized form.

    The syntax is checked with email-validator, without DNS look-ups.  The
    normalized form has a lower-case domain and a Unicode-normalized local
    part whose case is kept; compare addresses with `email_key`.

    Args:
        text: The address as a user typed it.  Surrounding whitespace is
            removed first.

    Returns:
        The normalized address.

    Raises:
        InvalidEmailError: The address is empty or not valid.  The message
            shows only the domain, never the whole address.

    .. versionadded:: 0.1.0
    """
    stripped = text.strip()
    if not stripped:
        raise InvalidEmailError(
            "email", text, "the e-mail address is empty; give an address"
        )
    if len(stripped) > _MAX_EMAIL_LENGTH:
        raise InvalidEmailError(
            "email",
            text,
            f"the e-mail address is {len(stripped)} characters long, "
            f"more than the {_MAX_EMAIL_LENGTH} any address can have",
        )
    if _PLAIN_EMAIL.fullmatch(stripped):
        fast = _normalize_plain_email(stripped)
        if fast is not None:
            return fast
    try:
        result = email_validator.validate_email(
            stripped, check_deliverability=False
        )
    except email_validator.EmailNotValidError as error:
        raise InvalidEmailError(
            "email",
            text,
            f"invalid e-mail address {_mask_email(stripped)!r}: {error}",
        ) from None
    return str(result.normalized)


def _normalize_plain_email(address: str) -> str | None:
    """Normalize a plain ASCII address, checking its domain once.

    Returns ``None`` when any check fails, so that the caller runs the
    full validation, which produces the error message.  The domain check
    is most of email-validator's cost, and import files repeat domains,
    so its result is cached per domain.
    """
    local, _, domain = address.rpartition("@")
    normalized_domain = _normalize_domain(domain)
    if normalized_domain is None:
        return None
    try:
        local_result = email_syntax.validate_email_local_part(local)
    except email_validator.EmailNotValidError:
        return None
    normalized = f"{local_result['local_part']}@{normalized_domain}"
    if len(normalized) > _EMAIL_MAX_LENGTH:
        return None
    return normalized


@functools.lru_cache(maxsize=4096)
def _normalize_domain(domain: str) -> str | None:
    """Return the normalized domain, or ``None`` if it is not valid."""
    try:
        result = email_validator.validate_email(
            f"a@{domain}", check_deliverability=False
        )
    except email_validator.EmailNotValidError:
        return None
    return str(result.domain)


def email_key(address: str) -> str:
    """Return the key under which two addresses count as the same.

    Addresses that differ only in letter case share a key.

    .. versionadded:: 0.1.0
    """
    return address.lower()


@attrs.frozen
class ParsedPhone:
    """The result of parsing one phone number.

    Attributes:
        raw: The text as given, with surrounding whitespace removed.
        e164: The number in E.164 form, or ``None`` when it could not be
            parsed.
        extension: The extension, if the text had one.
        is_mobile: Whether the number plan marks the number as mobile.
        validated: Whether the number parsed and is valid for its region.
    """

    raw: str
    e164: str | None
    extension: str | None
    is_mobile: bool
    validated: bool


def mask_phone(text: str) -> str:
    """Return *text* with all but its last two characters hidden."""
    if len(text) <= 2:  # noqa: PLR2004
        return text
    return "…" + text[-2:]


@functools.lru_cache(maxsize=65_536)
def parse_phone(
    text: str, region: str | None = None, *, strict: bool = False
) -> ParsedPhone:
    """Parse a phone number in any formatting.

    Args:
        text: The number as a user typed it, in national or international
            form, with or without an extension.
        region: ISO 3166 alpha-2 code of the country to assume for numbers
            written without a country code, such as ``"DE"``.
        strict: Raise for a number that cannot be parsed or is not valid,
            instead of keeping it marked unvalidated.

    Returns:
        The raw text with E.164 form, extension and mobile flag.

    Raises:
        InvalidPhoneError: The text is empty, or *strict* is true and the
            number is not a valid number.

    .. versionadded:: 0.1.0
    """
    raw = text.strip()
    if not raw:
        raise InvalidPhoneError(
            "phone", text, "the phone number is empty; give a number"
        )
    if len(raw) > _MAX_PHONE_LENGTH:
        raise InvalidPhoneError(
            "phone",
            text,
            f"the phone number is {len(raw)} characters long, more than "
            f"the {_MAX_PHONE_LENGTH} allowed; put notes in another field",
        )
    if region is not None:
        region = region.upper()
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        if strict:
            hint = "" if region else "; give a default region such as 'DE'"
            raise InvalidPhoneError(
                "phone",
                text,
                f"phone number {mask_phone(raw)!r} cannot be parsed "
                f"({_parse_error_reason(error)}){hint}",
            ) from None
        return ParsedPhone(raw, None, None, is_mobile=False, validated=False)
    # is_valid_number would work out the number type again, which is the
    # costly step of parsing; a number is valid exactly when its type is
    # known.
    kind = phonenumbers.number_type(number)
    valid = kind != phonenumbers.PhoneNumberType.UNKNOWN
    possible = valid or (
        phonenumbers.is_possible_number_with_reason(number)
        == phonenumbers.ValidationResult.IS_POSSIBLE
    )
    if not possible:
        # Too short or too long for its country, or only dialable
        # locally: phonenumbers builds a number from whatever digits it
        # finds, such as "+49 30" alone, which must not match other
        # fragments in a look-up.
        if strict:
            raise InvalidPhoneError(
                "phone",
                text,
                f"phone number {mask_phone(raw)!r} has too few or too "
                "many digits for its country; check the number",
            )
        return ParsedPhone(raw, None, None, is_mobile=False, validated=False)
    if strict and not valid:
        raise InvalidPhoneError(
            "phone",
            text,
            f"phone number {mask_phone(raw)!r} is not a valid number "
            "for its country; check the digits and the country code",
        )
    e164 = phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.E164
    )
    if not _E164.fullmatch(e164):
        return ParsedPhone(raw, None, None, is_mobile=False, validated=False)
    is_mobile = kind in _MOBILE_TYPES
    return ParsedPhone(
        raw, e164, number.extension or None, is_mobile, validated=valid
    )


def _parse_error_reason(error: phonenumbers.NumberParseException) -> str:
    reasons = {
        phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: (
            "no valid country code"
        ),
        phonenumbers.NumberParseException.NOT_A_NUMBER: "not a number",
        phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: (
            "too short after the international prefix"
        ),
        phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
        phonenumbers.NumberParseException.TOO_LONG: "too long",
    }
    return reasons.get(error.error_type, "not a number")


def is_e164(text: str) -> bool:
    """Return whether *text* is a well-formed E.164 number."""
    return _E164.fullmatch(text) is not None


def normalize_name(text: str, field: str = "name") -> str:
    """Return a name in NFC form with runs of whitespace made single.

    Names in every script are accepted.  Control characters, which no
    name contains and which break CSV files and mail headers, are
    rejected.

    Args:
        text: The name as given.
        field: Field name used in the error.

    Raises:
        InvalidNameError: The name holds a control character or is longer
            than 140 characters.

    .. versionadded:: 0.1.0
    """
    return _normalize_name(text, field)


# Categories Cc (C0 and C1 controls) and Cs (surrogates), plus the
# invisible format characters that change how the text around them is
# shown (bidirectional embeddings, overrides and isolates) or hide in it
# (zero-width space, byte order mark).  Zero-width joiners stay allowed:
# Persian and Indic names need them.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200b\u202a-\u202e\u2066-\u2069\ufeff]"
)


def find_control(text: str) -> int | None:
    """Return the position of the first control or surrogate character.

    Returns ``None`` when *text* has none.  Such characters cannot be
    stored in every database or written to a CSV file or mail header.
    """
    found = _CONTROL.search(text)
    return None if found is None else found.start()


def describe_control(text: str, position: int) -> str:
    """Return the error reason for the character at *position*."""
    character = text[position]
    kind = (
        "control character"
        if unicodedata.category(character) in {"Cc", "Cs"}
        else "invisible formatting character"
    )
    return (
        f"contains {kind} U+{ord(character):04X} at position {position}; "
        "remove it"
    )


@functools.lru_cache(maxsize=65_536)
def _normalize_name(text: str, field: str) -> str:
    name = unicodedata.normalize("NFC", text)
    name = _WHITESPACE.sub(" ", name).strip()
    control = _CONTROL.search(name)
    if control is not None:
        raise InvalidNameError(
            field, text, describe_control(name, control.start())
        )
    if len(name) > _MAX_NAME_LENGTH:
        raise InvalidNameError(
            field,
            text,
            f"is {len(name)} characters long, more than the "
            f"{_MAX_NAME_LENGTH} allowed",
        )
    return name
