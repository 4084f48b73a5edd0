"""Store, write in a format, read back: the contacts come back equal."""

from __future__ import annotations

import io
import json

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from contactlib import Contact, import_records
from contactlib.interchange import (
    contact_from_dict,
    contact_to_dict,
    read_csv,
    read_json,
    read_vcard,
    read_xlsx,
    write_csv,
    write_json,
    write_vcard,
    write_xlsx,
)
from contactlib.interchange._csv_write import _portable_number
from contactlib.testing import MemoryContactRepository
from contactlib.testing.strategies import contacts

_GENDERS = st.sampled_from(("", "Female", "Male", "Non-binary", "Weiblich"))
_USER_IDS = st.one_of(st.none(), st.sampled_from(("u-1", "anna@example.com")))


@st.composite
def _stored(draw: st.DrawFn) -> list[Contact]:
    """Draw contacts as a store keeps them, every field filled at random."""
    drawn = draw(
        st.lists(contacts(), max_size=4, unique_by=lambda c: c.contact_id)
    )
    return [
        attrs.evolve(contact, gender=draw(_GENDERS), user_id=draw(_USER_IDS))
        for contact in drawn
    ]


def _store(items: list[Contact]) -> MemoryContactRepository:
    repository = MemoryContactRepository()
    repository.add_many(items)
    return repository


def _unversioned(repository: MemoryContactRepository) -> list[Contact]:
    return [attrs.evolve(contact, version=0) for contact in repository]


class TestVcardRoundTrip:
    """vCard 3.0 and 4.0 carry every field contactlib stores."""

    @settings(max_examples=60, deadline=None)
    @given(_stored(), st.sampled_from(("3.0", "4.0")))
    def test_equal(self, items: list[Contact], version: str):
        """Contacts written as vCard and imported again are equal."""
        source = _store(items)
        text = io.StringIO(newline="")
        write_vcard(source, text, version=version)
        target = MemoryContactRepository()

        report = import_records(
            read_vcard(text.getvalue().encode("utf-8")), target
        )

        assert report.rejected == []
        assert _unversioned(target) == _unversioned(source)


class TestJsonRoundTrip:
    """The JSON converter and file format keep every field."""

    @settings(max_examples=60, deadline=None)
    @given(_stored())
    def test_converter(self, items: list[Contact]):
        """Unstructure, JSON text and structure give an equal contact."""
        for contact in items:
            text = json.dumps(contact_to_dict(contact))

            assert contact_from_dict(json.loads(text)) == contact

    @settings(max_examples=60, deadline=None)
    @given(_stored())
    def test_file(self, items: list[Contact]):
        """Contacts written as JSON and imported again are equal."""
        source = _store(items)
        text = io.StringIO()
        write_json(source, text)
        target = MemoryContactRepository()

        report = import_records(
            read_json(text.getvalue().encode("utf-8")), target
        )

        assert report.rejected == []
        assert _unversioned(target) == _unversioned(source)


def _erpnext_view(contact: Contact) -> Contact:
    """Return *contact* as the ERPNext layout carries it.

    The layout has no column for link roles or extra vCard properties,
    and numbers whose raw text needs a region are written in
    international form.
    """
    return attrs.evolve(
        contact,
        version=0,
        extra_properties=(),
        phones=[
            attrs.evolve(phone, raw=_portable_number(phone))
            for phone in contact.phones
        ],
        links=[
            attrs.evolve(link, roles=frozenset()) for link in contact.links
        ],
    )


class TestSpreadsheetRoundTrip:
    """The ERPNext layout in CSV and XLSX keeps what ERPNext models."""

    @settings(max_examples=40, deadline=None)
    @given(_stored())
    def test_csv(self, items: list[Contact]):
        """Contacts exported as ERPNext CSV and imported again are equal."""
        source = _store(items)
        text = io.StringIO(newline="")
        write_csv(source, text, layout="erpnext")
        target = MemoryContactRepository()

        report = import_records(
            read_csv(io.BytesIO(text.getvalue().encode("utf-8"))), target
        )

        assert report.rejected == []
        assert _unversioned(target) == [_erpnext_view(c) for c in source]

    @settings(max_examples=25, deadline=None)
    @given(_stored())
    def test_xlsx(self, items: list[Contact]):
        """Contacts exported as ERPNext XLSX and imported again are equal."""
        source = _store(items)
        workbook = io.BytesIO()
        write_xlsx(source, workbook, layout="erpnext")
        target = MemoryContactRepository()

        report = import_records(
            read_xlsx(io.BytesIO(workbook.getvalue())), target
        )

        assert report.rejected == []
        assert _unversioned(target) == [_erpnext_view(c) for c in source]
