"""From an export file to the normalised leads table: read, map, normalise. One path for the
app and the command line, so both see the same numbers."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workshop.importer import ExportFormat, read_export
from workshop.leads import normalise
from workshop.mapping import (
    Mapping,
    apply_mapping,
    apply_outcome,
    auto_map,
    suggest_outcome,
    validate,
)
from workshop.quality import QualitySummary, quality_summary


@dataclass
class ImportedLeads:
    raw: pd.DataFrame
    format: ExportFormat
    mapping: Mapping
    leads: pd.DataFrame

    def quality(self) -> QualitySummary:
        return quality_summary(self.raw, self.mapping.columns, self.leads)


def automatic_mapping(raw: pd.DataFrame) -> Mapping:
    """The usual headers mapped to the catalog and the likely outcome column and values."""
    columns = auto_map(list(raw.columns))
    outcome, won, still_open = suggest_outcome(raw, columns)
    return Mapping(columns=columns, outcome_column=outcome, won_values=won,
                   open_values=still_open)


def import_leads(data: bytes, filename: str = "", mapping: Mapping | None = None,
                 **limits) -> ImportedLeads:
    """Read and normalise an export; a given mapping must fit the file's headers."""
    raw, export_format = read_export(data, filename, **limits)
    return map_leads(raw, export_format, mapping)


def map_leads(raw: pd.DataFrame, export_format: ExportFormat,
              mapping: Mapping | None = None) -> ImportedLeads:
    """The second half of an import, for callers that look at the raw table in between."""
    if mapping is None:
        return _map_automatically(raw, export_format)
    problems = validate(mapping, list(raw.columns))
    if problems:
        raise ValueError("The mapping does not fit this file: " + "; ".join(problems))
    leads = apply_mapping(raw, mapping, export_format.decimal)
    return ImportedLeads(raw, export_format, mapping, leads)


def _map_automatically(raw: pd.DataFrame, export_format: ExportFormat) -> ImportedLeads:
    """`automatic_mapping` and `apply_mapping` in one go: the outcome column is looked for
    while the columns are being cleaned, not before."""
    columns = auto_map(list(raw.columns))
    suggested: list[tuple[str | None, list[str], list[str]]] = []

    def outcomes() -> pd.Series | None:
        suggested.append(suggest_outcome(raw, columns))
        column, won, still_open = suggested[0]
        return None if column is None else apply_outcome(raw[column], won, still_open)

    leads = normalise(raw, {h: k for h, k in columns.items() if k}, export_format.decimal,
                      outcomes)
    column, won, still_open = suggested[0]
    mapping = Mapping(columns=columns, outcome_column=column, won_values=won,
                      open_values=still_open)
    return ImportedLeads(raw, export_format, mapping, leads)


def import_leads_file(path: str | Path, mapping: Mapping | None = None,
                      **limits) -> ImportedLeads:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"Cannot read {path}: {error.strerror or error}.") from None
    return import_leads(data, path.name, mapping, **limits)
