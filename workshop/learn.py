"""The data's own draft: a readable definition learned from won deals, validated on later leads.

The exercise asks each side for its opinion; an export with outcomes can answer too. For every
field a lead arrives with (industry, size, role, seniority, source, title keywords, yes/no
signals, conversion actions, and any other column of the export) this finds, on one random half
of the older leads, the segment whose leads won most clearly more often than the rest; the other
half then has to confirm it, with a win rate above the base rate beyond a one-sided Wilson
interval that pays (Bonferroni) for every segment put to the test. Looking and confirming on
different leads is what keeps a search over hundreds of value sets, ranges and title words from
finding luck. What survives becomes an ordinary `Definition`:

* a **disqualifier** where wins are near absent with enough leads to say so;
* a **must-have** where the leads outside the segment hardly ever win;
* otherwise a **nice-to-have** (or, for a conversion action, action points) worth points in
  proportion to its weight in a logistic model fitted on all kept segments together, so two
  fields saying the same thing (a finance job function and "finance" in the title) are not
  counted twice; a segment whose weight vanishes once the others are known is dropped;
* a **threshold** that fits sales capacity (leads a month), or without a capacity gains the most
  over picking leads at random (the most wins caught beyond the leads' share of all leads).

It is learned on the older leads (by created date; a seeded random split when there are no
dates) and reported on the newer ones, so the figures are a forecast that was checked, not a
description of the leads it was fitted to. Open deals are left out of every rate, as everywhere
in the app; a lead with no deal at all is decided and not won. Too few wins, or nothing that
beats the base rate beyond its interval, gives `found=False` and a plain sentence: no rules are
invented from noise.
"""
from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workshop import catalog
from workshop.catalog import FIELDS, Kind
from workshop.definition import MAX_POINTS, MAX_VALUE_LENGTH, Action, Criterion, Definition
from workshop.evaluate import (
    action_done,
    criterion_mask,
    evaluate,
    fold,
    fold_words,
    resolve,
    unknown,
)
from workshop.hindsight import AFTER_THE_FACT, named_after_the_fact
from workshop.leads import header_columns
from workshop.mapping import Mapping, normalise_header
from workshop.measure import formatted
from workshop.preview import (
    SHORT_EXPORT_DAYS,
    average_per_month,
    covered_months,
    created_stamps,
    monthly_volume,
    outcome_metrics,
    per_month_value,
)

MIN_WINS = 30  # won deals among the older leads below which nothing is learned
MIN_SUPPORT = 30  # decided leads a segment needs before its win rate counts as evidence
MIN_HOLDOUT_WINS = 10  # won deals among the newer leads needed to confirm (or refute) a finding
HOLDOUT_SHARE = 0.3  # share of the leads held back: the newest months, or a random draw
ALPHA = 0.05  # one-sided, before paying for the number of segments confirmed
POINTS_PER_DOUBLING = 10  # a segment that doubles the odds of winning is worth 10 points
MUST_BELOW = 0.25  # a must-have: leads outside win at under a quarter of the base rate
NEAR_ABSENT = 0.25  # a disqualifier: wins at most a quarter of the base rate, and surely below it
MAX_SET = 10  # values (or title words) one criterion names at most
MAX_OTHER_VALUES = 30  # a column outside the catalog is a category up to this many values
MAX_WORDS = 100  # title words tried, the most frequent first
SMOOTHING = 20  # leads' worth of base rate added when ranking values by win rate
QUANTILES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)

NOTHING_SINGLED_OUT = "Your won deals do not single out any segment"

IDENTITY = frozenset({"record_id", "email", "company"})  # who a lead is, not what it is like
# ...and columns outside the catalog named as a number that tells leads apart: a running lead
# number only ever grows, so a bound learned on it ("Lead Number is at most 1,198") no new lead
# can meet; a phone number or postcode is an address, not what a company is like.
_IDENTITY_NAME = re.compile(
    r"(?:lead|record|deal|contact|account|customer|ticket|row|serial|sequence|order|invoice"
    r"|phone|mobile|fax|zip|postal|post)(?:number|no|nr|num|id|code)$|^id$|^no$|^nr$")


class CannotLearn(ValueError):
    """These leads cannot teach anything (no outcome column, no won or lost lead): the message
    says why, in a sentence a person can act on."""


# --- the split: older leads to learn from, newer leads to check on --------------------------

@dataclass(frozen=True)
class Split:
    """Which leads are learned from (`fit`) and which are held back to check on (`held`).

    By created date: the newest whole months holding about `HOLDOUT_SHARE` of the dated leads
    are held back (leads without a date are learned from). Without dates: a random share, drawn
    with `seed`, so the same seed gives the same split."""

    fit: np.ndarray
    held: np.ndarray
    by: str  # "date" or "random"
    since: str | None = None  # first held-back month, "YYYY-MM"; for a random split of
    # leads all created in one month, that month
    seed: int = 0

    def describe(self) -> str:
        """'the leads created from 2026-07 on' / 'a random 30% of the leads (seed 0)'."""
        if self.by == "date":
            return f"the leads created from {_month_name(self.since)} on"
        why = (f"were all created in {_month_name(self.since)}" if self.since
               else "carry no created date")
        return f"a random {HOLDOUT_SHARE:.0%} of the leads (seed {self.seed}), as they {why}"


def split(leads: pd.DataFrame, seed: int = 0) -> Split:
    """The older part to learn from and the newer part to report on (see `Split`)."""
    months = month_numbers(leads)
    n = len(leads)
    if months is not None:
        dated = months >= 0
        distinct, counts = np.unique(months[dated], return_counts=True)
        if len(distinct) >= 2:
            newest_first = np.cumsum(counts[::-1])
            wanted = HOLDOUT_SHARE * dated.sum()
            held_months = int(np.searchsorted(newest_first, wanted) + 1)
            held_months = min(max(held_months, 1), len(distinct) - 1)
            first_held = distinct[len(distinct) - held_months]
            held = dated & (months >= first_held)
            return Split(fit=~held, held=held, by="date", since=_month_label(first_held),
                         seed=seed)
    rng = np.random.default_rng(seed)
    held = rng.random(n) < HOLDOUT_SHARE
    only_month = None  # the one month every dated lead was created in, if any
    if months is not None and (months >= 0).any():
        only_month = _month_label(int(months[months >= 0][0]))
    return Split(fit=~held, held=held, by="random", since=only_month, seed=seed)


