"""Right-to-left values and names on the one-pager keep the order they were typed in. Two
right-to-left items side by side read as one right-to-left run, so "Japan, Saudi Arabia,
Israel or France" (the middle two in Arabic and Hebrew) printed as "…, Israel, Saudi Arabia
or France", a comma on the wrong side; the signers were swapped the same way. Each item that
holds right-to-left letters is isolated (U+2068 … U+2069); the PDF is checked by where its
letters are drawn."""
from __future__ import annotations

import io
import itertools
import re

import pypdfium2 as pdfium

from workshop import export, pdf
from workshop.definition import Definition
from workshop.text import (
    FIRST_STRONG_ISOLATE,
    POP_ISOLATE,
    escape_markdown,
    isolated,
    without_bidi_overrides_but_isolates,
)

JAPAN, SAUDI, ISRAEL, FRANCE = "日本", "المملكة العربية السعودية", "ישראל", "France"
SCRIPTS = {JAPAN: r"[\u3040-\u9fff]", SAUDI: r"[\u0600-\u06ff]", ISRAEL: r"[\u0590-\u05ff]"}


def _page() -> export.OnePager:
    definition = Definition.from_dict({"criteria": [
        {"field": "country", "op": "in", "values": [JAPAN, SAUDI, ISRAEL, FRANCE]}]})
    return export.one_pager(definition, company="Acme", title="ICP", facilitator="Dana",
                            agreed_by=["Jürgen Groß", "محمد الأحمد", "דוד כהן"],
                            agreed_at=None, version=1)


def test_only_items_with_right_to_left_letters_are_isolated():
    assert isolated(FRANCE) == FRANCE and isolated(JAPAN) == JAPAN
    assert isolated(ISRAEL) == FIRST_STRONG_ISOLATE + ISRAEL + POP_ISOLATE
    assert isolated("Isra\u202eel") == "Israel"  # a typed override still goes
    sentence = _page().mql_gate[0]
    assert sentence == (f"Country is {JAPAN}, {isolated(SAUDI)}, {isolated(ISRAEL)} or "
                        f"{FRANCE}")


def test_the_html_keeps_the_isolation_and_drops_anything_typed_that_reorders():
    html = export.to_html(_page())
    assert html.count(FIRST_STRONG_ISOLATE) == html.count(POP_ISOLATE) >= 4
    assert "\u202e" not in html
    kept = without_bidi_overrides_but_isolates(f"a\u202eb {isolated(ISRAEL)} \u2067c\u2069")
    assert kept == f"ab {isolated(ISRAEL)} c"


def test_the_screen_and_markdown_show_the_items_without_isolation_marks():
    markdown = export.to_markdown(_page())
    assert FIRST_STRONG_ISOLATE not in markdown and POP_ISOLATE not in markdown
    assert FIRST_STRONG_ISOLATE not in escape_markdown(_page().mql_gate[0])


def _drawn_extents(data: bytes, line_marker: str) -> dict[str, tuple[float, float]]:
    """Left and right edge of each item's letters on the headline's line drawing
    `line_marker` (its largest drawing: the gate's list below may wrap)."""
    page = pdfium.PdfDocument(io.BytesIO(data))[0]
    text = page.get_textpage()
    chars = [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]
    first = max((box for ch, box in chars if ch == line_marker[0]),
                key=lambda box: box[3] - box[1])
    middle = (first[1] + first[3]) / 2
    on_line = [(ch, box) for ch, box in chars if box[1] <= middle <= box[3]]
    extents = {}
    for item, pattern in SCRIPTS.items():
        xs = [x for ch, box in on_line if re.fullmatch(pattern, ch) for x in (box[0], box[2])]
        extents[item] = (min(xs), max(xs))
    latin = "".join(ch for ch, _ in on_line)
    start = latin.index(FRANCE)
    xs = [x for _, box in on_line[start:start + len(FRANCE)] for x in (box[0], box[2])]
    extents[FRANCE] = (min(xs), max(xs))
    return extents


def test_the_pdf_draws_the_items_in_the_order_they_were_typed():
    data = pdf.to_pdf(_page()).pdf
    extents = _drawn_extents(data, JAPAN)
    order = sorted(extents, key=lambda item: extents[item][0])
    assert order == [JAPAN, SAUDI, ISRAEL, FRANCE]
    for left, right in itertools.pairwise(order):
        assert extents[left][1] < extents[right][0]  # each wholly before the next


def test_a_note_written_right_to_left_takes_its_own_direction():
    """A decision note in Arabic reads right to left as a whole, its "(2024–2025)" kept
    together, instead of as runs inside an English page."""
    page = export.one_pager(Definition(), company="Acme", title="ICP", facilitator="Dana",
                            agreed_by=[], agreed_at=None, version=1,
                            decisions={"pain": "العملاء يغادرون بسرعة (2024–2025)."})
    html = export.to_html(page)
    assert '<dd class="value" dir="auto">العملاء يغادرون بسرعة (2024–2025).</dd>' in html
