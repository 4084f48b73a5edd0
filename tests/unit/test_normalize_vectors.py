"""Table tests of e-mail and phone normalization on upstream test vectors.

The vectors come from the test suites of email-validator and
phonenumbers, with the result each library gave.  Each row is checked
against contactlib's rules: surrounding whitespace is removed first,
addresses are validated with email-validator's default options, inputs
over the length limits are rejected, and lenient phone parsing keeps
numbers it cannot parse.
"""

import json
import unicodedata

import phonenumbers
import pytest

from contactlib import PhoneNumber, normalize_email, parse_phone
from contactlib.exceptions import (
    InvalidEmailError,
    InvalidPhoneError,
    InvalidValueError,
)

pytestmark = pytest.mark.corpus

MAX_PHONE_LENGTH = 64
LOOSER_OPTIONS = {
    "allow_quoted_local",
    "allow_display_name",
    "allow_domain_literal",
    "test_environment",
}


def read_vectors(corpus, name):
    path = corpus / "vectors" / name
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def expected_email_verdict(row):
    """Return what `normalize_email` must do, or None when undecided.

    An address invalid under options looser than the defaults is invalid
    under the defaults too.  A valid address stays valid without the
    options that allow quoting or a display name, unless it uses them.
    """
    text = row["input"]
    options = dict(row["options"])
    options.pop("check_deliverability", None)
    if text != text.strip():
        return None
    if row["check"]["result"] == "invalid":
        looser = set(options) <= LOOSER_OPTIONS
        if looser and all(value is True for value in options.values()):
            return "invalid"
        return None
    quoting = {"allow_quoted_local", "allow_display_name"}
    if set(options) <= quoting and '"' not in text and "<" not in text:
        return "valid"
    return None


class TestEmailVectors:
    def test_verdicts(self, corpus):
        """Every decidable row is accepted or rejected as upstream expects."""
        checked = 0
        for row in read_vectors(corpus, "email_vectors.jsonl"):
            verdict = expected_email_verdict(row)
            if verdict is None:
                continue
            checked += 1
            if verdict == "valid":
                assert (
                    normalize_email(row["input"]) == (row["check"]["message"])
                ), row["input"]
            else:
                with pytest.raises(InvalidEmailError):
                    normalize_email(row["input"])

        assert checked > 200

    def test_messages(self, corpus):
        """Rejections under default options carry upstream's reason."""
        for row in read_vectors(corpus, "email_vectors.jsonl"):
            defaults = set(row["options"]) <= {"check_deliverability"}
            if row["expect"] != "invalid" or not defaults:
                continue
            if row["input"] != row["input"].strip():
                continue

            with pytest.raises(InvalidEmailError) as caught:
                normalize_email(row["input"])

            assert row["check"]["message"] in caught.value.reason

    def test_message_hides_local_part(self, corpus):
        """A rejection never repeats an address with its local part."""
        reasons = []
        for row in read_vectors(corpus, "email_vectors.jsonl"):
            text = row["input"].strip()
            local, _, _ = text.rpartition("@")
            if row["check"]["result"] != "invalid" or len(local) < 2:
                continue
            try:
                normalize_email(text)
            except InvalidEmailError as error:
                reasons.append((text, error.reason))

        for text, reason in reasons:
            assert text not in reason

    def test_surrounding_whitespace_removed(self, corpus):
        """An address with spaces around it reads as the bare address."""
        for row in read_vectors(corpus, "email_vectors.jsonl"):
            text = row["input"]
            if text == text.strip() or not text.strip():
                continue
            try:
                bare = normalize_email(text.strip())
            except InvalidEmailError:
                with pytest.raises(InvalidEmailError):
                    normalize_email(text)
            else:
                assert normalize_email(text) == bare


def phone_rows(corpus):
    rows = read_vectors(corpus, "phone_parse_vectors.jsonl")
    return [row for row in rows if row["input"] is not None]


def dialable(text, region):
    """Return whether a parsed number is valid or possible from abroad.

    Fragments that phonenumbers parses but that are too short or too long
    for their country, or dialable only locally, get no E.164 form.
    """
    number = phonenumbers.parse(text, region)
    reason = phonenumbers.is_possible_number_with_reason(number)
    possible = reason == phonenumbers.ValidationResult.IS_POSSIBLE
    return phonenumbers.is_valid_number(number) or possible


