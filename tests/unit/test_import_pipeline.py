import pytest

from contactlib import (
    SourceEmail,
    SourceLink,
    SourcePhone,
    SourceRecord,
    import_records,
)
from contactlib.exceptions import InvalidValueError
from contactlib.testing import MemoryContactRepository


def record(row, first_name="A", **parts):
    return SourceRecord(
        row,
        {"first_name": first_name},
        {"first_name": "First Name"},
        **parts,
    )


class TestImportRecords:
    def test_balanced(self):
        """Every row is either stored or rejected."""
        repository = MemoryContactRepository()
        rows = [
            record(2),
            record(3, emails=(SourceEmail("bad", "Email"),)),
            record(4, first_name=""),
        ]

        report = import_records(rows, repository)

        assert report.rows_read == 3
        assert report.stored == 1
        assert [r.row for r in report.rejected] == [3, 4]
        assert report.balanced

    def test_problem_names_column(self):
        """A rejection names the column and value of the bad cell."""
        rows = [
            record(
                7,
                phones=(
                    SourcePhone("+49 30 901820", "Phone 1"),
                    SourcePhone("12", "Phone 2"),
                ),
            )
        ]

        report = import_records(rows, MemoryContactRepository(), strict=True)

        problem = report.rejected[0].problems[0]
        assert report.rejected[0].row == 7
        assert problem.column == "Phone 2"
        assert problem.value == "12"

    def test_dry_run_writes_nothing(self):
        """A dry run reports like a real run and writes nothing."""
        repository = MemoryContactRepository()

        report = import_records(
            [record(2), record(3)], repository, dry_run=True
        )

        assert report.stored == 2
        assert report.dry_run
        assert len(repository) == 0

    def test_conflict_rejects_only_row(self):
        """A second primary for a party rejects only that row."""
        repository = MemoryContactRepository()
        link = (SourceLink("Customer", "ACME", "Link", is_primary=True),)
        rows = [record(2, links=link), record(3), record(4, links=link)]

        report = import_records(rows, repository, batch_size=10)

        assert report.stored == 2
        assert [r.row for r in report.rejected] == [4]
        assert "already has primary contact" in (
            report.rejected[0].problems[0].reason
        )
        assert len(repository) == 2

    def test_unmodelled_warned(self):
        """Values with no field become warnings on stored rows."""
        rows = [record(2, unmodelled=(("Birthday", "1990-01-01"),))]

        report = import_records(rows, MemoryContactRepository())

        assert report.warnings[0].column == "Birthday"

    def test_progress_called(self):
        """The progress callback gets the rows read so far."""
        seen: list[int] = []

        import_records(
            [record(n) for n in range(2, 7)],
            MemoryContactRepository(),
            batch_size=2,
            on_progress=seen.append,
        )

        assert seen == [2, 4, 5]

    def test_bad_batch_size(self):
        """A batch size below 1 is rejected."""
        with pytest.raises(InvalidValueError, match="at least 1"):
            import_records([], MemoryContactRepository(), batch_size=0)


class TestConflictProblems:
    def test_second_primary_names_cell(self):
        """A second primary names the link's cell and the party."""
        repository = MemoryContactRepository()
        link = (SourceLink("Customer", "ACME", "Link Name", is_primary=True),)

        report = import_records(
            [record(2, links=link), record(3, links=link)], repository
        )

        problem = report.rejected[0].problems[0]
        holder = report.stored_ids[0]
        assert problem.column == "Link Name"
        assert problem.value == "ACME"
        assert problem.reason == (
            f"Customer ACME already has primary contact {holder!r}, so "
            "this row cannot be its primary contact too; clear the row's "
            "primary mark, or make this contact primary after the import"
        )

    def test_duplicate_id_names_cell(self):
        """A taken contact id names the id cell."""
        repository = MemoryContactRepository()
        rows = [
            SourceRecord(
                n,
                {"first_name": "A", "contact_id": "C-1"},
                {"first_name": "First Name", "contact_id": "ID"},
            )
            for n in (2, 3)
        ]

        report = import_records(rows, repository)

        problem = report.rejected[0].problems[0]
        assert problem.column == "ID"
        assert problem.value == "C-1"


class TestProblemColumns:
    def test_repeated_column_named_once(self):
        """Two e-mails from one child column name that column once."""
        row = record(
            5,
            emails=(
                SourceEmail("a@example.com", "Email ID", is_primary=True),
                SourceEmail("b@example.com", "Email ID", is_primary=True),
            ),
        )

        report = import_records([row], MemoryContactRepository())

        assert report.rejected[0].problems[0].column == "Email ID"
