"""`normalize_name` against a plain reference normalization."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contactlib import normalize_name
from contactlib.exceptions import InvalidNameError

_ASCII_WITH_SPACES = st.text(
    alphabet=st.characters(max_codepoint=127), max_size=30
)


def full_normalization(text):
    """Normalize *text* step by step, or return the error type."""
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    if any(unicodedata.category(c) in {"Cc", "Cs"} for c in name):
        return InvalidNameError
    if len(name) > 140:
        return InvalidNameError
    return name


class TestNormalizeName:
    """`normalize_name` gives what the reference normalization gives."""

    @settings(max_examples=300)
    @given(text=st.one_of(_ASCII_WITH_SPACES, st.text(max_size=30)))
    def test_same_as_full(self, text):
        """Every text gives the same name, or the same error."""
        expected = full_normalization(text)

        try:
            result = normalize_name(text)
        except InvalidNameError:
            result = InvalidNameError

        assert result == expected

    def test_long_plain_name(self):
        """A plain ASCII name over the limit is rejected too."""
        with pytest.raises(InvalidNameError) as caught:
            normalize_name("a" * 141)

        assert caught.value.reason == (
            "is 141 characters long, more than the 140 allowed"
        )
