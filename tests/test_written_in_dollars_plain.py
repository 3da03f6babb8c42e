"""Whether a revenue column is written in whole amounts is read off its values; plain digits skip
the patterns (a shortcut), which must not change an answer."""
import re

import pandas as pd
import pytest

from workshop import mapping


def _by_patterns(values, mark):
    """The reading without the shortcut: every value through both patterns."""
    grouped = mapping._GROUPED_BY_POINT if mark == "," else mapping._GROUPED_BY_COMMA
    return any(re.search(grouped, v) or re.search(mapping._UNIT_AFTER_NUMBER, v)
               for v in values)


@pytest.mark.parametrize("values, mark, whole", [
    (["1.234", "5", "17"], ",", True),       # grouped by a point where the comma is the mark
    (["1234.5", "7", "250000"], ".", False),
    (["1234,5", "7"], ",", False),
    (["$533K", "12"], ".", True),
    (["71,912", "4"], ".", True),
    (["1,2 Mio", "3"], ",", True),
    (["30 337,00", "8"], ",", True),
    (["12", "-4", "7400000"], ".", False),
    (["12M", "7"], ".", True),
])
def test_plain_digits_skip_the_patterns_without_changing_the_answer(values, mark, whole):
    column = pd.Series(values * 1000, dtype="str")
    assert mapping._written_in_dollars(column, mark) is whole
    assert _by_patterns(values, mark) == whole
