"""Charts built from small aggregated tables (never from per-lead rows)."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from workshop.text import chart_text

STAGE_COLOURS = {"MQL": "#7aa6e0", "SQL": "#1f5fbf"}


def qualified_bar(table: pd.DataFrame) -> go.Figure:
    """MQL and SQL counts side by side for each definition (rows of `headline_table`)."""
    figure = go.Figure()
    for stage, colour in STAGE_COLOURS.items():
        figure.add_bar(name=stage, x=[chart_text(name) for name in table["Definition"]],
                       y=table[stage], marker_color=colour,
                       text=[f"{v:,}" for v in table[stage]], textposition="outside")
    figure.update_layout(barmode="group", height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                         legend={"orientation": "h", "y": 1.15}, yaxis_title="Leads",
                         font={"size": 16})
    return figure


# Projector-friendly: large type everywhere.
FONT = {"size": 18}
DEFINITION_COLOURS = ("#1f5fbf", "#e07b1f", "#2e9d5b", "#9b59b6", "#c0392b")
CAPACITY_COLOUR = "#c0392b"


def _wrap(text: str, width: int = 42, max_lines: int = 0) -> str:
    """Break a long sentence onto several lines (plotly's <br>) so axis labels stay readable;
    the text itself is escaped (see `chart_text`). With `max_lines`, what does not fit ends
    in '…' (the whole sentence goes in the hover text)."""
    lines, line = [], ""
    for word in chart_text(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:width - 1].rstrip() + "…"
    return "<br>".join(lines)


WATERFALL_LABEL_LINES = 2  # a rule's label on the waterfall: two lines at most, then '…'


def waterfall_chart(table: pd.DataFrame) -> go.Figure:
    """From all leads down to SQLs, one bar per rule (rows of `preview.waterfall`).

    Horizontal, so the rule sentences read as labels; MQL and SQL totals are drawn as total bars
    after the points step and after the last SQL must-have.
    """
    labels, measures, values, texts = [], [], [], []
    hovers: list[str] = []
    kinds = table["kind"].tolist() if "kind" in table else [""] * len(table)
    for position, row in enumerate(table.itertuples(index=False)):  # a dozen rows at most
        if position == 0:
            labels.append(chart_text(row.step))
            hovers.append(chart_text(row.step))
            measures.append("absolute")
            values.append(int(row.remaining))
            texts.append(f"{int(row.remaining):,}")
        else:
            labels.append(_wrap(row.step, max_lines=WATERFALL_LABEL_LINES))
            hovers.append(chart_text(row.step))
            measures.append("relative")
            values.append(-int(row.removed))
            texts.append(f"−{int(row.removed):,}")
        kind = kinds[position]
        if kind == "points":
            labels.append("MQL")
            hovers.append("MQL")
            measures.append("total")
            values.append(0)
            texts.append(f"{int(row.remaining):,}")
        if position == len(table) - 1 and kind in ("sql", "points"):
            labels.append("SQL")
            hovers.append("SQL")
            measures.append("total")
            values.append(0)
            texts.append(f"{int(row.remaining):,}")
    figure = go.Figure(go.Waterfall(
        orientation="h", measure=measures, y=labels, x=values, text=texts,
        hovertext=hovers, hoverinfo="text+x", cliponaxis=False,
        textposition="outside", connector={"line": {"color": "#999"}},
        decreasing={"marker": {"color": "#d98c8c"}},
        totals={"marker": {"color": STAGE_COLOURS["SQL"]}},
        increasing={"marker": {"color": STAGE_COLOURS["MQL"]}}))
    # every bar's band holds its label's lines (at most two) with room to spare
    band = max(60, round(WATERFALL_LABEL_LINES * FONT["size"] * 1.6 + 16))
    figure.update_layout(height=max(360, band * len(labels) + 60), font=FONT, showlegend=False,
                         margin={"l": 10, "r": 40, "t": 30, "b": 10}, xaxis_title="Leads",
                         yaxis={"autorange": "reversed"})
    return figure


# Where each region's count sits in a drawing of three (or two) overlapping circles.
_CIRCLES_3 = ((-0.55, 0.35), (0.55, 0.35), (0.0, -0.6))
_CIRCLES_2 = ((-0.55, 0.0), (0.55, 0.0))
_RADIUS = 0.95
_SPOTS_3 = {(0,): (-0.95, 0.65), (1,): (0.95, 0.65), (2,): (0.0, -1.1),
            (0, 1): (0.0, 0.75), (0, 2): (-0.6, -0.35), (1, 2): (0.6, -0.35),
            (0, 1, 2): (0.0, 0.05)}
_SPOTS_2 = {(0,): (-0.9, 0.0), (1,): (0.9, 0.0), (0, 1): (0.0, 0.0)}


def overlap_chart(table: pd.DataFrame) -> go.Figure:
    """Two or three circles with the number of leads in each region (rows of `preview.overlap`).

    The circles are not drawn to scale: a projector audience reads the numbers, and a lead count
    of 15 against 3,000 would be an invisible circle."""
    names = [sets[0] for sets in table["sets"] if len(sets) == 1]
    circles, spots = (_CIRCLES_3, _SPOTS_3) if len(names) == 3 else (_CIRCLES_2, _SPOTS_2)
    figure = go.Figure()
    for i, (name, (x, y)) in enumerate(zip(names, circles, strict=True)):
        colour = DEFINITION_COLOURS[i % len(DEFINITION_COLOURS)]
        figure.add_shape(type="circle", x0=x - _RADIUS, x1=x + _RADIUS, y0=y - _RADIUS,
                         y1=y + _RADIUS, line={"color": colour, "width": 3},
                         fillcolor=colour, opacity=0.18)
        label_y = y + _RADIUS + 0.12 if y >= 0 else y - _RADIUS - 0.12
        figure.add_annotation(x=x, y=label_y, text=f"<b>{chart_text(name)}</b>",
                              showarrow=False,
                              font={"size": 22, "color": colour})
    xs, ys, texts, hovers = [], [], [], []
    none = 0
    for row in table.itertuples(index=False):
        if not row.sets:
            none = int(row.count)
            continue
        combo = tuple(names.index(name) for name in row.sets)
        x, y = spots[combo]
        xs.append(x)
        ys.append(y)
        texts.append(f"{int(row.count):,}")
        hovers.append(chart_text(row.region))
    figure.add_scatter(x=xs, y=ys, text=texts, hovertext=hovers, mode="text", name="leads",
                       textfont={"size": 24}, hoverinfo="text")
    figure.update_layout(
        font=FONT, height=520, showlegend=False, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        title={"text": f"Qualified by none of them: {none:,} leads", "font": {"size": 18}},
        xaxis={"visible": False, "range": [-2.0, 2.0]},
        yaxis={"visible": False, "range": [-2.0, 1.7], "scaleanchor": "x"},
        plot_bgcolor="white")
    return figure


def monthly_chart(volumes: dict[str, pd.DataFrame], capacity: float | None,
                  stage: str = "mql") -> go.Figure:
    """Qualified leads per month for each definition against what sales can work (a line).

    `volumes` are `preview.monthly_volume` tables; `stage` picks the "mql" or "sql" column.
    Each point is the month's real count; a first or last month the export covers only part of
    is compared with the capacity for that part (the line dips there, capacity × the share of
    the month covered), and its label and hover text say how many of its days are covered: 85
    leads in 4 days of June is no quiet month. No capacity line when `capacity` is None."""
    months = sorted({m for table in volumes.values() for m in table["month"]})
    covered = _days_covered(volumes)
    whole = {month: covered.get(month, (1, 1)) for month in months}
    parts = {month: days / length for month, (days, length) in whole.items()}
    noun = f"{stage.upper()}s"
    figure = go.Figure()
    for i, (name, table) in enumerate(volumes.items()):
        series = table.set_index("month")[stage].reindex(months, fill_value=0)
        hovers = [f"{chart_text(name)}, {month}: {int(count):,} {noun}{_in_days(*whole[month])}"
                  for month, count in series.items()]
        figure.add_scatter(x=months, y=series.tolist(), name=chart_text(name),
                           mode="lines+markers", hovertext=hovers, hoverinfo="text",
                           line={"width": 4,
                                 "color": DEFINITION_COLOURS[i % len(DEFINITION_COLOURS)]},
                           marker={"size": 9})
    if capacity is not None and months:
        hovers = [f"Sales capacity, {month}: {capacity * parts[month]:,.0f} leads"
                  f"{_in_days(*whole[month])}" for month in months]
        # A mark on each month as well as the line: a one-month export has no line to draw.
        figure.add_scatter(x=months, y=[capacity * parts[month] for month in months],
                           name="Sales capacity", mode="lines+markers", hovertext=hovers,
                           hoverinfo="text", line={"width": 3, "dash": "dash",
                                                   "color": CAPACITY_COLOUR},
                           marker={"symbol": "line-ew", "size": 40,
                                   "line": {"width": 3, "color": CAPACITY_COLOUR}})
    ticks = [month + (f"<br>({days} of {length} days)" if days < length else "")
             for month, (days, length) in whole.items()]
    figure.update_layout(height=420, font=FONT,
                         yaxis={"title": f"{noun} per month", "rangemode": "tozero"},
                         xaxis={"type": "category", "tickvals": months, "ticktext": ticks},
                         legend={"orientation": "h", "y": 1.15},
                         margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return figure


def _days_covered(volumes: dict[str, pd.DataFrame]) -> dict[str, tuple[int, int]]:
    """Month -> (days of it the export covers, days it has), from the tables' `attrs` (the
    same leads give every table the same); empty for tables made by hand (whole months)."""
    covered: dict[str, tuple[int, int]] = {}
    for table in volumes.values():
        days, lengths = table.attrs.get("days"), table.attrs.get("month_days")
        if days is None or lengths is None or len(days) != len(table):
            continue
        for month, day_count, length in zip(table["month"], days, lengths, strict=True):
            covered.setdefault(month, (int(day_count), int(length)))
    return covered


def _in_days(days: int, length: int) -> str:
    """' in the 4 of its 30 days the export covers' for a month covered in part, else ''."""
    if days >= length:
        return ""
    return f" in the {days} of its {length} days the export covers"


def agreement_heatmap(matrix: pd.DataFrame) -> go.Figure:
    """`compare.pair_matrix` as a heatmap; every cell also says its value in words, so colour
    is not the only carrier (blank: one of the two did not answer)."""
    values = matrix.to_numpy(dtype=float)
    text = [["–" if v != v else f"{v:.0%}" for v in row] for row in values]
    figure = go.Figure(go.Heatmap(
        z=values, x=[_wrap(c, 14) for c in matrix.columns],
        y=[chart_text(name) for name in matrix.index],
        text=text, texttemplate="%{text}", zmin=0, zmax=1, hoverongaps=False,
        colorscale=[[0, "#c0392b"], [0.5, "#f1c40f"], [1, "#2e9d5b"]],
        colorbar={"title": "Similarity", "tickformat": ".0%"}))
    figure.update_layout(height=140 + 60 * len(matrix), font={"size": 15},
                         margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         xaxis={"side": "top", "tickfont": {"size": 15}},
                         yaxis={"autorange": "reversed", "tickfont": {"size": 16}})
    return figure


def measurement_chart(history: pd.DataFrame) -> go.Figure:
    """Figures of each measurement over time: qualified leads per month (left axis) and the
    share of past wins caught (right axis). `history` columns: measured_at, label,
    qualified_per_month, wins_caught."""
    figure = go.Figure()
    # Labels above and below in turn: two measurements days apart ("v1 signed", "v1") would
    # print over each other.
    positions = ["top center" if i % 2 == 0 else "bottom center" for i in range(len(history))]
    figure.add_scatter(x=history["measured_at"], y=history["qualified_per_month"],
                       name="Qualified leads per month", mode="lines+markers+text",
                       text=history["label"], textposition=positions,
                       line={"width": 4, "color": DEFINITION_COLOURS[0]}, marker={"size": 11})
    if history["wins_caught"].notna().any():
        figure.add_scatter(x=history["measured_at"], y=history["wins_caught"], yaxis="y2",
                           name="Share of past wins caught", mode="lines+markers",
                           line={"width": 4, "dash": "dot", "color": DEFINITION_COLOURS[1]},
                           marker={"size": 11, "symbol": "diamond"})
    figure.update_layout(height=420, font=FONT, legend={"orientation": "h", "y": 1.15},
                         margin={"l": 10, "r": 10, "t": 30, "b": 10},
                         xaxis=_date_axis(history["measured_at"]),
                         yaxis=_headroom(history["qualified_per_month"]),
                         yaxis2={"title": "Wins caught", "overlaying": "y", "side": "right",
                                 "tickformat": ".0%", "range": [0, 1]})
    return figure


def _headroom(values: pd.Series) -> dict:
    """The left axis from zero with room above the highest point for its label (plotly's own
    range ends at the point, and cuts the label off)."""
    axis = {"title": "Qualified per month", "rangemode": "tozero"}
    highest = pd.to_numeric(values, errors="coerce").max()
    if pd.notna(highest) and highest > 0:
        axis["range"] = [0, float(highest) * 1.25]
    return axis


DAY_MS = 24 * 60 * 60 * 1000


def _date_axis(moments: pd.Series) -> dict:
    """Dates on the time axis, never hours or milliseconds: plotly zooms a single measurement
    (or several on one day) down to millisecond ticks, so those get a week around them with
    one tick a day."""
    axis = {"type": "date", "tickformat": "%-d %b %Y", "hoverformat": "%-d %b %Y %H:%M",
            "title": "Measured"}
    times = pd.to_datetime(moments)
    if not len(times):
        return axis
    span = times.max() - times.min()
    if span < pd.Timedelta(days=2):
        middle = times.min() + span / 2
        axis["range"] = [middle - pd.Timedelta(days=3), middle + pd.Timedelta(days=3)]
        span = pd.Timedelta(days=6)
    if span < pd.Timedelta(days=60):  # whole days between ticks, about seven of them
        axis["dtick"] = DAY_MS * max(1, math.ceil(span / pd.Timedelta(days=1) / 7))
    return axis
