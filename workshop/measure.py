"""The headline figures of one definition on one leads table, kept with a version so a team can
see, months later, whether its agreed definition still does what it did when it was signed."""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import date

import numpy as np
import pandas as pd

from workshop.column_types import DAY_FIRST, MONTH_FIRST
from workshop.definition import Definition
from workshop.evaluate import evaluate
from workshop.leads import outcome_source, unproven_date_order
from workshop.preview import (
    MIN_DECIDED,
    MIN_WINS,
    SHORT_EXPORT_DAYS,
    NoDates,
    average_per_month,
    cannot_evaluate,
    created_day_span,
    created_range,
    created_stamps,
    empty_warning,
    monthly_volume,
    outcome_metrics,
    per_month_value,
    short_export_sentence,
    unproven_order_sentence,
)


@dataclass(frozen=True)
class Figures:
    """What a definition did to a set of leads. Rates are None where the leads cannot say."""

    leads: int
    months: int  # months from the first dated lead's to the last's; 0 without created dates
    qualified: int  # MQL or beyond
    sql: int
    qualified_per_month: float | None  # None: no dates, so nothing per month
    sql_per_month: float | None
    wins: int | None = None
    wins_caught: float | None = None  # share of past wins the definition qualifies
    win_rate_qualified: float | None = None
    win_rate_rest: float | None = None
    lift: float | None = None
    reliable: bool = False  # enough decided leads and wins to trust the rates
    # The two win rates differ beyond chance (`preview.clear_difference`); None without a
    # lift, and in figures stored before it was kept.
    lift_clear: bool | None = field(default=None, compare=False)
    # Kept to say what a figure rests on; None in figures stored before they were, and left
    # out of comparisons so a measurement stored then still matches the same export now.
    days: int | None = field(default=None, compare=False)  # first created day to last
    has_outcome: bool | None = field(default=None, compare=False)  # an outcome column at all
    # The created dates' order when no date said it nor was it chosen: True day first, False
    # month first (a flag, as backups store figures as numbers); None when decided.
    unproven_day_first: bool | None = field(default=None, compare=False)
    # The export's header the outcome was read from (None: not known): win figures read from
    # another column count other wins, so comparing them says so.
    outcome_column: str | None = field(default=None, compare=False)
    # The first and the last created day of the leads measured (ISO dates; None without
    # dates, and in figures stored before they were kept): says which leads a comparison
    # compares.
    first_created: str | None = field(default=None, compare=False)
    last_created: str | None = field(default=None, compare=False)

    @property
    def qualified_share(self) -> float:
        return self.qualified / self.leads if self.leads else 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | None) -> Figures | None:
        """Figures stored earlier; None for nothing stored, and for nothing trustworthy (a
        count missing, null or not a whole number; a rate that is not a number), so a page
        shows no figures rather than failing on them. Unknown keys (a newer app) are ignored
        and missing ones (an older app) take their defaults."""
        if not text:
            return None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict):
            return None
        kept = {k: v for k, v in data.items() if k in _KINDS}
        if not all(_KINDS[key](value) for key, value in kept.items()):
            return None
        if kept.get("wins") == 0:  # stored by an older app as 0% of no wins: there is no share
            kept["wins_caught"] = None
        try:
            figures = cls(**kept)
        except TypeError:  # a required figure is missing: nothing trustworthy to show
            return None
        return figures if figures.hold_together() else None

    def hold_together(self) -> bool:
        """Whether these are figures a measurement can give: no more qualified leads or wins
        than leads, no more SQLs than MQLs, shares and rates within 0 to 1, and the first
        created day no later than the last."""
        if self.qualified > self.leads or self.sql > self.qualified \
                or (self.wins or 0) > self.leads:
            return False
        shares = (self.wins_caught, self.win_rate_qualified, self.win_rate_rest)
        if any(share is not None and not 0 <= share <= 1 for share in shares):
            return False
        if any(value is not None and value < 0
               for value in (self.lift, self.qualified_per_month, self.sql_per_month)):
            return False
        return not (self.first_created and self.last_created
                    and self.first_created > self.last_created)


