"""The data's own voice: the facilitator adds the draft learned from the won deals
(`workshop.learn`), hidden until the reveal like every draft; and every draft's scorecard on the
newer leads that learning never saw (`workshop.scorecard`)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from workshop import learn, store
from workshop.definition import Definition
from workshop.mapping import Mapping
from workshop.measure import formatted
from workshop.preview import TOO_LOOSE, cannot_evaluate, empty_warning
from workshop.scorecard import (
    MIN_EXTRA_WINS,
    Scorecard,
    few_outcomes_held_back,
    scorecards,
    short_held_back,
)
from workshop.text import BLANK, escape_markdown
from workshop.ui.context import Place, visit
from workshop.ui.evidence_panels import capacity_inputs, capacity_per_month
from workshop.ui.leads_source import LeadsSource

NOTICE = "won-deals:notice"


@st.cache_resource(max_entries=8, show_spinner="Learning from the won deals…")
def _learned(source_key: tuple, capacity_per_month: float | None, _leads: pd.DataFrame,
             mapping_json: str, currency: str | None = None) -> learn.Learned | str:
    """The learned draft per data and capacity, or why nothing can be learned."""
    mapping = Mapping.from_json(mapping_json) if mapping_json else None
    try:
        return learn.learn(_leads, mapping=mapping, capacity=capacity_per_month,
                           currency=currency)
    except learn.CannotLearn as error:
        return str(error)


def learned(source: LeadsSource, capacity_per_month: float | None) -> learn.Learned | str:
    mapping_json = source.upload.mapping_json if source.upload is not None else ""
    return _learned(source.key, capacity_per_month, source.leads, mapping_json, source.currency)


def add_panel(place: Place, source: LeadsSource, revealed: bool) -> None:
    """For the facilitator: add (or learn again, or take out) the won deals' draft. Nothing of
    its content is shown here: before the reveal it must not lead anyone, the facilitator
    included; after it, it stands beside the others on step 3."""
    st.header("What your won deals say")
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(escape_markdown(notice))
    if "outcome" not in source.leads.columns:
        st.caption("With an outcome column (won, lost, a deal stage) the leads can draft "
                   "their own answer: choose it in the column mapping.")
        return
    with visit(place) as ws:
        present = ws(store.has_data_draft)
    if present and revealed:
        st.markdown("The won deals' draft is on the table beside the others (step 3); each "
                    "of its answers says in its note what the leads showed.")
        return
    try:
        learn.outcomes(source.leads)
    except learn.CannotLearn as error:  # every deal still open: no button that only says so
        st.caption(f"{error} The leads can draft their own answer once deals are won or lost.")
        if present:
            st.button("Take out the won deals' draft", key="won-deals:remove",
                      on_click=_remove, args=(place,))
        return
    st.markdown("The leads can draft too: for each question, what the won deals have in "
                "common, learned on the older leads and checked on the newer ones. "
                + ("Like every draft it stays hidden until the reveal, so it leads nobody."
                   if not revealed else "It joins the drafts on step 3 at once."))
    if not revealed:  # after the reveal they are set in the capacity panel further down
        capacity_inputs(place)
    per_month = capacity_per_month(place)
    st.caption(threshold_sentence(source.leads, per_month, revealed))
    if present:
        st.success("✅ The won deals' draft is in, hidden until the reveal.")
    again, out, _ = st.columns([1, 1, 2])
    again.button("📈 Learn it again" if present else "📈 Add your won deals as a draft",
                 type="secondary" if present else "primary", key="won-deals:add",
                 on_click=_add, args=(place, source, revealed))
    if present:
        out.button("Take it out", key="won-deals:remove", on_click=_remove, args=(place,))


def threshold_sentence(leads: pd.DataFrame, per_month: float | None, revealed: bool) -> str:
    """How the learned draft's points threshold is chosen, as `learn` chooses it: within sales
    capacity needs created dates to count leads a month (`learn.month_numbers`); without a
    capacity or dates it is the one that gains the most over picking leads at random."""
    gains = "its threshold is the one that gains the most over picking leads at random."
    if not per_month:
        return "Without a sales capacity " + gains
    if learn.month_numbers(leads) is None:
        return ("These leads have no created date, so nothing counts their leads a month "
                f"against sales capacity ({per_month:,.0f} a month): " + gains)
    return (f"Its threshold keeps to sales capacity: {per_month:,.0f} leads a month "
            f"(reps × leads per rep{', set below' if revealed else ''}).")


def _add(place: Place, source: LeadsSource, revealed: bool) -> None:
    """Learned against sales' capacity as stored at the click, not as this screen drew it."""
    result = learned(source, capacity_per_month(place))
    if isinstance(result, str):
        st.session_state[NOTICE] = result
        return
    if not result.found:
        st.session_state[NOTICE] = result.reason.rstrip(".") + ". Nothing was added."
        return
    try:
        with visit(place) as ws:
            ws(store.set_data_draft, result.definition)
    except store.StoreError as error:
        st.session_state[NOTICE] = str(error)
        return
    few = result.holdout is not None and result.holdout.wins < learn.MIN_HOLDOUT_WINS
    st.session_state[NOTICE] = ("The won deals' draft is added. "
                                + ("It is on the table beside the others on step 3."
                                   if revealed else
                                   "Like every draft it is shown at the reveal, not before.")
                                + (f" It was {learn.few_wins_checked(result.holdout.wins)}."
                                   if few else ""))


