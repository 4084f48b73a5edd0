import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from contactlib import import_records
from contactlib.interchange import read_csv
from contactlib.testing import MemoryContactRepository
from contactlib.testing.strategies import contacts

HEADER = (
    "First Name",
    "Middle Name",
    "Last Name",
    "Email",
    "Email 2",
    "Email 3",
    "Phone",
    "Work Phone",
    "Home Phone",
)


def write_generic_csv(people, encoding, delimiter):
    """Write *people* under HEADER, as a spreadsheet program would."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    for person in people:
        emails = [e.address for e in person.emails]
        phones = [p.raw for p in person.phones]
        writer.writerow(
            [
                person.first_name,
                person.middle_name,
                person.last_name,
                *(emails + [""] * 3)[:3],
                *(phones + [""] * 3)[:3],
            ]
        )
    return text.getvalue().encode(encoding)


def encodable(people, encoding):
    text = "".join(
        f"{p.full_name}{[e.address for e in p.emails]}" for p in people
    )
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


class TestGenericRoundTrip:
    @settings(max_examples=60, deadline=None)
    @given(
        people=st.lists(contacts(links=()), min_size=1, max_size=5),
        encoding=st.sampled_from(("utf-8", "utf-8-sig", "utf-16", "cp1252")),
        delimiter=st.sampled_from((",", ";", "\t")),
    )
    def test_same_people(self, people, encoding, delimiter):
        """Contacts written as a generic CSV import with equal values."""
        if not encodable(people, encoding):
            encoding = "utf-8"
        data = write_generic_csv(people, encoding, delimiter)
        repository = MemoryContactRepository()

        report = import_records(read_csv(io.BytesIO(data)), repository)
        imported = [repository.get(i) for i in report.stored_ids]

        assert report.rejected == []
        assert len(imported) == len(people)
        for person, contact in zip(people, imported, strict=True):
            assert contact.first_name == person.first_name
            assert contact.middle_name == person.middle_name
            assert contact.last_name == person.last_name
            assert [e.address for e in contact.emails] == [
                e.address for e in person.emails
            ]
            assert [p.raw for p in contact.phones] == [
                p.raw for p in person.phones
            ]
