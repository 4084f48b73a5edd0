"""Text helpers for the command's messages: long values and plurals.

A spreadsheet cell or an argument can be 100,000 characters long, and a
message that repeats it whole buries the reason.  Messages therefore show
at most `MAX_SHOWN` characters of a value, followed by an ellipsis and the
value's full length.  JSON ``value`` fields are never shortened, so
scripts still get the exact input.
"""

from __future__ import annotations

import ast
import re

MAX_SHOWN = 60
"""Characters of a value that a message shows before the ellipsis."""

# A Python repr of a string inside a message, such as 'abc' or "it's".
# The opening quote follows no letter or digit and the closing quote is
# followed by none, so apostrophes in words ("file's") start nothing.
_QUOTED = re.compile(
    r"""(?<!\w)(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")(?!\w)"""
)


def shorten(value: str) -> str:
    """Return *value* quoted, cut to `MAX_SHOWN` characters when longer.

    A cut value ends with an ellipsis inside the quotes and is followed
    by its length, as in ``'AAAA…' (120000 characters)``.
    """
    if len(value) <= MAX_SHOWN:
        return repr(value)
    return f"{value[:MAX_SHOWN] + '…'!r} ({len(value)} characters)"


def clip(text: str) -> str:
    """Return *text* unquoted, cut like `shorten` when it is long."""
    if len(text) <= MAX_SHOWN:
        return text
    return f"{text[:MAX_SHOWN]}… ({len(text)} characters)"


def shorten_quoted(message: str) -> str:
    """Shorten every quoted value in *message* that is too long to read.

    Library messages quote the values they repeat with `repr`.  Each
    quoted value longer than `MAX_SHOWN` characters is cut as `shorten`
    cuts it, and the rest of the message stays as it is.
    """
    return _QUOTED.sub(_shorten_match, message)


def _shorten_match(match: re.Match[str]) -> str:
    quoted = match.group()
    if len(quoted) <= MAX_SHOWN + 2:
        return quoted
    try:
        value = ast.literal_eval(quoted)
    except (ValueError, SyntaxError):
        return quoted
    if not isinstance(value, str):
        return quoted
    return shorten(value)


def plural(count: int, singular: str, plural_form: str = "") -> str:
    """Return *count* with the noun in the form that fits the count.

    Args:
        count: The number.
        singular: The noun for one, such as ``"row"``.
        plural_form: The noun for other counts; *singular* with an
            ``s`` by default.
    """
    noun = singular if count == 1 else plural_form or f"{singular}s"
    return f"{count} {noun}"
