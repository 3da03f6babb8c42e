"""From an export file to the normalised leads table: read, map, normalise. One path for the
app and the command line, so both see the same numbers."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workshop.importer import ExportFormat, read_export
from workshop.leads import normalise
from workshop.mapping import (
    Mapping,
    apply_mapping,
    auto_map,
    fit_to_values,
    lost_by_default,
    outcome_of,
    refit,
    repeating_columns,
    suggest_closed,
    suggest_outcome,
    suggest_units,
    validate,
)
from workshop.quality import QualitySummary, quality_summary


@dataclass
class ImportedLeads:
    raw: pd.DataFrame
    format: ExportFormat
    mapping: Mapping
    leads: pd.DataFrame

    def quality(self, also: Iterable[str] = ()) -> QualitySummary:
        """Data quality of every mapped or typed column and of the columns in `also`."""
        return quality_summary(self.raw, self.mapping.columns, self.leads, also)


def automatic_mapping(raw: pd.DataFrame, decimal: str = ".") -> Mapping:
    """The usual headers mapped to the catalog, the likely outcome column and how to read it,
    and the unit of money columns written in thousands or millions."""
    columns = _automatic_columns(raw)
    return _guessed(raw, columns, suggest_units(raw, columns, decimal))


def _guessed(raw: pd.DataFrame, columns: dict[str, str], units: dict[str, float]) -> Mapping:
    """The mapping of `columns` and `units` with the outcome the values suggest."""
    guess = suggest_outcome(raw, columns)
    lost = None if guess.column is None or guess.won_when_present else \
        lost_by_default(raw[guess.column], guess.won_values, guess.open_values)
    return Mapping(columns=columns, outcome_column=guess.column, won_values=guess.won_values,
                   open_values=guess.open_values, won_when_present=guess.won_when_present,
                   units=units, lost_values=lost, closed_column=suggest_closed(raw, guess))


def _automatic_columns(raw: pd.DataFrame) -> dict[str, str]:
    """The usual headers mapped, then what only the values can tell: which columns hold
    e-mail addresses, and which hold no values of the field their header names."""
    return fit_to_values(raw, auto_map(list(raw.columns)))


def import_leads(data: bytes, filename: str = "", mapping: Mapping | None = None,
                 **limits) -> ImportedLeads:
    """Read and normalise an export; a given mapping must fit the file's headers."""
    raw, export_format = read_export(data, filename, repeated=repeating_columns, **limits)
    return map_leads(raw, export_format, mapping)


def map_with_saved(raw: pd.DataFrame, export_format: ExportFormat,
                   saved_json: str | None) -> ImportedLeads:
    """The second half of an upload: with the mapping saved for an earlier export with the
    same headers (made to fit this export's values, see `refit`), or automatically."""
    saved = refit(Mapping.from_json(saved_json), raw, export_format.decimal) \
        if saved_json else None
    return map_leads(raw, export_format, saved)


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
    columns = _automatic_columns(raw)
    units = suggest_units(raw, columns, export_format.decimal)
    made: list[Mapping] = []

    def outcomes() -> pd.Series | None:
        made.append(_guessed(raw, columns, units))
        return outcome_of(raw, made[0])

    leads = normalise(raw, {h: k for h, k in columns.items() if k}, export_format.decimal,
                      outcomes, units=units)
    return ImportedLeads(raw, export_format, made[0], leads)


def import_leads_file(path: str | Path, mapping: Mapping | None = None,
                      **limits) -> ImportedLeads:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"Cannot read {path}: {error.strerror or error}.") from None
    return import_leads(data, path.name, mapping, **limits)
