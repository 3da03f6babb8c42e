"""Each operator of a criterion, defined once: its name, what it takes (values, bounds or
nothing), how it reads in plain language, how the points table writes it, what it matches in
pandas (on a text column's distinct values, a number column, a date column) and in SQL (DuckDB
and PostgreSQL alike).

Every renderer looks an operator up here (`OPERATORS`, `operator`); a definition naming one
that is not here is refused when it is read. The renderers pass what they know of a column as
a *side* (`workshop.evaluate` for pandas, `workshop.sql.SqlWriter` for SQL): the folding of
values, placeholder words and yes/no readings stay theirs, the meaning of each operator is
here. See the README's recipe "How to add an operator".
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
import pandas as pd

from workshop.money import MONEY_MARKS, amount_text
from workshop.text import isolated

if TYPE_CHECKING:
    from workshop.definition import Criterion

Takes = Literal["values", "range", "days", "nothing"]

# The one list of yes/no words: the import reads them, the masks and the SQL match them. A
# workbook re-saved by a German, French, Spanish, Italian, Portuguese or Dutch Excel writes its
# TRUE/FALSE as WAHR/FALSCH, VRAI/FAUX, VERDADERO/FALSO, VERO/FALSO, VERDADEIRO/FALSO, WAAR/ONWAAR.
# PostgreSQL exports a boolean as t/f; monday.com ticks a checkbox with a "v"; trackers and
# sheets tick with a bullet or an emoji.
TRUE_WORDS = ("true", "yes", "y", "1", "checked", "x", "v", "on", "t",
              "wahr", "vrai", "verdadero", "vero", "verdadeiro", "waar",
              "ja", "oui", "sí", "si", "sim", "✓", "✔", "✔️", "☑", "☑️", "✅", "●")
FALSE_WORDS = ("false", "no", "n", "0", "unchecked", "off", "f",
               "falsch", "faux", "falso", "onwaar",
               "nein", "non", "nee", "não", "nao", "✗", "✘", "☒", "❌", "✖", "✖️")


class TextSide(Protocol):
    """A text column's distinct values, as `workshop.evaluate` reads them (one entry each)."""

    unknown: np.ndarray  # missing or a placeholder word

    def named(self, values: list[str]) -> np.ndarray: ...
    def contains(self, words: list[str]) -> np.ndarray: ...
    def numbers(self) -> pd.Series: ...
    def truth(self) -> tuple[np.ndarray, np.ndarray]: ...  # (is a yes, is a no)


class ColumnSide(Protocol):
    """A number or date column, per lead."""

    known: np.ndarray  # a value is present

    def named(self, values: list[str]) -> np.ndarray: ...
    def contains(self, words: list[str]) -> np.ndarray: ...
    def numbers(self) -> pd.Series | None: ...  # None: not numbers (dates)
    def truth(self) -> tuple[np.ndarray, np.ndarray]: ...
    def days_before_latest(self) -> pd.Series | None: ...  # dates only: 0 on the latest day


class SqlSide(Protocol):
    """One column in SQL; every expression is TRUE, FALSE or NULL (the caller COALESCEs)."""

    kind: str  # "text", "number", "date" or "boolean"

    def named(self, values: list[str]) -> str: ...
    def not_named(self, values: list[str]) -> str: ...
    def contains(self, words: list[str]) -> str: ...
    def number(self) -> str | None: ...  # the column as a number (None: dates)
    def truth(self) -> str: ...
    def unknown(self) -> str: ...  # missing, blank or a placeholder word
    def days_before_latest(self) -> str | None: ...  # dates only: 0 on the latest day


@dataclass(frozen=True)
class Operator:
    """One operator: the defaults read values; subclasses say what differs."""

    name: str
    label: str  # as the form offers it
    takes: Takes
    uses_low: bool = False
    uses_high: bool = False
    matches_missing: bool = False  # what a lead with no value at all gets (text columns)

    def sentence(self, subject: str, criterion: Criterion, unit: str) -> str:
        raise NotImplementedError

    def points_cell(self, criterion: Criterion) -> str:
        """How the points table writes the condition: 'in: Software | Retail'."""
        if self.takes == "values":
            return f"{self.name}: " + " | ".join(criterion.values)
        return self.name

    def short(self, criterion: Criterion) -> str:
        """The condition in a word or two, without its subject, for drafts side by side
        ('yes', 'given', 'last 90 days'); operators that take values or bounds are compared
        by those instead."""
        raise NotImplementedError

    def text(self, side: TextSide, criterion: Criterion) -> np.ndarray:
        """Per distinct value of a text column."""
        raise NotImplementedError

    def column(self, side: ColumnSide, criterion: Criterion) -> np.ndarray:
        """Per lead of a number or date column."""
        raise NotImplementedError

    def sql(self, side: SqlSide, criterion: Criterion) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class OneOf(Operator):
    def sentence(self, subject, criterion, unit):
        return f"{subject} is {join_or(criterion.values)}"

    def text(self, side, criterion):  # a placeholder matches only when named
        return side.named(criterion.values)

    def column(self, side, criterion):
        return side.named(criterion.values) & side.known

    def sql(self, side, criterion):
        if side.kind == "boolean":
            return truth_named(side.truth(), *named_truths(criterion.values))
        return side.named(criterion.values)


