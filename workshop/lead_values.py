"""What the guided form offers from a company's own leads: each category's values with how many
leads have each, counted as the rules tell values apart.

'Computer Software', 'computer software' and 'COMPUTER_SOFTWARE' are one value to every rule
(`workshop.evaluate.fold`), so the form lists them once, under the most common spelling, with
the leads of all three; a lead whose cell holds several choices ("Software;Retail") counts for
each. The count next to a value is what a rule naming it selects.

A placeholder word ("none", "Select") is listed after every real value: a rule naming it
matches it ("NA" may be North America), but 'is not one of' passes none of its leads, which
"is blank" counts. A column holding only yes/no words (or 1 and 0) is offered "is yes" and
"is no", which read "Yes", "true" and 1 alike, where 'is one of Yes' would match nothing once
the next export writes true/false.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workshop.catalog import FIELDS, Kind
from workshop.evaluate import CHOICES, PLACEHOLDER_FOLDS, fold, fold_value, yes_no_words
from workshop.leads import DERIVED, header_columns


@dataclass(frozen=True)
class OtherColumn:
    """A column beyond the catalog that a criterion can use: a number, a date or text, and for
    text its most common values with how many leads have each (none when it hardly repeats,
    like names or IDs)."""

    number: bool
    values: tuple[str, ...] = ()
    counts: tuple[int, ...] = ()
    date: bool = False
    # (leads read as yes, as no) when every value is a yes/no word or 1/0; None otherwise
    yes_no: tuple[int, int] | None = None
    blank: int = 0  # leads with no value or a placeholder word: what "is blank" selects


OTHER_VALUES_LISTED = 30  # an other column's most common values offered (and known) by the form
VALUES_LISTED = 200  # a catalog field's


@dataclass(frozen=True)
class LeadValues:
    """What the guided form offers from a company's own leads: each catalog category field's
    values with how many leads have each, and the columns beyond the catalog."""

    fields: dict[str, tuple[tuple[str, int], ...]]
    columns: dict[str, OtherColumn]
    currency: str | None = None  # the one the export writes its amounts in, when it says
    # How many values each field has in all (`fields` lists the VALUES_LISTED most common).
    distinct: dict[str, int] = field(default_factory=dict)
    # The export writes several currencies; `currency` is then the one most written.
    currency_mixed: bool = False


def lead_values(leads: pd.DataFrame, currency: str | None = None,
                outcome_column: str | None = None, currency_mixed: bool = False) -> LeadValues:
    """`outcome_column`: the mapping's outcome column (an export header), never a criterion."""
    every = {key: counted(leads[key]) for key, lead_field in FIELDS.items()
             if lead_field.kind == Kind.CATEGORY and key in leads.columns}
    # A column of placeholder words only ("Select", "--None--": a dropdown nobody filled in)
    # has no value to offer: the form offers the catalog's usual ones instead.
    every = {key: values for key, values in every.items()
             if any(fold_value(value) not in PLACEHOLDER_FOLDS for value, _ in values)}
    return LeadValues({key: tuple(values[:VALUES_LISTED]) for key, values in every.items()},
                      other_columns(leads, outcome_column=outcome_column), currency,
                      {key: len(values) for key, values in every.items()}, currency_mixed)


# Not criteria: the outcome, and the deal stage or "converted" flag it is read from, are known
# only after the lead arrived (as `workshop.hindsight.AFTER_THE_FACT` says); "existing
# customer" has its own question.
NOT_CRITERIA = frozenset({"outcome", "deal_stage", "converted", "is_customer"})


