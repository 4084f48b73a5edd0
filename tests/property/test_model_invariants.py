"""The model keeps invariants 1 to 3 on construction and on every copy."""

import unicodedata

import attrs
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contactlib import (
    Contact,
    EmailAddress,
    PhoneNumber,
    email_key,
    normalize_email,
    normalize_name,
    parse_phone,
)
from contactlib.exceptions import InvalidPhoneError, InvalidValueError
from contactlib.testing import MemoryContactRepository
from contactlib.testing import strategies as cs

NAME_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "salutation",
    "designation",
    "gender",
    "company_name",
    "department",
)


def assert_invariants(contact):
    """Check invariants 1 to 3 and NFC names on one contact."""
    emails = contact.emails
    assert sum(e.is_primary for e in emails) == (1 if emails else 0)
    assert len({e.key for e in emails}) == len(emails)

    phones = contact.phones
    assert sum(p.is_primary_phone for p in phones) == (1 if phones else 0)
    mobiles = [p for p in phones if p.is_mobile]
    assert sum(p.is_primary_mobile for p in phones) == (1 if mobiles else 0)
    assert all(p.is_mobile for p in phones if p.is_primary_mobile)
    assert len({p.key for p in phones}) == len(phones)

    assert len(contact.parties) == len(contact.links)

    for field in NAME_FIELDS:
        value = getattr(contact, field)
        assert value == unicodedata.normalize("NFC", value)


def email_lists():
    """Addresses with at most one primary mark, some repeated in case."""
    return st.lists(cs.email_addresses(), max_size=4).flatmap(
        lambda addresses: st.builds(
            lambda primary, swap: [
                EmailAddress(
                    address.swapcase() if index in swap else address,
                    is_primary=index == primary,
                )
                for index, address in enumerate(addresses + addresses[:1])
            ],
            st.integers(-1, len(addresses)),
            st.frozensets(st.integers(0, len(addresses))),
        )
    )


phone_lists = st.lists(cs.phone_numbers, max_size=4)

changes = st.one_of(
    st.tuples(st.just("link"), cs.links()),
    st.tuples(st.just("unlink"), cs.parties),
    st.tuples(st.just("mark"), cs.parties, st.booleans()),
    st.tuples(st.just("emails"), email_lists()),
    st.tuples(st.just("phones"), phone_lists),
    st.tuples(st.just("name"), st.sampled_from(NAME_FIELDS), cs.names),
)


def apply_change(contact, change):
    """Apply one generated change through the model's public methods."""
    kind, *arguments = change
    if kind == "link":
        return contact.with_link(arguments[0])
    if kind == "unlink":
        return contact.without_link(arguments[0])
    if kind == "mark":
        party, primary = arguments
        if contact.link_to(party) is None:
            return contact
        return contact.with_primary_mark(party, primary=primary)
    if kind == "name":
        field, value = arguments
        return attrs.evolve(
            contact, **{field: unicodedata.normalize("NFD", value)}
        )
    return attrs.evolve(contact, **{kind: arguments[0]})


class TestContactInvariants:
    @settings(deadline=None)
    @given(cs.contacts())
    def test_on_construction(self, contact):
        """Every generated contact satisfies the invariants."""
        assert_invariants(contact)

    @settings(max_examples=60, deadline=None)
    @given(cs.contacts(), st.lists(changes, max_size=8))
    def test_on_every_copy(self, contact, steps):
        """Every copy made by evolve or a with_* method keeps them too."""
        for change in steps:
            contact = apply_change(contact, change)

            assert_invariants(contact)

    @given(email_lists())
    def test_repeated_address_kept_once(self, emails):
        """Addresses differing only in letter case are stored once."""
        contact = Contact(first_name="Anna", emails=emails)

        keys = {email_key(e.address) for e in emails}
        assert len(contact.emails) == len(keys)

    @given(phone_lists)
    def test_phones_settle(self, phones):
        """Any list of numbers gets one primary phone, mobile if any."""
        contact = Contact(first_name="Anna", phones=phones)

        assert_invariants(contact)

    @given(st.lists(cs.links(), max_size=6))
    def test_links_merge(self, links):
        """Repeated links merge; roles unite and the first title stays."""
        contact = Contact(first_name="Anna", links=links)

        for link in contact.links:
            same = [k for k in links if k.party == link.party]
            assert link.roles == frozenset().union(*(k.roles for k in same))
            assert link.is_primary == any(k.is_primary for k in same)
            assert link.title == next((k.title for k in same if k.title), "")


