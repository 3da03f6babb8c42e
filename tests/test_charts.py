import pandas as pd

from workshop.charts import qualified_bar


def test_qualified_bar_shows_the_mql_and_sql_counts_of_each_definition():
    table = pd.DataFrame({"Definition": ["Marketing", "Sales"], "MQL": [3100, 15],
                          "SQL": [3100, 3]})
    figure = qualified_bar(table)
    bars = {trace.name: trace for trace in figure.data}
    assert set(bars) == {"MQL", "SQL"}
    assert list(bars["MQL"].x) == ["Marketing", "Sales"]
    assert list(bars["MQL"].y) == [3100, 15] and list(bars["SQL"].y) == [3100, 3]
    assert list(bars["MQL"].text) == ["3,100", "15"]
