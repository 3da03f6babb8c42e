"""What the guided form offers from a company's own leads: each category's values with how many
leads have each, counted as the rules tell values apart.

'Computer Software', 'computer software' and 'COMPUTER_SOFTWARE' are one value to every rule
(`workshop.evaluate.fold`), so the form lists them once, under the most common spelling, with
the leads of all three; a lead whose cell holds several choices ("Software;Retail") counts for
each. The count next to a value is what a rule naming it selects.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workshop.catalog import FIELDS, Kind
from workshop.evaluate import CHOICES, PLACEHOLDER_FOLDS, fold
from workshop.leads import DERIVED


@dataclass(frozen=True)
class OtherColumn:
    """A column beyond the catalog that a criterion can use: a number, a date or text, and for
    text its most common values with how many leads have each (none when it hardly repeats,
    like names or IDs)."""

    number: bool
    values: tuple[str, ...] = ()
    counts: tuple[int, ...] = ()
    date: bool = False


OTHER_VALUES_LISTED = 30  # an other column's most common values offered (and known) by the form
VALUES_LISTED = 200  # a catalog field's


@dataclass(frozen=True)
class LeadValues:
    """What the guided form offers from a company's own leads: each catalog category field's
    values with how many leads have each, and the columns beyond the catalog."""

    fields: dict[str, tuple[tuple[str, int], ...]]
    columns: dict[str, OtherColumn]
    currency: str | None = None  # the one the export writes its amounts in, when it says


def lead_values(leads: pd.DataFrame, currency: str | None = None) -> LeadValues:
    fields = {key: tuple(value_counts(leads[key])) for key, lead_field in FIELDS.items()
              if lead_field.kind == Kind.CATEGORY and key in leads.columns}
    return LeadValues({k: v for k, v in fields.items() if v}, other_columns(leads), currency)


def other_columns(leads: pd.DataFrame, top: int = OTHER_VALUES_LISTED) -> dict[str, OtherColumn]:
    internal = set(FIELDS) | set(DERIVED) | {"outcome", "is_customer"}
    columns: dict[str, OtherColumn] = {}
    for name in leads.columns:
        if not isinstance(name, str) or name in internal:
            continue
        column = leads[name]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            columns[name] = OtherColumn(number=True)
            continue
        if pd.api.types.is_datetime64_any_dtype(column):
            columns[name] = OtherColumn(number=False, date=True)
            continue
        counts = counted(column)
        repeats = len(counts) <= max(top, len(column) // 20)
        shown = counts[:top] if repeats else []
        columns[name] = OtherColumn(number=False, values=tuple(v for v, _ in shown),
                                    counts=tuple(n for _, n in shown))
    return columns


def value_counts(column: pd.Series, top: int = VALUES_LISTED) -> list[tuple[str, int]]:
    """A text column's values with how many leads have each (see `counted`), the first `top`."""
    return counted(column)[:top]


def counted(column: pd.Series) -> list[tuple[str, int]]:
    """(value, leads) as the rules tell values apart: spellings a rule matches alike are one
    value, shown as its most common spelling; most common first, placeholder words last (a rule
    may name them, but they say nothing about the lead)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        counts = column.value_counts(dropna=True)
        counts.index = counts.index.astype("str")
    else:
        counts = column.astype("str").value_counts(dropna=True)
    counts = counts[counts > 0]
    several = counts.index.astype("str").str.contains(CHOICES, regex=False)
    if several.any():  # "Software;Retail" counts for Software and for Retail, as rules do
        choices = pd.Series(counts.index.astype("str"), index=counts.to_numpy())
        choices = choices.str.split(CHOICES).explode().str.strip()
        choices = choices[choices.ne("") & choices.notna()]
        counts = pd.Series(choices.index.to_numpy(), index=choices.to_numpy()).groupby(
            level=0, sort=False).sum()
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
