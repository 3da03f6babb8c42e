"""The live panel: how many sample leads each draft and the shared definition qualify."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from workshop.charts import qualified_bar
from workshop.definition import Definition
from workshop.leads import load_sample_leads
from workshop.preview import headline_table


@st.cache_data(show_spinner=False, max_entries=256)
def _table(named_json: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """Cached by the definitions' JSON, so an unchanged definition is never evaluated twice."""
    definitions = {name: Definition.from_json(text) for name, text in named_json}
    return headline_table(load_sample_leads(), definitions)


def live_panel(definitions: dict[str, Definition]) -> None:
    leads = load_sample_leads()
    st.markdown(f"**On the sample leads** ({len(leads):,} leads over 12 months)")
    table = _table(tuple((name, d.to_json()) for name, d in definitions.items()))
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