def month_numbers(leads: pd.DataFrame) -> np.ndarray | None:
    """Months since 1970 per lead (-1: no date), or None when no lead has a created date."""
    stamps = created_stamps(leads)
    if stamps is None:
        return None
    values = stamps.astype("datetime64[M]")
    present = ~np.isnat(values)
    if not present.any():
        return None
    return np.where(present, values.astype("int64"), -1)


def _month_label(number: int) -> str:
    return str(np.datetime64(int(number), "M"))


def _month_name(label: str | None) -> str:
    if not label:
        return ""
    return pd.Timestamp(label + "-01").strftime("%B %Y")


# --- outcomes and intervals ---------------------------------------------------------------------

@dataclass(frozen=True)
class Outcomes:
    won: np.ndarray  # per lead
    decided: np.ndarray  # won, lost or no deal at all: everything but open deals


def outcomes(leads: pd.DataFrame) -> Outcomes:
    """Won and decided per lead, read as `workshop.preview.outcome_metrics` reads them."""
    if "outcome" not in leads.columns:
        raise CannotLearn("These leads carry no outcome (won or lost), so there is nothing to "
                          "learn from. Map the column that says which deals were won.")
    codes, values = pd.factorize(leads["outcome"], use_na_sentinel=True)
    words = pd.Series(values, dtype="string").str.strip().str.casefold()
    pick = np.append(words.eq("won").fillna(False).to_numpy(bool), False)
    is_open = np.append(words.eq("open").fillna(False).to_numpy(bool), False)
    lost = np.append(words.eq("lost").fillna(False).to_numpy(bool), False)
    won = pick[codes]
    if not (won | lost[codes]).any():
        raise CannotLearn("No lead in this export was won or lost yet, so there is nothing to "
                          "learn from.")
    return Outcomes(won=won, decided=~is_open[codes])


