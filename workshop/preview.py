"""Headline figures of definitions on a leads table: what each draft would do to real leads."""
from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from workshop import catalog, per_table
from workshop.definition import Criterion, Definition
from workshop.evaluate import (
    MQL,
    NOT_QUALIFIED,
    SQL,
    Evaluation,
    MissingColumn,
    empty_columns,
    evaluate,
    kept_mask,
    missing_columns,
    ranges_on_text,
    reasons,
)
from workshop.hindsight import named_after_the_fact
from workshop.leads import unproven_date_order


class NoDates(ValueError):
    """The leads carry no created date, so nothing can be said per month."""


def cannot_evaluate(leads: pd.DataFrame, definition: Definition) -> str:
    """Why this definition cannot be run on these leads, in a sentence; "" when it can."""
    return no_column_sentence(missing_columns(leads, definition),
                              ", so its figures cannot be worked out",
                              "; otherwise the shared definition can leave such a rule out "
                              "(step 3)")


def no_column_sentence(missing: list[str], so: str, otherwise: str = "") -> str:
    """'These leads have no column for …, which a rule of this definition uses' + `so`, and
    how to choose the column + `otherwise`; "" when nothing is `missing`."""
    if not missing:
        return ""
    names = ", ".join(field_name(name) for name in missing)
    one = len(missing) == 1
    return (f"These leads have no column for {names}, which "
            f"{'a rule of this definition uses' if one else 'its rules use'}{so}. If the "
            f"export has {'it' if one else 'them'} under another name, choose "
            f"{'it' if one else 'them'} under “Column mapping and outcome” on the evidence "
            f"page{otherwise}.")


def field_name(field: str) -> str:
    """'“Webinars attended” (webinars_attended)' for a catalog field, as the column mapping
    names it; a column's own name as it is."""
    known = catalog.FIELDS.get(field)
    return f"“{known.label}” ({field})" if known and known.label != field else f"“{field}”"


def empty_warning(leads: pd.DataFrame, definition: Definition,
                  where: str = "these leads") -> str:
    """A sentence when a column the definition uses holds no value at all in these leads, so
    its rules are unknown for every lead and its figures would be a silent 0; else ""."""
    empty = empty_columns(leads, definition)
    worded = [c for c in ranges_on_text(leads, definition) if c.field not in empty]
    said = []
    if empty:
        names = ", ".join(field_name(name) for name in empty)
        said.append(f"{names} {'is' if len(empty) == 1 else 'are'} empty in {where} (every "
                    "value blank, a placeholder or unreadable), so no lead can meet a rule on "
                    f"{'it' if len(empty) == 1 else 'them'}.")
    for criterion in worded:
        said.append(f"{field_name(criterion.field)} holds words and no number in {where}, "
                    f"so no lead can meet “{criterion.sentence()}”.")
    return " ".join(said)


def headline(leads: pd.DataFrame, definition: Definition) -> dict[str, float | int | None]:
    """MQL and SQL counts and shares, and the share of past wins the definition would catch."""
    missing = missing_columns(leads, definition)
    if missing:
        raise MissingColumn(", ".join(missing))
    result = evaluate(leads, definition)
    figures: dict[str, float | int | None] = dict(result.summary())
    outcomes = outcome_metrics(leads, result)
    if outcomes is not None and outcomes.wins:
        figures["wins"] = outcomes.wins
        figures["wins_caught"] = outcomes.wins_caught
        figures["mql_win_rate"] = outcomes.win_rate_qualified  # open deals left out
    else:
        figures["wins"] = figures["wins_caught"] = figures["mql_win_rate"] = None
    return figures


HEADLINE_COLUMNS = ("Definition", "MQL", "MQL share", "SQL", "SQL share", "Wins caught",
                    "Win rate of MQLs", "Note")