@dataclass(frozen=True)
class NoneOf(Operator):
    def sentence(self, subject, criterion, unit):
        if len(criterion.values) == 1:
            return f"{subject} is not {criterion.values[0]}"
        return f"{subject} is none of {', '.join(criterion.values)}"

    def text(self, side, criterion):  # unknown is never "not one of"
        return ~side.named(criterion.values) & ~side.unknown

    def column(self, side, criterion):
        return ~side.named(criterion.values) & side.known

    def sql(self, side, criterion):
        if side.kind == "boolean":  # the known values the rule does not name
            yes, no = named_truths(criterion.values)
            return truth_named(side.truth(), not yes, not no)
        return side.not_named(criterion.values)


@dataclass(frozen=True)
class ContainsAny(Operator):
    def sentence(self, subject, criterion, unit):
        return f"{subject} contains {join_or([f'“{v}”' for v in criterion.values])}"

    def text(self, side, criterion):  # a placeholder is searched only when named
        return (side.contains(criterion.values) & ~side.unknown) | \
            (side.named(criterion.values) & side.unknown)

    def column(self, side, criterion):
        return side.contains(criterion.values) & side.known

    def sql(self, side, criterion):
        if side.kind == "text":
            return (f"CASE WHEN {side.unknown()} THEN {side.named(criterion.values)} "
                    f"ELSE {side.contains(criterion.values)} END")
        return side.contains(criterion.values)


def exact(number: float) -> str:
    """A bound as RevOps types it into a CRM: every digit, no exponent (9999999, not 1e+07)."""
    return np.format_float_positional(float(number), trim="-")


@dataclass(frozen=True)
class InRange(Operator):
    """Between, at least, at most: a number within the bounds the operator uses."""

    def sentence(self, subject, criterion, unit):
        low, high = criterion.lower, criterion.upper
        if low is not None and high is not None:
            return (f"{subject} is between {format_amount(low, unit, bare=True)} "
                    f"and {format_amount(high, unit)}")
        if low is not None:
            return f"{subject} is at least {format_amount(low, unit)}"
        return f"{subject} is at most {format_amount(high, unit)}"

    def points_cell(self, criterion):
        low, high = criterion.lower, criterion.upper
        if low is not None and high is not None:
            return f"{self.name}: {exact(low)} and {exact(high)}"
        return f"{self.name}: {exact(low if low is not None else high)}"

    def text(self, side, criterion):
        return in_range(side.numbers(), criterion)

    def column(self, side, criterion):
        numbers = side.numbers()
        if numbers is None:  # a date is never a number
            return np.zeros(len(side.known), dtype=bool)
        return in_range(numbers, criterion)

    def sql(self, side, criterion):
        number = side.number()
        if number is None:
            return "FALSE"
        parts = [f"{number} IS NOT NULL"]
        if criterion.lower is not None:
            parts.append(f"{number} >= {number_literal(criterion.lower)}")
        if criterion.upper is not None:
            parts.append(f"{number} <= {number_literal(criterion.upper)}")
        return " AND ".join(parts)


@dataclass(frozen=True)
class Truth(Operator):
    """Yes or no: a yes/no word, a number above zero, a date present."""

    wanted: bool = True

    def sentence(self, subject, criterion, unit):
        return f"{subject}: {self.short(criterion)}"

    def short(self, criterion):
        return "yes" if self.wanted else "no"

    def text(self, side, criterion):
        yes, no = side.truth()
        return yes if self.wanted else no

    def column(self, side, criterion):
        yes, no = side.truth()
        return yes if self.wanted else no

    def sql(self, side, criterion):
        return side.truth() if self.wanted else f"NOT ({side.truth()})"


@dataclass(frozen=True)
class Provided(Operator):
    """Given or blank: blank is missing, empty or a placeholder word ("n/a", "Select")."""

    given: bool = True

    def sentence(self, subject, criterion, unit):
        return f"{subject} is {self.short(criterion)}"

    def short(self, criterion):
        return "given" if self.given else "blank"

    def text(self, side, criterion):
        return ~side.unknown if self.given else side.unknown

    def column(self, side, criterion):
        return side.known if self.given else ~side.known

    def sql(self, side, criterion):
        return f"NOT {side.unknown()}" if self.given else side.unknown()


