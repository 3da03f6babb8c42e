"""Run a definition over a leads table: stage (not qualified / MQL / SQL), points and reasons.

Everything is vectorised over pandas columns. A missing value never passes a must-have and never
triggers a disqualifier: unknown is not evidence.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from workshop import per_table
from workshop.catalog import FIELDS, KINDS, Kind
from workshop.column_types import PLACEHOLDERS
from workshop.definition import Criterion, Definition
from workshop.distinct import Distinct, arrow_text
from workshop.leads import CHOICES, canonical_category, header_columns
from workshop.mapping import holds_field_values, normalise_header, usual_key
from workshop.operators import FALSE_WORDS, RANGE_OPS, TRUE_WORDS, named_truths, operator

NOT_QUALIFIED, MQL, SQL = "Not qualified", "MQL", "SQL"
STAGES = (NOT_QUALIFIED, MQL, SQL)  # in order: a lead's stage is its index here


class MissingColumn(KeyError):
    """A criterion names a column the leads table does not have."""


def fold(text: pd.Series) -> pd.Series:
    """How values compare for 'is one of': case ignored, spaces, `_` and `-` left out, and '&'
    read as 'and' ('organic_search' == 'Organic Search' == 'ORGANIC-SEARCH'; 'IT & Services'
    == 'IT and Services'); a grade keeps its '-' (see `GRADE`)."""
    folded = casefolded(text)
    if _holds(folded, "&"):
        folded = _replaced(folded, "&", "and")
    joined = _replaced(folded, SEPARATORS, "")
    if not _holds(folded, "-"):
        return joined
    grades = _grades(folded)
    if not grades.any():
        return joined
    return joined.where(~grades, folded.str.strip(" "))


# A grade ("A-", "B-", a rating's "BBB-"): a few letters and a '-' that is part of it, as its
# '+' is ("A+", "A" and "A-" are three grades), never a separator to leave out.
GRADE = "[a-z]{1,3}-"
_GRADE_CELL = f"^ *{GRADE} *$"


def _grades(folded: pd.Series) -> np.ndarray:
    """Where a casefolded value is a grade (`GRADE`), spaces around it aside."""
    arrow = arrow_text(folded)
    if arrow is None:
        return folded.str.fullmatch(_GRADE_CELL).fillna(False).to_numpy(bool)
    found = pc.match_substring_regex(arrow, _GRADE_CELL)
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


def _holds(text: pd.Series, character: str) -> bool:
    """Whether some value holds `character` (a look costs less than replacing)."""
    arrow = arrow_text(text)
    if arrow is None:
        return bool(text.str.contains(character, regex=False).any())
    return bool(pc.any(pc.match_substring(arrow, character)).as_py())


def casefold(value: str) -> str:
    """`str.casefold()`, but the Turkish capital "İ" as the plain "i" the databases' lower()
    gives, not "i" with a combining dot: the rules SQL meets "İnşaat" as "inşaat", and
    so does "inşaat" typed in lower case."""
    return value.casefold().replace(_DOTTED_I, "i")


_DOTTED_I = "i\u0307"  # what casefold() makes of "İ"


def fold_value(value: str) -> str:
    folded = casefold(str(value)).replace("&", "and")
    if re.fullmatch(_GRADE_CELL, folded):
        return folded.strip(" ")
    return re.sub(_SEPARATORS, "", folded)


def named_folds(values: Iterable[str], column: object, kinds: bool = True) -> set[str]:
    """The folded values a rule naming `values` on `column` matches: the values themselves and,
    on a catalog category column, the option the import reads each as ('USA' is 'United
    States', as an export's 'USA' was imported as 'United States') and, unless not `kinds`,
    the kinds of that option a CRM keeps apart ('Referral' takes 'Word of mouth' in)."""
    field = FIELDS.get(column) if isinstance(column, str) else None
    options = field.options if field is not None and field.kind == Kind.CATEGORY else ()
    return set(_named_folds(tuple(str(value) for value in values), options, kinds))


@lru_cache(maxsize=4096)
def _named_folds(values: tuple[str, ...], options: tuple[str, ...],
                 kinds: bool) -> frozenset[str]:
    """`named_folds`, once per rule's values: a definition is evaluated again on every edit."""
    wanted = {fold_value(value) for value in values}
    if values and options:
        read = canonical_category(pd.Series(values, dtype="str"), options).dropna()
        wanted |= {fold_value(value) for value in read}
        if kinds:
            wanted |= {fold_value(kind) for option in set(read)
                       for kind in KINDS.get(option, ())}
    return frozenset(wanted)


