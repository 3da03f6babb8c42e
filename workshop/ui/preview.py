"""The live panel: how many of the workshop's leads each draft and the shared definition
qualify (its uploaded export, or the sample leads)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from workshop.charts import qualified_bar
from workshop.definition import Definition
from workshop.preview import headline_table
from workshop.text import escape_markdown
from workshop.ui.leads_source import SAMPLE_LABEL, LeadsSource, leads_for


@st.cache_data(show_spinner=False, max_entries=256)
def figures_table(source_key: tuple[str, ...],
                  named_json: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """Cached by the data and the definitions' JSON: nothing is evaluated twice."""
    definitions = {name: Definition.from_json(text) for name, text in named_json}
    return headline_table(leads_for(source_key), definitions)


def named_json(definitions: dict[str, Definition]) -> tuple[tuple[str, str], ...]:
    return tuple((name, d.to_json()) for name, d in definitions.items())


def live_panel(definitions: dict[str, Definition], source: LeadsSource) -> None:
    if source.label == SAMPLE_LABEL:
        st.markdown(f"**On the sample leads** ({len(source.leads):,} leads over 12 months)")
    else:
        st.markdown(f"**On {escape_markdown(source.label)}**")
    try:
        table = figures_table(source.key, named_json(definitions))
    except KeyError as error:
        st.warning(f"{str(error).strip(chr(39))}: map that column on the evidence page.")
        return
    chart, numbers = st.columns([2, 3])
    chart.plotly_chart(qualified_bar(table), config={"displayModeBar": False})
    numbers.dataframe(
        table, hide_index=True, width="stretch",
        column_config={
            "MQL share": st.column_config.NumberColumn(format="percent"),
            "SQL share": st.column_config.NumberColumn(format="percent"),
            "Wins caught": st.column_config.NumberColumn(
                format="percent", help="Share of past won deals this definition would have "
                                       "qualified as MQL"),
            "Win rate of MQLs": st.column_config.NumberColumn(format="percent"),
        })