def interval(wins, decided, alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a win rate (vectorised): good coverage at the small counts and
    near-zero rates that segments of leads have, where the textbook normal interval fails."""
    from statsmodels.stats.proportion import proportion_confint

    wins = np.asarray(wins, dtype=float)
    decided = np.asarray(decided, dtype=float)
    safe = np.maximum(decided, 1.0)
    low, high = proportion_confint(np.minimum(wins, safe), safe, alpha=alpha, method="wilson")
    # Exact at the ends (every lead won, none won), where the library's arithmetic gives
    # 0.99999… and a page would say "over 99.9%" for 66 wins of 66.
    high = np.where(wins >= safe, 1.0, high)
    low = np.where(wins <= 0, 0.0, low)
    empty = decided <= 0
    return np.where(empty, 0.0, low), np.where(empty, 1.0, high)


def _z(k1, n1, k, n) -> np.ndarray:
    """Two-proportion z statistic of a segment (k1 of n1) against the rest (k - k1 of n - n1)."""
    k1 = np.asarray(k1, dtype=float)
    n1 = np.asarray(n1, dtype=float)
    n2, k2 = n - n1, k - k1
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = k / n
        spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (k1 / n1 - k2 / n2) / spread
    return np.where(np.isfinite(z), z, -np.inf)


# --- candidate segments ------------------------------------------------------------------------

@dataclass
class _Candidate:
    """The best segment of one column, before the interval decides whether it counts."""

    item: Criterion | Action
    column: str
    hit: np.ndarray | None = None  # per learned-from decided lead, exact (from the app's rule)
    n: int = 0
    k: int = 0


@dataclass
class _Search:
    """What the search over every column found."""

    positives: list[_Candidate] = field(default_factory=list)
    absent: list[_Candidate] = field(default_factory=list)  # where wins are near absent
    currency: str | None = None  # of the export's amounts of money


def learnable_columns(leads: pd.DataFrame, mapping: Mapping | None = None,
                      exclude: Iterable[str] = ()) -> dict[str, str]:
    """Column -> how it is searched ("category", "number", "words", "yes/no", "action").

    Left out: the outcome and everything recorded after a lead arrived (deal stage, amount,
    lifecycle stage, a won date, its deals' figures such as HubSpot's "Total Revenue";
    "existing customer" when the import read it off the lifecycle stage), identities (record
    id, e-mail, company name), dates, free text outside the catalog with more than a few values
    (names), and the columns in `exclude`."""
    headers = header_columns(leads)
    skipped = set(AFTER_THE_FACT) | set(IDENTITY)
    for name in exclude:
        skipped.add(resolve(leads, name) or name)
    if mapping is not None and mapping.outcome_column:
        skipped.add(headers.get(mapping.outcome_column, mapping.outcome_column))
        skipped.add(mapping.outcome_column)
    if "is_customer" in leads.columns and "is_customer" not in headers.values():
        skipped.add("is_customer")  # derived from the lifecycle stage: after the fact
    columns: dict[str, str] = {}
    for name, column in leads.items():
        if not isinstance(name, str) or name in skipped:
            continue
        lead_field = FIELDS.get(name)
        if lead_field is None and (named_after_the_fact(name)
                                   or _IDENTITY_NAME.search(normalise_header(name))):
            continue
        how = _how(column, lead_field)
        if how:
            columns[name] = how
    return columns


def _how(column: pd.Series, lead_field: catalog.LeadField | None) -> str:
    if lead_field is not None and lead_field.kind == Kind.COUNT:
        return "action"  # a count, a yes, or the date it was done ("Demo requested at")
    if pd.api.types.is_datetime64_any_dtype(column):
        return ""
    if lead_field is not None:
        return {Kind.CATEGORY: "category", Kind.NUMBER: "number", Kind.TEXT: "words",
                Kind.BOOLEAN: "yes/no", Kind.COUNT: "action"}.get(lead_field.kind, "")
    if pd.api.types.is_bool_dtype(column) or str(column.dtype) == "boolean":
        return "yes/no"
    if pd.api.types.is_numeric_dtype(column):
        return "number"
    values = column.iloc[:50_000].dropna().unique() if len(column) else []
    return "category" if 0 < len(values) <= MAX_OTHER_VALUES else ""


def _search(leads: pd.DataFrame, columns: dict[str, str], rows: np.ndarray, won: np.ndarray,
            explore: np.ndarray, currency: str | None = None) -> _Search:
    """Each column's best segment (and its near win-free values), looked for among the decided
    leads `rows` where `explore` is True; the rest confirm or refute them (`_confirmed`)."""
    search = _Search(currency=currency)
    seen, seen_won = rows[explore], won[explore]
    total, wins = len(seen), int(seen_won.sum())
    base = wins / total
    for name, how in columns.items():
        column = leads[name]
        if how == "category":
            _categories(search, name, column, seen, seen_won, base)
        elif how == "number":
            _numbers(search, name, column, seen, seen_won, base)
        elif how == "words":
            _words(search, name, column, seen, seen_won, base)
        elif how == "yes/no":
            for op in ("is_true", "is_false"):
                criterion = Criterion(field=name, op=op, role="nice", points=1)
                hit = criterion_mask(leads, criterion).to_numpy(bool)[rows]
                _add(search, _Candidate(criterion, name, hit), hit[explore], seen_won, base,
                     absent=True)
        elif how == "action":
            hit = action_done(leads, name).to_numpy(bool)[rows]
            _add(search, _Candidate(Action(field=name, points=1), name, hit), hit[explore],
                 seen_won, base)
    return search


def _add(search: _Search, candidate: _Candidate, hit: np.ndarray, won: np.ndarray,
         base: float, absent: bool = False) -> None:
    """Keep a yes/no segment as a positive or a win-free candidate."""
    n, k = int(hit.sum()), int(won[hit].sum())
    if n < MIN_SUPPORT or len(hit) - n < MIN_SUPPORT:
        return
    if k / n > base:
        search.positives.append(candidate)
    elif absent and k / n <= NEAR_ABSENT * base:
        search.absent.append(candidate)


def _ranked(n: np.ndarray, k: np.ndarray, base: float) -> np.ndarray:
    """Positions ordered by win rate, shrunk towards the base rate so a handful of leads with
    a lucky win do not come first."""
    return np.argsort(-(k + SMOOTHING * base) / (n + SMOOTHING), kind="stable")


def _best_prefix(n: np.ndarray, k: np.ndarray, order: np.ndarray, total: int, wins: int,
                 base: float) -> int:
    """How many of the best-ranked values make the segment that stands out most from the rest
    (0: none beats the base rate)."""
    sizes = min(len(order), MAX_SET)
    if sizes == 0:
        return 0
    n1 = np.cumsum(n[order])[:sizes]
    k1 = np.cumsum(k[order])[:sizes]
    usable = (n1 >= MIN_SUPPORT) & (total - n1 >= MIN_SUPPORT) & (k1 / np.maximum(n1, 1) > base)
    if not usable.any():
        return 0
    z = np.where(usable, _z(k1, n1, wins, total), -np.inf)
    return int(np.argmax(z)) + 1


def _coded(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, pd.Series]:
    """The rows' codes into the column's distinct values (-1 for missing), and those values as
    text: a Categorical's own categories (each value once already), else the rows' values."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return (column.array.codes[rows],
                pd.Series(column.cat.categories.astype("str"), dtype="string"))
    codes, uniques = pd.factorize(column.to_numpy()[rows], use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype="string")


def _categories(search: _Search, name: str, column: pd.Series, rows: np.ndarray,
                won: np.ndarray, base: float) -> None:
    codes, values = _coded(column, rows)
    if len(values) == 0:
        return
    # Spellings that the app's rules treat as one ("Organic search", "organic_search") are one.
    folded = fold(values)
    group, keys = pd.factorize(folded, use_na_sentinel=True)
    # A value longer than a rule may name (a note pasted into a picklist) cannot be a rule's.
    too_long = (values.str.len() > MAX_VALUE_LENGTH).fillna(False).to_numpy(bool)
    useless = unknown(values).to_numpy(bool) | (group < 0) | too_long
    group = np.where(useless, -1, group)
    lead_group = np.where(codes >= 0, group[np.maximum(codes, 0)], -1)
    present = lead_group >= 0
    size = len(keys)
    n = np.bincount(lead_group[present], minlength=size)
    k = np.bincount(lead_group[present], weights=won[present], minlength=size).astype(int)
    per_value = np.bincount(np.maximum(codes, 0), minlength=len(values))
    spelling = {}
    for position in np.argsort(-per_value, kind="stable"):
        g = group[position]
        if g >= 0 and g not in spelling:
            spelling[g] = str(values.iloc[position])
    supported = np.flatnonzero(n >= MIN_SUPPORT)
    if len(supported) == 0:
        return
    total, wins = len(rows), int(won.sum())
    order = supported[_ranked(n[supported], k[supported], base)]
    size_best = _best_prefix(n, k, order, total, wins, base)
    if size_best:
        chosen = [spelling[g] for g in order[:size_best]]
        search.positives.append(_Candidate(
            Criterion(field=name, op="in", values=chosen, role="nice", points=1), name))
    for g in supported:
        if k[g] / n[g] <= NEAR_ABSENT * base:
            search.absent.append(_Candidate(
                Criterion(field=name, op="in", values=[spelling[g]], role="disqualifier"),
                name))