def value_key(value: str, column: object) -> str:
    """One value as rules compare it: the option it names on a catalog category ('USA' and
    'united_states' are 'unitedstates'), else its fold; two values with one key are one (a
    kind of an option is not the option: 'Word of mouth' is not 'Referral')."""
    folds = named_folds([value], column, kinds=False) - {fold_value(value)}
    return min(folds) if folds else fold_value(value)


def fold_words(text: pd.Series) -> pd.Series:
    """How text is searched for 'contains': case ignored, `_` and `-` read as spaces
    ('Vice-President' contains 'vice president'; word boundaries are kept)."""
    return _replaced(casefolded(text), JOINERS, " ")


def fold_word(value: str) -> str:
    return re.sub(_JOINERS, " ", casefold(str(value)))


def _replaced(text: pd.Series, characters: str, by: str) -> pd.Series:
    """Each of `characters` replaced by `by`: one literal pass per character in Arrow (twice
    a regular expression's speed), pandas for text not in Arrow."""
    arrow = arrow_text(text)
    if arrow is None:
        return text.str.replace("[" + re.escape(characters) + "]", by, regex=True)
    for character in characters:
        arrow = pc.replace_substring(arrow, character, by)
    return pd.Series(arrow.to_pandas().array, index=text.index, name=text.name)


def casefolded(text: pd.Series) -> pd.Series:
    """Each value's `casefold`, as text: in Arrow for the ASCII values (nearly all; for
    them casefolding is lowering) and in Python only for the others."""
    text = text.astype("str")
    arrow = arrow_text(text)
    if arrow is None:
        return text.str.casefold().str.replace(_DOTTED_I, "i", regex=False)
    result = pd.Series(pc.ascii_lower(arrow).to_pandas().array, index=text.index,
                       name=text.name)
    other = pc.invert(pc.fill_null(pc.string_is_ascii(arrow), True))
    if pc.any(other).as_py():
        positions = np.flatnonzero(other.to_numpy(zero_copy_only=False))
        result.iloc[positions] = [casefold(value) for value in text.iloc[positions]]
    return result


# The SQL does the same with replace() over these characters (see workshop.sql).
SEPARATORS = " _-"
JOINERS = "_-"
_SEPARATORS = "[" + re.escape(SEPARATORS) + "]"
_JOINERS = "[" + re.escape(JOINERS) + "]"


# Placeholder words as folded ("--None--" -> "none", "-" -> ""): unknown, unless named.
PLACEHOLDER_FOLDS = frozenset({fold_value(word) for word in PLACEHOLDERS})


def unknown(column: pd.Series) -> pd.Series:
    """True where a value says nothing: missing, blank, or a placeholder word."""
    text = column.astype("string")
    return (text.isna() | fold(text).isin(PLACEHOLDER_FOLDS)).fillna(True).astype(bool)


def resolve(leads: pd.DataFrame, field: str) -> str | None:
    """The leads column a criterion's field names, or None.

    A criterion may name a column as the leads table has it, as the export's own header (its
    "Country" column, mapped onto the catalog's `country`), or as the catalog field the
    export's column would map to (`industry` for a "Sector" column left unmapped); case,
    spaces and punctuation do not matter. So a criterion keeps working when the mapping
    changes."""
    if field in leads.columns:
        return field
    headers = header_columns(leads)
    if headers.get(field) in leads.columns:
        return headers[field]
    form = normalise_header(field)
    if not form:
        return None
    for column in leads.columns:
        if isinstance(column, str) and normalise_header(column) == form:
            return column
    for header, column in headers.items():
        if normalise_header(header) == form and column in leads.columns:
            return column
    if field in FIELDS:
        for column in leads.columns:
            if isinstance(column, str) and usual_key(column) == field \
                    and _holds_field_values(leads, column, field):
                return column
    return None


