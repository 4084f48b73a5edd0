"""Content lines of vCard 2.1, 3.0 and 4.0 files, read and written.

The reader is written for the files that phones and mail programs
produce, which often break RFC 2426 and RFC 6350.  It accepts
quoted-printable values with soft line breaks (vCard 2.1), a
``CHARSET`` parameter on any property, bare parameters such as
``TEL;CELL;PREF``, ``#`` comment lines, lines without a colon, files in
UTF-16 and files in a legacy 8-bit encoding.
"""

from __future__ import annotations

import codecs
import itertools
import quopri
import re
from typing import IO, TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterator

_ENCODING_NAMES = frozenset(
    {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}
)
_NAME = re.compile(rb"[A-Za-z0-9_.-]+")
_FALLBACK_CHARSET = "cp1252"
_BASE64_LINE = re.compile(rb"[A-Za-z0-9+/]+=*")
_LINE_BREAK = re.compile(rb"\r*\n|\r")
_HEAD_SIZE = 64
_CHUNK_SIZE = 65_536


@attrs.frozen
class ContentLine:
    """One property of a vCard, unfolded and decoded.

    Attributes:
        line: Number of the property's first line in the file.
        group: Group prefix in upper case, such as ``"ITEM1"``, or
            ``""``.
        name: Property name in upper case, such as ``"EMAIL"``.
        params: Parameters with upper-case names; every value of a
            repeated parameter is kept, and bare 2.1 parameters count as
            ``TYPE`` values.
        value: The value, with quoted-printable and charset decoded but
            backslash escapes kept.
        is_binary: Whether the value was base64 data.
    """

    line: int
    group: str
    name: str
    params: dict[str, tuple[str, ...]]
    value: str
    is_binary: bool = False

    def param(self, name: str) -> tuple[str, ...]:
        """Return every value of the parameter *name*."""
        return self.params.get(name, ())

    @property
    def types(self) -> frozenset[str]:
        """``TYPE`` values in upper case, split at commas."""
        return frozenset(
            part.strip().upper()
            for value in self.param("TYPE")
            for part in value.split(",")
            if part.strip()
        )

    @property
    def column(self) -> str:
        """Label for reports: the property name and its line."""
        prefix = f"{self.group.lower()}." if self.group else ""
        return f"{prefix}{self.name} (line {self.line})"


@attrs.frozen
class RawCard:
    """The properties of one ``BEGIN:VCARD`` ... ``END:VCARD`` block.

    Attributes:
        line: Number of the ``BEGIN:VCARD`` line.
        version: The ``VERSION`` value, or ``""`` when the card has none.
        properties: Properties in file order, without ``BEGIN``,
            ``END`` and ``VERSION``.
        skipped: ``(line, text)`` of lines that are not properties.
        complete: Whether the card ends with ``END:VCARD``; ``False``
            for the last card of a file that was cut off.
    """

    line: int
    version: str
    properties: tuple[ContentLine, ...]
    skipped: tuple[tuple[int, str], ...] = ()
    complete: bool = True


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """Yield the stream's bytes as UTF-8 when it is UTF-16 or UTF-32.

    Files in UTF-8 or an 8-bit encoding come out unchanged, because
    their charset can differ from property to property.
    """
    head = stream.read(_HEAD_SIZE)
    rest = iter(lambda: stream.read(_CHUNK_SIZE), b"")
    codec = _wide_codec(head)
    if codec is None:
        yield head.removeprefix(codecs.BOM_UTF8)
        yield from rest
        return
    decoded = codecs.iterdecode(itertools.chain([head], rest), codec)
    for text in decoded:
        yield text.encode("utf-8")


def _wide_codec(head: bytes) -> str | None:
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return codec
    # Without a byte order mark, every other byte of ASCII text is 0.
    if len(head) > 1 and head.count(0) * 3 >= len(head):
        return "utf-16-le" if head[1] == 0 else "utf-16-be"
    return None


def sniff_vcard(head: bytes) -> bool:
    """Return whether the first bytes of a file are those of a vCard."""
    codec = _wide_codec(head)
    text = head.decode(codec or "latin-1", errors="ignore")
    return "begin:vcard" in text.lower()


