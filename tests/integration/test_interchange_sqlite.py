"""Exports from a SQLite store import into another one unchanged."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contactlib import import_records
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.interchange import (
    read_json,
    read_vcard,
    write_json,
    write_vcard,
)
from contactlib.testing.strategies import contacts

if TYPE_CHECKING:
    from pathlib import Path

    from contactlib import Contact


def _unversioned(repository: SqliteContactRepository) -> list[Contact]:
    return [attrs.evolve(contact, version=0) for contact in repository]


class TestSqliteRoundTrip:
    """vCard and JSON carry every field through real SQLite files."""

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        st.lists(contacts(), max_size=3, unique_by=lambda c: c.contact_id),
        st.sampled_from(["vcard3", "vcard4", "json"]),
    )
    def test_equal(self, tmp_path: Path, items: list[Contact], kind: str):
        """Store, write, import into a new file: the contacts are equal."""
        for name in ("source.sqlite3", "target.sqlite3"):
            (tmp_path / name).unlink(missing_ok=True)
        with (
            SqliteContactRepository(tmp_path / "source.sqlite3") as source,
            SqliteContactRepository(tmp_path / "target.sqlite3") as target,
        ):
            source.add_many(items)
            text = io.StringIO(newline="")
            if kind == "json":
                write_json(source, text)
                records = read_json(text.getvalue().encode("utf-8"))
            else:
                version = "3.0" if kind == "vcard3" else "4.0"
                write_vcard(source, text, version=version)
                records = read_vcard(text.getvalue().encode("utf-8"))

            report = import_records(records, target)

            assert report.rejected == []
            assert _unversioned(target) == _unversioned(source)