def _holds_field_values(leads: pd.DataFrame, column: str, field: str) -> bool:
    """An unmapped column is a field's only when its values can be read as the field's: the
    import left a "Title" of deal names unmapped, and a job title rule must not read them."""
    return per_table.derived(leads, ("holds field values", column, field),
                             lambda: holds_field_values(leads[column], column, field))


def export_headers(leads: pd.DataFrame, definition: Definition) -> dict[str, str]:
    """Each field the definition names -> the export's own header of the column it uses, so
    the SQL a RevOps team runs on the CRM's table reads the same columns as the app."""
    header_of = {column: header for header, column in header_columns(leads).items()}
    names = {}
    for field in [c.field for c in definition.criteria] + [a.field for a in definition.actions]:
        column = resolve(leads, field)
        if column is not None and column in header_of:
            names[field] = header_of[column]
    return names


def _column(leads: pd.DataFrame, field: str) -> pd.Series:
    name = resolve(leads, field)
    if name is None:
        raise MissingColumn(field)
    return leads[name]


class _TextValues:
    """A text column's distinct values, folded once, so text rules run once per distinct value
    (a few hundred) instead of once per lead (a million), then spread back to the leads."""

    def __init__(self, column: pd.Series):
        if isinstance(column.dtype, pd.CategoricalDtype):
            self.codes = column.array.codes  # a view: `.cat.codes` would copy them
            values = pd.Series(column.cat.categories.astype("str"))
            self.distinct = None
        else:
            self.distinct = Distinct.of(column, repeats_below=1.0)
            values = self.distinct.values.astype("str")  # in Arrow: no object per value
        self.values = values.reset_index(drop=True)
        self.folded = fold(self.values).reset_index(drop=True)
        self._searched: pd.Series | None = None
        self._choices: pd.Series | None = None  # the choices of multiple-choice cells
        present = self.values.notna().to_numpy(dtype=bool)
        self.unknown = ~present | self.folded.isin(PLACEHOLDER_FOLDS).fillna(True) \
            .to_numpy(dtype=bool)
        self.name = column.name

    def named(self, values: list[str]) -> np.ndarray:
        wanted = named_folds(values, self.name)
        hit = self.folded.isin(wanted).fillna(False).to_numpy(dtype=bool, copy=True)
        choices = self.choices()
        if len(choices):  # "Software;Retail": one of its choices named is enough
            named = choices.map(lambda cell: not wanted.isdisjoint(cell))
            hit[named.index[named.to_numpy(dtype=bool)]] = True
        return hit

    def choices(self) -> pd.Series:
        """The folded choices of each multiple-choice value, by its position; found once."""
        if self._choices is None:
            self._choices = pd.Series([], dtype=object)
            if _holds(self.folded, CHOICES):
                several = self.folded.str.contains(CHOICES, regex=False).fillna(False)
                self._choices = self.folded[several].str.split(CHOICES)
        return self._choices

    def contains(self, words: list[str]) -> np.ndarray:
        if self._searched is None:  # shared by every search of the column
            self._searched = fold_words(self.values)
        searched = self._searched
        hit = np.zeros(len(self.folded), dtype=bool)
        for word in {fold_word(v) for v in words} - {""}:
            hit |= searched.str.contains(word, regex=False).fillna(False).to_numpy(dtype=bool)
        return hit

    def numbers(self) -> pd.Series:
        return pd.to_numeric(self.values.str.strip(), errors="coerce")

    def truth(self) -> tuple[np.ndarray, np.ndarray]:
        return _truth_words(self)

    def spread(self, hit_per_value: np.ndarray, missing: bool = False) -> pd.Series:
        """Per lead; a lead with no value at all gets `missing`."""
        hit = np.asarray(hit_per_value, dtype=bool)
        if self.distinct is None:
            return pd.Series(np.append(hit, missing)[self.codes])
        return self.distinct.spread_array(hit, missing)


