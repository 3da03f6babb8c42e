"""The live panel: how many of the workshop's leads each draft and the shared definition
qualify (its uploaded export, or in a demo the sample leads)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from workshop import merge
from workshop.charts import qualified_bar
from workshop.definition import Definition
from workshop.hindsight import after_arrival_sentences
from workshop.measure import CannotMeasure, Figures, few_outcomes_note, formatted, measure
from workshop.preview import cannot_evaluate, empty_warning, headline_table
from workshop.text import escape_markdown
from workshop.ui.leads_source import SAMPLE_LABEL, LeadsSource, leads_for, no_leads_yet


@st.cache_data(show_spinner=False, max_entries=256)
def figures_table(source_key: tuple[str, ...],
                  named_json: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """Cached by the data and the definitions' JSON: nothing is evaluated twice."""
    definitions = {name: Definition.from_json(text) for name, text in named_json}
    return headline_table(leads_for(source_key), definitions)


@st.cache_data(show_spinner=False, max_entries=1024)
def measured(source_key: tuple[str, ...], definition_json: str) -> Figures | str:
    """One definition's figures on one leads table, cached by both; a sentence when the
    leads cannot measure it. Conditions already seen on these leads are not computed again
    (`workshop.per_table`)."""
    try:
        return measure(leads_for(source_key), Definition.from_json(definition_json))
    except CannotMeasure as error:
        return str(error)


def choice_impact(source_key: tuple[str, ...], shared_json: str,
                  candidate_json: str) -> merge.ChoiceImpact | str:
    """The shared definition's figures without and with one question's candidate answer:
    after an Apply only the new shared definition and each candidate are measured."""
    before, after = measured(source_key, shared_json), measured(source_key, candidate_json)
    if isinstance(before, str):
        return before
    if isinstance(after, str):
        return after
    return merge.ChoiceImpact(before, after)


def impact_panel(source: LeadsSource | None, shared: Definition, candidate: Definition,
                 choice: str) -> None:
    """Right by a question's Apply: what the chosen answer does to the shared definition's
    MQL and SQL counts and wins caught, before → after; a sentence without leads."""
    if source is None:
        st.caption("With the company's leads uploaded, this would show what the choice does "
                   "to the shared definition's MQL and SQL counts.")
        return
    impact = choice_impact(source.key, shared.to_json(), candidate.to_json())
    if isinstance(impact, str):
        st.caption(escape_markdown(impact))
        return
    where = "the sample leads" if source.label == SAMPLE_LABEL else source.label
    head = (f"**{escape_markdown(choice)}** changes nothing on {escape_markdown(where)}"
            if impact.unchanged else
            f"**{escape_markdown(choice)}**, on {escape_markdown(where)}:")
    st.markdown(head + "  \n" + "  \n".join(escape_markdown(line)
                                             for line in merge.impact_lines(impact)))


def named_json(definitions: dict[str, Definition]) -> tuple[tuple[str, str], ...]:
    return tuple((name, d.to_json()) for name, d in definitions.items())


def figures_sentence(row: dict) -> str:
    """'- **Marketing**: 3,135 MQL (52%), 3,135 SQL, 68% of past wins caught' (Markdown)."""
    name = escape_markdown(str(row["Definition"]))
    if pd.isna(row.get("MQL")):
        return f"- **{name}**: cannot run on these leads ({escape_markdown(str(row['Note']))})"
    line = (f"- **{name}**: {int(row['MQL']):,} MQL ({formatted(row['MQL share'], 'share')}), "
            f"{int(row['SQL']):,} SQL")
    if not pd.isna(row.get("Wins caught")):
        line += f", {formatted(row['Wins caught'], 'share')} of past wins caught"
    return line


def live_panel(definitions: dict[str, Definition], source: LeadsSource | None, place=None,
               is_facilitator: bool = False, compact: bool = False) -> None:
    """Each definition's MQL and SQL counts and wins caught on the workshop's leads. A
    definition that cannot run on them says why in its own row; the others still show.
    `compact` (a phone): a sentence per definition instead of the chart and the table."""
    if source is None:
        no_leads_yet(place, is_facilitator, "lead figures")
        return
    if source.label == SAMPLE_LABEL:
        st.markdown(f"**On the sample leads** ({len(source.leads):,} leads over 12 months)")
    else:
        st.markdown(f"**On {escape_markdown(source.label)}**")
    # a row per definition, each cached on its own: after an Apply only the shared one is new
    table = pd.concat([figures_table(source.key, named_json({name: definition}))
                       for name, definition in definitions.items()], ignore_index=True)
    for name, definition in definitions.items():
        problem = cannot_evaluate(source.leads, definition) or empty_warning(source.leads,
                                                                             definition)
        if problem:
            st.warning(f"{escape_markdown(name)}: {escape_markdown(problem)}")
    for sentence in after_arrival_sentences(definitions):  # whoever looks: step 3 too
        st.warning(escape_markdown(sentence), icon="⏳")
    few = few_outcomes_note(source.leads)
    if few:
        st.caption(few)
    if compact:
        st.markdown("\n".join(figures_sentence(row) for row in table.to_dict("records")))
        return
    shown = table if (table["Note"].fillna("") != "").any() else table.drop(columns="Note")
    chart, numbers = st.columns([2, 3])
    chart.plotly_chart(qualified_bar(table.dropna(subset=["MQL"]).astype(
                           {"MQL": "int64", "SQL": "int64"})),
                       config={"displayModeBar": False})
    numbers.dataframe(
        shown, hide_index=True, width="stretch", placeholder="–",
        column_config={
            "MQL share": st.column_config.NumberColumn(format="percent"),
            "SQL share": st.column_config.NumberColumn(format="percent"),
            "Wins caught": st.column_config.NumberColumn(
                format="percent", help="Share of past won deals this definition would have "
                                       "qualified as MQL"),
            "Win rate of MQLs": st.column_config.NumberColumn(format="percent"),
        })
