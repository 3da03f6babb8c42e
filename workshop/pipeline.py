"""From an export file to the normalised leads table: read, map, normalise. One path for the
app and the command line, so both see the same numbers."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from workshop.catalog import FIELDS
from workshop.importer import ExportFormat, read_export
from workshop.leads import header_columns, normalise, with_outcome_source
from workshop.mapping import (
    CarriedMapping,
    Mapping,
    apply_mapping,
    auto_map,
    carry_over,
    fit_to_values,
    lost_by_default,
    outcome_of,
    refit,
    repeating_columns,
    still_open,
    suggest_closed,
    suggest_outcome,
    suggest_units,
    validate,
)
from workshop.money import SAMPLED, currencies_written, currency_codes, currency_header
from workshop.quality import QualitySummary, quality_summary


@dataclass
class ImportedLeads:
    raw: pd.DataFrame
    format: ExportFormat
    mapping: Mapping
    leads: pd.DataFrame
    carried: CarriedMapping | None = None  # the saved mapping it was read with, if any

    def quality(self, also: Iterable[str] = ()) -> QualitySummary:
        """Data quality of every mapped or typed column and of the columns in `also`."""
        return quality_summary(self.raw, self.mapping.columns, self.leads, also,
                               answers=self.mapping.outcome_column
                               if self.mapping.won_when_present else None)

    @property
    def currency(self) -> str | None:
        """The currency the export's money columns write their amounts in, when they say: the
        one they name, or where they name several, the one most written."""
        named = {codes[0] for codes in self.currencies.values() if codes}
        named.discard(None)
        return named.pop() if len(named) == 1 else None

    @property
    def mixed_currencies(self) -> dict[str, list[str | None]]:
        """Money columns (or a column of currency codes) naming more than one currency: the
        app reads amounts as written, without converting, so €1M and $1M are the same amount
        to a rule."""
        return {header: codes for header, codes in self.currencies.items() if len(codes) > 1}

    @cached_property
    def currencies(self) -> dict[str, list[str | None]]:
        """The currencies each money column names, by header (see `money.currencies_written`),
        and those of a column of currency codes beside them (Salesforce's "Currency")."""
        return export_currencies(self.raw, self.mapping.columns)


def export_currencies(raw: pd.DataFrame, columns: dict[str, str]) -> dict[str, list[str | None]]:
    """For each column mapped to a money field, the currencies its header or values name, read
    on an even sample of its values; and for a column of currency codes, the codes it holds."""
    named = {}
    money = [header for header, key in columns.items()
             if header in raw.columns and key in FIELDS and FIELDS[key].is_money]
    for header in money:
        named[header] = currencies_written(_sampled(raw[header]), str(header))
    for header in raw.columns if money else ():
        if header not in columns and isinstance(header, str) and currency_header(header):
            codes = currency_codes(_sampled(raw[header]))
            if codes:
                named[header] = codes
    return named


def _sampled(column: pd.Series) -> list[str]:
    step = max(1, len(column) // SAMPLED)
    return column.iloc[::step].dropna().astype(str).tolist()


def automatic_mapping(raw: pd.DataFrame, decimal: str = ".") -> Mapping:
    """The usual headers mapped to the catalog, the likely outcome column and how to read it,
    and the unit of money columns written in thousands or millions."""
    columns = _automatic_columns(raw)
    return _guessed(raw, columns, suggest_units(raw, columns, decimal))


def _guessed(raw: pd.DataFrame, columns: dict[str, str], units: dict[str, float]) -> Mapping:
    """The mapping of `columns` and `units` with the outcome the values suggest."""
    guess = suggest_outcome(raw, columns)
    closed = suggest_closed(raw, guess)
    if closed is not None:  # a stage every deal of which the export marks closed is not open
        guess = guess._replace(open_values=still_open(raw, guess, closed))
    lost = None if guess.column is None or guess.won_when_present else \
        lost_by_default(raw[guess.column], guess.won_values, guess.open_values)
    return Mapping(columns=columns, outcome_column=guess.column, won_values=guess.won_values,
                   open_values=guess.open_values, won_when_present=guess.won_when_present,
                   units=units, lost_values=lost, closed_column=closed)


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
                   saved_json: str | None, same_headers: bool = True) -> ImportedLeads:
    """The second half of an upload: with the mapping saved for an earlier export (put onto
    this export's spelling of the headers, see `carry_over`, and made to fit its values, see
    `refit`), or automatically. With `same_headers` false the saved mapping was made for
    other headers (the workshop's last one): it is kept for the columns this export shares
    with it and the rest is mapped automatically, the outcome too when its column is gone."""
    if not saved_json:
        return map_leads(raw, export_format, None)
    carried = carry_over(Mapping.from_json(saved_json), list(raw.columns))
    mapping = carried.mapping
    if not same_headers:
        mapping = _with_the_rest_automatic(raw, carried, export_format.decimal)
        if validate(mapping, list(raw.columns)):
            return map_leads(raw, export_format, None)
    result = map_leads(raw, export_format, refit(mapping, raw, export_format.decimal))
    # The same headers: a header the mapping does not name was left unmapped, not new.
    result.carried = carried if not same_headers else carried._replace(new=[])
    return result


def _with_the_rest_automatic(raw: pd.DataFrame, carried: CarriedMapping,
                             decimal: str) -> Mapping:
    """The carried mapping with the headers new to it mapped as `automatic_mapping` would,
    each to a field the carried columns do not already fill."""
    automatic = _automatic_columns(raw)
    columns = dict(carried.mapping.columns)
    taken = {key for key in columns.values() if key}
    for header in carried.new:
        key = automatic.get(header)
        if key and key not in taken:
            columns[header] = key
            taken.add(key)
    new_columns = {h: columns[h] for h in carried.new if h in columns}
    units = {**suggest_units(raw, new_columns, decimal), **carried.mapping.units}
    if carried.outcome_gone:
        return replace(_guessed(raw, columns, units), date_orders=carried.mapping.date_orders)
    return replace(carried.mapping, columns=columns, units=units)


def reuse_note(result: ImportedLeads) -> str:
    """How the saved mapping was used, to follow "Read N leads from F" (empty when none was)."""
    carried = result.carried
    if carried is None:
        return ""
    if not carried.new and not carried.gone:
        return "with the mapping used last time for these columns"
    mapping = result.mapping
    read = {h for h, k in mapping.columns.items() if k} | set(mapping.units) | {
        mapping.outcome_column, mapping.closed_column}
    # A mapping saved from the page names every column (unmapped ones as ""); an automatic one
    # only the mapped ones: a header it does not name may have been there, left unmapped.
    names_every_column = "" in carried.mapping.columns.values()
    new = [h for h in carried.new if names_every_column or h in read]
    parts = []
    if new:
        parts.append(f"{_names(new)} {'is' if len(new) == 1 else 'are'} "
                     + ("new" if names_every_column else "mapped automatically"))
    if carried.gone:
        parts.append(f"{_names(carried.gone)} {'is' if len(carried.gone) == 1 else 'are'} "
                     "not in this export" + (_outcome_found(mapping) if carried.outcome_gone
                                             else ""))
    return ("with the mapping used last time for the columns it shares with this export"
            + ("; " + ", and ".join(parts) if parts else ""))


def _outcome_found(mapping: Mapping) -> str:
    if mapping.outcome_column is None:
        return (", so no outcome is read (choose its column under “Column mapping and "
                "outcome”)")
    return f", so the outcome is read automatically from “{mapping.outcome_column}”"


def _names(headers: list[str], shown: int = 3) -> str:
    names = [f"“{h}”" for h in headers[:shown]]
    if len(headers) > shown:
        names.append(f"{len(headers) - shown} more")
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def map_leads(raw: pd.DataFrame, export_format: ExportFormat,
              mapping: Mapping | None = None) -> ImportedLeads:
    """The second half of an import, for callers that look at the raw table in between."""
    if mapping is None:
        return _map_automatically(raw, export_format)
    problems = validate(mapping, list(raw.columns))
    if problems:
        raise ValueError("The mapping does not fit this file: " + "; ".join(problems))
    leads = apply_mapping(raw, mapping, export_format.decimal)
    _note_outcome_source(leads, mapping)
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
    _note_outcome_source(leads, made[0])
    return ImportedLeads(raw, export_format, made[0], leads)


def _note_outcome_source(leads: pd.DataFrame, mapping: Mapping) -> None:
    """Which header the leads' outcome came from: the mapping's outcome column, else the
    deal stage it was read from (`with_outcome_source`)."""
    if "outcome" not in leads.columns:
        return
    headers = header_columns(leads)
    stage = next((header for header, key in headers.items() if key == "deal_stage"), None)
    with_outcome_source(leads, mapping.outcome_column if mapping.outcome_column in headers
                        else stage)


def import_leads_file(path: str | Path, mapping: Mapping | None = None,
                      **limits) -> ImportedLeads:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"Cannot read {path}: {error.strerror or error}.") from None
    return import_leads(data, path.name, mapping, **limits)