def _distinct(leads: pd.DataFrame, name: str) -> _TextValues:
    """The column's distinct values, worked out once per leads table (`workshop.per_table`)."""
    return per_table.derived(leads, ("distinct", name), lambda: _TextValues(leads[name]))


def _is_number(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def holds_choices(leads: pd.DataFrame | None, field: str) -> bool:
    """Whether a cell of the field's text column names several choices ("Software;Retail"):
    there 'is one of' and 'is not one of' are not each other's opposite, and what several
    rules accept together may take more than one rule (`workshop.merge`). Found on the
    column's distinct values, once per leads table."""
    name = None if leads is None else resolve(leads, field)
    if name is None:
        return False
    column = leads[name]
    if pd.api.types.is_datetime64_any_dtype(column) or _is_number(column) \
            or pd.api.types.is_bool_dtype(column) or str(column.dtype) == "boolean":
        return False
    return bool(len(_distinct(leads, name).choices()))


def criterion_mask(leads: pd.DataFrame, criterion: Criterion) -> pd.Series:
    """True where the lead meets the criterion's condition; False where not or unknown.

    Unknown is a missing value or a placeholder word ("Select", "unknown"); a placeholder
    is matched only by a criterion that names it. A text column's distinct values are worked
    out once per table and shared by every criterion on it. What each operator means is
    `workshop.operators`'."""
    name = resolve(leads, criterion.field)
    if name is None:
        raise MissingColumn(criterion.field)
    column = leads[name]
    meaning = operator(criterion.op)
    if pd.api.types.is_datetime64_any_dtype(column):
        mask = meaning.column(_DateColumn(column), criterion)
    elif _is_number(column) or pd.api.types.is_bool_dtype(column) \
            or str(column.dtype) == "boolean":
        mask = meaning.column(_NumberColumn(column), criterion)
    else:
        text = _distinct(leads, name)
        mask = text.spread(meaning.text(text, criterion), meaning.matches_missing)
    return pd.Series(np.asarray(mask, dtype=bool), index=leads.index, copy=False)


class _NumberColumn:
    """A number (or yes/no) column per lead, as the operators read it."""

    def __init__(self, column: pd.Series):
        self.column = column
        self.known = column.notna().to_numpy(dtype=bool)

    def named(self, values: list[str]) -> np.ndarray:
        if not _is_number(self.column):  # yes/no: "True", "Yes", "Ja" name the yes, as in SQL
            yes, no = named_truths(values)
            is_yes, is_no = self.truth()
            return (is_yes & yes) | (is_no & no)
        numbers = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").dropna()
        return self.column.isin(numbers.tolist()).fillna(False).to_numpy(dtype=bool)

    def contains(self, words: list[str]) -> np.ndarray:
        text = pd.Series(self.column.astype("string").to_numpy(dtype=object, na_value=None))
        return (text.str.casefold().str.contains(
            "|".join(re.escape(v.casefold()) for v in words), regex=True)
            .fillna(False).to_numpy(dtype=bool))

    def numbers(self) -> pd.Series:
        return pd.to_numeric(self.column, errors="coerce")

    def days_before_latest(self) -> None:
        return None

    def truth(self) -> tuple[np.ndarray, np.ndarray]:
        if self.column.dtype == bool:  # as it is: no nullable copies of a million values
            yes = self.column.to_numpy()
            return yes, ~yes
        truth = _as_bool(self.column)
        return ((truth == True).fillna(False).to_numpy(dtype=bool),  # noqa: E712
                (truth == False).fillna(False).to_numpy(dtype=bool))  # noqa: E712


class _DateColumn:
    """A date column per lead: yes when a date is present (a conversion action done, say);
    its values as ISO dates for 'is one of'; never a number."""

    def __init__(self, column: pd.Series):
        self.column = column
        self.known = column.notna().to_numpy(dtype=bool)

    def _days(self) -> pd.Series:
        return self.column.dt.strftime("%Y-%m-%d")

    def named(self, values: list[str]) -> np.ndarray:
        wanted = {v.strip() for v in values}
        return self._days().isin(wanted).fillna(False).to_numpy(dtype=bool)

    def contains(self, words: list[str]) -> np.ndarray:
        wanted = [re.escape(w.strip()) for w in words if w.strip()]
        if not wanted:
            return np.zeros(len(self.column), dtype=bool)
        return self._days().str.contains("|".join(wanted), regex=True) \
            .fillna(False).to_numpy(dtype=bool)

    def numbers(self) -> None:
        return None

    def days_before_latest(self) -> pd.Series:
        """Whole days each lead's date lies before the column's own latest date (so a months-old
        export gives the same answer tomorrow); missing where there is no date."""
        days = self.column.dt.normalize()
        return (days.max() - days).dt.days

    def truth(self) -> tuple[np.ndarray, np.ndarray]:
        return self.known, ~self.known


def _as_bool(column: pd.Series) -> pd.Series:
    """A yes/no reading: booleans, numbers above zero, a date present, yes/no words (the same
    words the import reads); anything else unknown."""
    if column.dtype == bool or str(column.dtype) == "boolean":
        return column.astype("boolean")
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.notna().astype("boolean")
    if _is_number(column):
        return (column > 0).astype("boolean").where(column.notna(), pd.NA)
    text = _TextValues(column)
    yes, no = (text.spread(hits) for hits in _truth_words(text))
    return pd.Series(np.where(yes, True, np.where(no, False, None)), index=column.index,
                     dtype="boolean")


def _truth_words(text: _TextValues) -> tuple[np.ndarray, np.ndarray]:
    return yes_no_words(text.values)


def yes_no_words(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per text value: is it a yes (a yes word, a number above zero), is it a no (a no word,
    zero)? The import's word lists; what "is yes" and "is no" match."""
    words = values.astype("str").str.strip().str.casefold()
    numbers = pd.to_numeric(words, errors="coerce")
    yes = words.isin(TRUE_WORDS).fillna(False) | (numbers > 0).fillna(False)
    no = words.isin(FALSE_WORDS).fillna(False) | (numbers <= 0).fillna(False)
    return yes.to_numpy(dtype=bool), (no & ~yes).to_numpy(dtype=bool)


def action_done(leads: pd.DataFrame, field: str) -> pd.Series:
    """A conversion action counts once the lead did it: a count above zero, a yes, or a date
    present (a 'demo booked at' column)."""
    return (_as_bool(_column(leads, field)) == True).fillna(False).astype(bool)  # noqa: E712


@dataclass
class Evaluation:
    """Per-lead outcome of one definition; `frame` has stage, points and the gate columns."""

    frame: pd.DataFrame

    @property
    def stage(self) -> pd.Series:
        return self.frame["stage"]

    def count(self, stage: str) -> int:
        """Leads at this stage or beyond (an SQL is also an MQL)."""
        if stage == MQL:
            return int(self.frame["is_mql"].sum())
        if stage == SQL:
            return int(self.frame["is_sql"].sum())
        return int((self.frame["stage"] == NOT_QUALIFIED).sum())

    def summary(self) -> dict[str, float]:
        total = len(self.frame)
        mql, sql = self.count(MQL), self.count(SQL)
        return {
            "leads": total,
            "mql": mql,
            "sql": sql,
            "mql_share": mql / total if total else 0.0,
            "sql_share": sql / total if total else 0.0,
            "disqualified": int(self.frame["disqualified"].sum()),
        }


def condition_key(criterion: Criterion) -> tuple:
    """What a criterion's mask depends on: its field and condition (every value an operator
    may take), not its role or points."""
    return (criterion.field, criterion.op, tuple(criterion.values), criterion.low,
            criterion.high, criterion.days)


def kept_mask(leads: pd.DataFrame, criterion: Criterion, masks=None) -> np.ndarray:
    """`criterion_mask` as a NumPy array, kept with the table (or in `masks`) by its
    condition, so every panel asking for the same condition on the same leads shares one."""
    kept = masks if masks is not None else per_table.masks(leads)
    key = condition_key(criterion)
    found = kept.get(key)
    if found is None:
        found = criterion_mask(leads, criterion)
        kept[key] = found
    return np.asarray(found, dtype=bool)


# From this many leads on, the conditions not worked out yet are worked out on every core.
PARALLEL_ROWS = 50_000


def _work_out(leads: pd.DataFrame, criteria: list[Criterion], kept) -> None:
    """Keep the masks of `criteria` not kept yet, worked out on every core: the work is NumPy
    and Arrow, which free the GIL. Conditions on one column go to one worker, so its distinct
    values are worked out once."""
    missing: dict[tuple, Criterion] = {}
    for criterion in criteria:
        key = condition_key(criterion)
        if key not in missing and kept.get(key) is None:
            missing[key] = criterion
    if (os.cpu_count() or 1) < 2 or len(missing) < 2 or len(leads) < PARALLEL_ROWS:
        return  # `kept_mask` works each out as it is asked for
    by_column: dict[str, list[tuple[tuple, Criterion]]] = {}
    for key, criterion in missing.items():
        column = resolve(leads, criterion.field)
        if column is not None:  # else `kept_mask` says which column is missing, as ever
            by_column.setdefault(column, []).append((key, criterion))

    def work(group: list[tuple[tuple, Criterion]]) -> list[tuple[tuple, pd.Series]]:
        return [(key, criterion_mask(leads, criterion)) for key, criterion in group]

    # The costliest first, so no worker is left with a long one at the end: a text column's
    # values are encoded first (a company column has a few hundred thousand), a number is
    # compared per lead, a category's codes are there already.
    def cost(column: str) -> tuple[int, int]:
        values = leads[column]
        kind = 0 if isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == bool \
            else 1 if _is_number(values) or pd.api.types.is_datetime64_any_dtype(values) else 2
        return kind, len(by_column[column])

    groups = [by_column[column] for column in sorted(by_column, key=cost, reverse=True)]
    if len(groups) < 2:
        return
    with ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, len(groups))) as pool:
        for results in pool.map(work, groups):
            for key, found in results:
                kept[key] = found


