"""Contacts written as XLSX workbooks through openpyxl.

openpyxl is an optional dependency (the ``xlsx`` extra); it is imported
only when a workbook is written, so ``import contactlib`` works without
it.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from contactlib.exceptions import MissingDependencyError
from contactlib.interchange._csv_write import (
    ExportLayout,
    ExportReport,
    escape_formula,
    export_rows,
)

if TYPE_CHECKING:
    import os
    import types
    from collections.abc import Iterable

    from contactlib._model import Contact


def _openpyxl() -> types.ModuleType:
    try:
        import openpyxl  # noqa: PLC0415
    except ImportError:
        raise MissingDependencyError(
            "XLSX files need openpyxl; install it with "
            "`pip install 'contactlib[xlsx]'`"
        ) from None
    return openpyxl


def write_xlsx(
    contacts: Iterable[Contact],
    target: str | os.PathLike[str] | IO[bytes],
    *,
    layout: ExportLayout | str = ExportLayout.ERPNEXT,
    escape_formulas: bool = True,
) -> ExportReport:
    """Write contacts as an XLSX workbook with one sheet.

    The sheet has the columns and rows that `write_csv` writes for
    *layout*.  Every cell is a text cell.  With *escape_formulas* (the
    default), a cell that starts like a formula is stored as text, so
    no spreadsheet program runs it, and its content is unchanged.
    Without it, such cells are stored as formulas.

    Args:
        contacts: The contacts, written in this order.
        target: A path, or a binary stream to write to.
        layout: An `ExportLayout` value.
        escape_formulas: Store formula-like cells as text.

    Returns:
        The number of contacts written and the values left out.

    Raises:
        MissingDependencyError: openpyxl is not installed.
        InvalidValueError: *layout* is not an `ExportLayout` value.

    .. versionadded:: 0.1.0
    """
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    report = ExportReport()
    for row in export_rows(
        contacts, report, layout=layout, escape_formulas=False
    ):
        cells = []
        for text in row:
            cell = WriteOnlyCell(sheet, value=text)
            if escape_formulas and escape_formula(text) != text:
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(target)
    return report