def headline_table(leads: pd.DataFrame, definitions: dict[str, Definition]) -> pd.DataFrame:
    """One row per definition, ready to show. A definition that cannot run on these leads
    keeps its row, without figures, and "Note" names the columns it lacks (or, for one that
    runs, the columns it uses that are empty here); the others are unaffected."""
    rows = []
    for name, definition in definitions.items():
        missing = missing_columns(leads, definition)
        if missing:
            rows.append({"Definition": name, "Note": "no column for "
                         + ", ".join(field_name(m) for m in missing)})
            continue
        empty = empty_columns(leads, definition)
        figures = headline(leads, definition)
        rows.append({
            "Definition": name,
            "MQL": figures["mql"],
            "MQL share": figures["mql_share"],
            "SQL": figures["sql"],
            "SQL share": figures["sql_share"],
            "Wins caught": figures["wins_caught"],
            "Win rate of MQLs": figures["mql_win_rate"],
            "Note": ", ".join(field_name(e) for e in empty) + " empty" if empty else "",
        })
    table = pd.DataFrame(rows, columns=list(HEADLINE_COLUMNS))
    return table.astype({"MQL": "Int64", "SQL": "Int64"})


# --- evidence from real leads: volume, capacity, outcomes, funnel, overlap, samples ----------
#
# Everything below aggregates in pandas/numpy over whole columns, so a million leads take well
# under a second per figure; only `sample_table` runs per-row code, on the few rows it shows.

def _require_columns(leads: pd.DataFrame, definition: Definition) -> None:
    missing = missing_columns(leads, definition)
    if missing:
        raise MissingColumn(", ".join(missing))


def has_dates(leads: pd.DataFrame) -> bool:
    """Whether any lead has a created date, so figures per month mean something."""
    if "created_month" in leads.columns:
        return bool(leads["created_month"].notna().any())
    if "created" not in leads.columns:
        return False
    return bool(pd.to_datetime(leads["created"], errors="coerce", format="mixed").notna().any())


def no_dates_sentence(leads: pd.DataFrame) -> str:
    """Why there is nothing per month, and what would fix it: a date column that could be when
    a lead arrived (not one named for what came after, as a close date is)."""
    others = [name for name, column in leads.items() if isinstance(name, str)
              and name not in ("created", "created_month")
              and pd.api.types.is_datetime64_any_dtype(column)
              and not named_after_the_fact(name)]
    fix = (f" If one of its date columns ({', '.join(others[:4])}) is when a lead arrived, map "
           "it to “Created date” in the column mapping." if others else "")
    return ("These leads have no created date, so nothing can be shown per month: the "
            "figures are totals for the whole export." + fix)


def _months(leads: pd.DataFrame) -> pd.Series:
    """'YYYY-MM' per lead: `created_month` when the import derived it, else from `created`."""
    if not has_dates(leads):
        raise NoDates(no_dates_sentence(leads))
    if "created_month" in leads.columns:
        return leads["created_month"].astype("string")
    # Truncate to months as numbers, then format only the few distinct months (not 1M dates).
    month = pd.Series(created_stamps(leads).astype("datetime64[M]"), index=leads.index)
    codes, uniques = pd.factorize(month, use_na_sentinel=True)
    labels = pd.Series(pd.DatetimeIndex(uniques).strftime("%Y-%m"), dtype="string")
    return pd.Series(labels.array.take(codes, allow_fill=True), index=leads.index,
                     dtype="string")


def monthly_volume(leads: pd.DataFrame, evaluation: Evaluation) -> pd.DataFrame:
    """Qualified leads per month, so the team sees volume against what sales can work.

    Columns: month ('YYYY-MM', sorted), mql (MQL or beyond, i.e. SQLs included), sql. Every
    month from the first lead's to the last lead's appears, with 0 when none qualified (a month
    without leads too); leads without a date are left out. `attrs["months"]` is how many months
    the leads' dates cover (`covered_months`), what `average_per_month` divides by;
    `attrs["days"]` and `attrs["month_days"]`, per month, the days of it the dates cover and the
    days it has (a first or last month the export holds only part of).
    Raises `NoDates` (with a sentence saying so) when no lead has a created date.
    """
    codes, labels, covered, days, lengths = per_table.derived(
        leads, "months", lambda: _month_codes(leads))
    dated = codes >= 0

    def per_month(column: str) -> np.ndarray:
        qualified = evaluation.frame[column].to_numpy(bool)[dated]
        return np.bincount(codes[dated][qualified], minlength=len(labels)).astype("int64")

    volume = pd.DataFrame({"month": pd.Series(labels, dtype=object).astype(str),
                           "mql": per_month("is_mql"), "sql": per_month("is_sql")})
    volume.attrs["months"] = covered
    volume.attrs["days"], volume.attrs["month_days"] = days, lengths
    return volume


