"""The row display marks what the drafts share and names who has the rest."""
from tests.builders import C, D
from workshop import compare
from workshop.ui.comparison_view import spread_markdown


def _row(drafts, key):
    comparison = compare.compare(drafts)
    return comparison.drafts, comparison.row(key)


def test_shared_values_are_bold_with_a_tick_and_the_rest_say_whose():
    drafts, row = _row({"Marketing": D(C(values=["Healthcare", "Retail"])),
                        "Sales": D(C(values=["Healthcare", "Media"])),
                        "Facilitator": D(C(values=["Healthcare", "Retail"]))}, "industry")
    text = spread_markdown(drafts, row)
    assert "✓ **Healthcare** (all three)" in text
    assert "Retail (only Marketing, Facilitator)" in text
    assert "Media (only Sales)" in text


def test_ranges_show_what_all_accept_and_each_draft_s_range():
    drafts, row = _row({"A": D(C(field="employees", op="between", low=100, high=2000)),
                        "B": D(C(field="employees", op="at_least", low=200))}, "size")
    text = spread_markdown(drafts, row)
    assert "✓ **200 to 2,000 employees** (both accept)" in text
    assert "at least 200 employees (B)" in text


def test_user_text_is_escaped():
    drafts, row = _row({"*A*": D(C(values=["[x](http://e.com)", "Soft_ware"])),
                        "B": D(C(values=["[x](http://e.com)"]))}, "industry")
    text = spread_markdown(drafts, row)
    assert "[x](http://e.com)" not in text
    assert "*A*" not in text
    assert "only \\*A\\*" in text


def test_nothing_when_fewer_than_two_answered():
    drafts, row = _row({"A": D(C()), "B": D()}, "industry")
    assert spread_markdown(drafts, row) == ""


def test_a_phone_is_told_by_its_user_agent():
    from workshop.ui.comparison_view import looks_like_a_phone

    assert looks_like_a_phone("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile")
    assert looks_like_a_phone("Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36")
    assert not looks_like_a_phone("Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0")
    assert not looks_like_a_phone(None)


def test_figures_in_a_sentence_per_definition():
    from workshop.ui.preview import figures_sentence

    line = figures_sentence({"Definition": "*Sales*", "MQL": 1234, "MQL share": 0.2057,
                             "SQL": 56, "Wins caught": 0.5, "Note": ""})
    assert line == "- **\\*Sales\\***: 1,234 MQL (21%), 56 SQL, 50% of past wins caught"
    few = figures_sentence({"Definition": "Shared", "MQL": 13, "MQL share": 13 / 6000,
                            "SQL": 1, "Wins caught": 0.02, "Note": ""})
    assert "13 MQL (0.2%)" in few and "2.0% of past wins" in few  # not "0%" for 13 leads
    missing = figures_sentence({"Definition": "X", "MQL": None, "Note": "no column for “a”"})
    assert "cannot run on these leads" in missing
