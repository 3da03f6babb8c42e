"""The agreed definition in the forms the people who run the CRM work with: the definition JSON,
an SQL query giving every lead its stage and points, and a points table (criterion, condition,
points, gate) as CSV, the shape lead-scoring tools in CRMs are configured with."""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from workshop.definition import Definition
from workshop.lead_export import safe_cell
from workshop.operators import operator
from workshop.sql import to_sql

POINTS_COLUMNS = ("criterion", "field", "condition", "points", "role", "gate")


def points_rows(definition: Definition) -> list[dict[str, object]]:
    """One row per rule: must-haves (0 points, their gate), nice-to-haves (their points),
    disqualifiers, then the conversion actions; the threshold last."""
    rows: list[dict[str, object]] = []
    for criterion in definition.criteria:
        role = {"must": "must have", "nice": "nice to have"}.get(criterion.role, criterion.role)
        rows.append({
            "criterion": criterion.sentence(),
            "field": criterion.field,
            "condition": _condition(criterion),
            "points": criterion.points if criterion.role == "nice" else 0,
            "role": role,
            "gate": criterion.gate.upper() if criterion.role == "must" else "",
        })
    for action in definition.actions:
        rows.append({"criterion": action.sentence(), "field": action.field,
                     "condition": "at_least 1", "points": action.points,
                     "role": "conversion action", "gate": ""})
    rows.append({"criterion": f"MQL threshold: at least {definition.threshold} points",
                 "field": "", "condition": "points at least", "points": definition.threshold,
                 "role": "threshold", "gate": "MQL"})
    return rows


def _condition(criterion) -> str:
    """'in: Software | Retail', 'between: 100 and 2000', 'at_least: 10000', 'is_true'."""
    return operator(criterion.op).points_cell(criterion)


def points_csv(definition: Definition) -> bytes:
    """The points table as UTF-8 CSV (with a BOM, for Excel); typed text cannot run as a
    spreadsheet formula."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=POINTS_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in points_rows(definition):
        writer.writerow({k: safe_cell(v) if isinstance(v, str) else v for k, v in row.items()})
    return "\ufeff".encode() + out.getvalue().encode()


def definition_json(definition: Definition, about: Mapping[str, object] | None = None) -> bytes:
    """The definition JSON, with its schema version and where it comes from (`about`: company,
    title, version, who signed and when): importing it gives the same definition."""
    return definition.to_file_json(dict(about or {})).encode()


def definition_sql(definition: Definition, *, table: str = "leads",
                   columns: Mapping[str, str] | None = None) -> bytes:
    """A commented SELECT giving every lead its stage and points. `columns` maps lead fields
    to the table's column names (an export's mapping); catalog number fields compare as
    numbers."""
    header = ("-- Ideal lead definition: every lead's stage (SQL / MQL / Not qualified) and "
              "points.\n-- Identifiers are quoted and literals escaped; run it where the "
              f"leads table is called {table!r}.\n")
    return (header + to_sql(definition, table=table, columns=columns)
            + ";\n").encode()
