import html

import numpy as np
import pandas as pd

from workshop.charts import monthly_chart, overlap_chart, qualified_bar, waterfall_chart


def test_qualified_bar_shows_the_mql_and_sql_counts_of_each_definition():
    table = pd.DataFrame({"Definition": ["Marketing", "Sales"], "MQL": [3100, 15],
                          "SQL": [3100, 3]})
    figure = qualified_bar(table)
    bars = {trace.name: trace for trace in figure.data}
    assert set(bars) == {"MQL", "SQL"}
    assert list(bars["MQL"].x) == ["Marketing", "Sales"]
    assert list(bars["MQL"].y) == [3100, 15] and list(bars["SQL"].y) == [3100, 3]
    assert list(bars["MQL"].text) == ["3,100", "15"]


# --- evidence charts: built from small tables of workshop.preview -------------------------------


def waterfall_table(with_sql: bool = True) -> pd.DataFrame:
    rows = [("All leads", 0, 100, "start"),
            ("Not wanted: Uses a personal e-mail address: yes", 10, 90, "disqualifier"),
            ("MQL must have: Industry is Software", 50, 40, "mql"),
            ("At least 30 points (= MQL)", 15, 25, "points")]
    if with_sql:
        rows.append(("SQL must have: Confirmed budget is at least $25,000 (= SQL)", 20, 5, "sql"))
    return pd.DataFrame(rows, columns=["step", "removed", "remaining", "kind"])


def test_waterfall_chart_runs_from_all_leads_to_mql_and_sql():
    figure = waterfall_chart(waterfall_table())
    (trace,) = figure.data
    assert trace.type == "waterfall" and trace.orientation == "h"
    assert list(trace.measure) == ["absolute", "relative", "relative", "relative", "total",
                                   "relative", "total"]
    assert list(trace.x) == [100, -10, -50, -15, 0, -20, 0]
    assert trace.y[0] == "All leads" and trace.y[4] == "MQL" and trace.y[6] == "SQL"
    assert list(trace.text) == ["100", "−10", "−50", "−15", "25", "−20", "5"]
    # long sentences are wrapped for the projector, words intact
    assert "<br>" in trace.y[5] and trace.y[5].replace("<br>", " ") == \
        "SQL must have: Confirmed budget is at least $25,000 (= SQL)"
    assert figure.layout.font.size >= 16
    # running total after each step equals the table's remaining
    running = np.cumsum([v for v, m in zip(trace.x, trace.measure, strict=True)
                         if m != "total"])
    assert running.tolist() == waterfall_table()["remaining"].tolist()


def test_waterfall_chart_without_sql_rules_still_shows_both_totals():
    trace = waterfall_chart(waterfall_table(with_sql=False)).data[0]
    assert list(trace.y[-2:]) == ["MQL", "SQL"]
    assert list(trace.text[-2:]) == ["25", "25"]


def test_waterfall_chart_from_preview_table():
    from tests.test_preview import DEFINITION, hand_leads
    from workshop.preview import waterfall

    trace = waterfall_chart(waterfall(hand_leads(), DEFINITION)).data[0]
    assert list(trace.x) == [9, -1, -3, -1, -1, 0, -2, 0]
    assert list(trace.text[-3:]) == ["3", "−2", "1"]


def overlap_table(names) -> pd.DataFrame:
    from workshop.preview import overlap

    pattern = {
        "a": [1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1],
        "b": [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1],
        "c": [1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1],
    }
    return overlap({name: pd.Series(pattern[key], dtype=bool)
                    for name, key in zip(names, "abc", strict=False)})


def test_overlap_chart_three_circles_with_region_counts():
    table = overlap_table(["Marketing", "Sales", "Facilitator"])
    figure = overlap_chart(table)
    assert len(figure.layout.shapes) == 3
    assert all(shape.type == "circle" for shape in figure.layout.shapes)
    labels = [a.text for a in figure.layout.annotations]
    assert labels == ["<b>Marketing</b>", "<b>Sales</b>", "<b>Facilitator</b>"]
    (trace,) = figure.data
    counts = dict(zip(map(html.unescape, trace.hovertext), trace.text, strict=True))
    assert counts == {"Marketing only": "2", "Sales only": "1", "Facilitator only": "1",
                      "Marketing & Sales": "1", "Marketing & Facilitator": "1",
                      "Sales & Facilitator": "1", "all three": "2"}
    assert figure.layout.title.text == "Qualified by none of them: 2 leads"
    # every region sits at its own spot
    assert len(set(zip(trace.x, trace.y, strict=True))) == 7