def _physical_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Yield lines without their CR, LF or CRLF ends, read lazily."""
    buffer = b""
    for chunk in _chunks(stream):
        buffer += chunk
        # A CR at the end of the buffer may start a CRLF; keep it back.
        trailing = len(buffer) - len(buffer.rstrip(b"\r"))
        complete = buffer[: len(buffer) - trailing]
        lines = _LINE_BREAK.split(complete)
        buffer = lines.pop() + buffer[len(buffer) - trailing :]
        yield from lines
    if buffer.strip(b"\r"):
        yield buffer.rstrip(b"\r")


class _Lines:
    """Physical lines with one line of look-ahead and line numbers."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines = lines
        self._next: bytes | None = next(lines, None)
        self.number = 0

    def peek(self) -> bytes | None:
        """Return the next line without taking it, or ``None`` at the end."""
        return self._next

    def take(self) -> bytes:
        """Return the next line and move past it."""
        line = self._next
        if line is None:
            raise StopIteration
        self._next = next(self._lines, None)
        self.number += 1
        return line


def _split_params(head: bytes) -> list[bytes]:
    """Split ``NAME;P1;P2=x`` at semicolons outside double quotes."""
    parts: list[bytes] = []
    current = bytearray()
    quoted = False
    for byte in head:
        if byte == ord('"'):
            quoted = not quoted
        if byte == ord(";") and not quoted:
            parts.append(bytes(current))
            current = bytearray()
        else:
            current.append(byte)
    parts.append(bytes(current))
    return parts


def _find_colon(text: bytes) -> int:
    quoted = False
    for index, byte in enumerate(text):
        if byte == ord('"'):
            quoted = not quoted
        elif byte == ord(":") and not quoted:
            return index
    return -1


def _decode_param(value: bytes) -> str:
    text = value.decode("utf-8", errors="replace")
    if len(text) >= 2 and text[0] == text[-1] == '"':  # noqa: PLR2004
        text = text[1:-1]
    # RFC 6868 escapes: ^n newline, ^' double quote, ^^ caret.
    return re.sub(
        r"\^([n'^])",
        lambda m: {"n": "\n", "'": '"', "^": "^"}[m.group(1)],
        text,
    )


@attrs.define
class _Head:
    group: str
    name: str
    params: dict[str, list[str]]

    @property
    def encoding(self) -> str:
        values = self.params.get("ENCODING", [])
        return values[0].upper() if values else ""


def _parse_head(head: bytes) -> _Head | None:
    parts = _split_params(head)
    group, _, name = parts[0].strip().rpartition(b".")
    if not _NAME.fullmatch(name) or (group and not _NAME.fullmatch(group)):
        return None
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, equals, value = part.partition(b"=")
        if not equals:
            bare = key.decode("ascii", errors="replace").strip()
            target = "ENCODING" if bare.upper() in _ENCODING_NAMES else "TYPE"
            params.setdefault(target, []).append(bare)
            continue
        name_text = key.decode("ascii", errors="replace").strip().upper()
        params.setdefault(name_text, []).append(_decode_param(value))
    return _Head(
        group.decode("ascii").upper(), name.decode("ascii").upper(), params
    )


def _decode_text(data: bytes, charset: str | None) -> str:
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(_FALLBACK_CHARSET, errors="replace")


def _is_fold(line: bytes | None) -> bool:
    return line is not None and line[:1] in {b" ", b"\t"}


def _logical_lines(
    lines: _Lines,
) -> Iterator[tuple[int, bytes | None, bytes]]:
    """Yield ``(line number, head, value)`` with folds undone.

    *head* is ``None`` for a line that is not a property.  A line that
    starts with a space or tab continues the previous one.  A
    quoted-printable value that ends with ``=`` continues on the next
    line whatever that line starts with, which is how vCard 2.1 writers
    break long values.  Lines that start with ``#`` are comments.
    """
    while lines.peek() is not None:
        text = lines.take()
        start = lines.number
        if not text.strip() or text.startswith(b"#"):
            continue
        colon = _find_colon(text)
        # A fold can split the parameters, before the colon is seen.
        while colon < 0 and _is_fold(lines.peek()):
            text += lines.take()[1:]
            colon = _find_colon(text)
        if colon < 0:
            yield start, None, text
            continue
        head_bytes, value = text[:colon], text[colon + 1 :]
        head = _parse_head(head_bytes)
        encoding = "" if head is None else head.encoding
        while (following := lines.peek()) is not None:
            if encoding == "QUOTED-PRINTABLE" and value.endswith(b"="):
                value = value[:-1] + following
            elif _is_fold(following):
                value += following[1:]
            elif encoding in {"BASE64", "B"} and _BASE64_LINE.fullmatch(
                following
            ):
                # vCard 2.1 writers continue base64 data on unindented
                # lines and end it with a blank line.
                value += following
            else:
                break
            lines.take()
        yield start, head_bytes, value


