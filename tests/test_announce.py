"""The announcement e-mail (step 4): what it says, what it leaves out, and that it stays inert."""
from __future__ import annotations

import unicodedata
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.builders import C, D
from workshop import compare, demo, export, merge
from workshop.announce import Announcement, announcement, differences
from workshop.definition import Action, Definition
from workshop.export import lower_first
from workshop.measure import Figures
from workshop.versions import MeasurementInfo

SIGNED_AT = datetime(2026, 3, 3, 10, 15)
NO_DRAFT = {"marketing": "Marketing had no draft in the workshop to compare the agreed "
                         "definition with.",
            "sales": "Sales had no draft in the workshop to compare the agreed definition with."}


def A(field: str, points: int) -> Action:  # noqa: N802 - reads as a table, like C and D
    return Action(field=field, points=points)


# --- builders and readers ----------------------------------------------------------------------
def page_for(definition: Definition, *, company: str = "Lumen Ledger",
             facilitator: str = "Dana Whitfield", agreed_by=("Priya Raman", "Marcus Cole"),
             agreed_at: datetime | None = SIGNED_AT, version: int | None = 1,
             measured: MeasurementInfo | None = None) -> export.OnePager:
    return export.one_pager(definition, company=company, title="Ideal lead",
                            facilitator=facilitator, agreed_by=list(agreed_by),
                            agreed_at=agreed_at, version=version, measured=measured)


def demo_drafts() -> dict[str, Definition]:
    return {"facilitator": demo.facilitator_draft(), "marketing": demo.marketing_draft(),
            "sales": demo.sales_draft()}


def demo_agreed() -> Definition:
    agreed, _ = merge.suggest(compare.compare(demo_drafts()))
    return agreed


def demo_announcement(**kwargs) -> Announcement:
    drafts = demo_drafts()
    agreed = demo_agreed()
    teams = {"marketing": drafts["marketing"], "sales": drafts["sales"]}
    return announcement(page_for(agreed), agreed, team_drafts=teams, **kwargs)


def flat(text: str) -> str:
    """The text with its wrapping undone, to look for sentences that may span lines."""
    return " ".join(text.split())


def section(body: str, title: str) -> tuple[list[str], str]:
    """The bullets under the block titled `title` (un-wrapped, without '- ') and the plain
    text after them."""
    for block in body.split("\n\n"):
        lines = block.split("\n")
        if lines[0] != title:
            continue
        bullets: list[str] = []
        tail: list[str] = []
        for line in lines[1:]:
            if line.startswith("- ") and not tail:
                bullets.append(line[2:])
            elif line.startswith("  ") and bullets and not tail:
                bullets[-1] += " " + line.strip()
            else:
                tail.append(line)
        return bullets, " ".join(tail)
    raise AssertionError(f"no block titled {title!r} in:\n{body}")


def compared(team: str) -> str:
    return f"Compared with the {team} team's own draft:"


def team_differences(draft: Definition, agreed: Definition, team: str = "marketing"):
    body = announcement(page_for(agreed), agreed, team_drafts={team: draft}).body
    return section(body, compared(team))


# --- the definition itself -------------------------------------------------------------------
def test_every_gate_sentence_of_the_agreed_definition_is_in_the_body():
    agreed = demo_agreed()
    body = flat(demo_announcement().body)
    sentences = [c.sentence() for c in agreed.gate("mql") + agreed.gate("sql")]
    assert len(sentences) >= 5  # the demo merge has real gates: this test checks something
    for sentence in sentences:
        assert sentence in body


def test_the_gates_are_listed_under_their_titles():
    agreed = demo_agreed()
    body = demo_announcement().body
    titles = export.SECTION_TITLES
    assert section(body, titles["mql"])[0] == [c.sentence() for c in agreed.gate("mql")]
    assert section(body, titles["sql"])[0] == [c.sentence() for c in agreed.gate("sql")]
    assert section(body, titles["disqualifiers"])[0] == [c.sentence()
                                                         for c in agreed.disqualifiers]
    points, threshold = section(body, titles["points"])
    assert points == [f"{a.label}: +{a.points} points" for a in agreed.actions]
    assert threshold == (f"A lead needs at least {agreed.threshold} points (from nice-to-haves "
                         f"and conversion actions) to become an MQL.")