def other_columns(leads: pd.DataFrame, top: int = OTHER_VALUES_LISTED,
                  outcome_column: str | None = None) -> dict[str, OtherColumn]:
    internal = set(FIELDS) | set(DERIVED) | NOT_CRITERIA
    if outcome_column:
        internal |= {outcome_column, header_columns(leads).get(outcome_column, outcome_column)}
    columns: dict[str, OtherColumn] = {}
    for name in leads.columns:
        if not isinstance(name, str) or name in internal:
            continue
        column = leads[name]
        if pd.api.types.is_bool_dtype(column) or str(column.dtype) == "boolean":
            yes = int(column.eq(True).fillna(False).sum())
            no = int(column.eq(False).fillna(False).sum())
            columns[name] = OtherColumn(number=False, yes_no=(yes, no),
                                        blank=len(column) - yes - no)
            continue
        if pd.api.types.is_numeric_dtype(column):
            columns[name] = OtherColumn(number=True, yes_no=_ones_and_zeros(column),
                                        blank=int(column.isna().sum()))
            continue
        if pd.api.types.is_datetime64_any_dtype(column):
            columns[name] = OtherColumn(number=False, date=True)
            continue
        raw = _distinct_counts(column)
        counts = _counted(raw)
        repeats = len(counts) <= max(top, len(column) // 20)
        shown = counts[:top] if repeats else []
        known = ~fold(pd.Series(raw.index.astype("str"))).isin(PLACEHOLDER_FOLDS).to_numpy()
        columns[name] = OtherColumn(number=False, values=tuple(v for v, _ in shown),
                                    counts=tuple(n for _, n in shown),
                                    yes_no=_yes_no_words(raw, known),
                                    blank=len(column) - int(raw[known].sum()))
    return columns


def _ones_and_zeros(column: pd.Series) -> tuple[int, int] | None:
    """(ones, zeros) of a number column holding nothing but 1 and 0 (a ticked box); None for
    any other, and for one with no number at all."""
    present = column.dropna()
    distinct = pd.Series(pd.unique(present))
    if distinct.empty or not distinct.isin([0, 1]).all():
        return None
    ones = int((present > 0).sum())
    return ones, len(present) - ones


def _yes_no_words(raw: pd.Series, known: np.ndarray) -> tuple[int, int] | None:
    """(leads read as yes, as no) for a text column whose every known value is a yes/no word
    or 1/0, as "is yes" and "is no" read them; None otherwise. On the distinct values."""
    if not known.any():
        return None
    values = pd.Series(raw.index.astype("str"))
    yes, no = yes_no_words(values)
    numbers = pd.to_numeric(values.str.strip(), errors="coerce")
    plain = (yes | no) & (numbers.isna() | numbers.isin([0, 1])).to_numpy()  # not 2, 3...
    if not plain[known].all():
        return None
    return int(raw.to_numpy()[yes].sum()), int(raw.to_numpy()[no].sum())


def value_counts(column: pd.Series, top: int = VALUES_LISTED) -> list[tuple[str, int]]:
    """A text column's values with how many leads have each (see `counted`), the first `top`."""
    return counted(column)[:top]


def counted(column: pd.Series) -> list[tuple[str, int]]:
    """(value, leads) as the rules tell values apart: spellings a rule matches alike are one
    value, shown as its most common spelling; most common first, placeholder words last (a rule
    naming one matches it: "NA" may be North America, "None" a real answer)."""
    return _counted(_distinct_counts(column))


def _distinct_counts(column: pd.Series) -> pd.Series:
    """Each distinct value as written (the index, as text) with its leads."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        counts = column.value_counts(dropna=True)
        counts.index = counts.index.astype("str")
    else:
        counts = column.astype("str").value_counts(dropna=True)
    return counts[counts > 0]


def _counted(counts: pd.Series) -> list[tuple[str, int]]:
    several = counts.index.astype("str").str.contains(CHOICES, regex=False)
    if several.any():  # "Software;Retail" counts for Software and for Retail, as rules do
        cells = pd.DataFrame({"leads": counts.to_numpy(),
                              "choice": counts.index.astype("str").str.split(CHOICES)})
        cells = cells.explode("choice")
        cells["choice"] = cells["choice"].str.strip()
        cells = cells[cells["choice"].ne("") & cells["choice"].notna()]
        # a choice written twice in one cell ("CRM;crm") is still one lead's one choice
        cells = cells.assign(cell=cells.index, key=fold(cells["choice"]).to_numpy())
        cells = cells.drop_duplicates(["cell", "key"])
        counts = cells.groupby("choice", sort=False)["leads"].sum()
    counts = counts.sort_values(ascending=False, kind="stable")
    if counts.empty:
        return []
    spellings = pd.Series(counts.index.astype("str"))
    keys = fold(spellings).to_numpy()
    totals = pd.Series(counts.to_numpy(), index=keys).groupby(level=0, sort=False).sum()
    shown = pd.Series(spellings.to_numpy(), index=keys)
    shown = shown[~shown.index.duplicated()]  # the most common spelling of each
    ordered = sorted(zip(shown[totals.index].to_numpy(), totals.to_numpy(), totals.index,
                         strict=True),
                     key=lambda item: (item[2] in PLACEHOLDER_FOLDS, -item[1]))
    return [(str(value), int(count)) for value, count, _ in ordered]
