"""A rule naming a catalog option takes its kinds in ('Referral' takes 'Word of mouth'), so step 3
reads Marketing's 'Referral' against Sales' 'Word of mouth' as overlapping, sharing Word of
mouth, not as a conflict. The expected figures are worked out here from the leads each rule
takes in (plain pandas), not from the comparison's own code."""
import pandas as pd
import pytest

from tests.builders import C, D
from workshop import compare
from workshop.catalog import KINDS
from workshop.ui.comparison_view import spread_markdown

SOURCES = pd.Series(["Referral", *KINDS["Referral"], *KINDS["Events"], "Events", "Web"])


def _taken(values):
    """The export's lead-source spellings a rule naming `values` takes in, read by hand: an
    option takes itself and its kinds, a kind only itself."""
    wanted = set()
    for value in values:
        wanted |= {value, *KINDS.get(value, ())}
    return set(SOURCES[SOURCES.isin(wanted)])


def _jaccard(a, b):
    return len(a & b) / len(a | b)


def _source(*values, op="in"):
    return D(C(field="lead_source", op=op, values=list(values)))


@pytest.mark.parametrize("marketing, sales", [
    (["Referral"], ["Word of mouth"]),
    (["Word of mouth"], ["Referral"]),
    (["Referral"], ["Word of mouth", "Employee Referral"]),
    (["Events"], ["Trade Show", "Web"]),
    (["Referral", "Web"], ["Customer Referral", "Conference"]),
])
def test_an_option_holds_the_kinds_the_other_names(marketing, sales):
    comparison = compare.compare({"Marketing": _source(*marketing), "Sales": _source(*sales)})
    row = comparison.row("path")
    taken_m, taken_s = _taken(marketing), _taken(sales)
    # the values either names, each option counting as the kinds of it the other names
    named_m = set(marketing) | (set(sales) & taken_m)
    named_s = set(sales) | (set(marketing) & taken_s)
    assert row.similarity == pytest.approx(_jaccard(named_m, named_s))
    assert row.similarity > 0
    assert row.status != "conflict"
    spread = next(s for s in compare.spread(comparison.drafts, "path")
                  if s.field == "lead_source")
    assert set(spread.shared) == named_m & named_s
    assert set(spread.shared) <= taken_m & taken_s  # a shared value is one both rules take in


def test_referral_against_word_of_mouth_reads_as_shared_word_of_mouth():
    drafts = {"Marketing": _source("Referral"), "Sales": _source("Word of mouth")}
    comparison = compare.compare(drafts)
    row = comparison.row("path")
    assert row.similarity == pytest.approx(0.5)
    assert row.status == "overlap"
    text = spread_markdown(comparison.drafts, row)
    assert "✓ **Word of mouth** (both)" in text
    assert "Referral (only Marketing)" in text


def test_different_kinds_of_one_option_stay_apart():
    comparison = compare.compare({"Marketing": _source("Employee Referral"),
                                  "Sales": _source("Word of mouth")})
    row = comparison.row("path")
    assert row.similarity == 0
    assert row.status == "conflict"


def test_excluding_an_option_excludes_its_kinds():
    drafts = {"Marketing": _source("Referral", op="not_in"), "Sales": _source("Word of mouth")}
    comparison = compare.compare(drafts)
    row = comparison.row("path")
    assert row.similarity == 0  # Marketing excludes what Sales wants
    spread = next(s for s in compare.spread(comparison.drafts, "path")
                  if s.field == "lead_source")
    assert "Word of mouth" not in spread.shared
    assert spread.some.get("Word of mouth") == ["Sales"]


def test_excluding_one_kind_accepts_the_option_named_by_another():
    drafts = {"Marketing": _source("Word of mouth", op="not_in"), "Sales": _source("Referral")}
    spread = next(s for s in compare.spread(compare.compare(drafts).drafts, "path")
                  if s.field == "lead_source")
    assert "Referral" in spread.shared  # it takes Employee Referral in, and more