def test_the_body_follows_the_agreed_order_of_sections():
    body = demo_announcement(previous=demo.facilitator_draft(), previous_number=1,
                             wall_url="https://x.example/w").body
    titles = export.SECTION_TITLES
    order = ["Marketing and sales have agreed", export.HEADLINE, titles["mql"], titles["sql"],
             titles["points"], titles["disqualifiers"], titles["handoff"],
             "What changes for marketing", compared("marketing"), "What changes for sales",
             compared("sales"), "What changed since version 1", "The full definition",
             "Questions? Ask Dana Whitfield."]
    positions = [body.index(marker) for marker in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("agreed_by", "agreed_at", "version", "opening", "subject"),
    [
        (["Priya Raman", "Marcus Cole"], SIGNED_AT, 1,
         "Marketing and sales have agreed what a qualified lead is for Lumen Ledger: version 1, "
         "signed by Priya Raman and Marcus Cole on 3 March 2026.",
         "Lumen Ledger: our ideal lead, version 1"),
        (["Priya Raman"], None, 4,
         "Marketing and sales have agreed what a qualified lead is for Lumen Ledger: version 4, "
         "signed by Priya Raman.",
         "Lumen Ledger: our ideal lead, version 4"),
        ([], None, None,
         "Here is the current draft of what a qualified lead is for Lumen Ledger. Nobody has "
         "signed it yet.",
         "Lumen Ledger: our ideal lead (draft)"),
    ],
    ids=["signed", "signed-without-date", "unsigned"],
)
def test_opening_line_says_who_agreed_and_when(agreed_by, agreed_at, version, opening, subject):
    agreed = D(C())
    page = page_for(agreed, agreed_by=agreed_by, agreed_at=agreed_at, version=version)
    mail = announcement(page, agreed)
    assert flat(mail.body.split("\n\n")[0]) == opening
    assert mail.subject == subject


def test_without_a_company_the_subject_still_reads():
    agreed = D(C())
    mail = announcement(page_for(agreed, company="  "), agreed)
    assert mail.subject == "Our ideal lead, version 1"
    assert "for  " not in mail.body and " for:" not in mail.body


# --- what changes for each team --------------------------------------------------------------
def test_each_team_is_told_what_the_definition_means_for_its_daily_work():
    agreed = demo_agreed()
    body = demo_announcement().body
    marketing, _ = section(body, "What changes for marketing")
    assert marketing[0] == (f"Pass a lead to sales only when it meets all "
                            f"{len(agreed.gate('mql'))} MQL must-haves above, it has at least "
                            f"{agreed.threshold} points, and no disqualifier applies.")
    sales, _ = section(body, "What changes for sales")
    sql_rules = [lower_first(c.sentence()) for c in agreed.gate("sql")]
    assert len(sql_rules) == 2
    assert sales[1] == f"Treat an MQL as sales-qualified (SQL) when {sql_rules[0]} and " \
                       f"{sql_rules[1]}."