class TestNames:
    @given(cs.names)
    def test_decomposed_input_stored_nfc(self, name):
        """A name given in NFD form is stored in NFC form."""
        contact = Contact(first_name=unicodedata.normalize("NFD", name))

        assert contact.first_name == normalize_name(name)
        assert unicodedata.is_normalized("NFC", contact.first_name)

    @given(st.text(max_size=40))
    def test_normalize_idempotent(self, text):
        """Normalizing a normalized name changes nothing."""
        try:
            once = normalize_name(text)
        except InvalidValueError:
            return

        assert normalize_name(once) == once

    @pytest.mark.parametrize(
        "name", ["محمد عبد الله", "李小明", "José María", "Zoë", "Łukasz"]
    )
    def test_scripts_kept(self, name):
        """Names in Arabic, Chinese and accented Latin keep their letters."""
        contact = Contact(first_name=name)

        assert contact.first_name == unicodedata.normalize("NFC", name)


class TestEmailIdentity:
    @given(cs.email_addresses())
    def test_normalize_idempotent(self, address):
        """Normalizing a normalized address changes nothing."""
        once = normalize_email(address)

        assert normalize_email(once) == once

    @given(cs.email_addresses())
    def test_case_insensitive(self, address):
        """Addresses that differ only in case share one key."""
        upper = normalize_email(address.upper())
        lower = normalize_email(address.lower())

        assert email_key(upper) == email_key(lower)

    @settings(max_examples=30)
    @given(cs.email_addresses())
    def test_found_in_any_case(self, address):
        """A stored address is found whatever case the query uses."""
        repository = MemoryContactRepository()
        stored = repository.add(
            Contact(first_name="A", emails=[EmailAddress(address)])
        )

        for query in (address.upper(), address.lower(), address.swapcase()):
            found = repository.find_by_email(normalize_email(query))

            assert [c.contact_id for c in found] == [stored.contact_id]


NUMBER_FORMATS = (
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.NATIONAL,
    phonenumbers.PhoneNumberFormat.RFC3966,
)


class TestPhoneParsing:
    @given(
        cs.valid_phone_numbers,
        st.sampled_from(NUMBER_FORMATS),
        st.sampled_from(["", " ", "-", "."]),
    )
    def test_any_formatting_same_e164(self, phone, number_format, joiner):
        """A valid number written in any format parses to one E.164."""
        number = phonenumbers.parse(phone.e164)
        region = phonenumbers.region_code_for_number(number)
        text = phonenumbers.format_number(number, number_format)
        if number_format != phonenumbers.PhoneNumberFormat.RFC3966:
            text = text.replace(" ", joiner or " ")

        parsed = parse_phone(text, region)

        assert parsed.e164 == phone.e164
        assert parsed.validated

    @given(st.text(max_size=30), st.sampled_from([None, "DE", "US", "IN"]))
    def test_strict_agrees_with_lenient(self, text, region):
        """Strict mode accepts exactly what lenient mode marks validated."""
        try:
            lenient = parse_phone(text, region)
        except InvalidPhoneError:
            assert not text.strip() or len(text.strip()) > 64
            return

        if lenient.validated:
            assert parse_phone(text, region, strict=True) == lenient
        else:
            with pytest.raises(InvalidPhoneError):
                parse_phone(text, region, strict=True)

    @given(
        st.text(
            st.characters(exclude_categories=("Cc", "Cs")),
            min_size=1,
            max_size=30,
        ).filter(str.strip)
    )
    def test_lenient_keeps_raw(self, text):
        """Lenient mode keeps the raw text of any number, parsed or not."""
        phone = PhoneNumber.parse(text)

        assert phone.raw == text.strip()
        assert phone.validated or not phone.is_mobile
