"""Imports that update stored contacts instead of adding duplicates."""

from __future__ import annotations

import pytest

from contactlib import (
    Link,
    SourceEmail,
    SourceLink,
    SourcePhone,
    SourceRecord,
    UpsertKey,
    build_contact,
    import_records,
)
from contactlib.exceptions import InvalidValueError
from contactlib.testing import MemoryContactRepository


def _repository_with(*contacts):
    repository = MemoryContactRepository()
    repository.add_many(contacts)
    return repository


class TestUpsertByContactId:
    """`UpsertKey.CONTACT_ID` updates the contact with the row's id."""

    def test_updates(self):
        """A row with a stored id changes that contact."""
        stored = build_contact(contact_id="c-1", first_name="Anna")
        repository = _repository_with(stored)
        row = SourceRecord(2, {"contact_id": "c-1", "last_name": "Lange"}, {})

        report = import_records([row], repository, upsert="contact_id")

        contact = repository.get("c-1")
        assert (contact.first_name, contact.last_name) == ("Anna", "Lange")
        assert contact.version == 2
        assert report.updated_ids == ["c-1"]
        assert report.stored_ids == ["c-1"]
        assert len(repository) == 1

    def test_new_id_added(self):
        """A row with an unknown id is added under that id."""
        repository = MemoryContactRepository()
        row = SourceRecord(2, {"contact_id": "c-9", "first_name": "Bo"}, {})

        report = import_records([row], repository, upsert=UpsertKey.CONTACT_ID)

        assert report.updated_ids == []
        assert repository.get("c-9").first_name == "Bo"

    def test_default_adds(self):
        """Without upsert a stored id rejects the row, as before."""
        stored = build_contact(contact_id="c-1", first_name="Anna")
        repository = _repository_with(stored)
        row = SourceRecord(2, {"contact_id": "c-1", "first_name": "X"}, {})

        report = import_records([row], repository)

        assert [r.row for r in report.rejected] == [2]
        assert repository.get("c-1").first_name == "Anna"


class TestUpsertByEmail:
    """`UpsertKey.EMAIL` updates the contact with the row's address."""

    def test_merges_lists(self):
        """Row e-mails and phones come first; stored ones stay, unmarked."""
        stored = build_contact(
            contact_id="c-1",
            first_name="Anna",
            emails=["b@example.com", "a@example.com"],
            phones=["+49 30 901820"],
            links=[Link("Customer", "C-1")],
        )
        repository = _repository_with(stored)
        row = SourceRecord(
            5,
            {"designation": "Buyer"},
            {},
            emails=(SourceEmail("A@example.com", "Email", is_primary=True),),
            phones=(SourcePhone("+44 20 7946 0958", "Phone"),),
            links=(SourceLink("Supplier", "S-1", "Supplier"),),
        )

        report = import_records([row], repository, upsert="email")

        contact = repository.get("c-1")
        assert report.updated_ids == ["c-1"]
        assert contact.first_name == "Anna"
        assert contact.designation == "Buyer"
        assert [e.address for e in contact.emails] == [
            "A@example.com",
            "b@example.com",
        ]
        assert contact.primary_email == "A@example.com"
        assert [p.e164 for p in contact.phones] == [
            "+442079460958",
            "+4930901820",
        ]
        assert contact.primary_phone is not None
        assert contact.primary_phone.e164 == "+442079460958"
        assert {str(link.party) for link in contact.links} == {
            "Customer C-1",
            "Supplier S-1",
        }

    def test_ambiguous_rejected(self):
        """An address that two stored contacts have rejects the row."""
        repository = _repository_with(
            build_contact(first_name="A", emails=["a@example.com"]),
            build_contact(first_name="B", emails=["a@example.com"]),
        )
        row = SourceRecord(
            3,
            {"first_name": "C"},
            {},
            emails=(SourceEmail("a@example.com", "Email"),),
        )

        report = import_records([row], repository, upsert="email")

        (rejected,) = report.rejected
        (problem,) = rejected.problems
        assert problem.column == "Email"
        assert problem.reason == (
            "2 stored contacts have this e-mail address, so the row cannot "
            "say which one to update; import it by contact id"
        )
        assert report.balanced

    def test_same_file_twice(self):
        """Importing the same rows twice leaves one contact per address."""
        repository = MemoryContactRepository()
        rows = [
            SourceRecord(
                n,
                {"first_name": name},
                {},
                emails=(SourceEmail(f"{name}@example.com", "Email"),),
            )
            for n, name in enumerate(("anna", "bo", "anna"), start=2)
        ]

        first = import_records(rows, repository, upsert="email")
        second = import_records(rows, repository, upsert="email")

        assert len(repository) == 2
        assert first.updated_ids == [first.stored_ids[0]]
        assert len(second.updated_ids) == 3

    def test_dry_run(self):
        """A dry run with upsert writes nothing."""
        stored = build_contact(first_name="Anna", emails=["a@example.com"])
        repository = _repository_with(stored)
        row = SourceRecord(
            2,
            {"last_name": "Lange"},
            {},
            emails=(SourceEmail("a@example.com", "Email"),),
        )

        report = import_records(
            [row], repository, upsert="email", dry_run=True
        )

        assert report.updated_ids == [stored.contact_id]
        assert repository.get(stored.contact_id).last_name == ""


class TestUpsertKey:
    """The upsert argument accepts only known keys."""

    def test_unknown(self):
        """An unknown key is rejected with the allowed ones."""
        with pytest.raises(InvalidValueError) as caught:
            import_records([], MemoryContactRepository(), upsert="phone")

        assert caught.value.reason == (
            "unknown upsert key 'phone'; use contact_id, email"
        )


class TestUpsertExtraProperties:
    """Extra vCard lines of a row replace the stored ones as a whole."""

    def test_replaced(self):
        """A row with extra lines replaces every stored one."""
        stored = build_contact(
            contact_id="c-1",
            first_name="Anna",
            extra_properties=("BDAY:1990-01-01", "NOTE:old"),
        )
        repository = _repository_with(stored)
        row = SourceRecord(
            2,
            {"contact_id": "c-1", "first_name": "Anna"},
            {},
            extra_properties=("NOTE:new",),
        )

        report = import_records([row], repository, upsert="contact_id")

        assert report.updated_ids == ["c-1"]
        assert repository.get("c-1").extra_properties == ("NOTE:new",)

    def test_kept_without(self):
        """A row without extra lines keeps the stored ones."""
        stored = build_contact(
            contact_id="c-1",
            first_name="Anna",
            extra_properties=("BDAY:1990-01-01",),
        )
        repository = _repository_with(stored)
        row = SourceRecord(2, {"contact_id": "c-1", "last_name": "Lange"}, {})

        import_records([row], repository, upsert="contact_id")

        assert repository.get("c-1").extra_properties == ("BDAY:1990-01-01",)
