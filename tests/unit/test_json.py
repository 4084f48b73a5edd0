"""JSON and jCard forms of contacts."""

from __future__ import annotations

import io
import json

import pytest

from contactlib import Link, build_contact, import_records
from contactlib.exceptions import ImportFileError
from contactlib.interchange import (
    contact_from_dict,
    contact_to_dict,
    make_converter,
    read_json,
    to_jcard,
    write_jcard,
)
from contactlib.testing import MemoryContactRepository


class TestConverter:
    """`make_converter` and the JSON form it gives."""

    def test_plain_values(self):
        """Status is its value and roles a sorted list."""
        contact = build_contact(
            first_name="Anna",
            links=[Link("Customer", "C-1", roles={"shipping", "billing"})],
        )

        data = contact_to_dict(contact)

        assert data["status"] == "Passive"
        assert type(data["status"]) is str
        assert data["links"][0]["roles"] == ["billing", "shipping"]

    def test_extra_properties_list(self):
        """Extra vCard lines are a list of strings."""
        contact = build_contact(
            first_name="Anna", extra_properties=("BDAY:1990-01-01",)
        )

        data = contact_to_dict(contact)

        assert data["extra_properties"] == ["BDAY:1990-01-01"]
        assert contact_from_dict(data) == contact

    def test_new_each_call(self):
        """Each call gives its own converter."""
        assert make_converter() is not make_converter()


class TestReadJson:
    """`read_json` turns items into records and reports bad ones."""

    def test_not_array(self):
        """A JSON object at the top level cannot be read."""
        with pytest.raises(ImportFileError) as caught:
            list(read_json(b'{"a": 1}', path="c.json"))

        assert caught.value.reason == (
            "the file holds a JSON dict, not an array of contacts"
        )

    def test_item_not_object(self):
        """An item that is not an object rejects its row only."""
        data = b'[{"first_name": "Anna"}, 3]'
        repository = MemoryContactRepository()

        report = import_records(read_json(data), repository)

        assert report.stored == 1
        assert [row.row for row in report.rejected] == [2]

    def test_missing_key(self):
        """An e-mail without its address rejects the row, naming the key."""
        data = b'[{"first_name": "Anna", "emails": [{"is_primary": true}]}]'
        repository = MemoryContactRepository()

        report = import_records(read_json(data), repository)

        (rejected,) = report.rejected
        assert [p.reason for p in rejected.problems] == [
            (
                "the key 'address' is missing; compare the item with what "
                "write_json writes"
            )
        ]

    def test_flag_not_boolean(self):
        """An unsubscribed value that is not true or false is rejected."""
        data = b'[{"first_name": "Anna", "unsubscribed": "maybe"}]'
        repository = MemoryContactRepository()

        report = import_records(read_json(data), repository)

        (rejected,) = report.rejected
        assert [p.reason for p in rejected.problems] == [
            (
                "a value has the wrong type (unsubscribed is 'maybe', not "
                "true or false); compare the item with what write_json writes"
            )
        ]

    def test_extra_properties_read(self):
        """Extra vCard lines are read into the record."""
        data = b'[{"first_name": "Anna", "extra_properties": ["X-A:b"]}]'

        (record,) = read_json(data)

        assert record.extra_properties == ("X-A:b",)
        assert record.unmodelled == ()

    def test_bad_extra_property_rejected(self):
        """A line that is no vCard property rejects the row."""
        data = b'[{"first_name": "Anna", "extra_properties": ["text"]}]'
        repository = MemoryContactRepository()

        report = import_records(read_json(data), repository)

        (rejected,) = report.rejected
        assert [p.column for p in rejected.problems] == ["extra_properties"]

    def test_unknown_key_reported(self):
        """Keys contactlib does not know are listed as warnings."""
        data = b'[{"first_name": "Anna", "birthday": "1990-01-01"}]'
        repository = MemoryContactRepository()

        report = import_records(read_json(data), repository)

        assert [(w.column, w.value) for w in report.warnings] == [
            ("birthday", '"1990-01-01"')
        ]


class TestJcard:
    """`to_jcard` writes RFC 7095 arrays."""

    def test_shape(self):
        """A jCard is ["vcard", properties] with lower-case names."""
        contact = build_contact(
            first_name="Anna", last_name="Lange", emails=["a@example.com"]
        )

        card = to_jcard(contact)

        assert card[0] == "vcard"
        properties = card[1]
        assert isinstance(properties, list)
        assert ["version", {}, "text", "4.0"] in properties
        assert ["n", {}, "text", ["Lange", "Anna", "", "", ""]] in properties
        assert ["email", {"pref": "1"}, "text", "a@example.com"] in properties

    def test_file_is_json(self):
        """`write_jcard` writes a JSON array of cards."""
        contacts = [build_contact(first_name=n) for n in ("Anna", "李")]
        stream = io.StringIO()

        count = write_jcard(contacts, stream)

        assert count == 2
        assert len(json.loads(stream.getvalue())) == 2