def test_overlap_chart_two_circles():
    figure = overlap_chart(overlap_table(["Marketing", "Sales"]))
    assert len(figure.layout.shapes) == 2
    trace = figure.data[0]
    assert dict(zip(map(html.unescape, trace.hovertext), trace.text, strict=True)) == {
        "Marketing only": "3", "Sales only": "2", "Marketing & Sales": "3"}
    assert figure.layout.title.text.endswith(": 3 leads")


def test_monthly_chart_lines_and_capacity():
    volumes = {
        "Marketing": pd.DataFrame({"month": ["2025-01", "2025-02", "2025-03"],
                                   "mql": [300, 280, 350], "sql": [300, 280, 350]}),
        "Sales": pd.DataFrame({"month": ["2025-02", "2025-03"], "mql": [4, 6], "sql": [1, 2]}),
    }
    figure = monthly_chart(volumes, capacity=120)
    names = [trace.name for trace in figure.data]
    assert names == ["Marketing", "Sales", "Sales capacity"]
    marketing, sales, capacity = figure.data
    assert list(marketing.x) == ["2025-01", "2025-02", "2025-03"]
    assert list(marketing.y) == [300, 280, 350]
    assert list(sales.y) == [0, 4, 6]  # a month without the draft's rows counts 0
    assert list(capacity.y) == [120, 120, 120] and capacity.line.dash == "dash"
    assert figure.layout.font.size >= 16
    sql = monthly_chart(volumes, capacity=None, stage="sql")
    assert [trace.name for trace in sql.data] == ["Marketing", "Sales"]
    assert list(sql.data[1].y) == [0, 1, 2]
    assert sql.layout.yaxis.title.text == "SQLs per month"


def test_agreement_heatmap_writes_every_value_in_its_cell():
    from workshop.charts import agreement_heatmap
    matrix = pd.DataFrame({"Industry": [0.5, np.nan], "Overall": [0.5, 1.0]},
                          index=["A ↔ B", "A ↔ C"])
    heatmap = agreement_heatmap(matrix).data[0]
    assert list(heatmap.y) == ["A ↔ B", "A ↔ C"]
    assert [list(row) for row in heatmap.text] == [["50%", "50%"], ["–", "100%"]]
    assert (heatmap.zmin, heatmap.zmax) == (0, 1)


def test_measurement_chart_draws_volume_and_wins_caught_over_time():
    from workshop.charts import measurement_chart
    history = pd.DataFrame({"measured_at": pd.to_datetime(["2026-01-05", "2026-06-01"]),
                            "label": ["v1 signed", "v1"], "qualified_per_month": [40.0, 55.5],
                            "wins_caught": [0.3, None]})
    figure = measurement_chart(history)
    volume, wins = figure.data
    assert list(volume.y) == [40.0, 55.5] and list(volume.text) == ["v1 signed", "v1"]
    assert wins.yaxis == "y2" and wins.y[0] == 0.3
    no_outcomes = history.assign(wins_caught=[None, None])
    assert len(measurement_chart(no_outcomes).data) == 1


def test_typed_names_are_text_in_every_chart():
    """Plotly reads <a>, <b> and <img>-like tags in labels: a name or a value typed as markup
    shows as itself, in every chart that carries typed text."""
    import json

    from workshop import charts
    from workshop.preview import overlap

    evil = '<a href="https://evil.example">x</a><b>y</b>'
    figures = [
        charts.qualified_bar(pd.DataFrame({"Definition": [evil], "MQL": [3], "SQL": [1]})),
        charts.waterfall_chart(pd.DataFrame({
            "step": [evil, f"MQL must have: Industry is {evil}"], "removed": [0, 2],
            "remaining": [5, 3], "kind": ["start", "mql"]})),
        charts.overlap_chart(overlap({evil: pd.Series([True, False]),
                                      "Sales": pd.Series([True, True])})),
        charts.monthly_chart({evil: pd.DataFrame({"month": ["2025-01"], "mql": [2],
                                                  "sql": [1]})}, 5),
        charts.agreement_heatmap(pd.DataFrame({"Industry": [0.5]}, index=[f"{evil} ↔ B"])),
    ]
    for figure in figures:
        text = json.dumps(figure.to_plotly_json(), default=str)
        assert "<a href" not in text and "<b>y" not in text, text[:300]
        assert "&lt;a href" in text


