"""Hypothesis strategies for contacts, links, e-mails and phones.

Hosts use them to test their own code with generated contacts; the
library's own property tests use the same strategies.  Importing this
module needs hypothesis, which the ``tests`` extra installs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from contactlib._model import Contact
from contactlib._values import (
    ContactStatus,
    EmailAddress,
    Link,
    PartyRef,
    PhoneNumber,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "PARTY_TYPES",
    "ROLES",
    "contacts",
    "email_addresses",
    "extra_properties",
    "links",
    "names",
    "parties",
    "party_refs",
    "phone_numbers",
    "valid_phone_numbers",
]

PARTY_TYPES = ("Customer", "Supplier", "Lead", "Shareholder", "Sales Partner")
"""Party types the strategies draw from."""

ROLES = ("billing", "shipping", "sales", "support")
"""Roles the strategies draw from."""

_NAME_SAMPLES = (
    "Anna",
    "Zoë",
    "Łukasz",
    "محمد",
    "李",
    "小明",
    "Ngozi",
    "Søren",
    "O'Brien",
    "José María",
    "Θεόδωρος",
    "Иван",
    "अनिल",
    "さくら",
)

names: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(_NAME_SAMPLES),
    st.text(
        alphabet=st.characters(
            categories=("Lu", "Ll", "Lo", "Mn"),
            exclude_characters="\u0345",
        ),
        min_size=1,
        max_size=20,
    ),
)
"""Names in many scripts, some with combining marks."""

_LOCAL_PARTS = st.from_regex(
    r"[a-z][a-z0-9._+-]{0,15}[a-z0-9]", fullmatch=True
)
_DOMAINS = st.sampled_from(
    ("example.com", "example.org", "beispiel.de", "exemple.fr", "例え.jp")
)


@st.composite
def email_addresses(draw: st.DrawFn, /) -> str:
    """Draw a valid address in random letter case."""
    local = draw(_LOCAL_PARTS.filter(lambda s: ".." not in s))
    domain = draw(_DOMAINS)
    upper = draw(st.booleans())
    return f"{local.upper() if upper else local}@{domain}"


_PHONE_SAMPLES = (
    ("+49 30 901820", None),
    ("030 901820", "DE"),
    ("+49 171 1234567", None),
    ("0171-1234567", "DE"),
    ("+1 (201) 555-0123", None),
    ("201.555.0123 x42", "US"),
    ("+44 20 7946 0958", None),
    ("07700 900123", "GB"),
    ("+33 1 23 45 67 89", None),
    ("+91 98765 43210", None),
    ("+86 138 0013 8000", None),
    ("+971 50 123 4567", None),
    ("call reception", None),
)


# Parsed once at import: parsing loads phonenumbers' metadata, which is
# too slow to do inside a draw.
_PHONES = tuple(
    PhoneNumber.parse(text, region=region) for text, region in _PHONE_SAMPLES
)

phone_numbers: st.SearchStrategy[PhoneNumber] = st.sampled_from(_PHONES)
"""Phone numbers parsed from text in realistic national formats."""

valid_phone_numbers: st.SearchStrategy[PhoneNumber] = st.sampled_from(
    tuple(phone for phone in _PHONES if phone.validated)
)
"""Phone numbers from `phone_numbers` that are valid for their country."""


parties: st.SearchStrategy[PartyRef] = st.builds(
    PartyRef,
    st.sampled_from(PARTY_TYPES),
    st.sampled_from(("P-1", "P-2", "P-3", "ACME GmbH", "Société Générale")),
)
"""Party references from a small pool, so that contacts share parties."""


def party_refs(
    *,
    types: Sequence[str] = PARTY_TYPES,
    names: Sequence[str] = ("P-1", "P-2", "P-3"),
) -> st.SearchStrategy[PartyRef]:
    """Return a strategy for parties from the given types and names.

    A small pool makes generated operations hit the same parties often,
    which is what tests of primary marks and party lifecycle need.
    """
    return st.builds(PartyRef, st.sampled_from(types), st.sampled_from(names))


@st.composite
def links(
    draw: st.DrawFn,
    /,
    *,
    primary: bool | None = None,
    from_parties: st.SearchStrategy[PartyRef] | None = None,
) -> Link:
    """Draw a link to a party.

    Args:
        draw: Supplied by hypothesis.
        primary: Force the primary mark; ``None`` draws it.
        from_parties: Where the party comes from; `parties` by default.
    """
    party = draw(parties if from_parties is None else from_parties)
    return Link(
        party.party_type,
        party.party_name,
        title=draw(st.sampled_from(("", party.party_name, "Main office"))),
        is_primary=draw(st.booleans()) if primary is None else primary,
        roles=draw(st.frozensets(st.sampled_from(ROLES), max_size=2)),
    )


_EXTRA_SAMPLES = (
    "BDAY:1990-01-01",
    "BDAY:19851224",
    "NOTE:Prefers calls in the morning",
    "NOTE:Zweite Zeile\\nfolgt",
    "X-FOO:bar",
    "URL;TYPE=work:https://example.com/people/anna",
    "ITEM1.X-ABLABEL:Assistant",
    "ADR;TYPE=work:;;Hauptstraße 1;Berlin;;10115;Germany",
    "PHOTO;ENCODING=b;TYPE=JPEG:" + "/9j/4AAQSkZJRgABAQ" * 8,
)

extra_properties = st.lists(
    st.sampled_from(_EXTRA_SAMPLES), max_size=3, unique=True
).map(tuple)
"""Tuples of vCard lines for `Contact.extra_properties`."""


@st.composite
def contacts(draw: st.DrawFn, /, **overrides: Any) -> Contact:  # noqa: ANN401
    """Draw a valid contact with e-mails, phones and links.

    Links never carry the primary mark, because a generated contact does
    not know which parties already have a primary contact; pass
    ``links=`` to override.  Other keyword arguments override fields.
    """
    addresses = draw(st.lists(email_addresses(), max_size=3))
    primary_email = (
        draw(st.integers(0, len(addresses) - 1)) if addresses else None
    )
    fields: dict[str, Any] = {
        "first_name": draw(names),
        "last_name": draw(st.one_of(st.just(""), names)),
        "middle_name": draw(st.one_of(st.just(""), names)),
        "salutation": draw(st.sampled_from(("", "Dr.", "Mr", "Ms", "Prof."))),
        "designation": draw(st.sampled_from(("", "Buyer", "CFO", "Einkauf"))),
        "department": draw(st.sampled_from(("", "Purchasing", "Finance"))),
        "company_name": draw(st.sampled_from(("", "ACME GmbH", "株式会社"))),
        "status": draw(st.sampled_from(ContactStatus)),
        "emails": [
            EmailAddress(address, is_primary=index == primary_email)
            for index, address in enumerate(addresses)
        ],
        "phones": draw(st.lists(phone_numbers, max_size=3)),
        "links": draw(st.lists(links(primary=False), max_size=3)),
        "unsubscribed": draw(st.booleans()),
        "extra_properties": draw(extra_properties),
    }
    fields.update(overrides)
    return Contact(**fields)