def _month_codes(leads: pd.DataFrame
                 ) -> tuple[np.ndarray, list[str], float, list[int], list[int]]:
    """Each lead's month as a position in the list of months from the first to the last (-1
    without a date), how many months the dates cover, and per month the days covered and the
    days it has; once per table."""
    months = _months(leads)
    numbers = np.full(len(months), -1, dtype=np.int64)
    present = months.notna().to_numpy(dtype=bool)
    numbers[present] = np.asarray(months[present].to_numpy(dtype=str),
                                  dtype="datetime64[M]").astype(np.int64)
    first, shares = covered_months(leads, numbers)
    codes = np.where(present, numbers - first, -1)
    labels = [str(np.datetime64(first + offset, "M")) for offset in range(len(shares))]
    starts = np.arange(first, first + len(shares) + 1).astype("datetime64[M]")
    lengths = np.diff(starts.astype("datetime64[D]")).astype(np.int64)
    days = np.rint(shares * lengths).astype(np.int64)
    return codes, labels, float(shares.sum()), days.tolist(), lengths.tolist()


def covered_months(leads: pd.DataFrame, numbers: np.ndarray) -> tuple[int, np.ndarray]:
    """The first month (months since 1970) and, for each month from it to the last, the share
    of it the leads' created dates span: an export from 24 March to 6 April covers 8 days of
    March and 6 of April, under half a month, not two. `numbers` are the leads' months (-1
    without a date); their days come from `created` when the leads have it."""
    dated = numbers[numbers >= 0]
    first, last = int(dated.min()), int(dated.max())
    shares = np.ones(last - first + 1)
    days = _created_days(leads)
    if days is None or not len(days):
        return first, shares
    start, end = days.min(), days.max()

    def length(month: np.datetime64) -> int:
        return _days((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]"))

    first_month, last_month = start.astype("datetime64[M]"), end.astype("datetime64[M]")
    if int(first_month.astype(np.int64)) != first or int(last_month.astype(np.int64)) != last:
        return first, shares  # months and days disagree (an edited table): whole months
    if first == last:
        shares[0] = (_days(end - start) + 1) / length(first_month)
    else:
        shares[0] = _days((first_month + 1).astype("datetime64[D]") - start) / length(first_month)
        shares[-1] = (_days(end - last_month.astype("datetime64[D]")) + 1) / length(last_month)
    return first, shares


# Under this many days of leads, a month's leads are worked out from less than a month.
SHORT_EXPORT_DAYS = 28


def short_export_sentence(days: int) -> str:
    """Said with a per-month figure worked out from `days` of leads; empty for a month or
    more."""
    if days >= SHORT_EXPORT_DAYS:
        return ""
    if days == 1:  # a CRM migration or a list import stamps every lead with its own day
        return ("The export covers less than a month: every lead was created on the same "
                "day, often the day they were imported into the CRM rather than the day each "
                "arrived, so a month's leads are worked out from one day. Check the created "
                "dates, or against a longer export.")
    return ("The export covers less than a month, so a month's leads are worked out from "
            f"{days:,} days: check them against a longer export.")


def unproven_order_sentence(order: str) -> str:
    """Said with a per-month figure resting on created dates read in `order` ("day-first",
    "month-first") though no date says which; empty for no such order."""
    if not order:
        return ""
    return (f"Created dates read {order.replace('-', ' ')} (no date in the export says which): "
            "check the order in the column mapping.")


def created_day_span(leads: pd.DataFrame) -> int | None:
    """Days from the first lead's created day to the last's, both counted; None without."""
    days = _created_days(leads)
    if days is None or not len(days):
        return None
    return _days(days.max() - days.min()) + 1


def created_range(leads: pd.DataFrame) -> tuple[str, str] | None:
    """The first and the last created day of these leads (ISO dates), None without dates."""
    days = _created_days(leads)
    if days is None or not len(days):
        return None
    return str(days.min()), str(days.max())


def period_sentence(leads: pd.DataFrame) -> str:
    """What "per month" is taken over: the days the leads' created dates run, said beside the
    capacity figures (an export of two weeks is not two months of leads). Empty without days."""
    days = _created_days(leads)
    if days is None or not len(days):
        return ""
    start, end = pd.Timestamp(days.min()), pd.Timestamp(days.max())
    span = _days(days.max() - days.min()) + 1
    created = (f"on {start:%-d %B %Y} (1 day)" if span == 1 else
               f"from {start:%-d %B %Y} to {end:%-d %B %Y} ({span:,} days)")
    line = f"Per month: the leads created {created}, over the part of each month they cover."
    for caveat in (short_export_sentence(span),
                   unproven_order_sentence(unproven_date_order(leads))):
        if caveat:
            line += " " + caveat
    undated = len(leads) - len(days)
    if undated:
        share = undated / len(leads)
        line += (f" {undated:,} of the {len(leads):,} leads "
                 f"({'under 1%' if share < 0.005 else f'{share:.0%}'}) "
                 f"{'has' if undated == 1 else 'have'} no created date the figures can use "
                 "(blank, unreadable, or standing apart from the rest), "
                 f"so the figures per month leave {'it' if undated == 1 else 'them'} out.")
    return line


def _days(span: np.timedelta64) -> int:
    return int(span.astype("timedelta64[D]").astype(np.int64))


def _created_days(leads: pd.DataFrame) -> np.ndarray | None:
    """The leads' created days (missing ones left out), or None without a created column."""
    stamps = created_stamps(leads)
    if stamps is None:
        return None
    days = stamps.astype("datetime64[D]")
    return days[~np.isnat(days)]


def created_stamps(leads: pd.DataFrame) -> np.ndarray | None:
    """Each lead's created time as a naive NumPy datetime (NaT without one; a zone given is
    left out, as the import does), or None without a created column."""
    if "created" not in leads.columns:
        return None
    created = leads["created"]
    if not pd.api.types.is_datetime64_any_dtype(created):
        created = pd.to_datetime(created, errors="coerce", format="mixed")
    if getattr(created.dt, "tz", None) is not None:
        created = created.dt.tz_localize(None)
    return created.to_numpy()


# Capacity verdict thresholds (qualified leads per month / what sales can work per month).
LOOSE_ABOVE = 1.10  # more than 110% of capacity: leads go cold unworked -> too loose
TIGHT_BELOW = 0.50  # under half of capacity: reps sit idle, good leads are filtered out
TOO_LOOSE, FITS, TOO_TIGHT = "too loose", "fits", "too tight"
NO_CAPACITY = "no capacity entered"  # 0 reps or 0 leads per rep: nothing to judge against


@dataclass(frozen=True)
class Verdict:
    """Whether a definition hands sales about as many leads as they can follow up."""

    verdict: str  # TOO_LOOSE / FITS / TOO_TIGHT
    ratio: float | None  # qualified per month / capacity; None when capacity is zero
    capacity: int  # leads sales can work per month
    sentence: str


def capacity_verdict(mql_per_month: float, reps: int, leads_per_rep: int) -> Verdict:
    """Too loose / fits / too tight: the bandwidth question of the workshop, in one sentence."""
    if not math.isfinite(mql_per_month) or mql_per_month < 0:
        raise ValueError("Qualified leads per month must be a number of at least 0.")
    if reps < 0 or leads_per_rep < 0:
        raise ValueError("Reps and leads per rep must be at least 0.")
    capacity = int(reps) * int(leads_per_rep)
    # Under ten a month, to a decimal as the volume line beside it says (0.6, not "1"; 0.03,
    # not 0); from ten on, whole leads.
    amount = f"{mql_per_month:,.0f}" if mql_per_month >= 10 \
        else f"{per_month_value(mql_per_month):g}"
    volume = f"{amount} qualified lead{'' if amount == '1' else 's'}"
    if capacity == 0:
        if mql_per_month > 0:
            return Verdict(NO_CAPACITY, None, 0,
                           f"No sales capacity entered (0 reps or 0 leads per rep), so none of "
                           f"the {volume} a month would be followed up. Enter how many reps "
                           f"there are and how many leads each can work a month.")
        return Verdict(NO_CAPACITY, None, 0, "No sales capacity entered and no qualified leads a "
                                      "month: there is nothing to compare yet.")
    ratio = mql_per_month / capacity
    if mql_per_month == 0:  # not a little: none, which is the finding
        return Verdict(TOO_TIGHT, 0.0, capacity,
                       f"No lead qualifies under this definition, against capacity for "
                       f"{capacity:,} a month ({reps:,} rep{'' if reps == 1 else 's'} × "
                       f"{leads_per_rep:,}) — too tight: reps would get no leads at all. "
                       f"Loosen a must-have or lower the points threshold.")
    base = (f"About {volume} a month against capacity for {capacity:,} "
            f"({reps:,} rep{'' if reps == 1 else 's'} × {leads_per_rep:,}): "
            f"{_share_of_capacity(ratio)} of capacity")
    if ratio > LOOSE_ABOVE:
        return Verdict(TOO_LOOSE, ratio, capacity,
                       f"{base} — too loose: sales cannot follow up every lead. Tighten the "
                       f"definition or add a pre-qualification step (a call, a nurture stream).")
    if ratio < TIGHT_BELOW:
        return Verdict(TOO_TIGHT, ratio, capacity,
                       f"{base} — too tight: reps would run out of leads. Loosen a must-have "
                       f"or lower the points threshold.")
    if ratio > 1 and _share_of_capacity(ratio) != "100%":  # over, and shown as over
        return Verdict(FITS, ratio, capacity,
                       f"{base} — fits, just: a little more than sales can work, within the "
                       f"{LOOSE_ABOVE - 1:.0%} a team absorbs. Watch that the newest leads "
                       f"are followed up.")
    return Verdict(FITS, ratio, capacity,
                   f"{base} — fits: sales can work what this definition hands over.")


def _share_of_capacity(ratio: float) -> str:
    """The share in whole percent, and on the far side of a verdict's bound where rounding
    would put it on the bound: 110.3% is "just over 110%" (too loose), not "110%", which is
    what a share that fits says."""
    shown = f"{ratio:.0%}"
    if ratio > 0 and shown == "0%":  # 0.5% rounds to even: still leads, not none
        return "under 1%"
    if ratio > LOOSE_ABOVE and shown == f"{LOOSE_ABOVE:.0%}":
        return f"just over {shown}"
    if ratio < TIGHT_BELOW and shown == f"{TIGHT_BELOW:.0%}":
        return f"just under {shown}"
    return shown


# Below these counts a win rate is anecdote, not evidence.
MIN_DECIDED = 30  # decided leads (won or not won) in the qualified group and in the rest
MIN_WINS = 10  # past wins in the whole table


@dataclass(frozen=True)
class OutcomeMetrics:
    """How a definition would have sorted past outcomes: do qualified leads win more often?

    Decided = won, lost, or no deal at all (never became a deal: not won). Open deals are
    unknown and left out of every rate.
    """

    stage: str
    qualified: int  # leads at `stage` or beyond, open deals included
    qualified_decided: int
    qualified_won: int
    rest_decided: int
    rest_won: int
    wins: int
    open_excluded: int
    win_rate_qualified: float | None
    win_rate_rest: float | None
    wins_caught: float | None  # share of all past wins it qualifies; None without wins
    lift: float | None  # win_rate_qualified / win_rate_rest
    reliable: bool
    reason: str  # why not reliable; "" when reliable
    # whether the two win rates differ beyond chance (`clear_difference`); None without a lift
    lift_clear: bool | None = None


NO_LOSS = ("Every lead here that is not an open deal was won: without a lost deal (or a lead "
           "that never became one) no win rate can tell good leads from the rest. If lost "
           "deals are marked in another column (archived, a lost reason), choose it as the "
           "outcome in the column mapping.")


def _outcomes(leads: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Won, lost and open per lead, read once per table."""
    text = leads["outcome"].astype("string").str.strip().str.casefold()
    return tuple(text.eq(word).fillna(False).to_numpy(dtype=bool)
                 for word in ("won", "lost", "open"))


def outcome_metrics(leads: pd.DataFrame, evaluation: Evaluation,
                    stage: str = MQL) -> OutcomeMetrics | None:
    """Win rate of qualified leads versus the rest, and the share of wins caught.

    None when the leads have no outcome column or no won/lost outcome at all (no evidence).
    """
    if stage not in (MQL, SQL):
        raise ValueError(f"stage must be {MQL!r} or {SQL!r}, not {stage!r}")
    if "outcome" not in leads.columns:
        return None
    won, lost, is_open = per_table.derived(leads, "outcome", lambda: _outcomes(leads))
    if not (won | lost).any():
        return None
    decided = ~is_open
    qualified = evaluation.frame["is_sql" if stage == SQL else "is_mql"].to_numpy(dtype=bool)
    rest = ~qualified
    q_decided = int(np.count_nonzero(qualified & decided))
    q_won = int(np.count_nonzero(qualified & won))
    r_decided = int(np.count_nonzero(rest & decided))
    r_won = int(np.count_nonzero(rest & won))
    wins = q_won + r_won
    rate_q = q_won / q_decided if q_decided else None
    rate_r = r_won / r_decided if r_decided else None
    lift = rate_q / rate_r if rate_q is not None and rate_r else None
    problems = []
    if q_decided < MIN_DECIDED:
        problems.append(f"only {q_decided} decided {stage}{'' if q_decided == 1 else 's'} "
                        f"(need {MIN_DECIDED})")
    if 0 < r_decided < MIN_DECIDED:  # none outside (every lead qualifies): nothing to compare
        problems.append(f"only {r_decided} decided lead{'' if r_decided == 1 else 's'} "
                        f"outside the {stage}s (need {MIN_DECIDED})")
    if wins < MIN_WINS:
        problems.append(f"only {wins} past win{'' if wins == 1 else 's'} (need {MIN_WINS})")
    reason = ("Too few leads to trust these rates: " + "; ".join(problems) + ".") \
        if problems else ""
    if not qualified.any():  # not too few: none at all, which is the finding
        reason = (f"No lead is an {stage} under this definition, so it has no win rate of its "
                  "own and catches no win.")
    if wins and wins == q_decided + r_decided:
        # Every lead that is not an open deal was won (an export of won deals, or one whose
        # lost deals are marked elsewhere): a rate of 100% against 100% says nothing.
        rate_q = rate_r = lift = None
        reason = NO_LOSS
    return OutcomeMetrics(
        stage=stage, qualified=int(np.count_nonzero(qualified)), qualified_decided=q_decided,
        qualified_won=q_won, rest_decided=r_decided, rest_won=r_won, wins=wins,
        open_excluded=int(np.count_nonzero(is_open)), win_rate_qualified=rate_q,
        win_rate_rest=rate_r, wins_caught=q_won / wins if wins else None, lift=lift,
        reliable=not reason, reason=reason,
        lift_clear=None if lift is None else clear_difference(q_won, q_decided, r_won,
                                                                r_decided))


def clear_difference(won: int, decided: int, other_won: int, other_decided: int) -> bool:
    """Whether two win rates differ beyond what chance gives leads this few: the 95% interval
    of their ratio (statsmodels' score interval, which holds at the small counts and zero
    wins segments have) leaves 1 out. 12 wins of 71 against 19 of 102 (0.9×) is no
    difference; 0 of 50 against 10 of 100 is one."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    if not decided or not other_decided:
        return False
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = confint_proportions_2indep(won, decided, other_won, other_decided,
                                               compare="ratio", method="score")
    return not (low <= 1.0 <= high)


def _greedy(masks: list[tuple[Criterion, np.ndarray]], remaining: np.ndarray,
            removes: bool) -> list[tuple[Criterion, np.ndarray]]:
    """Order criteria so that each step removes the most of what is still left.

    `removes`: True when a hit removes the lead (disqualifier), False when a miss does (gate)."""
    left = list(masks)
    ordered = []
    while left:
        drops = [np.count_nonzero(remaining & (hit if removes else ~hit)) for _, hit in left]
        best = int(np.argmax(drops))
        criterion, hit = left.pop(best)
        ordered.append((criterion, hit))
        remaining = remaining & (~hit if removes else hit)
    return ordered


def waterfall(leads: pd.DataFrame, definition: Definition, *,
              evaluation: Evaluation | None = None) -> pd.DataFrame:
    """Which rule removes how many leads, from all leads down to the MQLs and the SQLs.

    Steps: all leads; each disqualifier; each MQL must-have; the points threshold (what remains
    is the MQL count); each SQL must-have (what remains is the SQL count). Within each group the
    rule that removes the most of what is left comes first, so the biggest filter stands out.
    Columns: step (a plain sentence), removed, remaining, kind (start / disqualifier / mql /
    points / sql). Pass `evaluation` (of this definition on these leads) to skip re-evaluating.
    """
    _require_columns(leads, definition)
    result = evaluation if evaluation is not None else evaluate(leads, definition)
    def masks(criteria: list[Criterion]) -> list[tuple[Criterion, np.ndarray]]:
        return [(c, kept_mask(leads, c)) for c in criteria]

    remaining = np.ones(len(leads), dtype=bool)
    rows = [{"step": "All leads", "removed": 0, "remaining": len(leads), "kind": "start"}]

    def add(step: str, keep: np.ndarray, kind: str) -> None:
        nonlocal remaining
        after = remaining & keep
        rows.append({"step": step, "removed": int(np.count_nonzero(remaining & ~after)),
                     "remaining": int(np.count_nonzero(after)), "kind": kind})
        remaining = after

    for criterion, hit in _greedy(masks(definition.disqualifiers), remaining, removes=True):
        add(f"Not wanted: {criterion.sentence()}", ~hit, "disqualifier")
    for criterion, hit in _greedy(masks(definition.gate("mql")), remaining, removes=False):
        add(f"MQL must have: {criterion.sentence()}", hit, "mql")
    points = result.frame["points"].to_numpy()
    # Without a threshold no lead is short of points: the step says so, and stays as the
    # place where the MQLs are counted (the chart's MQL bar follows it).
    add(f"At least {definition.threshold:,} points (= MQL)" if definition.threshold > 0
        else "No points needed (= MQL)", points >= definition.threshold, "points")
    for criterion, hit in _greedy(masks(definition.gate("sql")), remaining, removes=False):
        add(f"SQL must have: {criterion.sentence()}", hit, "sql")
    table = pd.DataFrame(rows)
    if definition.gate("sql"):
        table.loc[table.index[-1], "step"] += " (= SQL)"
    return table


def none_qualified_sentence(leads: pd.DataFrame, definition: Definition) -> str:
    """Why a definition qualifies none of these leads, for a figure of 0 that would otherwise
    read as a finding: the must-haves no lead meets at all (a value a fresh export no longer
    writes, say), else the step of the waterfall after which no lead is left. Empty when some
    lead qualifies, and when the leads cannot be evaluated (said elsewhere)."""
    if not len(leads) or missing_columns(leads, definition):
        return ""
    steps = waterfall(leads, definition)
    mql = steps.loc[steps["kind"].isin(["start", "disqualifier", "mql", "points"]), "remaining"]
    if int(mql.iloc[-1]) > 0:
        return ""
    never = [c for c in definition.gate("mql") if not kept_mask(leads, c).any()]
    if never:
        rules = "; ".join(f"“{c.sentence()}”" for c in never)
        return (f"No lead qualifies because no lead at all meets {rules}. If these leads "
                "write the value otherwise now (a renamed industry or stage, say), add that "
                "spelling in a new version; check the column mapping too.")
    emptied = steps.loc[(steps["remaining"] == 0) & (steps["kind"] != "start"), "step"]
    return (f"No lead qualifies: after “{emptied.iloc[0]}” no lead is left." if len(emptied)
            else "")


def overlap(qualified: dict[str, pd.Series]) -> pd.DataFrame:
    """How many leads each combination of drafts qualifies: do the drafts want the same leads?

    Takes 2 or 3 named boolean Series over the same leads. Regions are exclusive and sum to the
    number of leads: "A only", "A & B" (exactly those two), "all three", "none".
    Columns: region, count, sets (the tuple of names the region's leads belong to).
    """
    names = list(qualified)
    if len(names) not in (2, 3):
        raise ValueError("Overlap compares 2 or 3 definitions.")
    arrays = [pd.Series(qualified[name]).fillna(False).to_numpy(dtype=bool) for name in names]
    if len({len(a) for a in arrays}) != 1:
        raise ValueError("The qualified sets must cover the same leads.")
    codes = np.zeros(len(arrays[0]), dtype=np.int64)
    for bit, array in enumerate(arrays):
        codes |= array.astype(np.int64) << bit
    counts = np.bincount(codes, minlength=2 ** len(names))
    combos = [c for size in (1, 2, 3) for c in combinations(range(len(names)), size)
              if size <= len(names)] + [()]
    rows = []
    for combo in combos:
        members = tuple(names[i] for i in combo)
        if not combo:
            region = "none"
        elif len(combo) == 1:
            region = f"{members[0]} only"
        elif len(combo) == 3:
            region = "all three"
        else:
            region = " & ".join(members)
        code = sum(1 << i for i in combo)
        rows.append({"region": region, "count": int(counts[code]), "sets": members})
    return pd.DataFrame(rows)


ID_COLUMNS = ("record_id", "company", "job_title", "industry", "employees")
WHOLE_NUMBER_COLUMNS = ("employees",)  # counts: shown whole, a missing one left blank


def sample_table(leads: pd.DataFrame, definition: Definition, n: int = 25,
                 seed: int = 0, *, evaluation: Evaluation | None = None) -> pd.DataFrame:
    """A few real leads with their stage and why, so people argue about examples, not rules.

    About half qualified and half not (fewer when one group is small); SQLs first, then MQLs,
    then the rest, by points. Reasons come from `workshop.evaluate.reasons`, written for the sample
    only but measured on all the leads.
    Columns: the identifying columns present (company, job_title, industry, employees), stage,
    points, reasons. Pass `evaluation` (of this definition on these leads) to skip re-evaluating.
    """
    _require_columns(leads, definition)
    result = evaluation if evaluation is not None else evaluate(leads, definition)
    is_mql = result.frame["is_mql"].to_numpy(dtype=bool)
    yes, no = np.flatnonzero(is_mql), np.flatnonzero(~is_mql)
    take_yes = min(len(yes), (n + 1) // 2)
    take_no = min(len(no), n - take_yes)
    take_yes = min(len(yes), n - take_no)
    rng = np.random.default_rng(seed)
    positions = np.concatenate([rng.choice(yes, take_yes, replace=False),
                                rng.choice(no, take_no, replace=False)]).astype(np.int64)
    sample = leads.iloc[positions]
    if not sample.index.is_unique:
        sample = sample.reset_index(drop=True)
    frame = result.frame.iloc[positions]
    columns = [c for c in ID_COLUMNS if c in leads.columns]
    table = sample[columns].copy()
    for column in WHOLE_NUMBER_COLUMNS:  # 3000.5 employees reads as 3,001, not .5
        if column in table.columns and pd.api.types.is_numeric_dtype(table[column]):
            # half up, as people round: the middles of "51-200" and "201-500" (125.5, 350.5)
            # read 126 and 351, not 126 and 350 as rounding half to even gives
            table[column] = np.floor(table[column].astype("float64") + 0.5).astype("Int64")
    table["stage"] = frame["stage"].to_numpy()
    table["points"] = frame["points"].to_numpy()
    table["reasons"] = reasons(leads, definition, positions, evaluation=result).to_numpy()
    order = table["stage"].map({SQL: 0, MQL: 1, NOT_QUALIFIED: 2})
    table = table.assign(_order=order).sort_values(["_order", "points"],
                                                   ascending=[True, False], kind="stable")
    return table.drop(columns="_order")


def per_month_value(value: float) -> float:
    """A figure a month as shown and stored: to one decimal, but one under 0.05 (a lead in three
    years) to two significant digits, never rounded to 0."""
    if value == 0 or not math.isfinite(value) or abs(value) >= 0.05:
        return round(value, 1)
    return float(f"{value:.2g}")


def average_per_month(volume: pd.DataFrame, column: str = "mql") -> float:
    """Qualified leads per month from `monthly_volume`, the figure `capacity_verdict` takes.

    The qualified leads over the months the dates cover (`covered_months`): a first or last
    month the export holds only part of, and a short export of two weeks, count for the part
    they cover. A table without that (made by hand) gives the mean of its months; 0 when empty.
    """
    months = volume.attrs.get("months")
    if months:
        return float(volume[column].sum()) / float(months)
    return float(volume[column].mean()) if len(volume) else 0.0


def pairwise_agreement(qualified: dict[str, pd.Series]) -> pd.DataFrame:
    """Agreement on real leads: for each pair of definitions, how many leads both qualify, how
    many either qualifies, and the share of those either wants that both want (1 = the same
    leads). Columns: pair, both, either, both_share (of all leads), agreement."""
    names = list(qualified)
    arrays = {n: pd.Series(qualified[n]).fillna(False).to_numpy(dtype=bool) for n in names}
    rows = []
    for a, b in combinations(names, 2):
        if len(arrays[a]) != len(arrays[b]):
            raise ValueError("The qualified sets must cover the same leads.")
        both = int(np.count_nonzero(arrays[a] & arrays[b]))
        either = int(np.count_nonzero(arrays[a] | arrays[b]))
        total = len(arrays[a])
        rows.append({"pair": f"{a} ↔ {b}", "both": both, "either": either,
                     "both_share": both / total if total else 0.0,
                     "agreement": both / either if either else None})
    return pd.DataFrame(rows, columns=["pair", "both", "either", "both_share", "agreement"])