TEAM_CASES = [
    pytest.param(D(C(values=["Software", "Retail", "Media"])), D(C(values=["Software", "Retail"])),
                 ["Changed: Industry is Software, Retail or Media → Industry is Software or "
                  "Retail (MQL must-have)"], id="fewer-values"),
    pytest.param(D(C(), C("is_customer", "is_true", role="disqualifier")), D(C()),
                 ["No longer: Is already a customer: yes (disqualifier)"],
                 id="draft-only-disqualifier"),
    pytest.param(D(C()), D(C(), C("budget", "at_least", low=25_000, gate="sql")),
                 ["New: Confirmed budget is at least $25,000 (SQL must-have)"], id="new-rule"),
    pytest.param(D(C("buying_role", values=["Decision maker"])),
                 D(C("buying_role", values=["Decision maker"], gate="sql")),
                 ["Changed: Role in the buying decision is Decision maker: MQL must-have → "
                  "SQL must-have"], id="other-gate"),
    pytest.param(D(C("seniority", values=["VP"], role="nice", points=5)),
                 D(C("seniority", values=["VP"], role="nice", points=10)),
                 ["Changed: Seniority is VP: 5 → 10 points"], id="nice-to-have-points"),
    pytest.param(D(C("seniority", values=["VP", "Director"])),
                 D(C("seniority", values=["VP"], role="nice", points=10)),
                 ["Changed: Seniority is VP or Director (MQL must-have) → Seniority is VP "
                  "(+10 points)"], id="role-and-values"),
    pytest.param(D(C("employees", "at_least", low=20)),
                 D(C("employees", "between", low=200, high=2000)),
                 ["Changed: Company size is at least 20 employees → Company size is between "
                  "200 and 2,000 employees (MQL must-have)"], id="range"),
    pytest.param(D(C("country", values=["United States"])),
                 D(C("country", values=["France"], role="disqualifier")),
                 ["No longer: Country is United States (MQL must-have)",
                  "New: Country is France (disqualifier)"], id="must-have-is-no-disqualifier"),
    pytest.param(D(C(), threshold=10), D(C(), threshold=25),
                 ["Changed: Points threshold: 10 → 25 points"], id="threshold-changed"),
    pytest.param(D(C()), D(C(), threshold=25),
                 ["New: Points threshold: 25 points"], id="threshold-new"),
    pytest.param(D(C(), threshold=10), D(C()),
                 ["No longer: Points threshold: 10 points"], id="threshold-dropped"),
    pytest.param(D(C(), actions=[A("demo_requested", 20), A("page_views", 2)]),
                 D(C(), actions=[A("demo_requested", 30), A("pricing_page_visits", 15)]),
                 ["Changed: Requested a demo: 20 → 30 points",
                  "New: Visited the pricing page: +15 points",
                  "No longer: Viewed pages on the website: +2 points"], id="action-points"),
    pytest.param(D(C("employees", "at_least", low=20), C(values=["Software", "Retail"])),
                 D(C("employees", "at_least", low=50), C(values=["Software"]),
                   C("job_title", "contains_any", values=["intern"], role="disqualifier"),
                   threshold=20),
                 ["Changed: Industry is Software or Retail → Industry is Software "
                  "(MQL must-have)",
                  "Changed: Company size is at least 20 employees → Company size is at least "
                  "50 employees (MQL must-have)",
                  "New: Points threshold: 20 points",
                  "New: Job title contains “intern” (disqualifier)"],
                 id="question-by-question"),
]


@pytest.mark.parametrize(("draft", "agreed", "expected"), TEAM_CASES)
def test_team_section_lists_exactly_the_differences_from_its_draft(draft, agreed, expected):
    bullets, tail = team_differences(draft, agreed)
    assert bullets == expected
    assert tail == ""
    assert differences(draft, agreed) == expected


@pytest.mark.parametrize("team", ["marketing", "sales"])
def test_each_team_is_compared_with_its_own_draft(team):
    other = "sales" if team == "marketing" else "marketing"
    draft, agreed = D(C(values=["Software", "Retail"])), D(C(values=["Software"]))
    body = announcement(page_for(agreed), agreed, team_drafts={team: draft}).body
    bullets, _ = section(body, compared(team))
    assert bullets == ["Changed: Industry is Software or Retail → Industry is Software "
                       "(MQL must-have)"]
    assert compared(other) not in body
    assert NO_DRAFT[other] in flat(body)


@pytest.mark.parametrize("team_drafts", [None, {}, {"marketing": Definition(),
                                                    "sales": Definition()}],
                         ids=["none", "empty-mapping", "empty-drafts"])
def test_a_team_without_a_draft_is_told_so(team_drafts):
    agreed = D(C())
    body = announcement(page_for(agreed), agreed, team_drafts=team_drafts).body
    assert NO_DRAFT["marketing"] in flat(body)
    assert NO_DRAFT["sales"] in flat(body)
    assert "Compared with" not in body
    assert "What changes for marketing" in body and "What changes for sales" in body


def test_nothing_differs_when_the_rules_are_the_same():
    # Same rules in another order, other letter case and other notes: nothing to report.
    draft = D(C(values=["Software", "Retail"]), C("employees", "at_least", low=50),
              actions=[A("demo_requested", 30)], threshold=20, notes={"industry": "Where we win"})
    agreed = D(C("employees", "at_least", low=50), C(values=["retail", "Software"]),
               actions=[A("demo_requested", 30)], threshold=20)
    body = announcement(page_for(agreed), agreed, team_drafts={"sales": draft}).body
    assert "Nothing differs from the sales team's own draft" in flat(body)
    assert compared("sales") not in body
    assert differences(draft, agreed) == []