def _decode_value(head: _Head, value: bytes) -> tuple[str, bool]:
    encoding = head.encoding
    charsets = head.params.get("CHARSET")
    charset = charsets[0] if charsets else None
    if encoding == "QUOTED-PRINTABLE":
        return _decode_text(quopri.decodestring(value), charset), False
    if encoding in {"BASE64", "B"} or "BASE64" in (
        v.upper() for v in head.params.get("TYPE", [])
    ):
        data = b"".join(value.split())
        return data.decode("ascii", errors="replace"), True
    return _decode_text(value, charset), False


def _property_head(
    head_bytes: bytes | None, value: bytes
) -> tuple[_Head | None, bytes]:
    """Parse a property's head; a bare word is a property with no value.

    Some writers put a line such as ``FN`` with no colon for an empty
    property.
    """
    if head_bytes is not None:
        return _parse_head(head_bytes), value
    word = value.strip()
    if _NAME.fullmatch(word):
        return _Head("", word.decode("ascii").upper(), {}), b""
    return None, value


def read_cards(stream: IO[bytes]) -> Iterator[RawCard]:
    """Yield the cards of a vCard file, reading it lazily.

    Args:
        stream: The file, opened in binary mode, in any encoding the
            module docstring names.

    Yields:
        One `RawCard` per ``BEGIN:VCARD`` block, in file order.  Nested
        cards (the ``AGENT`` property of vCard 2.1) are not read as
        cards of their own.
    """
    card_line = 0
    depth = 0
    version = ""
    properties: list[ContentLine] = []
    skipped: list[tuple[int, str]] = []
    lines = _Lines(_physical_lines(stream))
    for number, head_bytes, raw_value in _logical_lines(lines):
        head, value = _property_head(head_bytes, raw_value)
        marker = value.strip().upper() == b"VCARD"
        if head is not None and head.name == "BEGIN" and marker:
            depth += 1
            if depth == 1:
                card_line, version, properties, skipped = number, "", [], []
        elif head is not None and head.name == "END" and marker:
            depth -= 1
            if depth == 0:
                yield RawCard(
                    card_line, version, tuple(properties), tuple(skipped)
                )
            depth = max(depth, 0)
        elif depth != 1:
            continue
        elif head is None:
            skipped.append((number, _decode_text(value, None)))
        elif head.name == "VERSION":
            version = value.decode("ascii", errors="replace").strip()
        else:
            text, is_binary = _decode_value(head, value)
            params = {k: tuple(v) for k, v in head.params.items()}
            properties.append(
                ContentLine(
                    number, head.group, head.name, params, text, is_binary
                )
            )
    if depth > 0:
        yield RawCard(
            card_line,
            version,
            tuple(properties),
            tuple(skipped),
            complete=False,
        )


def split_escaped(value: str, separator: str) -> list[str]:
    """Split *value* at *separator* where no backslash escapes it."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for character in value:
        if escaped:
            current.append("\\" + character)
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(character)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


def unescape(value: str) -> str:
    r"""Undo the backslash escapes of vCard 3.0 and 4.0 text values.

    ``\n`` and ``\N`` become a line break; a backslash before any other
    character stands for that character.
    """
    return re.sub(
        r"\\(.)",
        lambda m: "\n" if m.group(1) in "nN" else m.group(1),
        value,
        flags=re.DOTALL,
    )


def escape(value: str) -> str:
    """Escape a text value for vCard 3.0 and 4.0."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str, width: int = 75) -> str:
    """Fold *line* into lines of at most *width* UTF-8 bytes, CRLF ended.

    Folds never split a character, as RFC 6350 section 3.2 requires.
    """
    out: list[str] = []
    current = ""
    size = 0
    for character in line:
        length = len(character.encode("utf-8"))
        if size + length > width:
            out.append(current)
            current, size = " ", 1
        current += character
        size += length
    out.append(current)
    return "\r\n".join(out) + "\r\n"