def nice_number(value: float) -> float:
    """A cut point people can read: two significant figures (1,234 -> 1,200)."""
    if value == 0 or not math.isfinite(value):
        return 0.0
    return float(f"{value:.2g}")


def _numbers(search: _Search, name: str, column: pd.Series, rows: np.ndarray,
             won: np.ndarray, base: float) -> None:
    x = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)[rows]
    known = ~np.isnan(x)
    if known.sum() < MIN_SUPPORT:
        return
    cuts = np.unique([nice_number(q) for q in np.quantile(x[known], QUANTILES)])
    if len(cuts) < 1:
        return
    whole = bool(np.all(np.mod(x[known], 1) == 0) and np.all(np.mod(cuts, 1) == 0))
    bins = np.searchsorted(cuts, x[known], side="right") - 1
    inside = bins >= 0  # below the lowest cut (rounding) falls outside every range
    b = len(cuts)
    n_b = np.bincount(bins[inside], minlength=b)
    k_b = np.bincount(bins[inside], weights=won[known][inside], minlength=b)
    n_cum = np.concatenate([[0], np.cumsum(n_b)])
    k_cum = np.concatenate([[0], np.cumsum(k_b)])
    total, wins = len(rows), int(won.sum())
    best, best_z = None, -np.inf
    for i in range(b):
        for j in range(i, b):
            n1 = n_cum[j + 1] - n_cum[i]
            k1 = k_cum[j + 1] - k_cum[i]
            if n1 < MIN_SUPPORT or total - n1 < MIN_SUPPORT or k1 / n1 <= base:
                continue
            z = float(_z(k1, n1, wins, total))
            if z > best_z:
                best, best_z = (i, j), z
    if best is None:
        return
    i, j = best
    low = float(cuts[i])
    high = None
    if j < b - 1:  # whole numbers: the largest value inside, not the next cut minus a bit
        inner = x[known][inside][(bins[inside] >= i) & (bins[inside] <= j)]
        high = float(inner.max()) if whole and len(inner) else float(cuts[j + 1])
    amounts = {"currency": search.currency} if name in FIELDS and FIELDS[name].is_money else {}
    if high is None and i == 0 and inside.all():  # every known value: what counts is knowing
        criterion = Criterion(field=name, op="is_known", role="nice", points=1)
    elif high is None:
        criterion = Criterion(field=name, op="at_least", low=low, role="nice", points=1,
                              **amounts)
    elif i == 0:
        criterion = Criterion(field=name, op="at_most", high=high, role="nice", points=1,
                              **amounts)
    else:
        criterion = Criterion(field=name, op="between", low=low, high=max(high, low),
                              role="nice", points=1, **amounts)
    search.positives.append(_Candidate(criterion, name))


_WORD = re.compile(r"[a-z0-9&]{2,}")


def _words(search: _Search, name: str, column: pd.Series, rows: np.ndarray,
           won: np.ndarray, base: float) -> None:
    """Title keywords: the words whose leads win most, as one 'contains any of' criterion."""
    codes, values = _coded(column, rows)
    if len(values) == 0:
        return
    present = codes >= 0
    n_d = np.bincount(codes[present], minlength=len(values))
    k_d = np.bincount(codes[present], weights=won[present], minlength=len(values))
    ok = ~unknown(values).to_numpy(bool)
    text = fold_words(values).fillna("")
    counts: dict[str, int] = {}
    for position in np.flatnonzero(ok):
        for word in set(_WORD.findall(text.iloc[position])):
            counts[word] = counts.get(word, 0) + int(n_d[position])
    words = [w for w, c in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
             if c >= MIN_SUPPORT][:MAX_WORDS]
    if not words:
        return
    hits = np.column_stack([text.str.contains(w, regex=False).fillna(False).to_numpy(bool) & ok
                            for w in words])
    n_w = n_d @ hits
    k_w = k_d @ hits
    total, wins = len(rows), int(won.sum())
    order = _ranked(n_w, k_w, base)[:MAX_SET]
    union = np.logical_or.accumulate(hits[:, order], axis=1)
    n1 = n_d @ union
    k1 = k_d @ union
    usable = (n1 >= MIN_SUPPORT) & (total - n1 >= MIN_SUPPORT) & (k1 / np.maximum(n1, 1) > base)
    if not usable.any():
        return
    size = int(np.argmax(np.where(usable, _z(k1, n1, wins, total), -np.inf))) + 1
    chosen = [words[i] for i in order[:size]]
    search.positives.append(_Candidate(
        Criterion(field=name, op="contains_any", values=chosen, role="nice", points=1), name))


# --- from segments to a definition ------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """Why a rule of the learned definition is there, in figures from the older leads."""

    role: str  # "must", "nice", "disqualifier" or "action"
    field: str
    question: str  # the guiding question it answers
    rule: str  # the rule in plain language
    decided: int  # decided leads the rule applies to
    won: int
    rate: float
    low: float  # 95% interval of `rate`
    high: float
    base_rate: float  # of all decided leads learned from
    points: int
    sentence: str  # "Industry is Healthcare: 31% of 412 decided leads won, against 12% overall"

    @property
    def lift(self) -> float | None:
        return self.rate / self.base_rate if self.base_rate else None


@dataclass(frozen=True)
class Part:
    """Leads, decided leads and wins of one part of the split."""

    leads: int
    decided: int
    wins: int
    months: int  # months with dated leads (0 without dates)

    @property
    def base_rate(self) -> float:
        return self.wins / self.decided if self.decided else 0.0