def _remove(place: Place) -> None:
    try:
        with visit(place) as ws:
            ws(store.remove_data_draft)
    except store.StoreError as error:
        st.session_state[NOTICE] = str(error)
        return
    st.session_state[NOTICE] = "The won deals' draft is taken out."


@st.cache_data(max_entries=32, show_spinner="Checking each draft on the newer leads…")
def _scorecards(source_key: tuple, definition_jsons: tuple[tuple[str, str], ...],
                capacity_per_month: float | None, _leads: pd.DataFrame
                ) -> dict[str, Scorecard]:
    definitions = {name: Definition.from_json(text) for name, text in definition_jsons}
    return scorecards(_leads, definitions, capacity=capacity_per_month)


def scorecard_rows(cards: dict[str, Scorecard]) -> pd.DataFrame:
    """One row per draft that can run on these leads: what it did on the held-back leads;
    blank where it cannot say."""
    rows = []
    for name, card in cards.items():
        figures = card.figures
        if card.problem:
            continue
        won = figures is not None and figures.wins > 0  # no win held back: no rate to judge by
        rows.append({
            "Draft": name,
            "MQL a month": figures.mql_per_month if figures else None,
            "Against capacity": card.verdict,
            "Win rate of MQLs": figures.win_rate if won else None,
            "95% interval": (f"{formatted(figures.win_rate_low, 'share')}–"
                             f"{formatted(figures.win_rate_high, 'share')}"
                             if won and figures.win_rate is not None
                             and figures.win_rate_low is not None else None),
            "Wins caught": figures.wins_caught if won else None,
            "MQLs (wins among them)": (f"{figures.mql:,} ({figures.won_mql:,})"
                                       if figures else None),
        })
    return pd.DataFrame(rows)


def _too_few_missed(figures) -> str:
    """Said instead of looking for a change, when a draft misses fewer held-back wins than a
    change must catch to be shown."""
    missed, wins = figures.wins - figures.won_mql, figures.wins
    if missed == 0:
        return f"catches {'the one' if wins == 1 else f'all {wins:,}'} held-back win" + (
            "" if wins == 1 else "s") + ": no change is needed to catch more."
    which = "the one held-back win" if wins == 1 else f"{missed:,} of the {wins:,} held-back wins"
    return f"misses {which}, so no change could catch {MIN_EXTRA_WINS} or more extra wins."



def scorecard_panel(place: Place, source: LeadsSource | None,
                    definitions: dict[str, Definition]) -> None:
    """Every draft on the newer leads: would we have caught our customers, does sales have
    the bandwidth, and the one change that would catch the most extra wins."""
    if source is None or not definitions:
        return
    if "outcome" not in source.leads.columns:
        st.caption("The scorecards need an outcome column (won, lost, a deal stage): choose "
                   "it in the column mapping.")
        return
    per_month = capacity_per_month(place)
    cards = _scorecards(source.key, tuple((name, d.to_json()) for name, d in definitions.items()),
                        per_month, source.leads)
    part = next(iter(cards.values())).part
    st.markdown(f"Checked on {escape_markdown(part)}: leads the won deals' draft was not "
                "learned from, so every draft is judged on the same unseen leads."
                + (f" Sales capacity: {per_month:,.0f} leads a month." if per_month else ""))
    for caveat in (few_outcomes_held_back(cards), short_held_back(cards)):
        if caveat:
            st.caption(caveat)
    rows = scorecard_rows(cards)
    if not rows.empty:
        st.dataframe(rows, hide_index=True, width="stretch", placeholder=BLANK, column_config={
            "Win rate of MQLs": st.column_config.NumberColumn(format="percent"),
            "Wins caught": st.column_config.NumberColumn(format="percent"),
            "MQL a month": st.column_config.NumberColumn(format="%.1f")})
    if any(card.figures is not None and card.figures.wins == 0 for card in cards.values()):
        st.caption("No lead held back was won (yet): the scorecards' win rates wait for won "
                   "deals among the newer leads.")
    lines = []
    for name, card in cards.items():
        if card.problem and (cannot_evaluate(source.leads, definitions[name])
                             or empty_warning(source.leads, definitions[name])):
            lines.append(f"- **{escape_markdown(name)}** cannot run on these leads (the "
                         "figures above say why).")  # said once, by the live panel
        elif card.problem:  # something of the leads held back only
            lines.append(f"- **{escape_markdown(name)}** has no scorecard: "
                         f"{escape_markdown(card.problem)}")
        elif card.figures is not None and card.figures.wins == 0:
            continue  # no win among the leads held back: no change could catch one (said above)
        elif card.figures is not None and card.figures.base_rate == 1:
            lines.append(f"- **{escape_markdown(name)}**: every decided lead held back was "
                         "won, none lost, so no change can find leads that win more often.")
        elif card.verdict == TOO_LOOSE:
            lines.append(f"- **{escape_markdown(name)}**: already more MQLs a month than "
                         "sales can work, so no loosening is suggested.")
        elif card.figures is not None \
                and card.figures.wins - card.figures.won_mql < MIN_EXTRA_WINS:
            lines.append(f"- **{escape_markdown(name)}**: {_too_few_missed(card.figures)}")
        elif card.change is not None:
            lines.append(f"- **{escape_markdown(name)}**, the change that catches the most "
                         f"extra wins per extra lead: {escape_markdown(card.change.sentence)}")
        else:
            lines.append(f"- **{escape_markdown(name)}**: no single change would have caught "
                         f"{MIN_EXTRA_WINS} or more extra wins with leads that win more often "
                         "than the newer leads on the whole.")
    if lines:
        st.markdown("\n".join(lines))