def evaluate(leads: pd.DataFrame, definition: Definition,
             masks: dict | None = None) -> Evaluation:
    """Sort every lead into a stage.

    MQL = no disqualifier, every MQL must-have met, points >= threshold.
    SQL = MQL and every SQL must-have met.
    Points = nice-to-have points for each met nice-to-have + each conversion action done.

    `masks`, when given, keeps each condition's per-lead result for these very leads (keyed
    by `condition_key`, and ("action", field)): evaluating a definition that differs in one
    criterion from one seen before computes only that criterion. The caller owns it and must
    use it with one leads table only; its entries are never modified.
    """
    index = leads.index
    kept = masks if masks is not None else per_table.masks(leads)

    def mask(criterion: Criterion) -> np.ndarray:
        return kept_mask(leads, criterion, kept)

    def done(field: str) -> np.ndarray:
        found = kept.get(("action", field))
        if found is None:
            found = action_done(leads, field)
            kept[("action", field)] = found
        return np.asarray(found, dtype=bool)

    _work_out(leads, definition.criteria, kept)
    rows = len(index)
    disqualified = np.zeros(rows, dtype=bool)
    for criterion in definition.disqualifiers:
        disqualified |= mask(criterion)
    mql_gate = np.ones(rows, dtype=bool)
    for criterion in definition.gate("mql"):
        mql_gate &= mask(criterion)
    sql_gate = np.ones(rows, dtype=bool)
    for criterion in definition.gate("sql"):
        sql_gate &= mask(criterion)
    # 32 bits hold any sum of points (each at most MAX_POINTS) and halve the memory.
    points = np.zeros(rows, dtype=np.int32)
    earned = np.empty(rows, dtype=np.int32)  # one buffer for every criterion's points
    gains = [(mask(c), c.points) for c in definition.nice_to_haves] + [
        (done(a.field), a.points) for a in definition.actions]
    for met, worth in gains:  # a multiply is ten times a masked add's speed
        np.multiply(met, np.int32(worth), out=earned)
        points += earned
    is_mql = ~disqualified & mql_gate & (points >= definition.threshold)
    is_sql = is_mql & sql_gate
    # A stage per lead from its code (0, 1, 2): no string per lead is made.
    stage = pd.Categorical.from_codes(is_mql.astype(np.int8) + is_sql, categories=STAGES)
    # The arrays are this evaluation's own: no copies (a million leads, seven columns).
    frame = pd.DataFrame({
        "stage": pd.Series(stage, index=index, copy=False),
        **{name: pd.Series(values, index=index, copy=False) for name, values in (
            ("points", points), ("disqualified", disqualified), ("mql_gate", mql_gate),
            ("sql_gate", sql_gate), ("is_mql", is_mql), ("is_sql", is_sql))},
    }, copy=False)
    return Evaluation(frame)