@dataclass(frozen=True)
class Holdout:
    """What a definition did to the held-back (newer) leads: volume, win rate, wins caught."""

    leads: int  # held-back leads, open deals included
    decided: int
    wins: int
    months: int  # 0 when the leads carry no dates
    mql: int  # held-back leads the definition qualifies (MQL or beyond)
    mql_per_month: float | None  # of all the leads in its months; None without dates
    won_mql: int  # wins among them
    win_rate: float | None  # of decided MQLs
    win_rate_low: float | None  # 95% interval of the win rate
    win_rate_high: float | None
    wins_caught: float | None  # share of the held-back wins that are MQLs
    lift: float | None  # win rate of MQLs / win rate of the rest
    base_rate: float | None  # of all decided held-back leads
    # Days of leads a month's figure rests on, when under SHORT_EXPORT_DAYS (the newest month
    # only a week old, say): `mql_per_month` is then None, as a week's leads make no month.
    short_days: int | None = None

    def to_dict(self) -> dict:
        shown = {}
        for key, value in self.__dict__.items():
            shown[key] = round(value, 4) if isinstance(value, float) else value
        return shown


def holdout_figures(leads: pd.DataFrame, definition: Definition, part: np.ndarray,
                    months: np.ndarray | None = None) -> Holdout:
    """A definition's figures on the leads where `part` is True (see `Holdout`)."""
    subset = leads.iloc[np.flatnonzero(part)]
    result = evaluate(subset, definition)
    is_mql = result.frame["is_mql"].to_numpy(bool)
    if months is None:
        months = month_numbers(leads)
    per_month, month_count, short_days = None, 0, None
    if months is not None:
        mine = months[part]
        dated = mine >= 0
        its_months = np.unique(mine[dated])
        month_count = len(its_months)
        if month_count:
            whole_months = np.isin(months, its_months)
            if np.array_equal(whole_months, part & (months >= 0)):
                qualified = int(is_mql[dated].sum())
            else:  # a random part holds some of each month's leads: count them all
                qualified = int(evaluate(leads.iloc[np.flatnonzero(whole_months)], definition)
                                .frame["is_mql"].sum())
            # Over the share of its months the export covers (a last month of six days is
            # a fifth of a month, a month without leads between counts whole), as the
            # evidence page's figure is (`covered_months`).
            first, shares = covered_months(leads, months)
            covered = float(shares[its_months[0] - first:its_months[-1] - first + 1].sum())
            days = _day_span(leads, whole_months)
            if days < SHORT_EXPORT_DAYS:
                short_days = days
            else:
                per_month = per_month_value(qualified / covered)
    metrics = outcome_metrics(subset, result)
    if metrics is None:
        return Holdout(leads=len(subset), decided=0, wins=0, months=month_count,
                       mql=int(is_mql.sum()), mql_per_month=per_month, won_mql=0,
                       win_rate=None, win_rate_low=None, win_rate_high=None, wins_caught=None,
                       lift=None, base_rate=None, short_days=short_days)
    low = high = None
    if metrics.qualified_decided and metrics.win_rate_qualified is not None:
        # no interval where the rate itself is withheld (every decided lead won: no rate)
        lows, highs = interval(metrics.qualified_won, metrics.qualified_decided)
        low, high = float(lows), float(highs)
    decided = metrics.qualified_decided + metrics.rest_decided
    return Holdout(
        leads=len(subset), decided=decided, wins=metrics.wins, months=month_count,
        mql=int(is_mql.sum()), mql_per_month=per_month, won_mql=metrics.qualified_won,
        win_rate=metrics.win_rate_qualified, win_rate_low=low, win_rate_high=high,
        wins_caught=metrics.wins_caught if metrics.wins else None, lift=metrics.lift,
        base_rate=metrics.wins / decided if decided else None, short_days=short_days)


def _day_span(leads: pd.DataFrame, rows: np.ndarray) -> int:
    """Days from the first created day of `rows` to the last, both counted."""
    days = created_stamps(leads)[rows].astype("datetime64[D]")
    days = days[~np.isnat(days)]
    return int((days.max() - days.min()).astype(np.int64)) + 1


@dataclass(frozen=True)
class Learned:
    """The data's own draft, or why there is none.

    `definition` is an ordinary `Definition` (None when nothing was found); its notes carry the
    evidence per guiding question, so it travels with the draft. `evidence` has one entry per
    criterion and then per action, in the definition's order. `holdout` is how the definition
    did on the held-back leads (None when nothing was found or before checking)."""

    found: bool
    reason: str  # why nothing was found; a one-line summary of what was, when found
    definition: Definition | None
    evidence: tuple[Evidence, ...]
    holdout: Holdout | None
    fit: Part
    held: Part
    split: Split
    capacity: float | None  # leads a month sales can work, as asked

    def evidence_for(self, item: Criterion | Action) -> Evidence | None:
        """The evidence behind one of the definition's criteria or actions (or one equal to
        it, taken into another definition by a merge), or None."""
        rules = ([*self.definition.criteria, *self.definition.actions]
                 if self.definition else [])
        for rule, evidence in zip(rules, self.evidence, strict=False):
            if _same_rule(rule, item):
                return evidence
        return None

    def to_dict(self) -> dict:
        """The validation as the command line prints it."""
        if not self.found:
            return {"found": False, "reason": self.reason}
        return {
            "found": True,
            "summary": self.reason,
            "held_back": self.split.describe(),
            "holdout": self.holdout.to_dict() if self.holdout else None,
            "learned_from": {"leads": self.fit.leads, "decided": self.fit.decided,
                             "wins": self.fit.wins, "months": self.fit.months,
                             "base_rate": round(self.fit.base_rate, 4)},
            "capacity": self.capacity,
            "threshold": self.definition.threshold if self.definition else None,
            "evidence": [e.sentence for e in self.evidence],
        }


def _same_rule(a: Criterion | Action, b: Criterion | Action) -> bool:
    if isinstance(a, Action) or isinstance(b, Action):
        return isinstance(a, Action) and isinstance(b, Action) and a.field == b.field
    return (a.field, a.op, tuple(a.values), a.low, a.high, a.role) == \
        (b.field, b.op, tuple(b.values), b.low, b.high, b.role)


