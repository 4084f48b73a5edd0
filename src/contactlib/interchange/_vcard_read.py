"""vCard files turned into `SourceRecord` objects for the import pipeline."""

from __future__ import annotations

import io
import re
from typing import IO, TYPE_CHECKING

from contactlib._import_report import (
    RowProblem,
    SourceEmail,
    SourceLink,
    SourcePhone,
    SourceRecord,
)
from contactlib._model import extra_lines
from contactlib.exceptions import ImportFileError, InvalidValueError
from contactlib.interchange._formats import ReadOptions, register_format
from contactlib.interchange._vcard_syntax import (
    ContentLine,
    RawCard,
    read_cards,
    sniff_vcard,
    split_escaped,
    unescape,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

_MAX_REPORTED_VALUE = 80
_LINK_PARTS = 5
_EXTENSION = "X-CONTACTLIB-"
_IGNORED = frozenset({"PRODID", "REV"})
_GENDER_LETTERS = {
    "M": "Male",
    "F": "Female",
    "O": "Other",
    "N": "None",
    "U": "Unknown",
}
_KEPT = (
    "contactlib has no field for this property; it is kept and written "
    "back when the contact is exported as vCard"
)
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
_NON_PERSON_KINDS = {
    "ORG": "an organisation",
    "GROUP": "a group",
    "LOCATION": "a place",
}


def read_vcard(source: bytes | IO[bytes]) -> Iterator[SourceRecord]:
    """Read the contacts of a vCard file.

    Versions 2.1, 3.0 and 4.0 are read, in UTF-8, UTF-16 or a legacy
    8-bit encoding named by ``CHARSET`` parameters.  Each card becomes
    one record whose row is the line of its ``BEGIN:VCARD``.  Properties
    that contactlib has no field for (``PHOTO``, ``BDAY``, ``ADR``,
    ``X-*`` and so on) are kept in the record's ``extra_properties``,
    as `content_line` writes them, and listed as warnings in the import
    report; parts of modelled properties that have no field, such as a
    name suffix or a second ``N``, are only listed.  Cards of
    ``KIND`` ``org``, ``group`` or ``location`` describe no person and
    come out as records with a problem, so the import rejects them.

    Args:
        source: The file's bytes, or the file opened in binary mode,
            which is read lazily.

    Yields:
        One record per card, in file order.

    .. versionadded:: 0.1.0
    """
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    for card in read_cards(stream):
        yield _CardReader(card).record()


def _component(parts: list[str], index: int, *, v21: bool) -> str:
    if index >= len(parts):
        return ""
    values = [parts[index]] if v21 else split_escaped(parts[index], ",")
    return " ".join(unescape(v).strip() for v in values if v.strip())


def _shorten(value: str) -> str:
    flat = " ".join(value.split())
    if len(flat) <= _MAX_REPORTED_VALUE:
        return flat
    return flat[: _MAX_REPORTED_VALUE - 1] + "…"


def _param_text(value: str) -> str:
    """Write a parameter value, quoted and RFC 6868 escaped as needed."""
    text = (
        value.replace("^", "^^")
        .replace('"', "^'")
        .replace("\r\n", "^n")
        .replace("\n", "^n")
    )
    return f'"{text}"' if any(c in text for c in ";:") else text


def content_line(prop: ContentLine) -> str:
    r"""Write *prop* back as one unfolded content line.

    The line is what `Contact.extra_properties` keeps.  Decoded
    quoted-printable values lose their ``ENCODING`` and ``CHARSET``
    parameters and have their line breaks written as ``\n``, so the line
    is valid in vCard 3.0 and 4.0.  Base64 data keeps ``ENCODING=b``.
    Other values are kept as read, escapes included.
    """
    params = []
    for name, values in prop.params.items():
        if name == "CHARSET" or (name == "ENCODING" and not prop.is_binary):
            continue
        for value in values:
            text = "b" if name == "ENCODING" else _param_text(value)
            params.append(f"{name}={text}")
    name = f"{prop.group}.{prop.name}" if prop.group else prop.name
    value = prop.value
    if not prop.is_binary:
        value = _LINE_BREAKS.sub(r"\\n", value)
    return ";".join((name, *params)) + ":" + value


def _pref_rank(prop: ContentLine) -> int | None:
    """Return the preference of *prop*, lower is preferred, or ``None``."""
    ranks = [1] if "PREF" in prop.types else []
    for value in prop.param("PREF"):
        if value.strip().isdigit():
            ranks.append(int(value))
        elif value.strip().upper() in {"", "PREF", "TRUE"}:
            ranks.append(1)
    return min(ranks) if ranks else None


def _link(prop: ContentLine) -> SourceLink:
    """Read ``X-CONTACTLIB-LINK:type;name;title;primary;role,role``."""
    parts = split_escaped(prop.value, ";")
    parts += [""] * (_LINK_PARTS - len(parts))
    roles = split_escaped(parts[4], ",")
    return SourceLink(
        unescape(parts[0]),
        unescape(parts[1]),
        prop.column,
        title=unescape(parts[2]),
        is_primary=parts[3].strip() == "1",
        roles=frozenset(unescape(role) for role in roles if role),
    )


def _tel_text(prop: ContentLine) -> str:
    value = prop.value.strip()
    if value.lower().startswith("tel:"):
        number, _, rest = value[4:].partition(";")
        extension = re.search(r"(?:^|;)ext=([^;]*)", rest)
        return number + (f" ext. {extension.group(1)}" if extension else "")
    return unescape(value)


class _CardReader:
    """Maps the properties of one card onto the fields of a record."""

    def __init__(self, card: RawCard) -> None:
        self.card = card
        self.v21 = card.version.startswith("2")
        self.fields: dict[str, str] = {}
        self.columns: dict[str, str] = {}
        self.emails: list[tuple[ContentLine, str]] = []
        self.phones: list[tuple[ContentLine, str]] = []
        self.links: list[SourceLink] = []
        self.unmodelled: list[tuple[str, str]] = []
        self.extra: list[str] = []
        self.warnings: list[RowProblem] = []
        self.problems: list[RowProblem] = []
        self.formatted_name: ContentLine | None = None
        self.has_name = False

    def text(self, prop: ContentLine) -> str:
        """Return the unescaped text value of *prop*."""
        if self.v21:
            return prop.value.strip()
        return unescape(prop.value).strip()

    def record(self) -> SourceRecord:
        """Return the record for the card."""
        for line, text in self.card.skipped:
            self.unmodelled.append((f"line {line}", _shorten(text)))
        handlers = {
            "N": self.read_n,
            "FN": self.read_fn,
            "ORG": self.read_org,
            "TITLE": self.read_title,
            "EMAIL": self.read_email,
            "TEL": self.read_tel,
            "UID": self.read_uid,
            "KIND": self.read_kind,
            "X-KIND": self.read_kind,
            "GENDER": self.read_gender,
        }
        for prop in self.card.properties:
            if prop.name in _IGNORED:
                continue
            if prop.name.startswith(_EXTENSION):
                self.read_extension(prop)
                continue
            handler = handlers.get(prop.name, self.keep)
            handler(prop)
        if not self.has_name and self.formatted_name is not None:
            self.split_formatted_name(self.formatted_name)
        if not self.card.complete:
            self.problems.append(
                RowProblem(
                    "END",
                    "",
                    "the card has no END:VCARD line, so the file may be cut "
                    "off; check its end and export it again",
                )
            )
        return SourceRecord(
            row=self.card.line,
            fields=self.fields,
            columns=self.columns,
            emails=self.primary_marked(self.emails, "e-mail address"),
            phones=self.phones_marked(),
            links=tuple(self.links),
            unmodelled=tuple(self.unmodelled),
            extra_properties=tuple(self.extra),
            warnings=tuple(self.warnings),
            problems=tuple(self.problems),
        )

    def shown(self, prop: ContentLine) -> str:
        """Return the value of *prop* as the report shows it."""
        if prop.is_binary:
            return f"<{len(prop.value)} characters of base64 data>"
        return _shorten(self.text(prop))

    def report(self, prop: ContentLine, note: str = "") -> None:
        """List *prop* as a value that contactlib does not store."""
        column = f"{prop.column} {note}".strip()
        self.unmodelled.append((column, self.shown(prop)))

    def keep(self, prop: ContentLine, note: str = "") -> None:
        """Keep *prop* for vCard export and list it in the report."""
        line = content_line(prop)
        try:
            extra_lines([line])
        except InvalidValueError:
            self.report(prop, note)
            return
        self.extra.append(line)
        column = f"{prop.column} {note}".strip()
        self.warnings.append(RowProblem(column, self.shown(prop), _KEPT))

    def set_field(self, field: str, value: str, prop: ContentLine) -> None:
        """Store *value* in *field*; a later value for it is reported."""
        if not value:
            return
        if field in self.fields:
            self.report(prop)
            return
        self.fields[field] = value
        self.columns[field] = prop.column

    def read_n(self, prop: ContentLine) -> None:
        """Read family, given and additional names, prefix and suffix."""
        if self.has_name:
            self.report(prop)
            return
        parts = split_escaped(prop.value, ";")
        names = {
            "last_name": _component(parts, 0, v21=self.v21),
            "first_name": _component(parts, 1, v21=self.v21),
            "middle_name": _component(parts, 2, v21=self.v21),
            "salutation": _component(parts, 3, v21=self.v21),
        }
        if not any(names.values()):
            return
        self.has_name = True
        for field, value in names.items():
            self.set_field(field, value, prop)
        suffix = _component(parts, 4, v21=self.v21)
        if suffix:
            self.unmodelled.append((f"{prop.column} suffix", suffix))

    def read_fn(self, prop: ContentLine) -> None:
        """Keep the formatted name, used when the card has no N."""
        if self.formatted_name is None and self.text(prop):
            self.formatted_name = prop
        elif self.text(prop):
            self.report(prop)

    def split_formatted_name(self, prop: ContentLine) -> None:
        """Split a formatted name into first, middle and last name."""
        words = self.text(prop).split()
        text = " ".join(words)
        addresses = {address for _, address in self.emails}
        if text == self.fields.get("company_name") or text in addresses:
            return
        self.set_field("first_name", words[0], prop)
        if len(words) > 1:
            self.set_field("last_name", words[-1], prop)
        self.set_field("middle_name", " ".join(words[1:-1]), prop)

    def read_org(self, prop: ContentLine) -> None:
        """Read the organisation name and its first unit."""
        if "company_name" in self.fields or "department" in self.fields:
            self.report(prop)
            return
        parts = split_escaped(prop.value, ";")
        units = [unescape(part).strip() for part in parts]
        self.set_field("company_name", units[0], prop)
        if len(units) > 1:
            self.set_field("department", units[1], prop)
        extra = [unit for unit in units[2:] if unit]
        if extra:
            self.unmodelled.append((f"{prop.column} units", ", ".join(extra)))

    def read_title(self, prop: ContentLine) -> None:
        """Read the job title as the designation."""
        if "designation" in self.fields:
            self.report(prop)
            return
        self.set_field("designation", self.text(prop), prop)

    def read_email(self, prop: ContentLine) -> None:
        """Collect an e-mail address."""
        value = self.text(prop)
        if value.lower().startswith("mailto:"):
            value = value[len("mailto:") :]
        if value:
            self.emails.append((prop, value))

    def read_tel(self, prop: ContentLine) -> None:
        """Collect a phone number; fax numbers are only reported."""
        types = prop.types
        if "FAX" in types and not types & {"VOICE", "CELL"}:
            self.keep(prop, "(fax)")
            return
        text = _tel_text(prop)
        if text:
            self.phones.append((prop, text))

    def read_uid(self, prop: ContentLine) -> None:
        """Read the card's unique id as the contact id."""
        self.set_field("contact_id", self.text(prop), prop)

    def read_kind(self, prop: ContentLine) -> None:
        """Reject cards that describe no person."""
        kind = prop.value.strip().upper()
        if kind not in _NON_PERSON_KINDS:
            return
        self.problems.append(
            RowProblem(
                prop.column,
                prop.value.strip(),
                f"the card describes {_NON_PERSON_KINDS[kind]}, not a "
                "person, so it is not imported as a contact; add it to "
                "the host system as a party instead",
            )
        )

    def read_gender(self, prop: ContentLine) -> None:
        """Read the gender text, or the name of the sex letter."""
        sex, _, identity = prop.value.partition(";")
        text = unescape(identity).strip() or _GENDER_LETTERS.get(
            sex.strip().upper(), ""
        )
        self.set_field("gender", text, prop)

    def read_extension(self, prop: ContentLine) -> None:
        """Read the properties contactlib writes for its own fields."""
        name = prop.name.removeprefix(_EXTENSION)
        fields = {
            "STATUS": "status",
            "GENDER": "gender",
            "USER-ID": "user_id",
            "UNSUBSCRIBED": "unsubscribed",
        }
        if name == "LINK":
            self.links.append(_link(prop))
        elif name in fields:
            self.set_field(fields[name], self.text(prop), prop)
        else:
            self.keep(prop)

    def primary_marked(
        self, items: list[tuple[ContentLine, str]], label: str
    ) -> tuple[SourceEmail, ...]:
        """Make e-mail records; the most preferred marked one is primary."""
        chosen = self.choose_primary([prop for prop, _ in items], label)
        return tuple(
            SourceEmail(text, prop.column, is_primary=prop is chosen)
            for prop, text in items
        )

    def choose_primary(
        self, props: list[ContentLine], label: str
    ) -> ContentLine | None:
        """Return the preferred property and report other marked ones."""
        marked = [(rank, p) for p in props if (rank := _pref_rank(p))]
        if not marked:
            return None
        best = min(rank for rank, _ in marked)
        chosen = next(p for rank, p in marked if rank == best)
        for _, prop in marked:
            if prop is not chosen:
                self.warnings.append(
                    RowProblem(
                        prop.column,
                        _shorten(prop.value),
                        f"another {label} of the card is preferred, so "
                        "this one is not marked primary",
                    )
                )
        return chosen

    def phones_marked(self) -> tuple[SourcePhone, ...]:
        """Make phone records with the primary phone and mobile marked."""
        # Cards written by contactlib name both primary marks exactly.
        explicit = any(
            _EXTENSION + "PRIMARY" in prop.params for prop, _ in self.phones
        )
        primary_phone = primary_mobile = None
        if not explicit:
            mobiles = [p for p, _ in self.phones if "CELL" in p.types]
            others = [p for p, _ in self.phones if "CELL" not in p.types]
            primary_mobile = self.choose_primary(mobiles, "mobile number")
            primary_phone = self.choose_primary(others, "phone number")
        records = []
        for prop, text in self.phones:
            types = prop.types
            if "CELL" in types:
                is_mobile: bool | None = True
            elif types & {"VOICE", "HOME", "WORK", "FAX", "ISDN"}:
                is_mobile = False
            else:
                is_mobile = None
            region = prop.param(_EXTENSION + "REGION")
            flags = {
                flag.strip().lower()
                for value in prop.param(_EXTENSION + "PRIMARY")
                for flag in value.split(",")
            }
            records.append(
                SourcePhone(
                    text,
                    prop.column,
                    is_mobile=is_mobile,
                    is_primary_phone=(
                        "phone" in flags if explicit else prop is primary_phone
                    ),
                    is_primary_mobile=(
                        "mobile" in flags
                        if explicit
                        else prop is primary_mobile
                    ),
                    region=region[0] if region else None,
                )
            )
        return tuple(records)


def _read_vcard_format(
    stream: IO[bytes], options: ReadOptions
) -> Iterator[SourceRecord]:
    try:
        yield from read_vcard(stream)
    except UnicodeDecodeError as error:
        # Only UTF-16 and UTF-32 files are decoded as a whole; a byte
        # order mark on bytes in another encoding ends up here.
        raise ImportFileError(
            options.path,
            f"the file starts like {error.encoding.upper()} text but is not "
            f"({error.reason} at byte {error.start}); export it again as "
            "UTF-8",
        ) from None


register_format(
    "vcard", _read_vcard_format, suffixes=(".vcf", ".vcard"), sniff=sniff_vcard
)
