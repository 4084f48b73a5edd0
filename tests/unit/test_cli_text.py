"""Shortening of long values and plurals in the command's messages."""

from __future__ import annotations

import pytest

from contactlib.cli._text import clip, plural, shorten, shorten_quoted


class TestShorten:
    def test_short_value(self):
        """A value of up to 60 characters is only quoted."""
        assert shorten("a" * 60) == repr("a" * 60)

    def test_long_value(self):
        """A longer value is cut, with an ellipsis and its length."""
        assert shorten("A" * 120_000) == (f"'{'A' * 60}…' (120000 characters)")

    def test_clip(self):
        """Clip cuts the same way without quotes."""
        assert clip("b" * 61) == f"{'b' * 60}… (61 characters)"


class TestShortenQuoted:
    @pytest.mark.parametrize(
        ("message", "expected"),
        [
            (
                f"contact '{'x' * 70}' not found",
                f"contact '{'x' * 60}…' (70 characters) not found",
            ),
            (
                f'value "it\'s {"y" * 70}" is bad',
                f'value "it\'s {"y" * 55}…" (75 characters) is bad',
            ),
            (
                f"contact '{'x' * 60}' not found",
                f"contact '{'x' * 60}' not found",
            ),
            (
                "the file's encoding is wrong; it isn't "
                + "z" * 100
                + " `encoding='cp1252'`",
                "the file's encoding is wrong; it isn't "
                + "z" * 100
                + " `encoding='cp1252'`",
            ),
        ],
        ids=["long", "escaped", "at-limit", "apostrophes"],
    )
    def test_messages(self, message, expected):
        """Only quoted values longer than 60 characters are cut."""
        assert shorten_quoted(message) == expected


class TestPlural:
    @pytest.mark.parametrize(
        ("count", "expected"),
        [(0, "0 rows"), (1, "1 row"), (2, "2 rows")],
    )
    def test_rows(self, count, expected):
        """The noun takes an s for every count but one."""
        assert plural(count, "row") == expected