def learn(leads: pd.DataFrame, *, mapping: Mapping | None = None,
          capacity: float | None = None, seed: int = 0,
          exclude: Iterable[str] = (), currency: str | None = None) -> Learned:
    """Learn a definition from the won deals of `leads` (a normalised leads table with an
    `outcome` column) and check it on the newer leads.

    `mapping`: the import's column mapping, so the export's own outcome column is never learned
    from. `capacity`: leads a month sales can work (reps × leads per rep); the threshold then
    keeps the older leads' MQLs a month within it (it needs created dates; without them the
    threshold gains the most over picking at random). `seed`: the random split when the leads
    carry no dates. `exclude`: more columns not to learn from. `currency`: the one the export
    writes its amounts of money in, for the bounds learned on them.

    Raises `CannotLearn` when the leads have no won or lost outcome at all."""
    if capacity is not None and (not math.isfinite(capacity) or capacity <= 0):
        raise ValueError("Sales capacity must be a number of leads a month above 0.")
    result = outcomes(leads)
    parts = split(leads, seed)
    months = month_numbers(leads)
    fit_rows = np.flatnonzero(parts.fit & result.decided)
    won = result.won[fit_rows]
    fit = _part(parts.fit, result, months)
    held = _part(parts.held, result, months)

    def nothing(reason: str) -> Learned:
        return Learned(found=False, reason=reason, definition=None, evidence=(),
                       holdout=None, fit=fit, held=held, split=parts, capacity=capacity)

    if fit.wins < MIN_WINS:
        had = ("no won deal" if fit.wins == 0 else
               f"only {fit.wins} won deal{'' if fit.wins == 1 else 's'}")
        return nothing(f"{NOTHING_SINGLED_OUT}: {had} among the leads learned from (at "
                       f"least {MIN_WINS} are needed to tell a segment from chance).")
    # Look for segments on one half of the older leads and confirm them on the other: the
    # interval then pays only for the few segments confirmed, not for the many compared.
    explore = np.random.default_rng([seed, 1]).random(len(fit_rows)) < 0.5
    base = fit.wins / len(fit_rows)
    columns = learnable_columns(leads, mapping, exclude)
    search = _search(leads, columns, fit_rows, won, explore, currency)
    kept = _confirmed(leads, search.positives, fit_rows, won, ~explore)
    if not kept:
        return nothing(f"{NOTHING_SINGLED_OUT}: no value, range, title word or action won "
                       f"more often than the {formatted(base, 'share')} base rate beyond its "
                       f"interval ({len(fit_rows):,} decided leads, {fit.wins:,} won).")
    absent = _confirmed(leads, search.absent, fit_rows, won, ~explore, absent=True)
    alpha = 2 * ALPHA / len(kept)
    definition, evidence = _build(leads, kept, absent, fit_rows, won, base, alpha)
    if definition is None:
        return nothing(f"{NOTHING_SINGLED_OUT}: the segments that won more often say nothing "
                       "more once the others are known.")
    definition = _with_threshold(leads, definition, parts.fit, result, months, capacity)
    check = holdout_figures(leads, definition, parts.held, months)
    refuted = (check.wins >= MIN_HOLDOUT_WINS and check.win_rate_low is not None
               and check.base_rate is not None and check.win_rate_low <= check.base_rate)
    # Too few newer wins to confirm a finding can still contradict it: its MQLs won no more
    # often than the newer leads did overall.
    contradicted = (0 < check.wins < MIN_HOLDOUT_WINS and check.win_rate is not None
                    and check.base_rate is not None and check.win_rate <= check.base_rate)
    if refuted or contradicted:
        return Learned(
            found=False, definition=None, evidence=(), holdout=check, fit=fit, held=held,
            split=parts, capacity=capacity,
            reason=f"{NOTHING_SINGLED_OUT} that holds up: what the older leads suggested did "
                   f"not win more often than the {formatted(check.base_rate, 'share')} base "
                   f"rate on {parts.describe()}"
                   + (f" ({check.wins} won there)." if contradicted else "."))
    definition = _with_notes(definition, evidence, parts, check)
    evidence = _ordered(definition, evidence)
    per_month = (average_per_month(monthly_volume(leads, evaluate(leads, definition)))
                 if months is not None else None)
    return Learned(found=True, reason=_summary(definition, check, parts, per_month, capacity),
                   definition=definition,
                   evidence=evidence, holdout=check, fit=fit, held=held, split=parts,
                   capacity=capacity)


def _part(part: np.ndarray, result: Outcomes, months: np.ndarray | None) -> Part:
    decided = part & result.decided
    month_count = 0
    if months is not None:
        mine = months[part]
        month_count = len(np.unique(mine[mine >= 0]))
    return Part(leads=int(part.sum()), decided=int(decided.sum()),
                wins=int((decided & result.won).sum()), months=month_count)


def _hit(leads: pd.DataFrame, candidate: _Candidate, rows: np.ndarray) -> np.ndarray:
    """The candidate's exact rule, as the app evaluates it, on the decided learned-from leads."""
    if candidate.hit is None:
        if isinstance(candidate.item, Action):
            mask = action_done(leads, candidate.item.field)
        else:
            mask = criterion_mask(leads, candidate.item)
        candidate.hit = mask.to_numpy(bool)[rows]
    return candidate.hit


def _confirmed(leads, candidates, rows, won, confirm, absent: bool = False
               ) -> list[_Candidate]:
    """The candidates that hold on the `confirm` half of the decided older leads: a win rate
    above its base rate beyond the interval (or, `absent`, near zero and surely below it),
    with Bonferroni's price for the number of candidates. Their counts are then those of all
    the older leads, for the evidence."""
    alpha = 2 * ALPHA / max(len(candidates), 1)  # one-sided: one end of a two-sided interval
    checked_won = won[confirm]
    base = checked_won.mean() if len(checked_won) else 0.0
    kept = []
    for candidate in candidates:
        hit = _hit(leads, candidate, rows)
        n, k = int(hit[confirm].sum()), int(checked_won[hit[confirm]].sum())
        if n < MIN_SUPPORT:
            continue
        low, high = interval(k, n, alpha)
        holds = (k / n <= NEAR_ABSENT * base and float(high) < base) if absent \
            else float(low) > base
        if holds:
            candidate.n, candidate.k = int(hit.sum()), int(won[hit].sum())
            kept.append(candidate)
    return kept


