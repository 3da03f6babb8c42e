"""What each draft and the shared definition would do to the workshop's leads."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from workshop import charts, preview
from workshop.capacity import MAX_PER_REP, MAX_REPS, Capacity, capacity, set_capacity
from workshop.definition import Definition
from workshop.evaluate import Evaluation, evaluate, missing_columns
from workshop.lead_export import file_slug, leads_csv
from workshop.measure import CannotMeasure, Figures, Newer, measure, since_agreed
from workshop.preview import cannot_evaluate, empty_warning, has_dates
from workshop.text import BLANK, escape_markdown
from workshop.ui.context import Place, visit
from workshop.ui.leads_source import LeadsSource
from workshop.ui.own_keys import MARK, stored_key

SHARED = "Shared definition"  # how the evidence page names the shared definition

PERCENT = st.column_config.NumberColumn(format="percent")


@st.cache_resource(max_entries=64, show_spinner=False)
def _evaluation(source_key: tuple, definition_json: str, _leads: pd.DataFrame) -> Evaluation:
    """One evaluation per data and definition, shared by every panel and session."""
    return evaluate(_leads, Definition.from_json(definition_json))


# Figures derived from an evaluation, kept per data and definition: a rerun (a widget moved, a
# colleague's change) redraws them without recomputing a million rows.
@st.cache_data(max_entries=64, show_spinner=False)
def _monthly(source_key: tuple, definition_json: str, _leads: pd.DataFrame,
             _result: Evaluation) -> pd.DataFrame:
    return preview.monthly_volume(_leads, _result)


@st.cache_data(max_entries=64, show_spinner=False)
def _outcomes(source_key: tuple, definition_json: str, _leads: pd.DataFrame,
              _result: Evaluation) -> preview.OutcomeMetrics | None:
    return preview.outcome_metrics(_leads, _result)


@st.cache_data(max_entries=64, show_spinner=False)
def _waterfall(source_key: tuple, definition_json: str, _leads: pd.DataFrame,
               _result: Evaluation) -> pd.DataFrame:
    return preview.waterfall(_leads, Definition.from_json(definition_json), evaluation=_result)


@st.cache_data(max_entries=64, show_spinner=False)
def _samples(source_key: tuple, definition_json: str, _leads: pd.DataFrame,
             _result: Evaluation) -> pd.DataFrame:
    return preview.sample_table(_leads, Definition.from_json(definition_json),
                                evaluation=_result)


@st.cache_data(max_entries=64, show_spinner=False)
def _overlap(source_key: tuple, definition_jsons: tuple[str, ...],
             _qualified: dict[str, pd.Series]) -> pd.DataFrame:
    return preview.overlap(_qualified)


def evaluations(source: LeadsSource, definitions: dict[str, Definition]
                ) -> dict[str, Evaluation]:
    """Each definition that can run on the leads, evaluated; one that cannot (a column it
    names is not in these leads, or is empty in them) is left out here, so its capacity and
    wins are not shown as zeros, and the live panel says why."""
    return {name: _evaluation(source.key, definition.to_json(), source.leads)
            for name, definition in definitions.items()
            if not (cannot_evaluate(source.leads, definition)
                    or empty_warning(source.leads, definition))}


REPS_KEY, PER_REP_KEY = "evidence:reps", "evidence:per-rep"


def capacity_inputs(place: Place) -> tuple[int, int]:
    """Sales reps and the leads one rep can work a month: drawn once per page run, from the
    capacity kept with the workshop, and kept there as soon as a box is left."""
    stored = _stored_capacity(place)
    reps_key = stored_key(REPS_KEY, stored.reps)
    per_rep_key = stored_key(PER_REP_KEY, stored.per_rep)
    left, right = st.columns(2)
    reps = left.number_input("Sales reps following up leads", min_value=0, max_value=MAX_REPS,
                             value=stored.reps, step=1, key=reps_key,
                             on_change=_keep_capacity, args=(place, reps_key))
    per_rep = right.number_input("Leads one rep can work per month", min_value=0,
                                 max_value=MAX_PER_REP, value=stored.per_rep, step=5,
                                 key=per_rep_key, on_change=_keep_capacity,
                                 args=(place, per_rep_key))
    return int(reps), int(per_rep)


def _stored_capacity(place: Place) -> Capacity:
    with visit(place) as ws:
        return ws(capacity)


def _keep_capacity(place: Place, box: str) -> None:
    """Keep the box that changed, beside the other one as stored now: a screen drawn before
    someone else changed the other box must not put that one back."""
    typed = st.session_state.to_dict().get(box)
    if typed is None:
        return
    with visit(place) as ws:
        reps, per_rep = ws(capacity)
        if box.startswith(REPS_KEY + MARK):
            reps = int(typed)
        else:
            per_rep = int(typed)
        ws(set_capacity, reps, per_rep)  # both boxes are drawn from it on the next run


def capacity_per_month(place: Place) -> float | None:
    """Leads a month sales can work, as last set (reps × leads per rep); None when nothing."""
    per_month = _stored_capacity(place).per_month
    return float(per_month) if per_month > 0 else None


def capacity_panel(place: Place, source: LeadsSource, definitions: dict[str, Definition],
                   results: dict[str, Evaluation]) -> None:
    reps, per_rep = capacity_inputs(place)
    if not has_dates(source.leads):
        _totals_without_dates(source, results)
        return
    volumes = {name: _monthly(source.key, definitions[name].to_json(), source.leads, result)
               for name, result in results.items()}
    st.plotly_chart(charts.monthly_chart(volumes, reps * per_rep),
                    config={"displayModeBar": False})
    rows, sentences = [], []
    days = preview.created_day_span(source.leads)
    short = preview.short_export_sentence(days) if days else ""  # said in each verdict too
    for name, volume in volumes.items():
        per_month = preview.average_per_month(volume)
        verdict = preview.capacity_verdict(per_month, int(reps), int(per_rep))
        rows.append({"Definition": name, "MQL per month": preview.per_month_value(per_month),
                     "Verdict": verdict.verdict + (" (from a short export)" if short and
                                                   verdict.ratio is not None else "")})
        sentences.append(f"- **{escape_markdown(name)}:** "
                         + escape_markdown(" ".join(filter(None, (short, verdict.sentence)))))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    # In words below the table, not in a cell of it: a cell cut the advice off on a projector.
    st.markdown(f"Against {reps:,} rep{'' if reps == 1 else 's'} × {per_rep:,} leads a month "
                f"each = {reps * per_rep:,} leads a month (set above):\n\n"
                + "\n".join(sentences))
    st.caption(preview.period_sentence(source.leads))


def _totals_without_dates(source: LeadsSource, results: dict[str, Evaluation]) -> None:
    """No created date: say so, and show what can be said — the totals of the export."""
    st.info(preview.no_dates_sentence(source.leads) + " Compare the totals with what sales "
            "can work over the period the export covers.")
    st.dataframe(pd.DataFrame([{
        "Definition": name,
        "MQL (whole export)": int(result.frame["is_mql"].sum()),
        "SQL (whole export)": int(result.frame["is_sql"].sum()),
        "Share of leads": float(result.frame["is_mql"].mean()) if len(result.frame) else None,
    } for name, result in results.items()]), hide_index=True, width="stretch",
        placeholder=BLANK, column_config={"Share of leads": PERCENT})


def outcomes_panel(source: LeadsSource, definitions: dict[str, Definition],
                   results: dict[str, Evaluation]) -> None:
    rows = []
    for name, result in results.items():
        metrics = _outcomes(source.key, definitions[name].to_json(), source.leads, result)
        if metrics is None and "outcome" in source.leads.columns:
            st.info("No lead here is a won or lost deal yet, so there are no past wins to "
                    "measure against: upload a later export once deals have closed.")
            return
        if metrics is None:
            st.info("These leads have no outcome: choose the column that says whether a lead "
                    "was won (a deal stage, a yes/no, or a date a lead converted) in the "
                    "column mapping to see win rates.")
            return
        if not metrics.wins:
            st.info("No lead here was won (yet), so every win rate is 0% by arithmetic and "
                    "says nothing about a definition until deals are won.")
            return
        rows.append({"Definition": name, "Win rate of MQLs": metrics.win_rate_qualified,
                     "Win rate of the rest": metrics.win_rate_rest, "Lift": metrics.lift,
                     "Share of wins caught": metrics.wins_caught if metrics.wins else None,
                     "Reliable": "yes" if metrics.reliable else f"no: {metrics.reason}"})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", placeholder=BLANK,
                 column_config={"Win rate of MQLs": PERCENT, "Win rate of the rest": PERCENT,
                                "Share of wins caught": PERCENT,
                                "Lift": st.column_config.NumberColumn(format="%.2f×")})
    st.caption("Open deals are left out; leads that never became a deal count as not won.")


def drill_down(source: LeadsSource, definitions: dict[str, Definition],
               results: dict[str, Evaluation]) -> None:
    drafts = [name for name in results if name != SHARED]
    if len(drafts) >= 2:
        st.subheader("Where the drafts' qualified leads overlap")
    if len(drafts) > 3:  # a diagram reads for two or three sets: the room picks which
        drafts = st.multiselect("Drafts in the diagram (two or three)", drafts,
                                default=drafts[:3], max_selections=3,
                                key="evidence:overlap-drafts")
        if len(drafts) < 2:
            st.caption("Choose two or three drafts to see where their leads overlap.")
    if len(drafts) >= 2:
        table = _overlap(source.key, tuple(definitions[name].to_json() for name in drafts),
                         {name: results[name].frame["is_mql"] for name in drafts})
        st.plotly_chart(charts.overlap_chart(table), config={"displayModeBar": False})
    names = list(results)
    # the shared definition first: after sign-off it is the agreed one, whose stages go home
    name = st.selectbox("Look closer at", names, key="evidence:closer",
                        index=names.index(SHARED) if SHARED in names else 0)
    definition, result = definitions[name], results[name]
    st.subheader("Which rule removes the most leads")
    steps = _waterfall(source.key, definition.to_json(), source.leads, result)
    st.plotly_chart(charts.waterfall_chart(steps), config={"displayModeBar": False})
    st.subheader("Sample leads and why")
    st.dataframe(_samples(source.key, definition.to_json(), source.leads, result),
                 hide_index=True, width="stretch", placeholder=BLANK)
    st.markdown(f"**All leads with {escape_markdown(name)}'s stage, points and reasons**")
    left, right = st.columns(2)
    file_name = f"leads-with-stages-{file_slug(name)}"
    left.download_button(
        "⬇️ CSV to open in a spreadsheet",
        data=lambda: leads_csv(source.leads, result, definition=definition,
                               exported=source.exported, delimiter=source.delimiter),
        file_name=f"{file_name}.csv", mime="text/csv", on_click="ignore",
        key="evidence:csv", width="stretch")
    if source.exported is not None:
        right.download_button(
            "⬇️ CSV for the CRM's import",
            data=lambda: leads_csv(source.leads, result, definition=definition,
                                   exported=source.exported, delimiter=source.delimiter,
                                   as_written=True),
            file_name=f"{file_name}-for-import.csv", mime="text/csv", on_click="ignore",
            key="evidence:csv-import", width="stretch")
        st.caption("In the spreadsheet file, a cell that begins with =, +, - or @ (a phone "
                   "number “+44 …” too) carries a ' in front, so the spreadsheet shows it "
                   "rather than running it as a formula; a CRM would import that ' with it. "
                   "The file for the CRM's import holds the export's columns exactly as the "
                   "CRM wrote them: import it without opening and saving it in a spreadsheet.")


def leads_agreement(source: LeadsSource | None, drafts: dict[str, Definition]) -> None:
    """Agreement on real leads: for each pair of drafts, the leads both would qualify."""
    if source is None:
        return
    usable = {name: d for name, d in drafts.items()
              if not missing_columns(source.leads, d) and not d.is_empty()}
    if len(usable) < 2:
        return
    qualified = {name: _evaluation(source.key, d.to_json(), source.leads).frame["is_mql"]
                 for name, d in usable.items()}
    table = preview.pairwise_agreement(qualified)
    st.markdown("**Do they want the same leads?** Of the leads either draft of a pair would "
                "qualify, the share both would:")
    st.dataframe(
        table.rename(columns={"pair": "Pair", "both": "Both qualify",
                              "either": "Either qualifies", "both_share": "Both, of all leads",
                              "agreement": "Agreement on real leads"}),
        hide_index=True, width="stretch",
        column_config={"Both, of all leads": PERCENT, "Agreement on real leads": PERCENT})


@st.cache_data(max_entries=64, show_spinner=False)
def _measured(source_key: tuple, definition_json: str, _leads: pd.DataFrame) -> Figures | str:
    try:
        return measure(_leads, Definition.from_json(definition_json))
    except CannotMeasure as error:
        return str(error)


def measurement(source: LeadsSource | None, definition: Definition) -> Figures | str:
    """The headline figures of a definition on the workshop's leads, cached per data and
    definition, or a sentence saying why there are none (no export yet, a column missing or
    empty): never a silent 0."""
    if source is None:
        return "No export of the company's own leads has been uploaded yet."
    return _measured(source.key, definition.to_json(), source.leads)


def measurement_now(source: LeadsSource, definition: Definition, agreed: Figures | None
                    ) -> tuple[Figures | str, Newer]:
    """`measurement` of a signed version on the leads of the export that are newer than those
    it was agreed on, when the export holds both (`measure.since_agreed`)."""
    newer = since_agreed(source.leads, agreed)
    if newer.after is None:
        return measurement(source, definition), newer
    return _measured((*source.key, "after", newer.after), definition.to_json(),
                     newer.leads), newer


def measured(source: LeadsSource | None, definition: Definition) -> Figures | None:
    """`measurement`, or None where there are no figures to keep."""
    figures = measurement(source, definition)
    return figures if isinstance(figures, Figures) else None
