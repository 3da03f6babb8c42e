"""The one-page definition (step 4, "communicate") in Markdown and HTML."""
from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from html.parser import HTMLParser

import pytest

from workshop import catalog
from workshop.definition import Action, Criterion, Definition
from workshop.export import (
    EMPTY,
    HEADLINE,
    OnePager,
    lower_first,
    md_escape,
    one_pager,
    to_html,
    to_markdown,
)

HOSTILE = ["<script>alert(1)</script>", "**bold**", "[x](http://evil)", "| pipe", "# heading"]
AGREED_AT = datetime(2025, 3, 7, 15, 30)


# --- fixtures --------------------------------------------------------------------------------
def _definition() -> Definition:
    return Definition(
        criteria=[
            Criterion(field="industry", op="in", values=["Software", "Healthcare"]),
            Criterion(field="employees", op="between", low=50, high=1000),
            Criterion(field="job_function", op="in", values=["IT"], role="nice", points=10),
            Criterion(field="country", op="in", values=["Germany"], role="nice", points=5),
            Criterion(field="budget", op="at_least", low=50000, gate="sql"),
            Criterion(field="buying_role", op="in", values=["Decision maker"], gate="sql"),
            Criterion(field="personal_email", op="is_true", role="disqualifier"),
            Criterion(field="job_title", op="contains_any", values=["student", "intern"],
                      role="disqualifier"),
        ],
        actions=[Action(field="demo_requested", points=30),
                 Action(field="email_clicks", points=2)],
        threshold=40,
        notes=DRAFT_NOTES,
    )


# The notes the drafts' answers carried into the shared definition: private, never printed.
DRAFT_NOTES = {"pain": "DRAFT-ONLY: my own hunch about the close.",
               "industry": "DRAFT-ONLY: we never sold to hospitals."}
# The decision noted on each question in step 3: what the one-pager carries.
DECISIONS = {"pain": "Month-end close takes two weeks.",
             "path": "They find us through accountants."}


def _page(definition: Definition | None = None, **overrides) -> OnePager:
    kwargs = {"company": "Acme Ledger", "title": "Our ideal lead", "facilitator": "Dana Facil",
              "agreed_by": ["Ann Marketing", "Bob Sales"], "agreed_at": AGREED_AT, "version": 3,
              "decisions": DECISIONS}
    kwargs.update(overrides)
    return one_pager(definition if definition is not None else _definition(), **kwargs)