def _build(leads, kept, absent, rows, won, base, alpha
           ) -> tuple[Definition | None, list[tuple[Criterion | Action, Evidence]]]:
    """Must-haves, disqualifiers and weighted nice-to-haves and actions from the kept segments.

    Must-haves come first: "Industry is Healthcare" says more plainly than disqualifying every
    other industry, so a win-free value of a must-have's column is no disqualifier, nor is one
    that removes no lead the must-haves let through."""
    kept = _distinct_segments(kept)
    gate = np.ones(len(rows), dtype=bool)
    musts: list[Criterion] = []
    evidence: list[tuple[Criterion | Action, Evidence]] = []
    nice: list[_Candidate] = []
    for candidate in kept:
        if isinstance(candidate.item, Criterion):
            outside = ~candidate.hit
            n_out, k_out = int(outside.sum()), int(won[outside].sum())
            _, high = interval(k_out, n_out, alpha)
            if n_out >= MIN_SUPPORT and float(high) < MUST_BELOW * base:
                criterion = candidate.item.model_copy(update={"role": "must", "points": 0})
                musts.append(criterion)
                evidence.append((criterion, _evidence(criterion, candidate.n, candidate.k,
                                                      base, 0)))
                gate &= candidate.hit
                continue
        nice.append(candidate)
    disqualifiers: list[Criterion] = []
    must_columns = {c.field for c in musts}
    for candidate in _merged_disqualifiers(absent):
        if candidate.column in must_columns or not (candidate.hit & gate).any():
            continue
        criterion = candidate.item.model_copy(update={"role": "disqualifier", "points": 0,
                                                      "question": "disqualifiers"})
        disqualifiers.append(criterion)
        evidence.append((criterion, _evidence(criterion, candidate.n, candidate.k, base, 0)))
        gate &= ~candidate.hit
    criteria = [*disqualifiers, *musts]
    weights = _weights([c.hit for c in nice], gate, won)
    actions: list[Action] = []
    for candidate, weight in zip(nice, weights, strict=True):
        if weight is None:
            continue
        points = int(min(MAX_POINTS, max(1, round(POINTS_PER_DOUBLING * weight / math.log(2)))))
        if isinstance(candidate.item, Action):
            item: Criterion | Action = Action(field=candidate.item.field, points=points)
            actions.append(item)
        else:
            item = candidate.item.model_copy(update={"role": "nice", "points": points})
            criteria.append(item)
        evidence.append((item, _evidence(item, candidate.n, candidate.k, base, points)))
    if not any(c.role in ("must", "nice") for c in criteria) and not actions:
        return None, []
    return Definition(criteria=criteria, actions=actions), evidence


def _distinct_segments(kept: list[_Candidate]) -> list[_Candidate]:
    """The first of segments holding exactly the same learned-from leads ("Job title contains
    vp" and "Seniority is VP" where only VP titles read as VP): the leads cannot tell them
    apart, and both in the draft would count one signal twice."""
    seen: set[bytes] = set()
    distinct = []
    for candidate in kept:
        leads = np.packbits(candidate.hit).tobytes()
        if leads not in seen:
            seen.add(leads)
            distinct.append(candidate)
    return distinct


def _merged_disqualifiers(absent: list[_Candidate]) -> list[_Candidate]:
    """Win-free values of one column as one 'is one of' disqualifier."""
    merged: list[_Candidate] = []
    by_column: dict[str, _Candidate] = {}
    for candidate in absent:
        criterion = candidate.item
        first = by_column.get(candidate.column) if criterion.op == "in" else None
        if first is None:
            merged.append(candidate)
            if criterion.op == "in":
                by_column[candidate.column] = candidate
            continue
        first.item = first.item.model_copy(update={"values": [*first.item.values,
                                                              *criterion.values]})
        first.hit = first.hit | candidate.hit
        first.n, first.k = first.n + candidate.n, first.k + candidate.k
    return merged


def _weights(hits: list[np.ndarray], rows: np.ndarray, won: np.ndarray) -> list[float | None]:
    """Each segment's log-odds weight in one binomial model of all of them together, on the
    leads that pass the gates; None for a segment whose weight is not surely above zero once
    the others are known (it is dropped, and the model refitted without it)."""
    from statsmodels.genmod.families import Binomial
    from statsmodels.genmod.generalized_linear_model import GLM

    active = list(range(len(hits)))
    weights: list[float | None] = [None] * len(hits)
    y = won[rows]
    while active:
        # Leads with the same segments are one row: a million leads are a few hundred rows.
        pattern = np.zeros(int(rows.sum()), dtype=np.int64)
        for bit, index in enumerate(active):
            pattern |= hits[index][rows].astype(np.int64) << bit
        codes, inverse = np.unique(pattern, return_inverse=True)
        n = np.bincount(inverse)
        k = np.bincount(inverse, weights=y)
        design = ((codes[:, None] >> np.arange(len(active))) & 1).astype(float)
        design = np.column_stack([np.ones(len(codes)), design])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted = GLM(np.column_stack([k, n - k]), design, family=Binomial()).fit()
        params = np.asarray(fitted.params)[1:]
        spread = np.asarray(fitted.bse)[1:]
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(np.isfinite(params) & np.isfinite(spread) & (spread > 0),
                         params / spread, -np.inf)
        worst = int(np.argmin(z))
        if z[worst] > 1.96:
            for position, index in enumerate(active):
                weights[index] = float(params[position])
            break
        active.pop(worst)
    return weights


