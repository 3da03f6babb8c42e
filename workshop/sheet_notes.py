"""What the room must know about the sheet of a workbook the leads were read from: sheets
headed alike that were not read (a sheet per year: its leads are missing from every figure),
and, when no column read names a lead field, which other sheets the workbook has."""
from __future__ import annotations

from workshop.importer import ExportFormat


def sheet_sentences(fmt: ExportFormat, mapped_fields: int) -> list[str]:
    """Plain sentences (not Markdown: escape them to show), one per thing to know."""
    sentences = []
    if fmt.same_columns:
        sentences.append(
            f"Only the sheet “{fmt.sheet}” was read. {_named(fmt.same_columns)} the same "
            f"columns and {'was' if len(fmt.same_columns) == 1 else 'were'} not read, so "
            f"{'its' if len(fmt.same_columns) == 1 else 'their'} leads count in no figure "
            "here. To count them all, copy them into one sheet (or save them together as "
            "one CSV) and upload that.")
    if mapped_fields == 0:
        where = f"the sheet “{fmt.sheet}”" if fmt.sheet else "this file"
        others = (f" The workbook's other sheets: "
                  f"{', '.join(f'“{name}”' for name in fmt.other_sheets)}. If the leads are "
                  "on one of them, save that sheet as a CSV (or unhide it and make it the "
                  "first) and upload that." if fmt.other_sheets else "")
        sentences.append(
            f"No column of {where} was recognised as a lead field (e-mail, company, "
            f"industry, created date…): is it a table of leads?{others} Otherwise map its "
            "columns under “Column mapping and outcome”.")
    return sentences


def _named(sheets: tuple[str, ...]) -> str:
    """'The sheet “A” has' or 'The sheets “A” and “B” have'."""
    quoted = [f"“{name}”" for name in sheets]
    if len(quoted) == 1:
        return f"The sheet {quoted[0]} has"
    return f"The sheets {', '.join(quoted[:-1])} and {quoted[-1]} have"