class _Sections(HTMLParser):
    """Text inside each element that has an id (nested ids each get the text), plus tags seen."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.text: dict[str, str] = {}
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.all_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, name, value) for name, value in attrs]
        if tag in ("meta", "br", "img", "link", "input", "hr"):
            return
        self.stack.append(dict(attrs).get("id"))

    def handle_endtag(self, tag):
        if tag in ("meta", "br", "img", "link", "input", "hr"):
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        self.all_text.append(data)
        for ident in self.stack:
            if ident:
                self.text[ident] = self.text.get(ident, "") + data


def _html_sections(html: str) -> _Sections:
    parser = _Sections()
    parser.feed(html)
    parser.close()
    return parser


def _md_sections(markdown: str) -> dict[str, str]:
    """Markdown split on '## ' headings: heading text -> body."""
    sections: dict[str, str] = {}
    current = "_top"
    for line in markdown.splitlines():
        if line.startswith("## "):
            current = line[3:]
            sections[current] = ""
        else:
            sections[current] = sections.get(current, "") + line + "\n"
    return sections


def _md_section(markdown: str, starts_with: str) -> str:
    matches = [body for title, body in _md_sections(markdown).items()
               if title.startswith(starts_with)]
    assert len(matches) == 1, f"expected one section starting with {starts_with!r}"
    return matches[0]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- content ---------------------------------------------------------------------------------
def test_one_pager_sorts_criteria_into_sections():
    definition = _definition()
    page = _page(definition)
    assert page.mql_gate == [c.sentence() for c in definition.gate("mql")]
    assert page.sql_gate == [c.sentence() for c in definition.gate("sql")]
    assert page.disqualifiers == [c.sentence() for c in definition.disqualifiers]
    assert [row.text for row in page.fit_points] == [c.sentence()
                                                      for c in definition.nice_to_haves]
    assert [row.points for row in page.fit_points] == [10, 5]
    assert [row.sentence for row in page.action_points] == [a.sentence()
                                                            for a in definition.actions]
    assert page.threshold == 40


def test_headline_is_lowercased_mql_sentences_plus_threshold():
    page = _page()
    assert page.headline == HEADLINE == "A qualified lead is…"
    assert page.headline_lines[0] == "industry is Software or Healthcare"
    assert page.headline_lines[1] == "company size is between 50 and 1,000 employees"
    assert "with at least 40 points" in page.headline_lines
    # SQL criteria are not what makes a lead qualified for marketing's hand-off
    assert not any("budget" in line.lower() for line in page.headline_lines)


def test_headline_keeps_acronyms_and_stays_short():
    assert lower_first("IT spend is at least $1M") == "IT spend is at least $1M"
    assert lower_first("Company size is 5") == "company size is 5"
    criteria = [Criterion(field=f"col_{i}", op="at_least", low=i) for i in range(7)]
    page = _page(Definition(criteria=criteria))
    assert len(page.headline_lines) == 5
    assert page.headline_lines[-1] == "and 3 more must-haves (see the MQL gate)"
    assert len(page.mql_gate) == 7  # the gate itself lists everything


def test_handoff_rule_is_built_from_the_sql_gate():
    page = _page()
    assert page.handoff == (
        "Marketing hands a lead to sales when it is an MQL; sales accepts it as an SQL when "
        "confirmed budget is at least $50,000 and role in the buying decision is Decision maker.")
    empty = _page(Definition())
    assert empty.handoff.startswith("Marketing hands a lead to sales when it is an MQL; ")
    assert "no extra sales must-haves" in empty.handoff


def test_notes_follow_question_order_with_catalog_titles():
    page = _page()
    assert [(n.question, n.title, n.text) for n in page.notes] == [
        ("path", catalog.QUESTIONS_BY_KEY["path"].title, "They find us through accountants."),
        ("pain", catalog.QUESTIONS_BY_KEY["pain"].title, "Month-end close takes two weeks."),
    ]


# --- both formats ----------------------------------------------------------------------------
def test_markdown_puts_every_sentence_under_its_section():
    definition = _definition()
    markdown = to_markdown(_page(definition))
    mql = _md_section(markdown, "MQL gate")
    sql = _md_section(markdown, "SQL gate")
    points = _md_section(markdown, "Points")
    disq = _md_section(markdown, "Disqualifiers")
    esc = md_escape
    for c in definition.gate("mql"):
        assert f"- {esc(c.sentence())}" in mql
        assert esc(c.sentence()) not in sql + disq + points
    for c in definition.gate("sql"):
        assert f"- {esc(c.sentence())}" in sql
        assert esc(c.sentence()) not in mql + disq + points
    for c in definition.disqualifiers:
        assert f"- {esc(c.sentence())}" in disq
        assert esc(c.sentence()) not in mql + sql + points
    for c in definition.nice_to_haves:
        assert f"| {esc(c.sentence())} | \\+{c.points} |" in points
        assert esc(c.sentence()) not in mql + sql + disq
    for a in definition.actions:
        assert f"| {a.label} | \\+{a.points} |" in points
    assert "at least 40 points" in points
    assert "Confirmed budget is at least \\$50,000" in sql  # the sentence, escaped


def test_html_puts_every_sentence_under_its_section():
    definition = _definition()
    sections = _html_sections(to_html(_page(definition))).text
    for c in definition.gate("mql"):
        assert c.sentence() in sections["mql-gate"]
        assert c.sentence() not in sections["sql-gate"] + sections["disqualifiers"]
    for c in definition.gate("sql"):
        assert c.sentence() in sections["sql-gate"]
        assert c.sentence() not in sections["mql-gate"] + sections["disqualifiers"]
    for c in definition.disqualifiers:
        assert c.sentence() in sections["disqualifiers"]
        assert c.sentence() not in sections["mql-gate"] + sections["sql-gate"]
    for c in definition.nice_to_haves:
        assert c.sentence() in sections["points"]
        assert f"+{c.points}" in sections["points"]
    for a in definition.actions:
        assert a.label in sections["points"] and f"+{a.points}" in sections["points"]
    assert "at least 40 points" in sections["points"]
    assert "industry is Software or Healthcare" in sections["headline"]
    assert "confirmed budget is at least $50,000" in sections["handoff"]


@pytest.mark.parametrize("render", [to_markdown, to_html], ids=["markdown", "html"])
def test_notes_names_and_date_appear(render):
    output = render(_page())
    text = output if render is to_markdown else "".join(_html_sections(output).all_text)
    text = _squash(text)
    assert "Month-end close takes two weeks." in text
    assert "They find us through accountants." in text
    assert "Path to purchase" in text and "Pain" in text
    assert "Agreed by Ann Marketing and Bob Sales on 7 March 2025." in text
    assert "Dana Facil" in text
    assert "Version 3" in text
    assert "Acme Ledger" in text and "Our ideal lead" in text


def test_html_footer_carries_agreement_with_machine_date():
    html = to_html(_page())
    footer = _html_sections(html).text["agreement"]
    assert _squash(footer) == "Agreed by Ann Marketing and Bob Sales on 7 March 2025."
    assert '<time datetime="2025-03-07">' in html


@pytest.mark.parametrize("render", [to_markdown, to_html], ids=["markdown", "html"])
def test_empty_definition_says_so_in_words(render):
    page = _page(Definition(), agreed_by=[], agreed_at=None, version=None, facilitator="",
                 decisions={})
    assert page.mql_gate == page.sql_gate == page.disqualifiers == page.points == []
    output = render(page)
    text = _squash(output if render is to_markdown else
                   "".join(_html_sections(output).all_text))
    for key in ("mql", "sql", "points", "threshold", "disqualifiers", "notes", "agreed_by",
                "agreed_at", "headline"):
        # Markdown writes a sentence with its colon escaped where it went through md_escape
        assert EMPTY[key] in text or (render is to_markdown and md_escape(EMPTY[key]) in text), \
            key
    assert "No disqualifiers agreed." in text
    assert "Version" not in text and "Facilitated" not in text


def test_empty_sections_words_sit_in_their_sections():
    page = _page(Definition(criteria=[Criterion(field="industry", op="in", values=["Retail"])]))
    sections = _html_sections(to_html(page)).text
    assert EMPTY["sql"] in sections["sql-gate"]
    assert EMPTY["disqualifiers"] in sections["disqualifiers"]
    assert EMPTY["mql"] not in sections["mql-gate"]
    markdown = to_markdown(page)
    assert EMPTY["disqualifiers"] in _md_section(markdown, "Disqualifiers")
    assert EMPTY["sql"] in _md_section(markdown, "SQL gate")
    assert EMPTY["points"] in _md_section(markdown, "Points")


def test_only_a_date_or_only_names():
    page = _page(agreed_by=[], agreed_at=AGREED_AT)
    assert page.agreement_text == "Not signed yet. Dated 7 March 2025."
    footer = _squash(_html_sections(to_html(page)).text["agreement"])
    assert footer == page.agreement_text
    page = _page(agreed_by=["Ann", " ", ""], agreed_at=None)
    assert page.agreed_by == ["Ann"]
    assert page.agreement_text == "Agreed by Ann. No date recorded."
    assert _squash(_html_sections(to_html(page)).text["agreement"]) == page.agreement_text
    assert "Agreed by Ann. No date recorded." in to_markdown(page)


# --- hostile text ----------------------------------------------------------------------------
def _hostile_page() -> OnePager:
    joined = " ".join(HOSTILE)
    definition = Definition(
        criteria=[
            Criterion(field="industry", op="in", values=HOSTILE),
            Criterion(field="job_title", op="contains_any", values=HOSTILE, gate="sql"),
            Criterion(field="company", op="contains_any", values=HOSTILE, role="disqualifier"),
            Criterion(field="lead_source", op="in", values=HOSTILE, role="nice", points=3),
        ],
    )
    return one_pager(definition, company=joined, title="# heading " + HOSTILE[0],
                     facilitator=HOSTILE[2], agreed_by=HOSTILE, agreed_at=AGREED_AT,
                     decisions={"pain": joined, "path": "\n".join(HOSTILE), "<b>key</b>": "x"})


def test_hostile_text_is_escaped_in_html():
    html = to_html(_hostile_page())
    parsed = _html_sections(html)
    assert "script" not in parsed.tags
    assert "b" not in parsed.tags
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # the typed text still reads as typed
    text = "".join(parsed.all_text)
    for hostile in HOSTILE:
        assert hostile in text
    assert "| pipe" in parsed.text["mql-gate"] and "**bold**" in parsed.text["disqualifiers"]
    assert not any(name == "href" for _, name, _ in parsed.attrs)


def _unescaped(markdown: str, pattern: str) -> list[str]:
    """Matches of pattern whose first character is not preceded by an odd run of backslashes."""
    hits = []
    for match in re.finditer(pattern, markdown):
        start = match.start()
        slashes = len(markdown[:start]) - len(markdown[:start].rstrip("\\"))
        if slashes % 2 == 0:
            hits.append(match.group())
    return hits


def test_hostile_text_is_escaped_in_markdown():
    markdown = to_markdown(_hostile_page())
    assert _unescaped(markdown, r"<") == []  # no HTML tag can start
    assert _unescaped(markdown, r"\[") == [] and _unescaped(markdown, r"\]") == []  # no links
    assert "](" not in markdown.replace("\\](", "")
    assert _unescaped(markdown, r"\*\*bold") == []
    assert "\\*\\*bold\\*\\*" in markdown
    assert "http\\://evil" in markdown
    # only our own headings; the typed '# heading' stays text
    headings = [line for line in markdown.splitlines() if re.match(r"#{1,6} ", line)]
    assert headings[0] == "# " + md_escape(" ".join(HOSTILE))  # the company
    assert "**\\# heading \\<script\\>alert(1)\\</script\\>**" in markdown  # the title
    assert all(h.startswith("## ") for h in headings[1:])
    assert "\\| pipe" in markdown
    # the only unescaped pipes are the points table's own
    table_lines = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert len(table_lines) == 3
    for line in markdown.splitlines():
        if line not in table_lines:
            assert _unescaped(line, r"\|") == [], line


def test_multiline_note_cannot_start_blocks_in_markdown():
    markdown = to_markdown(_hostile_page())
    notes = _md_section(markdown, "Decisions")
    lines = notes.splitlines()
    # every line of the multi-line note is a continuation of its list item, escaped
    assert "  \\# heading" in lines
    assert "  \\| pipe\\" in lines
    assert not any(re.match(r"\s*(#|>|[-+*] |\d+[.)])", line) for line in lines
                   if not line.startswith("- **"))


@pytest.mark.parametrize("typed, expected", [
    ("<b>x</b>", "\\<b\\>x\\</b\\>"),
    ("[x](http://evil)", "\\[x\\](http\\://evil)"),
    ("**bold** _it_ `code`", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\`"),
    ("# heading", "\\# heading"),
    ("- item", "\\- item"),
    ("+ item", "\\+ item"),
    ("1. first", "1\\. first"),
    ("a | b", "a \\| b"),
    ("    code", "code"),
    ("===", "\\==="),
    ("back\\slash", "back\\\\slash"),
    ("&lt;", "\\&lt;"),
    ("plain text, fine.", "plain text, fine."),
])
def test_md_escape_cases(typed, expected):
    assert md_escape(typed) == expected


# --- self-contained HTML ---------------------------------------------------------------------
def test_html_is_self_contained():
    html = to_html(_hostile_page())
    lowered = html.lower()
    assert lowered.startswith("<!doctype html>")
    assert '<meta charset="utf-8">' in lowered
    assert "<link" not in lowered
    assert "<script" not in lowered
    assert "@import" not in lowered and "url(" not in lowered
    parsed = _html_sections(html)
    for tag, name, value in parsed.attrs:
        if name in ("src", "href", "action", "srcset"):
            pytest.fail(f"external reference {tag} {name}={value}")
        assert not name.startswith("on"), f"event handler {name}"
    assert "style" in parsed.tags and "@media print" in html
    assert parsed.tags.count("html") == 1 and parsed.tags.count("body") == 1


def test_html_title_and_headline():
    html = to_html(_page())
    assert "<title>Our ideal lead — Acme Ledger</title>" in html
    sections = _html_sections(html).text
    assert sections["headline"].strip().startswith("A qualified lead is…")


def test_both_formats_show_the_same_content():
    page = _page()
    markdown = to_markdown(page)
    text = _squash("".join(_html_sections(to_html(page)).all_text))
    shared = (page.headline_lines + page.mql_gate + page.sql_gate + page.disqualifiers
              + [row.text for row in page.points] + [page.threshold_text, page.handoff]
              + [note.text for note in page.notes])
    for item in shared:
        assert item in text
        assert md_escape(item) in markdown


# --- the latest measurement, in figures ------------------------------------------------------

def _measured(**figures):
    from workshop.measure import Figures
    from workshop.versions import MeasurementInfo

    values = {"leads": 12000, "months": 12, "qualified": 504, "sql": 60,
              "qualified_per_month": 42.0, "sql_per_month": 5.0} | figures
    return MeasurementInfo(1, 1, "april <b>export</b>.csv", "", False, Figures(**values),
                           datetime(2026, 5, 5, 9, 0))


def test_the_lead_count_is_said_once_even_for_rows_that_stored_it_in_the_source():
    """Measurements recorded before the fix stored 'file.csv (6,000 leads)' as their source."""
    for source in ("sample_leads.csv (6,000 leads)", "sample_leads.csv"):
        measured = dataclasses.replace(_measured(), source=source)
        page = one_pager(_definition(), company="Acme", title="T", facilitator="F",
                         agreed_by=[], agreed_at=None, version=1, measured=measured)
        assert page.figures[0] == "Measured on sample_leads.csv (12,000 leads) on 5 May 2026."


def test_win_figures_from_few_leads_say_so_on_the_poster():
    """Few decided leads, twelve wins: the share and the lift go on the wall with their
    caveat; two wins are counted, with no share or lift at all."""
    measured = _measured(wins=12, wins_caught=0.5, lift=2.0, reliable=False)
    page = one_pager(_definition(), company="Acme", title="T", facilitator="F", agreed_by=[],
                     agreed_at=None, version=1, measured=measured)
    assert page.figures[-1] == (
        "It would have caught 50% of past wins; qualified leads won 2.0× as often as the rest "
        "(from few decided leads and wins, so only a rough guide).")
    assert page.figures[-1] in to_markdown(page) and "only a rough guide" in to_html(page)
    two = one_pager(_definition(), company="Acme", title="T", facilitator="F", agreed_by=[],
                    agreed_at=None, version=1,
                    measured=_measured(wins=2, wins_caught=0.5, lift=2.0, reliable=False))
    assert two.figures[-1] == ("It would have caught 1 of the 2 past wins (too few wins for a "
                               "share or a win rate: they need 10).")
    assert "as often" not in to_markdown(two) and "50%" not in to_html(two)


def test_the_latest_measurement_is_shown_in_figures_in_every_format():
    measured = _measured(wins=80, wins_caught=0.31, lift=3.14, reliable=True)
    page = one_pager(_definition(), company="Acme", title="T", facilitator="F", agreed_by=[],
                     agreed_at=None, version=1, measured=measured)
    assert page.figures == [
        "Measured on april <b>export</b>.csv (12,000 leads) on 5 May 2026.",
        "42.0 qualified leads a month, 5.0 of them sales-qualified.",
        "It would have caught 31% of past wins; qualified leads won 3.1× as often as the rest.",
    ]
    markdown, html = to_markdown(page), to_html(page)
    assert "## In figures" in markdown and "caught 31% of past wins" in markdown
    assert "april &lt;b&gt;export&lt;/b&gt;.csv" in html and "<b>export</b>" not in html
    assert "42.0 qualified leads a month" in html


def test_without_outcomes_the_figures_leave_the_wins_out_and_without_a_measurement_no_section():
    page = one_pager(_definition(), company="Acme", title="T", facilitator="F", agreed_by=[],
                     agreed_at=None, measured=_measured())
    assert len(page.figures) == 2 and "wins" not in " ".join(page.figures)
    bare = one_pager(_definition(), company="Acme", title="T", facilitator="F", agreed_by=[],
                     agreed_at=None)
    assert bare.figures == [] and "In figures" not in to_markdown(bare)
    assert 'id="figures"' not in to_html(bare)


WALL = "https://leads.example.com/wall?w=Ab_c-1<b>x</b>"


def test_the_wall_link_is_printed_in_every_format_with_a_qr_code_in_html():
    page = _page(link=WALL)
    markdown, html = to_markdown(page), to_html(page)
    assert "The full definition, always current:" in markdown
    assert "Ab\\_c-1\\<b\\>x\\</b\\>" in markdown  # escaped, so it shows as typed
    sections = _html_sections(html)
    assert "always current: https://leads.example.com/wall?w=Ab_c-1<b>x</b>" in _squash(
        sections.text["wall-link"])
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert "<path" in svg and "wall" not in svg and "<script" not in svg
    assert "<a " not in html  # text, never a link that could point elsewhere


def test_without_a_wall_link_nothing_about_it_is_printed():
    page = _page()
    assert "always current" not in to_markdown(page) and "always current" not in to_html(page)
    assert "<svg" not in to_html(page)


# --- decisions, not draft notes --------------------------------------------------------------
@pytest.mark.parametrize("render", [to_markdown, to_html], ids=["markdown", "html"])
def test_decision_notes_appear_and_draft_notes_never_do(render):
    page = _page()
    output = render(page)
    text = _squash(output if render is to_markdown else "".join(_html_sections(output).all_text))
    for question, note in DECISIONS.items():
        assert note in text
        assert catalog.QUESTIONS_BY_KEY[question].title in text
    for note in DRAFT_NOTES.values():
        assert "DRAFT-ONLY" in note and note not in text
    assert "DRAFT-ONLY" not in output


def test_without_decisions_the_definition_notes_stay_off_the_page():
    page = _page(decisions=None)
    assert page.notes == []
    assert "DRAFT-ONLY" not in to_markdown(page) + to_html(page)


# --- the company name ------------------------------------------------------------------------
def _rem(css: str, selector: str) -> float:
    rule = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert rule, selector
    size = re.search(r"font-size:\s*([\d.]+)rem", rule.group(1))
    assert size, selector
    return float(size.group(1))


def test_company_name_is_the_largest_line_of_the_page():
    html = to_html(_page())
    sections = _html_sections(html).text
    assert _squash(sections["company"]) == "Acme Ledger"
    screen_css = html.split("@media")[0]
    assert _rem(screen_css, "header h1") > _rem(screen_css, "#headline h2")
    print_css = html.split("@media print")[1]
    company_pt = float(re.search(r"header h1\s*\{\s*font-size:\s*([\d.]+)pt", print_css).group(1))
    headline_pt = float(re.search(r"#headline h2\s*\{\s*font-size:\s*([\d.]+)pt",
                                  print_css).group(1))
    assert company_pt > headline_pt
    assert to_markdown(_page()).startswith("# Acme Ledger\n")