def reasons(leads: pd.DataFrame, definition: Definition, rows: np.ndarray | None = None, *,
            evaluation: Evaluation | None = None) -> pd.Series:
    """Why each lead got its stage, in plain language. Meant for the handful of leads shown:
    `rows` (positions) picks them, while every rule is still measured on all the leads, as
    their stage was (a rule like `within_last` reads its whole column's latest date)."""
    evaluation = evaluation if evaluation is not None else evaluate(leads, definition)
    shown = np.arange(len(leads)) if rows is None else np.asarray(rows, dtype=np.int64)
    parts: list[list[str]] = [[] for _ in shown]
    def hits(criterion: Criterion) -> np.ndarray:  # positions in `shown`
        return kept_mask(leads, criterion)[shown]

    for criterion in definition.disqualifiers:
        for j in np.flatnonzero(hits(criterion)):
            parts[j].append(f"disqualified: {criterion.sentence()}")
    for gate in ("mql", "sql"):
        for criterion in definition.gate(gate):
            for j in np.flatnonzero(~hits(criterion)):
                parts[j].append(f"misses {gate.upper()} gate: {criterion.sentence()}")
    points = evaluation.frame["points"].to_numpy()[shown]
    for j in np.flatnonzero(points < definition.threshold):
        parts[j].append(f"{points[j]} of {definition.threshold} points")
    for j in np.flatnonzero(evaluation.frame["is_mql"].to_numpy(dtype=bool)[shown]):
        if not parts[j]:
            parts[j].append(f"meets every rule ({points[j]} points)")
    return pd.Series(["; ".join(p) for p in parts], index=leads.index[shown], dtype="string")