def _evidence(item: Criterion | Action, decided: int, won: int, base: float,
              points: int) -> Evidence:
    rate = won / decided if decided else 0.0
    low, high = interval(won, decided)
    if isinstance(item, Action):
        role, question, rule, label = "action", catalog.ENGAGEMENT, item.sentence(), item.label
    else:
        role, question, rule = item.role, item.question, item.sentence()
        label = rule  # "Industry is Healthcare": a value alone ("Other") may not say which field
    if role == "disqualifier":
        sentence = (f"{label}: {won:,} of {decided:,} decided leads won "
                    f"({formatted(rate, 'share')}), against {formatted(base, 'share')} overall")
    else:
        sentence = (f"{label}: {formatted(rate, 'share')} of {decided:,} decided leads won, "
                    f"against {formatted(base, 'share')} overall")
    return Evidence(role=role, field=item.field, question=question, rule=rule, decided=decided,
                    won=won, rate=rate, low=float(low), high=float(high), base_rate=base,
                    points=points, sentence=sentence)


def _with_threshold(leads, definition, fit_part, result, months, capacity) -> Definition:
    """The points threshold that gains the most over picking leads at random, among those
    within capacity (MQLs a month of the older leads) when it is given; the strictest when
    none is. (The loosest within capacity was no threshold at all where sales could work
    every lead: every lead an MQL, and "no segment holds up".)"""
    rows = np.flatnonzero(fit_part)
    frame = evaluate(leads.iloc[rows], definition).frame
    points = frame["points"].to_numpy()
    gate = frame["is_mql"].to_numpy(bool)  # threshold 0: gates and disqualifiers only
    levels = np.unique(points[gate])
    if len(levels) <= 1:
        return definition
    month = months[rows] if months is not None else None
    if capacity is not None and month is not None and (month >= 0).any():
        dated = month >= 0
        its_months = np.unique(month[dated])
        # A random part holds some of each month's leads: its MQLs, scaled to the whole months
        share = dated.sum() / np.isin(months, its_months).sum()
        # Over the share of its months the export covers, as the evidence page divides
        # (`preview.covered_months`): sixteen days are half a month, not one.
        first, shares = covered_months(leads, months)
        count = float(shares[its_months[0] - first:its_months[-1] - first + 1].sum()) * share
        levels = [level for level in levels
                  if (gate & dated & (points >= level)).sum() / count <= capacity]
        if not levels:
            return definition.model_copy(update={"threshold": int(np.max(points[gate]))})
    decided = result.decided[rows]
    won = result.won[rows] & decided
    total_wins, total = max(int(won.sum()), 1), max(int(decided.sum()), 1)
    best, best_gain = 0, -np.inf
    for level in levels:
        passed = gate & decided & (points >= level)
        gain = (won & passed).sum() / total_wins - passed.sum() / total
        if gain > best_gain:
            best, best_gain = int(level), gain
    return definition.model_copy(update={"threshold": best})


def _with_notes(definition: Definition, evidence, parts: Split,
                check: Holdout | None = None) -> Definition:
    """The evidence per guiding question, as the question's note: it travels with the draft
    wherever a draft goes (side by side, merge, versions, the one-pager)."""
    notes: dict[str, list[str]] = {}
    for _, item in evidence:
        notes.setdefault(item.question, []).append(item.sentence + ".")
    checked = f"checked on {parts.describe()}" if check is None or check.wins else \
        f"not confirmed: {parts.describe()} hold no won deal to check it on"
    source = f"From the won deals, learned on the older leads and {checked}: "
    return definition.model_copy(update={"notes": {
        question: source + " ".join(lines) for question, lines in notes.items()}})


def _ordered(definition: Definition, evidence) -> tuple[Evidence, ...]:
    """Evidence in the definition's order: its criteria, then its actions."""
    ordered = []
    for rule in [*definition.criteria, *definition.actions]:
        ordered.append(next(e for item, e in evidence if _same_rule(item, rule)))
    return tuple(ordered)


def _summary(definition: Definition, check: Holdout, parts: Split,
             per_month: float | None, capacity: float | None = None) -> str:
    """What was learned and how it did on the held-back leads, in a line; `per_month`: its MQLs
    a month over all the leads, the figure the evidence page shows for the draft (and whether
    that is more than sales can work: even its highest threshold may qualify more)."""
    rules = len(definition.criteria) + len(definition.actions)
    line = f"Learned {rules} rule{'' if rules == 1 else 's'} from the won deals"
    if not check.decided:
        return (line + f"; {parts.describe()} had no decided deals to check them on"
                + _per_month_sentence(per_month, capacity))
    if check.win_rate is None or not check.wins:
        return (line + f"; {parts.describe()} had {check.decided:,} decided "
                f"deal{'' if check.decided == 1 else 's'} but no win yet, so nothing confirms "
                "the rules" + _per_month_sentence(per_month, capacity))
    line += (f"; on {parts.describe()} its MQLs won {formatted(check.win_rate, 'share')} "
             f"of the time (against {formatted(check.base_rate, 'share')} overall) and "
             f"caught {formatted(check.wins_caught, 'share')} of the wins")
    if check.wins < MIN_HOLDOUT_WINS:
        line += f" ({few_wins_checked(check.wins)})"
    return line + _per_month_sentence(per_month, capacity)


def few_wins_checked(wins: int) -> str:
    """Said of a draft checked on fewer newer wins than confirm a finding."""
    if not wins:
        return "not confirmed: the newer leads hold no won deal to check it on"
    return (f"checked on only {wins} won deal{'' if wins == 1 else 's'} among the newer "
            "leads, so only a rough guide")


def _per_month_sentence(per_month: float | None, capacity: float | None) -> str:
    if per_month is None:
        return "."
    over = (f", more than the {capacity:,.0f} sales can work"
            if capacity is not None and round(per_month, 1) > capacity else "")
    return f"; over all the leads it makes {per_month:,.1f} MQLs a month{over}."