# --- labels that do not overlap ---------------------------------------------------------------

def _plain_lines(label: str) -> list[str]:
    return [html.unescape(line) for line in label.split("<br>")]


def test_waterfall_labels_are_two_short_lines_at_most_in_a_band_that_holds_them():
    from workshop.charts import WATERFALL_LABEL_LINES

    long_rule = ("MQL must have: Industry is Software, Healthcare, Financial services, "
                 "Manufacturing, Retail, Logistics, Education or Public sector")
    table = pd.DataFrame([("All leads", 0, 100, "start"), (long_rule, 40, 60, "mql"),
                          ("At least 30 points (= MQL)", 15, 45, "points")],
                         columns=["step", "removed", "remaining", "kind"])
    figure = waterfall_chart(table)
    (trace,) = figure.data
    for label in trace.y:
        lines = _plain_lines(label)
        assert len(lines) <= WATERFALL_LABEL_LINES, label
        assert all(len(line) <= 42 for line in lines), label
    assert _plain_lines(trace.y[1])[-1].endswith("…")
    assert html.unescape(trace.hovertext[1]) == long_rule  # the whole rule on hover
    band = figure.layout.height / len(trace.y)
    assert band >= WATERFALL_LABEL_LINES * figure.layout.font.size * 1.5


def test_one_measurement_shows_a_date_axis_not_milliseconds():
    from workshop.charts import DAY_MS, measurement_chart

    history = pd.DataFrame({"measured_at": pd.to_datetime(["2026-12-04 16:20:31.123"]),
                            "label": ["v1 signed"], "qualified_per_month": [40.0],
                            "wins_caught": [0.3]})
    axis = measurement_chart(history).layout.xaxis
    assert axis.type == "date"
    assert "%Y" in axis.tickformat and not any(part in axis.tickformat
                                               for part in ("%L", "%S", "%H", "%M"))
    start, end = (pd.Timestamp(x) for x in axis.range)
    assert end - start >= pd.Timedelta(days=2)  # not a zoom onto one instant
    assert axis.dtick >= DAY_MS  # a tick a day at the finest


def test_measurements_on_one_afternoon_still_get_whole_days_and_months_apart_get_dates():
    from workshop.charts import DAY_MS, measurement_chart

    same_day = pd.DataFrame({"measured_at": pd.to_datetime(["2026-12-04 16:20",
                                                            "2026-12-04 16:21"]),
                             "label": ["v1 signed", "v1"], "qualified_per_month": [40.0, 41.0],
                             "wins_caught": [0.3, 0.3]})
    assert measurement_chart(same_day).layout.xaxis.dtick >= DAY_MS
    apart = same_day.assign(measured_at=pd.to_datetime(["2026-01-05", "2026-06-01"]))
    axis = measurement_chart(apart).layout.xaxis
    assert axis.range is None and "%Y" in axis.tickformat


def test_measurement_labels_have_room_and_do_not_print_over_each_other():
    """"v1 signed" at the highest point was cut off at the top of the chart, and printed over
    the "v1" of a measurement days later."""
    from workshop.charts import measurement_chart
    history = pd.DataFrame({
        "measured_at": pd.to_datetime(["2026-01-05", "2026-01-08", "2026-02-10"]),
        "label": ["v1 signed", "v1", "v2 signed"],
        "qualified_per_month": [21.1, 20.7, 18.0], "wins_caught": [0.33, 0.31, 0.3]})
    figure = measurement_chart(history)
    low, high = figure.layout.yaxis.range
    assert low == 0 and high >= max(history["qualified_per_month"]) * 1.2
    positions = list(figure.data[0].textposition)
    assert positions[0] != positions[1] and positions[1] != positions[2]