@pytest.mark.parametrize(
    ("count", "tail"),
    [(1, ""), (8, ""), (9, "…and 1 more difference (see the full definition)"),
     (20, "…and 12 more differences (see the full definition)")],
)
def test_differences_are_bounded_with_a_count_of_the_rest(count, tail):
    draft = D(C())
    agreed = D(C(), *[C(f"col_{i:02d}", values=["x"]) for i in range(1, count + 1)])
    bullets, shown_tail = team_differences(draft, agreed)
    assert bullets == [f"New: Col {i:02d} is x (MQL must-have)"
                       for i in range(1, min(count, 8) + 1)]
    assert shown_tail == tail


def test_the_demo_drafts_differ_from_the_merge_and_are_bounded():
    body = demo_announcement().body
    for team, draft in (("marketing", demo.marketing_draft()), ("sales", demo.sales_draft())):
        everything = differences(draft, demo_agreed())
        bullets, tail = section(body, compared(team))
        assert bullets == everything[:8]
        hidden = len(everything) - 8
        assert hidden > 1
        assert tail == f"…and {hidden} more differences (see the full definition)"


# --- previous version, figures, link ---------------------------------------------------------
def test_changes_since_the_previous_version_only_with_a_previous_version():
    previous, agreed = D(C(), threshold=10), D(C(), threshold=30)
    with_previous = announcement(page_for(agreed, version=2), agreed, previous=previous).body
    assert section(with_previous, "What changed since version 1")[0] == [
        "Changed: Points threshold: 10 → 30 points"]
    without = announcement(page_for(agreed, version=2), agreed).body
    assert "What changed since" not in without


@pytest.mark.parametrize(("version", "previous_number", "title"),
                         [(3, None, "What changed since version 2"),
                          (5, 3, "What changed since version 3"),
                          (None, None, "What changed since the previous version")])
def test_previous_version_is_named(version, previous_number, title):
    agreed = D(C(values=["Software"]))
    body = announcement(page_for(agreed, version=version), agreed, previous=D(C()),
                        previous_number=previous_number).body
    bullets, tail = section(body, title)
    assert bullets == [] and tail == ("The rules are the same as in "
                                 f"{title.removeprefix('What changed since ')}.")


def test_figures_appear_only_when_the_page_has_them():
    agreed = D(C(), threshold=10, actions=[A("demo_requested", 30)])
    figures = Figures(leads=12_000, months=6, qualified=240, sql=60, qualified_per_month=40.0,
                      sql_per_month=10.0, wins=50, wins_caught=0.8, lift=2.5)
    measured = MeasurementInfo(id=1, version_number=1, source="april.csv", sha256="",
                               at_signoff=True, figures=figures,
                               measured_at=datetime(2026, 5, 5))
    page = page_for(agreed, measured=measured)
    assert len(page.figures) == 3
    body = announcement(page, agreed).body
    bullets, _ = section(body, "In figures")
    assert bullets == page.figures
    assert "12,000 leads" in flat(body) and "80% of past wins" in flat(body)
    assert "In figures" not in announcement(page_for(agreed), agreed).body


def test_wall_url_is_given_whole_on_one_line():
    url = "https://workshop.example.com/wall/" + "a1b2c3" * 20 + "?token=xyz-123"
    body = demo_announcement(wall_url=url).body
    assert "The full definition, always up to date: " + url in flat(body)
    assert url in body.split("\n")
    assert "always up to date" not in demo_announcement().body


def test_a_wall_url_cannot_add_lines():
    agreed = D(C())
    body = announcement(page_for(agreed), agreed,
                        wall_url="https://x.example/w\r\nBcc: victim@example.com").body
    line = next(line for line in body.split("\n") if "x.example" in line)
    assert "Bcc:" in line
    assert not any(line.startswith("Bcc:") for line in body.split("\n"))


def test_the_facilitator_is_named_to_ask_if_known():
    agreed = D(C())
    assert "Questions? Ask Dana Whitfield." in announcement(page_for(agreed), agreed).body
    assert "Questions?" not in announcement(page_for(agreed, facilitator=" "), agreed).body


# --- inert text ------------------------------------------------------------------------------
@pytest.mark.parametrize("company", ["Evil\r\nBcc: victim@example.com", "Evil\nBcc: x",
                                     "Evil\rBcc: x", "Evil\u2028Bcc: x", "Evil\x85Bcc: x",
                                     "Evil\x00\x1b[31m\tCo", "Evil\u202eoC"])