def missing_columns(leads: pd.DataFrame, definition: Definition) -> list[str]:
    """The fields the definition names that no column of these leads answers to."""
    fields = [c.field for c in definition.criteria] + [a.field for a in definition.actions]
    return sorted({f for f in fields if resolve(leads, f) is None})


def ranges_on_text(leads: pd.DataFrame, definition: Definition) -> list[Criterion]:
    """The range rules ("at least 50") on a column that holds text and not one number (a lead
    score written "High", a size column a new export writes in words): no lead meets them,
    a silent 0 unless said. An empty column is said by `empty_columns`."""
    found = []
    for criterion in definition.criteria:
        name = resolve(leads, criterion.field) if criterion.op in RANGE_OPS else None
        if name is None or len(leads) == 0 or not _is_text_like(leads[name]):
            continue
        values = _distinct(leads, name)
        if not values.unknown.all() and not values.numbers().notna().any():
            found.append(criterion)
    return found


def _is_text_like(column: pd.Series) -> bool:
    return (isinstance(column.dtype, pd.CategoricalDtype)
            or pd.api.types.is_string_dtype(column) or pd.api.types.is_object_dtype(column))


def empty_columns(leads: pd.DataFrame, definition: Definition) -> list[str]:
    """The fields the definition uses whose column holds no value at all in these leads (every
    cell blank, a placeholder or unreadable): every rule on them would silently be unknown."""
    empty = []
    for field in dict.fromkeys([c.field for c in definition.criteria]
                               + [a.field for a in definition.actions]):
        name = resolve(leads, field)
        if name is None or len(leads) == 0:
            continue
        column = leads[name]
        if isinstance(column.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(
                column) or pd.api.types.is_object_dtype(column):
            if _TextValues(column).unknown.all():
                empty.append(field)
        elif not column.notna().any():
            empty.append(field)
    return empty
