"""Spreadsheet exports: CSV layouts, formula escaping and XLSX."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from contactlib import Link, build_contact
from contactlib.exceptions import InvalidValueError
from contactlib.interchange import (
    ExportReport,
    escape_formula,
    export_rows,
    format_names,
    import_file,
    write_csv,
    write_json,
    write_vcard,
    write_xlsx,
)
from contactlib.testing import MemoryContactRepository


def _rows(contacts, **options):
    stream = io.StringIO(newline="")
    report = write_csv(contacts, stream, **options)
    return list(csv.reader(io.StringIO(stream.getvalue()))), report


class TestEscapeFormula:
    """`escape_formula` makes formula-like cells plain text."""

    @pytest.mark.parametrize(
        ("cell", "expected"),
        [
            ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("+49 30 901820", "+49 30 901820"),
            ("+1 (201) 555-0123 x42", "+1 (201) 555-0123 x42"),
            ("Anna", "Anna"),
            ("", ""),
        ],
    )
    def test_cases(self, cell, expected):
        """Formula starts get an apostrophe; phone numbers do not."""
        assert escape_formula(cell) == expected


class TestErpnextLayout:
    """The ERPNext layout writes child-table rows under the contact."""

    def test_child_rows(self):
        """A second e-mail goes on a continuation line with empty fields."""
        contact = build_contact(
            contact_id="c-1",
            first_name="Anna",
            emails=["a@example.com", "b@example.com"],
            phones=["+49 30 901820"],
            links=[Link("Customer", "CUST-1", title="ACME")],
        )

        rows, report = _rows([contact])

        header, first, second = rows
        assert header[:3] == ["ID", "First Name", "Middle Name"]
        assert first[header.index("ID")] == "c-1"
        assert first[header.index("Email ID (Email IDs)")] == "a@example.com"
        assert first[header.index("Is Primary (Email IDs)")] == "1"
        assert first[header.index("Link Name (Links)")] == "CUST-1"
        assert second[header.index("ID")] == ""
        assert second[header.index("Email ID (Email IDs)")] == "b@example.com"
        assert report.contacts == 1

    def test_national_number_international(self):
        """A number that needs a region is written in international form."""
        contact = build_contact(
            first_name="Anna", phones=["030 901820"], region="DE"
        )

        rows, _ = _rows([contact])

        header, first = rows
        assert first[header.index("Number (Contact Numbers)")] == (
            "+49 30 901820"
        )

    def test_roles_reported(self):
        """Roles have no ERPNext column and are listed as omitted."""
        contact = build_contact(
            contact_id="c-1",
            first_name="Anna",
            links=[Link("Customer", "C", roles={"billing"})],
        )

        _, report = _rows([contact])

        assert report.omitted == [
            (
                "c-1",
                "billing",
                (
                    "ERPNext has no column for the roles of the link to "
                    "Customer C"
                ),
            )
        ]

    def test_formula_escaped(self):
        """A name that starts with '=' is written with an apostrophe."""
        contact = build_contact(first_name="=1+1")

        escaped, _ = _rows([contact])
        raw, _ = _rows([contact], escape_formulas=False)

        assert escaped[1][1] == "'=1+1"
        assert raw[1][1] == "=1+1"


class TestOtherLayouts:
    """Google and Outlook layouts."""

    def test_google_primary_mark(self):
        """Google's '* ' label prefix marks the primary address."""
        contact = build_contact(
            first_name="Anna", emails=["a@example.com", "b@example.com"]
        )

        rows, _ = _rows([contact], layout="google")

        header, row = rows
        assert row[header.index("E-mail 1 - Label")] == "* Other"
        assert row[header.index("E-mail 2 - Label")] == "Other"
        assert row[header.index("E-mail 2 - Value")] == "b@example.com"

    def test_outlook_fourth_email_omitted(self):
        """Outlook has three e-mail columns; a fourth is reported."""
        addresses = [f"{n}@example.com" for n in "abcd"]
        contact = build_contact(
            contact_id="c-1", first_name="Anna", emails=addresses
        )

        rows, report = _rows([contact], layout="outlook")

        header, row = rows
        assert row[header.index("E-mail 3 Address")] == "c@example.com"
        assert report.omitted == [
            ("c-1", "d@example.com", "Outlook has only three e-mail columns")
        ]

    def test_unknown_layout(self):
        """An unknown layout is rejected with the known ones."""
        with pytest.raises(InvalidValueError) as caught:
            list(export_rows([], ExportReport(), layout="excel"))

        assert caught.value.reason == (
            "unknown export layout 'excel'; use erpnext, google, outlook"
        )


class TestWriteXlsx:
    """`write_xlsx` writes the same rows into a workbook."""

    def test_formula_stored_as_text(self):
        """A formula-like name is a text cell with unchanged content."""
        contact = build_contact(first_name="=1+1", last_name="Lange")
        target = io.BytesIO()

        write_xlsx([contact], target)

        sheet = openpyxl.load_workbook(io.BytesIO(target.getvalue())).active
        assert sheet is not None
        cell = sheet.cell(row=2, column=2)
        assert cell.value == "=1+1"
        assert cell.data_type == "s"

    def test_formula_kept_when_asked(self):
        """Without escaping the cell is a formula."""
        contact = build_contact(first_name="=1+1")
        target = io.BytesIO()

        write_xlsx([contact], target, escape_formulas=False)

        sheet = openpyxl.load_workbook(io.BytesIO(target.getvalue())).active
        assert sheet is not None
        assert sheet.cell(row=2, column=2).data_type == "f"


class TestImportFileFormats:
    """`import_file` detects vCard, JSON and XLSX by content."""

    @pytest.mark.parametrize("suffix", [".vcf", ".json", ".xlsx", ".csv"])
    def test_detected_without_suffix(self, tmp_path, suffix):
        """A file named without its suffix is still read by its content."""
        contact = build_contact(
            contact_id="c-1", first_name="Anna", emails=["a@example.com"]
        )
        path = tmp_path / "contacts"
        if suffix == ".xlsx":
            write_xlsx([contact], path)
        else:
            with path.open("w", newline="", encoding="utf-8") as stream:
                writer = {
                    ".vcf": write_vcard,
                    ".json": write_json,
                    ".csv": write_csv,
                }[suffix]
                writer([contact], stream)
        repository = MemoryContactRepository()

        report = import_file(path, repository)

        assert report.stored_ids == ["c-1"]
        assert repository.get("c-1").primary_email == "a@example.com"

    def test_format_names(self):
        """The registry lists every format that import_file reads."""
        assert {"csv", "json", "vcard", "xlsx"} <= set(format_names())