def test_subject_is_one_line_without_control_characters(company):
    agreed = D(C())
    mail = announcement(page_for(agreed, company=company), agreed)
    assert mail.subject.startswith("Evil")
    for text in (mail.subject, mail.body.replace("\n", "")):
        assert not [ch for ch in text if unicodedata.category(ch) == "Cc"], repr(text)
        assert not {"\u2028", "\u2029", "\u202e"} & set(text)
    assert mail.text().split("\n")[:2] == [f"Subject: {mail.subject}", ""]


def test_an_announcement_built_by_hand_is_cleaned_too():
    mail = Announcement(subject="Hi\r\nBcc: x@example.com", body="one\r\ntwo\x00\rthree\x07")
    assert "\r" not in mail.subject and "\n" not in mail.subject
    assert mail.body == "one\ntwo\nthree"


HOSTILE = ["<script>alert(1)</script>", '=HYPERLINK("http://evil.example";"click")',
           "**bold**", r"\textbf{x}", "[x](http://evil.example)", "&lt;b&gt;", "%0D%0ABcc:",
           "{{7*7}}", "+SUM(A1:A9)"]


@pytest.mark.parametrize("payload", HOSTILE)
def test_typed_text_appears_exactly_as_typed(payload):
    agreed = D(C(values=[payload]), C("company", "contains_any", values=[payload],
                                      role="disqualifier"))
    page = page_for(agreed, company=payload, facilitator=payload, agreed_by=[payload])
    mail = announcement(page, agreed, team_drafts={"sales": D(C(values=["Software"]))})
    assert mail.subject == f"{payload}: our ideal lead, version 1"
    assert f"Industry is {payload}" in flat(mail.body)
    assert f"Company name contains “{payload}”" in flat(mail.body)
    assert f"Questions? Ask {payload}." in flat(mail.body)
    assert f"Changed: Industry is Software → Industry is {payload}" in flat(mail.body)
    assert mail.body.count(payload) >= 6


@pytest.mark.parametrize("to", ["", "ann@example.com", "ann@example.com,bob@example.com"])
@pytest.mark.parametrize("payload", ["Lumen Ledger", *HOSTILE])
def test_mailto_decodes_back_to_the_same_subject_and_body(payload, to):
    agreed = D(C(values=[payload]), threshold=10)
    mail = announcement(page_for(agreed, company=payload), agreed, wall_url="https://x.example/?a=1&b=2#c")
    link = mail.mailto(to)
    assert not any(ch.isspace() for ch in link)
    parts = urlsplit(link)
    assert (parts.scheme, parts.path, parts.fragment) == ("mailto", to, "")
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert query == {"subject": [mail.subject], "body": [mail.body.replace("\n", "\r\n")]}


def test_mailto_address_cannot_add_headers():
    link = Announcement(subject="s", body="b").mailto("ann@example.com\r\n?bcc=eve@example.com")
    parts = urlsplit(link)
    assert parse_qs(parts.query) == {"subject": ["s"], "body": ["b"]}
    assert "\r" not in link and "\n" not in link


def test_text_is_the_subject_a_blank_line_and_the_body():
    mail = demo_announcement()
    assert mail.text() == f"Subject: {mail.subject}\n\n{mail.body}"


# --- layout ----------------------------------------------------------------------------------
def test_demo_lines_are_wrapped_at_72_columns():
    for line in demo_announcement(wall_url="https://x.example/w").body.split("\n"):
        assert len(line) <= 72, line


def test_long_lines_only_for_unbreakable_words():
    long_value = "Software" * 15
    url = "https://workshop.example.com/" + "x" * 120
    agreed = D(C(values=[long_value, "Retail"]), C("job_title", "contains_any",
                                                   values=["intern"], role="disqualifier"))
    mail = announcement(page_for(agreed), agreed, wall_url=url,
                        team_drafts={"marketing": D(C())})
    long_lines = [line for line in mail.body.split("\n") if len(line) > 80]
    assert long_lines  # the case is real: these words do not fit
    for line in long_lines:
        assert len(line.removeprefix("- ").split()) == 1, line
    assert f"  {long_value}" in mail.body.split("\n") or f"- {long_value}" in mail.body
    assert url in mail.body.split("\n")
