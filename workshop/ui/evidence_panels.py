"""What each draft and the shared definition would do to the workshop's leads."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from workshop import charts, preview
from workshop.definition import Definition
from workshop.evaluate import Evaluation, evaluate, missing_columns
from workshop.lead_export import leads_csv
from workshop.measure import Figures, measure
from workshop.ui.leads_source import LeadsSource

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
    usable = {}
    for name, definition in definitions.items():
        missing = missing_columns(source.leads, definition)
        if missing:
            st.warning(f"{name}: the leads have no column for {', '.join(missing)}. "
                       "Map it in the column mapping to include this definition.")
            continue
        usable[name] = _evaluation(source.key, definition.to_json(), source.leads)
    return usable


def capacity_panel(source: LeadsSource, definitions: dict[str, Definition],
                   results: dict[str, Evaluation]) -> None:
    left, right = st.columns(2)
    reps = left.number_input("Sales reps following up leads", min_value=0, max_value=10_000,
                             value=5, step=1, key="evidence:reps")
    per_rep = right.number_input("Leads one rep can work per month", min_value=0,
                                 max_value=100_000, value=40, step=5, key="evidence:per-rep")
    volumes = {name: _monthly(source.key, definitions[name].to_json(), source.leads, result)
               for name, result in results.items()}
    st.plotly_chart(charts.monthly_chart(volumes, reps * per_rep),
                    config={"displayModeBar": False})
    rows = []
    for name, volume in volumes.items():
        per_month = preview.average_per_month(volume)
        verdict = preview.capacity_verdict(per_month, int(reps), int(per_rep))
        rows.append({"Definition": name, "MQL per month": round(per_month, 1),
                     "Verdict": verdict.verdict, "In words": verdict.sentence})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def outcomes_panel(source: LeadsSource, definitions: dict[str, Definition],
                   results: dict[str, Evaluation]) -> None:
    rows = []
    for name, result in results.items():
        metrics = _outcomes(source.key, definitions[name].to_json(), source.leads, result)
        if metrics is None:
            st.info("These leads have no outcome column: map one (won / lost / open) in the "
                    "column mapping to see win rates.")
            return
        rows.append({"Definition": name, "Win rate of MQLs": metrics.win_rate_qualified,
                     "Win rate of the rest": metrics.win_rate_rest, "Lift": metrics.lift,
                     "Share of wins caught": metrics.wins_caught,
                     "Reliable": "yes" if metrics.reliable else f"no: {metrics.reason}"})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config={
        "Win rate of MQLs": PERCENT, "Win rate of the rest": PERCENT,
        "Share of wins caught": PERCENT,
        "Lift": st.column_config.NumberColumn(format="%.1f×")})
    st.caption("Open deals are left out; leads that never became a deal count as not won.")


def drill_down(source: LeadsSource, definitions: dict[str, Definition],
               results: dict[str, Evaluation]) -> None:
    drafts = [name for name in results if name != "Shared definition"][:3]
    if len(drafts) >= 2:
        st.subheader("Where the drafts' qualified leads overlap")
        table = _overlap(source.key, tuple(definitions[name].to_json() for name in drafts),
                         {name: results[name].frame["is_mql"] for name in drafts})
        st.plotly_chart(charts.overlap_chart(table), config={"displayModeBar": False})
    name = st.selectbox("Look closer at", list(results), key="evidence:closer")
    definition, result = definitions[name], results[name]
    st.subheader("Which rule removes the most leads")
    steps = _waterfall(source.key, definition.to_json(), source.leads, result)
    st.plotly_chart(charts.waterfall_chart(steps), config={"displayModeBar": False})
    st.subheader("Sample leads and why")
    st.dataframe(_samples(source.key, definition.to_json(), source.leads, result),
                 hide_index=True, width="stretch")
    st.download_button(
        f"⬇️ All leads with {name}'s stage, points and reasons (CSV)",
        data=lambda: leads_csv(source.leads, result, definition=definition),
        file_name="leads-with-stages.csv", mime="text/csv", key="evidence:csv")


def leads_agreement(source: LeadsSource, drafts: dict[str, Definition]) -> None:
    """Agreement on real leads: for each pair of drafts, the leads both would qualify."""
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
def _measured(source_key: tuple, definition_json: str, _leads: pd.DataFrame) -> Figures:
    return measure(_leads, Definition.from_json(definition_json))


def measured(source: LeadsSource, definition: Definition) -> Figures | None:
    """The headline figures of a definition on the workshop's leads (None: a column is
    missing), cached per data and definition."""
    if missing_columns(source.leads, definition):
        return None
    return _measured(source.key, definition.to_json(), source.leads)
