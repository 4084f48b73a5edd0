"""Detection of a text file's encoding and a CSV file's delimiter.

Files are read as streams.  The encoding is decided from the byte order
mark, or else by decoding the whole file once as UTF-8 and as
Windows-1252 in fixed-size chunks (only when the stream can seek back),
so that a bad byte near the end is found before any row is imported.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from typing import IO, TYPE_CHECKING

from contactlib.exceptions import ImportFileError

if TYPE_CHECKING:
    from collections.abc import Iterable

SAMPLE_SIZE = 64 * 1024
"""Bytes read ahead to detect the encoding, the delimiter and the header."""

_CHUNK_SIZE = 1024 * 1024
_SAMPLE_RECORDS = 50
DELIMITERS = (",", ";", "\t")
"""Delimiters that detection chooses from, most likely first."""

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ZIP_MAGIC = b"PK\x03\x04"

# Advice in messages names the option of both callers: the command line
# and Python.
ENCODING_ADVICE = (
    "give the file's encoding (`--encoding cp1252` on the command line, "
    "`encoding='cp1252'` in Python)"
)
"""How to give the encoding, as the end of an error message."""


class _ChainedStream(io.RawIOBase):
    """Raw stream that returns bytes already read, then the rest."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def read_head(stream: IO[bytes], size: int = SAMPLE_SIZE) -> bytes:
    """Read up to *size* bytes, looping over short reads."""
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        data = stream.read(remaining)
        if not data:
            break
        parts.append(data)
        remaining -= len(data)
    return b"".join(parts)


def rejoin(head: bytes, rest: IO[bytes]) -> IO[bytes]:
    """Return a binary stream that yields *head*, then *rest*."""
    return io.BufferedReader(_ChainedStream(head, rest))


def detect_encoding(head: bytes, stream: IO[bytes], path: str) -> str:
    """Decide the encoding of a file whose first bytes are *head*.

    When *stream* can seek, the rest of the file is decoded once and the
    stream is put back where it was.

    Raises:
        ImportFileError: The file is binary, or not text in any encoding
            that detection recognises.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            check_encoding(head, stream, path, encoding)
            return encoding
    if head.startswith(_ZIP_MAGIC):
        raise ImportFileError(
            path,
            "the file is a ZIP archive (an XLSX workbook, for example), "
            "not CSV text; save it as CSV, or import it with a reader "
            "for its format",
        )
    if b"\0" in head:
        encoding = _utf16_without_bom(head, path)
        check_encoding(head, stream, path, encoding)
        return encoding
    candidates = ["utf-8", "cp1252"]
    failures = _decode_all(head, stream, candidates, reject_nul=True)
    for encoding in candidates:
        if encoding not in failures:
            return encoding
    offset, byte = failures["cp1252"]
    if byte == 0:
        raise ImportFileError(path, _nul_reason(offset))
    raise ImportFileError(
        path,
        f"byte 0x{byte:02X} at offset {offset} is neither UTF-8 nor "
        "Windows-1252 text, so the file is binary or in another "
        f"encoding; {ENCODING_ADVICE}",
    )


def check_encoding(
    head: bytes, stream: IO[bytes], path: str, encoding: str
) -> None:
    """Check that the whole file decodes in *encoding*.

    Raises:
        ImportFileError: A byte does not decode, or the file ends in the
            middle of a character.
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ImportFileError(
            path,
            f"unknown encoding {encoding!r}; use a Python codec name "
            "such as 'utf-8', 'utf-16' or 'cp1252'",
        ) from None
    failures = _decode_all(head, stream, [encoding])
    if encoding in failures:
        offset, byte = failures[encoding]
        raise ImportFileError(path, decode_failure(encoding, offset, byte))


def decode_failure(encoding: str, offset: int, byte: int | None) -> str:
    """Describe where decoding failed, as the reason of an error."""
    if byte is None:
        unit = "UTF-16 " if encoding.startswith("utf-16") else ""
        return (
            f"the file ends in the middle of a {unit}character (byte "
            f"{offset}), so it was probably cut off; export or copy it "
            "again"
        )
    return (
        f"byte 0x{byte:02X} at offset {offset} is not valid {encoding} "
        f"text; {ENCODING_ADVICE}"
    )


def _utf16_without_bom(head: bytes, path: str) -> str:
    """Recognise UTF-16 text without a byte order mark by its NUL bytes.

    ASCII text in UTF-16 has a NUL in every other byte: the odd bytes in
    little-endian order, the even bytes in big-endian order.
    """
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    pairs = max(len(head) // 2, 1)
    if odd > pairs // 2 and even == 0:
        return "utf-16-le"
    if even > pairs // 2 and odd == 0:
        return "utf-16-be"
    raise ImportFileError(path, _nul_reason(head.index(b"\0")))


def _nul_reason(offset: int) -> str:
    return (
        f"the file contains a NUL byte at offset {offset}, so it is a "
        "binary file, not CSV text; export the contacts as CSV"
    )


def _decode_all(
    head: bytes,
    stream: IO[bytes],
    encodings: Iterable[str],
    *,
    reject_nul: bool = False,
) -> dict[str, tuple[int, int | None]]:
    """Decode the file in every encoding; return where each one failed.

    A failure is ``(offset, byte)``, with ``byte`` ``None`` when the file
    ends in the middle of a character.  With *reject_nul*, a NUL byte is
    a failure of every encoding, because text files in single-byte
    encodings and UTF-8 do not contain one.  A stream that cannot seek is
    checked only in *head*.
    """
    decoders = {
        name: codecs.getincrementaldecoder(name)() for name in encodings
    }
    failures: dict[str, tuple[int, int | None]] = {}
    seekable = stream.seekable()
    start = stream.tell() if seekable else 0
    whole = seekable or len(head) < SAMPLE_SIZE
    offset = 0
    chunk = head
    while chunk and decoders:
        nul = chunk.find(b"\0") if reject_nul else -1
        if nul >= 0:
            failures.update(dict.fromkeys(decoders, (offset + nul, 0)))
            decoders.clear()
            break
        for name, decoder in list(decoders.items()):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                failures[name] = (
                    offset - pending + error.start,
                    error.object[error.start],
                )
                del decoders[name]
        offset += len(chunk)
        chunk = stream.read(_CHUNK_SIZE) if seekable else b""
    if whole:
        for name, decoder in decoders.items():
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                failures[name] = (offset, None)
    if seekable:
        stream.seek(start)
    return failures


def sniff_delimiter(sample: str) -> str:
    """Choose the delimiter that splits the sample most consistently.

    Each candidate parses the first records of *sample*.  The winner
    gives the most records with the same number of cells (at least two),
    and on a tie, more cells.  A file with one column gets a comma.
    """
    best = DELIMITERS[0]
    best_score = (0, 0)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
        lengths: Counter[int] = Counter()
        for count, record in enumerate(reader):
            if count >= _SAMPLE_RECORDS:
                break
            if any(cell.strip() for cell in record):
                lengths[len(record)] += 1
        if not lengths:
            continue
        cells, records = lengths.most_common(1)[0]
        score = (records, cells) if cells > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def text_sample(head: bytes, encoding: str) -> str:
    """Decode *head* and cut it after its last complete line."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(head, final=False).removeprefix("\ufeff")
    cut = max(text.rfind("\n"), text.rfind("\r"))
    if cut > 0 and len(head) >= SAMPLE_SIZE:
        text = text[: cut + 1]
    return text
