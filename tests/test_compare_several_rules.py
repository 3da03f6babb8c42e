"""A draft may put several rules on one column (an MQL gate and an SQL gate on "Warehouse sqm",
"is one of" plus "is given"): step 3 weighs and lists every one of them, whatever their order.
And a criterion's sentence inside a longer one keeps a CRM header as the CRM spells it."""
from __future__ import annotations

import math
import random
import re

from tests.builders import C, D
from workshop.compare import compare
from workshop.definition import Criterion, Definition
from workshop.demo import facilitator_draft, marketing_draft, sales_draft
from workshop.export import one_pager, to_markdown
from workshop.text import md_inline
from workshop.ui.comparison_view import spread_markdown

SQM = "Warehouse sqm"
MQL_AT_MOST = C(field=SQM, op="at_most", high=20000)
SQL_AT_LEAST = C(field=SQM, op="at_least", low=2500.5, gate="sql")


def _summary(drafts: dict[str, Definition]) -> tuple[float | None, str]:
    comparison = compare(drafts)
    text = "\n".join(spread_markdown(comparison.drafts, row) for row in comparison.rows)
    return comparison.score, text


def _log_scale_overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Overlap ÷ union of two ranges on log10(1 + x), an open end at 0 or ten times the
    largest bound, as the module docstring describes it."""
    top = 10 * max(x for x in (*a, *b) if math.isfinite(x))

    def scaled(x: float) -> float:
        return math.log10(1 + (0.0 if x == -math.inf else top if x == math.inf else x))

    (low_a, high_a), (low_b, high_b) = [(scaled(lo), scaled(hi)) for lo, hi in (a, b)]
    return max(0.0, min(high_a, high_b) - max(low_a, low_b)) / (
        max(high_a, high_b) - min(low_a, low_b))


def test_two_gates_on_one_column_score_the_same_in_either_order():
    sales = D(MQL_AT_MOST)
    ordered = _summary({"Facilitator": D(MQL_AT_MOST, SQL_AT_LEAST), "Sales": sales})
    reversed_ = _summary({"Facilitator": D(SQL_AT_LEAST, MQL_AT_MOST), "Sales": sales})
    assert ordered == reversed_
    # Each rule scores its best match in the other draft: the two MQL rules match fully, the
    # SQL rule meets the MQL one on 2,500.5-20,000 in another gate (a factor of 0.75).
    sql_against_mql = 0.75 * _log_scale_overlap((2500.5, math.inf), (-math.inf, 20000))
    assert ordered[0] == round(100 * (1 + sql_against_mql + 1) / 3, 1)
    text = ordered[1]
    assert "at most 20,000" in text and "at least 2,500.5" in text
    assert "✓ **2,500.5 to 20,000** (both accept)" in text
    assert "at least 2,500.5, must have for an SQL (Facilitator)" in text


def test_every_rule_of_every_draft_is_in_the_summary_whatever_the_order():
    modules = [C(field="Modules of Interest", values=["Tracking", "Audit"]),
               C(field="Modules of Interest", op="is_known")]
    contract = [C(field="Contract End Date", op="within_last", days=180, gate="sql"),
                C(field="Contract End Date", op="is_known")]
    marketing = [C(field="Modules of Interest", values=["Audit", "Billing"]),
                 C(field="Contract End Date", op="is_known"), MQL_AT_MOST]
    drafts = {"Facilitator": D(*modules, *contract, MQL_AT_MOST, SQL_AT_LEAST),
              "Marketing": D(*marketing)}
    score, text = _summary(drafts)
    shuffled = random.Random(34)
    for _ in range(5):
        again = {name: D(*shuffled.sample(d.criteria, len(d.criteria)))
                 for name, d in drafts.items()}
        assert _summary(again) == (score, text)
    for line_field, values in (("Modules of Interest", ["Tracking", "Audit", "Billing",
                                                           "given"]),
                               ("Contract End Date", ["last 180 days", "given"]),
                               (SQM, ["at most 20,000", "at least 2,500.5"])):
        [line] = [ln for ln in text.splitlines() if ln.startswith(f"- *{line_field}*")]
        for value in values:
            assert value in line, (line_field, value, line)


def test_the_demo_drafts_compare_alike_with_their_rules_shuffled():
    drafts = {"F": facilitator_draft(), "M": marketing_draft(), "S": sales_draft()}
    expected = _summary(drafts)
    rng = random.Random(7)
    for _ in range(3):
        shuffled = {name: d.model_copy(update={"criteria": rng.sample(d.criteria,
                                                                       len(d.criteria))})
                    for name, d in drafts.items()}
        assert _summary(shuffled) == expected


def test_two_ranges_in_one_gate_agree_with_the_range_they_leave():
    split = D(C(field="employees", op="at_least", low=50), C(field="employees", op="at_most",
                                                               high=1000))
    whole = D(C(field="employees", op="between", low=50, high=1000))
    comparison = compare({"A": split, "B": whole})
    row = comparison.row("size")
    assert row.similarity == 1.0 and row.status == "agree"
    assert spread_markdown(comparison.drafts, row) == (
        "- *Employees*: ✓ **50 to 1,000 employees** (both accept)")


def test_an_extra_rule_lowers_the_match_but_one_rule_each_scores_as_before():
    one = compare({"A": D(C(values=["Software", "Retail"])), "B": D(C(values=["Software"]))})
    assert one.row("industry").similarity == 0.5  # Jaccard 1/2, as before
    extra = compare({"A": D(C(values=["Software"]), C(op="is_known")),
                     "B": D(C(values=["Software"]))})
    # A's two rules: 1 (same values) and 0 (nothing like "is given" in B); B's one rule: 1.
    assert extra.row("industry").similarity == (1 + 0 + 1) / 3


# --- a criterion's sentence inside a longer one -----------------------------------------------

CUSTOM = [Criterion(field="Fleet Size", op="in", values=["11-50"]),
          Criterion(field="Current TMS", op="not_in", values=["Excel", "none"]),
          Criterion(field="fleet_region", op="in", values=["North"])]
CATALOG = [Criterion(field="employees", op="between", low=50, high=1000),
           Criterion(field="industry", op="in", values=["Logistics"])]
SQL_GATE = [Criterion(field="Contract End Date", op="is_known", gate="sql"),
            Criterion(field="Has EDI", op="is_true", gate="sql"),
            Criterion(field="budget", op="at_least", low=25000, gate="sql")]


def _mid_sentence(criterion: Criterion) -> str:
    """Plain reading: a header with a capital after its first letter stays as written."""
    sentence = criterion.sentence()
    header = criterion.subject
    return sentence if re.search(r"[A-Z]", header[1:]) else sentence[0].lower() + sentence[1:]


def test_one_pager_keeps_crm_headers_and_lowers_catalog_subjects():
    definition = D(*CUSTOM, *CATALOG, *SQL_GATE)
    page = one_pager(definition, company="Corvid", title="Leads", facilitator="Fay",
                     agreed_by=[], agreed_at=None)
    text = to_markdown(page)
    for criterion in [*CUSTOM, *CATALOG][:4]:  # the headline names the first four must-haves
        assert f"- {md_inline(_mid_sentence(criterion))}" in text
    assert "- Fleet Size is 11-50" in text and "- Current TMS is none of" in text
    assert "- fleet region is North" in text
    assert "- company size is between 50 and 1,000 employees" in text
    for wrong in ("fleet Size", "current TMS", "contract End Date", "has EDI"):
        assert wrong not in text
    after = page.handoff.split("sales accepts it as an SQL when ", 1)[1]
    for criterion in SQL_GATE:
        assert _mid_sentence(criterion) in after
    assert after.startswith("Contract End Date is given; Has EDI: yes; and confirmed budget")
    assert md_inline(page.handoff) in text
