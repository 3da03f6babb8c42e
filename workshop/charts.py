"""Charts built from small aggregated tables (never from per-lead rows)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

STAGE_COLOURS = {"MQL": "#7aa6e0", "SQL": "#1f5fbf"}


def qualified_bar(table: pd.DataFrame) -> go.Figure:
    """MQL and SQL counts side by side for each definition (rows of `headline_table`)."""
    figure = go.Figure()
    for stage, colour in STAGE_COLOURS.items():
        figure.add_bar(name=stage, x=table["Definition"], y=table[stage], marker_color=colour,
                       text=[f"{v:,}" for v in table[stage]], textposition="outside")
    figure.update_layout(barmode="group", height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                         legend={"orientation": "h", "y": 1.15}, yaxis_title="Leads",
                         font={"size": 16})
    return figure