@dataclass(frozen=True)
class WithinLast(Operator):
    """A date within the last N days of the column's own latest date, inclusive: measured
    back from the export, not from today, so a months-old export gives the same answer
    tomorrow. Only a date column has dates; any other matches nothing."""

    def sentence(self, subject, criterion, unit):
        days = criterion.days
        return f"{subject} is within the last {days:,} day{'' if days == 1 else 's'} of the export"

    def points_cell(self, criterion):
        return f"{self.name}: {criterion.days} days"

    def short(self, criterion):
        days = criterion.days
        return f"last {days:,} day{'' if days == 1 else 's'}"

    def text(self, side, criterion):
        return np.zeros(len(side.unknown), dtype=bool)

    def column(self, side, criterion):
        before = side.days_before_latest()
        if before is None:
            return np.zeros(len(side.known), dtype=bool)
        return (before <= criterion.days).fillna(False).to_numpy(dtype=bool)

    def sql(self, side, criterion):
        before = side.days_before_latest()
        return "FALSE" if before is None else f"{before} <= {int(criterion.days)}"


def named_truths(values: Iterable[str]) -> tuple[bool, bool]:
    """Whether values a rule names on a yes/no column name yes, and no: the form offers such a
    column's values as "True" / "False", and a rule may say "Yes", "Ja" or 1 as the import
    reads them (`TRUE_WORDS`, `FALSE_WORDS`, and the numbers 1 and 0)."""
    words = {str(v).strip().casefold() for v in values}
    numbers = {n for n in pd.to_numeric(pd.Series(sorted(words), dtype="object"),
                                        errors="coerce").dropna()}
    return (bool(words & set(TRUE_WORDS)) or 1 in numbers,
            bool(words & set(FALSE_WORDS)) or 0 in numbers)


def truth_named(truth: str, yes: bool, no: bool) -> str:
    """SQL: the yes/no reading `truth` is one the rule names (NULL where it is unknown)."""
    if yes and no:
        return f"({truth}) IS NOT NULL"
    if yes:
        return f"({truth})"
    return f"NOT ({truth})" if no else "FALSE"


def in_range(numbers: pd.Series, criterion: Criterion) -> np.ndarray:
    hit = numbers.notna()
    if criterion.lower is not None:
        hit &= numbers >= criterion.lower
    if criterion.upper is not None:
        hit &= numbers <= criterion.upper
    return hit.fillna(False).to_numpy(dtype=bool)


def number_literal(value: float) -> str:
    """A number as SQL reads it in DuckDB and PostgreSQL alike."""
    if not math.isfinite(value):
        raise ValueError("Only ordinary numbers can be written into SQL.")
    return repr(float(value))


OPERATORS: dict[str, Operator] = {op.name: op for op in (
    OneOf("in", "is one of", "values"),
    NoneOf("not_in", "is not one of", "values"),
    ContainsAny("contains_any", "contains", "values"),
    InRange("at_least", "is at least", "range", uses_low=True),
    InRange("at_most", "is at most", "range", uses_high=True),
    InRange("between", "is between", "range", uses_low=True, uses_high=True),
    Truth("is_true", "is yes (or has a date)", "nothing", wanted=True),
    Truth("is_false", "is no (or has no date)", "nothing", wanted=False),
    Provided("is_known", "is given (not blank)", "nothing", given=True),
    Provided("is_blank", "is blank (missing or a placeholder)", "nothing",
             matches_missing=True, given=False),
    WithinLast("within_last", "is within the last … days of the export", "days"),
)}
# The operators by what they take, in the order the form offers them.
VALUE_OPS = tuple(name for name, op in OPERATORS.items() if op.takes == "values")
RANGE_OPS = tuple(name for name, op in OPERATORS.items() if op.takes == "range")
BOOL_OPS = tuple(name for name, op in OPERATORS.items() if op.takes == "nothing")


def operator(name: str) -> Operator:
    """The operator called `name`; an unknown one is refused in a sentence."""
    try:
        return OPERATORS[name]
    except KeyError:
        known = ", ".join(OPERATORS)
        raise ValueError(f"There is no operator {name!r}; the operators are {known}.") \
            from None


# --- wording -------------------------------------------------------------------------------------

def join_or(items: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'; right-to-left items isolated (`isolated`)."""
    items = [isolated(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def format_amount(value: float | None, unit: str = "", bare: bool = False) -> str:
    """1500000 with unit '$' -> '$1.5M' (or a currency's mark, '€1.5M', see `workshop.money`);
    1000 with unit 'employees' -> '1,000 employees'.

    `bare` leaves out a trailing unit word, for the first half of "between 50 and 1,000 employees".
    """
    if value is None:
        return "any"
    if unit in MONEY_MARKS:
        return amount_text(value, unit)
    # Every decimal the bound has, up to four: "at least 60.25", never "60.2", which would say
    # that 60.21 qualifies.
    number = f"{value:,.0f}" if float(value).is_integer() \
        else f"{value:,.4f}".rstrip("0").rstrip(".")
    return number if bare or not unit else f"{number} {unit}"