def _count(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_COUNT


MAX_COUNT = 999_999_999  # leads, months, days: far beyond any export (uploads stop at millions)


def _number(value: object) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def _iso_day(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _maybe(check: Callable[[object], bool]) -> Callable[[object], bool]:
    return lambda value: value is None or check(value)


# What each stored figure may be (a flag stored as 0 or 1 by a backup is still a flag).
_KINDS: dict[str, Callable[[object], bool]] = {
    "leads": _count, "months": _count, "qualified": _count, "sql": _count,
    "qualified_per_month": _maybe(_number), "sql_per_month": _maybe(_number),
    "wins": _maybe(_count), "wins_caught": _maybe(_number),
    "win_rate_qualified": _maybe(_number), "win_rate_rest": _maybe(_number),
    "lift": _maybe(_number), "reliable": lambda value: value in (True, False),
    "lift_clear": lambda value: value in (None, True, False),
    "days": _maybe(_count), "has_outcome": lambda value: value in (None, True, False),
    "unproven_day_first": lambda value: value in (None, True, False),
    "outcome_column": _maybe(lambda value: isinstance(value, str) and len(value) <= 300),
    "first_created": _maybe(_iso_day), "last_created": _maybe(_iso_day),
}
assert set(_KINDS) == {f.name for f in fields(Figures)}


class CannotMeasure(ValueError):
    """These leads cannot give this definition's figures (a column is missing or empty); the
    message says which, so nothing is stored or printed as a silent 0."""


def measure(leads: pd.DataFrame, definition: Definition, masks: dict | None = None) -> Figures:
    """Volume per month and, where the leads carry outcomes, how well it caught past wins.

    Without created dates, the per-month figures are None (never the total passed off as a
    month). Raises `CannotMeasure` when a column the definition uses is missing or empty.
    `masks`: see `evaluate` (per-condition results kept for these leads)."""
    problem = cannot_evaluate(leads, definition) or empty_warning(leads, definition)
    if problem:
        raise CannotMeasure(problem)
    evaluation = evaluate(leads, definition, masks)
    frame = evaluation.frame
    try:
        volume = monthly_volume(leads, evaluation)
    except NoDates:
        volume = None
    figures = {
        "leads": len(leads),
        "months": 0 if volume is None else len(volume),
        "qualified": int(frame["is_mql"].sum()),
        "sql": int(frame["is_sql"].sum()),
        "qualified_per_month": None if volume is None
        else per_month_value(average_per_month(volume, "mql")),
        "sql_per_month": None if volume is None
        else per_month_value(average_per_month(volume, "sql")),
        "days": None if volume is None else created_day_span(leads),
        "has_outcome": "outcome" in leads.columns,
        "outcome_column": outcome_source(leads) if "outcome" in leads.columns else None,
        "unproven_day_first": None if volume is None else _unproven_day_first(leads),
    }
    if volume is not None and (created := created_range(leads)) is not None:
        figures["first_created"], figures["last_created"] = created
    outcomes = outcome_metrics(leads, evaluation)
    if outcomes is not None:
        figures.update(wins=outcomes.wins, wins_caught=outcomes.wins_caught,
                       win_rate_qualified=outcomes.win_rate_qualified,
                       win_rate_rest=outcomes.win_rate_rest, lift=outcomes.lift,
                       reliable=outcomes.reliable, lift_clear=outcomes.lift_clear)
    return Figures(**figures)


def _unproven_day_first(leads: pd.DataFrame) -> bool | None:
    order = unproven_date_order(leads)
    return None if not order else order == DAY_FIRST


def unproven_order(figures: Figures | None) -> str:
    """The order ("day-first", "month-first") per-month figures' created dates were read in
    though no date said which and nobody chose it; empty otherwise."""
    if figures is None or figures.qualified_per_month is None \
            or figures.unproven_day_first is None:
        return ""
    return DAY_FIRST if figures.unproven_day_first else MONTH_FIRST


def short_period(figures: Figures | None) -> int | None:
    """The days a per-month figure was worked out from when they are less than a month."""
    if figures is None or figures.qualified_per_month is None or figures.days is None:
        return None
    return figures.days if figures.days < SHORT_EXPORT_DAYS else None


def leads_count(leads: int) -> str:
    """"1 lead", "1,500 leads": how a source's size is said beside its name."""
    return f"{leads:,} lead{'' if leads == 1 else 's'}"


def _days_text(days: int) -> str:
    return f"{days:,} day{'' if days == 1 else 's'}"


def leads_measured(figures: Figures) -> str:
    """Which leads figures were measured on: "6,000 leads created from 3 Jan 2025 to 28 Mar
    2025", "150 leads without created dates" (the days alone for figures stored before the
    dates were kept)."""
    text = leads_count(figures.leads)
    if figures.first_created and figures.last_created:
        first, last = (date.fromisoformat(figures.first_created),
                       date.fromisoformat(figures.last_created))
        if first == last:
            return f"{text} created on {first:%-d %b %Y}"
        return f"{text} created from {first:%-d %b %Y} to {last:%-d %b %Y}"
    if figures.qualified_per_month is None:
        return f"{text} without created dates"
    if figures.days:
        return f"{text} created over {_days_text(figures.days)}"
    return text


# A fresh export is measured on its leads newer than a version's agreed ones only when it has
# at least this many of them; with fewer (the same export uploaded again) on all of them.
MIN_NEWER_LEADS = 30


@dataclass(frozen=True)
class Newer:
    """The leads of a fresh export a signed version is measured on now (`since_agreed`)."""

    leads: pd.DataFrame
    after: str | None = None  # ISO day the agreed leads end; None: every lead is measured
    older: int = 0  # leads created on or before it, left out
    undated: int = 0  # leads without a created date, left out with them
    # Leads created after the agreed ones' last day (None: no day to compare with); counted
    # also where too few to measure on their own (`no_newer_sentence`).
    newer: int | None = None


def since_agreed(leads: pd.DataFrame, agreed: Figures | None) -> Newer:
    """The leads created after the last day of the leads a version was agreed on, when a
    fresh export holds both (a re-export of everything, or of recently changed records):
    its older leads were measured when the version was signed, and a few of them spread over
    months they hardly fill would drag "a month" down (60 re-exported leads over three early
    months made 20 new qualified leads a month read as 11.5). All of them otherwise."""
    if agreed is None or not agreed.last_created:
        return Newer(leads)
    stamps = created_stamps(leads)
    if stamps is None:
        return Newer(leads)
    days = stamps.astype("datetime64[D]")
    dated = ~np.isnat(days)
    newer = dated & (days > np.datetime64(agreed.last_created, "D"))
    older = int(np.count_nonzero(dated & ~newer))
    count = int(np.count_nonzero(newer))
    if not older or count < MIN_NEWER_LEADS:
        return Newer(leads, newer=count)
    return Newer(leads.iloc[np.flatnonzero(newer)], agreed.last_created, older,
                 int(np.count_nonzero(~dated)), count)


def left_out_sentence(newer: Newer, version: int) -> str:
    """Which leads of the fresh export the figures now leave out, and why; empty for none."""
    if newer.after is None:
        return ""
    day = date.fromisoformat(newer.after)
    undated = (f", and {leads_count(newer.undated)} without a created date"
               if newer.undated else "")
    return (f"Now counts only the leads created after {day:%-d %b %Y}, the last day of the "
            f"leads version {version} was agreed on. The {leads_count(newer.older)} of this "
            f"export created on or before it{undated} are left out; the figures when agreed "
            "speak for that period.")


def no_newer_sentence(newer: Newer, agreed: Figures | None, version: int) -> str:
    """Said where an export holds (almost) no lead newer than those a version was agreed on
    (`since_agreed`; the same leads exported again): its figures now are that period's, not
    a test of the version on leads it has not seen. Empty otherwise, and without dates."""
    if newer.newer is None or newer.newer >= MIN_NEWER_LEADS or agreed is None:
        return ""
    day = date.fromisoformat(agreed.last_created)
    held = ("no lead" if newer.newer == 0 else
            f"only {leads_count(newer.newer)} (too few to measure on their own)")
    return (f"This export holds {held} created after {day:%-d %b %Y}, the last day of the "
            f"leads version {version} was agreed on: the figures now are those of the same "
            "period, not of newer leads. Upload an export with newer leads to see how it "
            "performs since.")


def compared_leads(measured: dict[str, Figures | None]) -> str:
    """Which leads each side of a comparison was measured on, in one sentence (a revisit
    compares the leads of the day the version was signed with a fresh export's)."""
    sides = [f"{when}, {leads_measured(figures)}" for when, figures in measured.items()
             if figures is not None]
    return f"Leads compared: {'; '.join(sides)}." if sides else ""


def short_period_sentence(figures: Figures | None) -> str:
    """What a per-month figure from under a month of leads must be read with; else empty."""
    days = short_period(figures)
    return "" if days is None else short_export_sentence(days)


def period_caveats(measured: dict[str, Figures | None]) -> list[str]:
    """For figures measured at several times ({"when agreed": ..., "now": ...}): which
    per-month figures come from less than a month of leads, and which rest on created dates
    read in an order no date says."""
    return [f"The per-month figures {when} come from leads created over {_days_text(days)}, "
            "less than a month, so a month's leads are worked out from them: check them "
            "against a longer export."
            for when, figures in measured.items() if (days := short_period(figures))] + [
        f"The per-month figures {when} rest on created dates read {order.replace('-', ' ')} "
        "(no date in the export says which): check the order in the column mapping."
        for when, figures in measured.items() if (order := unproven_order(figures))]


def volume_sentence(figures: Figures) -> str:
    """'42.0 qualified leads a month, 12.5 of them sales-qualified.' — or, for leads without
    dates, the totals, saying why there is no monthly figure; said with what a month's leads
    rest on when the export covers less than a month."""
    if figures.qualified_per_month is None or figures.sql_per_month is None:
        return (f"{figures.qualified:,} of {figures.leads:,} leads qualified "
                f"({formatted(figures.qualified_share, 'share')}), {figures.sql:,} of them "
                "sales-qualified (the leads carry no dates, so no monthly figure).")
    line = (f"{formatted(figures.qualified_per_month, 'number')} qualified leads a month, "
            f"{formatted(figures.sql_per_month, 'number')} of them sales-qualified.")
    caveats = [short_period_sentence(figures), unproven_order_sentence(unproven_order(figures))]
    return " ".join([line, *(caveat for caveat in caveats if caveat)])


def wins_sentence(figures: Figures) -> str:
    """'It would have caught 62% of past wins; qualified leads won 2.4× as often as the rest.'
    — empty when the leads had no wins to catch."""
    if not figures.wins or figures.wins_caught is None:
        return ""
    if figures.qualified == 0:  # no rate of qualified leads, whatever the outcomes hold
        return (f"It would have caught none of the {figures.wins:,} past "
                f"win{'' if figures.wins == 1 else 's'}: no lead qualified.")
    if figures.wins < MIN_WINS:
        # "0% of past wins" and "0.0× as often" from one or two wins state a share and a
        # ratio the wins cannot carry: the count is what they say.
        caught = round(figures.wins_caught * figures.wins)
        if figures.wins == 1:
            line = f"It would {'' if caught else 'not '}have caught the one past win"
        else:
            line = f"It would have caught {caught:,} of the {figures.wins:,} past wins"
        return line + f" ({FEW_WINS})."
    line = f"It would have caught {formatted(figures.wins_caught, 'share')} of past wins"
    if figures.lift is None and figures.win_rate_qualified is None \
            and figures.win_rate_rest is None:
        # `outcome_metrics` leaves both rates out when every decided lead was won
        return line + " (every lead here that is not an open deal was won, so no win rate " \
            "can be worked out)."
    if figures.lift is not None:
        shown = ratio_text(figures.lift)
        if shown == "1.0×" or (figures.lift >= 1 and figures.lift_clear is not False):
            line += f"; qualified leads won {shown} as often as the rest"
        elif figures.lift_clear is False:
            line += (f"; qualified leads won about as often as the rest ({shown}: no clear "
                     "difference in these leads)")
        else:
            line += f"; qualified leads won less often than the rest ({shown} as often)"
    return line + ("." if figures.reliable else f" ({FEW_OUTCOMES}).")


def no_wins_sentence(figures: Figures) -> str:
    """Why figures carry no win line, where they are printed on their own (the one-pager, the
    wall): the leads had no outcome, or none of them was won yet. Empty when there are wins,
    and for figures stored before they said whether the leads had an outcome."""
    if figures.wins:
        return ""
    if figures.has_outcome is False:
        return ("These leads have no column saying whether a lead was won, so there are no "
                "win figures.")
    if figures.has_outcome:
        return "None of these leads was won yet, so there are no win figures."
    return ""


# Said beside win figures from too few decided leads or wins to trust (`Figures.reliable`).
FEW_OUTCOMES = "from few decided leads and wins, so only a rough guide"
# Said instead of a share and a win rate from fewer than MIN_WINS wins.
FEW_WINS = f"too few wins for a share or a win rate: they need {MIN_WINS}"


def few_outcomes_note(leads: pd.DataFrame) -> str:
    """Under a table of every draft's wins caught and win rates: the leads hold too few won
    or lost deals for those figures to be more than a rough guide (as `outcome_metrics`
    judges each: MIN_WINS wins, MIN_DECIDED decided leads on each side); empty otherwise, and
    without wins (said on its own)."""
    if "outcome" not in leads.columns:
        return ""
    outcome = leads["outcome"].astype("string").str.strip().str.casefold()
    wins = int(outcome.eq("won").fillna(False).sum())
    # decided as the win rates count them: every lead not still open, one that never became
    # a deal (no outcome: a conversion date left blank) among them, as not won
    decided = int((~outcome.eq("open").fillna(False)).sum())
    if wins == 0 or (wins >= MIN_WINS and decided >= 2 * MIN_DECIDED):
        return ""
    return (f"The leads hold {decided:,} lead{'' if decided == 1 else 's'} no longer open "
            f"(won, lost or never a deal), {wins:,} of them won: wins caught and win rates "
            f"are {FEW_OUTCOMES}.")


def win_caveats(measured: dict[str, Figures | None]) -> list[str]:
    """What a reader must know before comparing win figures measured at several times
    ({"when agreed": ..., "now": ...}): that none of the leads of a time was won (a fresh export
    whose deals have not closed yet: its 0% says nothing about the definition), that none was
    decided or the leads had no outcome at all (so there are no win figures), that no lead
    qualified (not that too few were decided), or that too few were decided to trust; nothing
    for figures that can be read as they are (nor for figures stored before they said whether
    the leads had an outcome)."""
    few = [when for when, figures in measured.items()
           if figures is not None and figures.wins and not figures.reliable
           and figures.qualified]
    said = [f"The win figures {' and '.join(few)} are {FEW_OUTCOMES}."] if few else []
    said += _outcome_columns_differ(measured)
    said += [f"No lead qualified among the leads measured {when}, so none of their "
             f"{figures.wins:,} win{'' if figures.wins == 1 else 's'} is caught and qualified "
             "leads have no win rate."
             for when, figures in measured.items()
             if figures is not None and figures.wins and figures.qualified == 0]
    return said + [f"No lead was won among the leads measured {when}, so their win rates are "
                   "0% by arithmetic and say nothing about the definition until deals are won."
                   for when, figures in measured.items()
                   if figures is not None and figures.wins == 0] + [
        _no_win_figures(when, figures.has_outcome) for when, figures in measured.items()
        if figures is not None and figures.wins is None and figures.has_outcome is not None]


def _outcome_columns_differ(measured: dict[str, Figures | None]) -> list[str]:
    """A sentence when the win figures compared were read from different columns of their
    exports (a deal stage then, a lead status now): they count different things as a win."""
    columns = {when: figures.outcome_column for when, figures in measured.items()
               if figures is not None and figures.outcome_column and figures.wins is not None}
    if len(set(columns.values())) < 2:
        return []
    said = " and ".join(f"{when} from “{column}”" for when, column in columns.items())
    return [f"The win figures were read {said}: these columns count different things as a "
            "win, so their win figures are not comparable. To compare them, choose the same "
            "outcome column under “Column mapping and outcome” on the evidence page."]


def _no_win_figures(when: str, has_outcome: bool) -> str:
    if has_outcome:
        return (f"No lead among the leads measured {when} is won or lost yet (every deal is "
                "still open), so there are no win figures until deals close.")
    return (f"The leads measured {when} have no outcome (the export has no column saying "
            "whether a lead was won), so there are no win figures; if it has one, choose it "
            "under “Column mapping and outcome” on the evidence page.")


# Labels for showing figures side by side: (attribute, label, kind).
ROWS = (
    ("leads", "Leads in the export", "count"),
    ("qualified_per_month", "Qualified leads (MQL or SQL) per month", "number"),
    ("sql_per_month", "SQLs per month", "number"),
    ("qualified_share", "Share of leads qualified", "share"),
    ("wins_caught", "Share of past wins caught", "share"),
    ("win_rate_qualified", "Win rate of qualified leads", "share"),
    ("win_rate_rest", "Win rate of the rest", "share"),
    ("lift", "Lift (qualified ÷ rest)", "ratio"),
)


def formatted(value: float | int | None, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "share":
        return percent(value)
    if kind == "ratio":
        return ratio_text(value)
    if kind == "count":
        return f"{int(value):,}"
    if 0 < abs(value) < 0.05:  # one lead over three years is not "0.0 a month"
        return "under 0.01" if abs(value) < 0.01 else f"{value:.2f}"
    return f"{value:,.1f}"


def percent(share: float) -> str:
    """A share as a percentage that is never rounded to 0% or 100% when it is neither: 203
    of 204 wins is "99.5%", 1 of 204 "0.5%"; a decimal is kept near either end."""
    if share == 0 or share == 1 or not 0 < share < 1:
        return f"{share:.0%}"
    if share < 0.001:
        return "under 0.1%"
    if share > 0.999:
        return "over 99.9%"
    return f"{share:.1%}" if share < 0.1 or share >= 0.995 else f"{share:.0%}"


def ratio_text(value: float) -> str:
    """'2.4×'; to two decimals where one would hide which side of even a ratio is ('0.95×',
    not '1.0×': qualified leads that won less often than the rest must not read as even) or
    round a small one to nothing ('0.04×')."""
    return f"{value:.{_ratio_places(value)}f}×"


def _ratio_places(value: float) -> int:
    one = round(value, 1)
    return 2 if (one == 1.0 or one == 0.0) and round(value, 2) != one else 1


def _change(current: float, before: float, kind: str) -> str:
    """The change in words, signed; "0" (no sign) where none shows: a lift of 0.94× against
    0.91× reads 0.9× both times, so its change is 0, not "-0.0"."""
    if kind == "share":  # a decimal unless whole: "+1.6 points" from 15.75% to 17.33%, which
        points = round((current - before) * 100, 6)  # show as 16% and 17% ("+2" read wrong)
        shown = f"{points:+.0f}" if abs(points - round(points)) < 0.05 else f"{points:+.1f}"
        shown = _unsigned_zero(shown)
        return f"{shown} point" if shown.lstrip("+-") == "1" else f"{shown} points"
    if kind == "ratio":  # the change between the figures as shown
        places = max(_ratio_places(current), _ratio_places(before))
        change = round(current, _ratio_places(current)) - round(before, _ratio_places(before))
        return _unsigned_zero(f"{change:+.{places}f}")
    if kind == "number":
        return _unsigned_zero(f"{current - before:+,.1f}")
    return _unsigned_zero(f"{int(current - before):+,}")


def _unsigned_zero(signed: str) -> str:
    return "0" if signed.lstrip("+-").strip("0.") == "" else signed


def comparison_table(then: Figures | None, now: Figures) -> pd.DataFrame:
    """'When agreed' against 'now', a row per figure, with the change in words."""
    rows = []
    for attribute, label, kind in ROWS:
        current = getattr(now, attribute)
        before = getattr(then, attribute) if then is not None else None
        change = ""
        if before is not None and current is not None:
            change = _change(current, before, kind)
        rows.append({"Figure": label, "When agreed": formatted(before, kind),
                     "Now": formatted(current, kind), "Change": change})
    return pd.DataFrame(rows)