def has_control_character(text):
    return any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in text)


def too_long_or_empty(text):
    stripped = text.strip()
    return not stripped or len(stripped) > MAX_PHONE_LENGTH


class TestPhoneParseVectors:
    def test_lenient(self, corpus):
        """Lenient parsing gives phonenumbers' E.164 form or keeps raw."""
        for row in phone_rows(corpus):
            text, region, check = row["input"], row["region"], row["check"]
            if too_long_or_empty(text):
                with pytest.raises(InvalidPhoneError):
                    parse_phone(text, region)
                continue

            parsed = parse_phone(text, region)

            if check["result"] == "parses" and dialable(text, region):
                assert parsed.e164 == check["e164"], text
                assert parsed.extension == check["extension"], text
                assert parsed.validated == check["is_valid"], text
                assert parsed.is_mobile == (
                    check["is_valid"] and check["type"] == "MOBILE"
                ), text
            else:
                assert parsed.e164 is None, text
                assert not parsed.validated, text

    def test_strict(self, corpus):
        """Strict parsing accepts exactly the valid numbers."""
        for row in phone_rows(corpus):
            text, region, check = row["input"], row["region"], row["check"]
            valid = check["result"] == "parses" and check["is_valid"]
            if valid and not too_long_or_empty(text):
                parsed = parse_phone(text, region, strict=True)

                assert parsed.e164 == check["e164"], text
            else:
                with pytest.raises(InvalidPhoneError):
                    parse_phone(text, region, strict=True)

    def test_phone_number_keeps_raw(self, corpus):
        """`PhoneNumber.parse` keeps the text as written, trimmed."""
        for row in phone_rows(corpus):
            text = row["input"]
            if too_long_or_empty(text):
                continue
            if has_control_character(text.strip()):
                with pytest.raises(InvalidValueError, match="control"):
                    PhoneNumber.parse(text, region=row["region"])
                continue

            phone = PhoneNumber.parse(text, region=row["region"])

            assert phone.raw == text.strip()

    def test_message_hides_number(self, corpus):
        """A strict rejection shows at most the last two characters."""
        reasons = []
        for row in phone_rows(corpus):
            text = row["input"].strip()
            if len(text) < 6 or too_long_or_empty(text):
                continue
            try:
                parse_phone(text, row["region"], strict=True)
            except InvalidPhoneError as error:
                reasons.append((text, error.reason))

        for text, reason in reasons:
            assert text not in reason


class TestPhoneExampleNumbers:
    def test_valid_examples(self, corpus):
        """Every example number parses strictly to its E.164 form."""
        rows = read_vectors(corpus, "phone_example_numbers.jsonl")
        valid = [row for row in rows if row["expect"] == "valid"]
        for row in valid:
            phone = PhoneNumber.parse(
                row["input"], region=row["region"], strict=True
            )

            assert phone.e164 == row["e164"], row["input"]
            assert phone.validated
            assert phone.is_mobile == (row["check"]["type"] == "MOBILE")

        assert len(valid) == 373

    def test_national_and_international_agree(self, corpus):
        """The national and E.164 forms of one example are one number."""
        rows = read_vectors(corpus, "phone_example_numbers.jsonl")
        by_e164 = {}
        for row in rows:
            if row["expect"] != "valid":
                continue
            parsed = parse_phone(row["input"], row["region"])
            by_e164.setdefault(row["e164"], set()).add(parsed.e164)

        assert all(found == {e164} for e164, found in by_e164.items())

    def test_doubtful_examples_kept(self, corpus):
        """Lenient mode keeps numbers whose validity depends on metadata."""
        rows = read_vectors(corpus, "phone_example_numbers.jsonl")
        for row in rows:
            if row["expect"] == "valid":
                continue

            phone = PhoneNumber.parse(row["input"], region=row["region"])

            assert phone.raw == row["input"].strip()
            assert phone.validated == bool(row["check"].get("is_valid"))
