"""The longest definitions the app accepts, on the poster, in the e-mail and in the editor.

A criterion may list MAX_VALUES values of MAX_VALUE_LENGTH characters each, in Japanese without
a single space: the printed one-pager still takes exactly one page (long lists cut by count and
by characters, "…and N more", and the page says which criteria were cut), every other format
keeps every value, step 4 and the wall page offer every download, and a page that cannot be
printed at all is one sentence, never a traceback. The announcement e-mail wraps text without
spaces; a value longer than MAX_VALUE_LENGTH is refused with a sentence, never silently cut."""
from __future__ import annotations

import io
import random
import re
import unicodedata

import markupsafe
import pytest
import streamlit as st
from pypdf import PdfReader

from tests.test_definition_form import Drafts
from tests.test_sharing_pages import (
    COMMUNICATE,
    app_url,  # noqa: F401 - a fixture, used by name
    open_as,
    open_wall,
    share,
    signed_workshop,
)
from workshop import announce, catalog, export, formats, pdf, rules
from workshop.definition import (
    MAX_VALUE_LENGTH,
    MAX_VALUES,
    Action,
    Criterion,
    Definition,
    DefinitionError,
    read_file,
)
from workshop.ui import downloads
from workshop.ui.definition_form import _add_other, _save_words, _store, with_field_from_widgets

KANJI = ("製造情報通信小売金融保険医療福祉建設運輸卸売不動産物品賃貸学術研究専門技術"
         "宿泊飲食生活関連娯楽教育学習支援複合公務電気ガス熱供給水道農業林業漁業鉱業採石砂利採取")
WORDS = ["Head", "of", "Revenue", "Operations", "EMEA", "Senior", "Director,", "Demand",
         "Generation", "Chief", "Information", "Security", "Officer", "&", "Strategy"]
PREFIX = "draft:1"


def japanese(count: int, length: int, seed: int) -> list[str]:
    """`count` distinct values of exactly `length` characters, without a space; each starts
    with its own number so that no value is part of another."""
    rng = random.Random(seed)
    return [f"{i:03d}" + "".join(rng.choice(KANJI) for _ in range(length - 3))
            for i in range(count)]


def english(count: int, length: int, seed: int) -> list[str]:
    """Job titles with spaces, `length` characters each, numbered at both ends."""
    rng = random.Random(seed)
    values = []
    for i in range(count):
        text = f"T{i:03d}"
        while len(text) < length - 6:
            text += " " + rng.choice(WORDS)
        values.append(text[:length - 6].rstrip() + f" E{i:03d}")
    return values


def every_list(values_of) -> Definition:
    """Every kind of list at the limits: both gates, points and a disqualifier, each criterion
    with MAX_VALUES values of MAX_VALUE_LENGTH characters."""
    kinds = [("job_title", "contains_any", "must", "mql"), ("industry", "in", "must", "mql"),
             ("country", "not_in", "must", "sql"), ("lead_source", "in", "nice", "mql"),
             ("company", "contains_any", "disqualifier", "mql"),
             ("Region der Firma", "in", "must", "sql")]
    return Definition(
        criteria=[Criterion(field=field, op=op, role=role, gate=gate,
                            points=10 if role == "nice" else 0,
                            values=values_of(MAX_VALUES, MAX_VALUE_LENGTH, seed))
                  for seed, (field, op, role, gate) in enumerate(kinds)],
        actions=[Action(field="demo_requested", points=30)], threshold=20)


def poster(definition: Definition, *, notes: dict[str, str] | None = None,
           long_names: bool = False, link: str = "") -> export.OnePager:
    name = ("名" * 200) if long_names else "Dana"
    return export.one_pager(
        definition, company=("株式会社" * 50) if long_names else "Northwind",
        title="理想のリード" * 33 if long_names else "Ideal lead", facilitator=name,
        agreed_by=[name + str(i) for i in range(12 if long_names else 2)], agreed_at=None,
        version=1, link=link, decisions=notes)


def pdf_text(data: bytes) -> tuple[int, str]:
    """Pages and the text of the PDF with every space and line break taken out (a long line
    breaks anywhere)."""
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), re.sub(r"\s+", "", " ".join(p.extract_text() for p in reader.pages))


def bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- the printed page ----------------------------------------------------------------------------

def test_seventy_job_titles_print_on_one_page_with_the_first_ones_and_how_many_more():
    """The definition that took the poster, and with it every download of step 4, down."""
    titles = english(70, 35, seed=2)
    definition = Definition(criteria=[
        Criterion(field="job_title", op="contains_any", values=titles),
        Criterion(field="industry", op="in", values=["Software", "Retail"]),
        Criterion(field="employees", op="at_least", low=50)])
    fitted = pdf.to_pdf(poster(definition))
    pages, text = pdf_text(fitted.pdf)
    assert pages == 1
    shown = [title for title in titles if bare(title) in text]
    assert shown and shown == titles[:len(shown)] and len(shown) < len(titles)
    assert f"…and{len(titles) - len(shown)}more" in text  # in the MQL gate
    assert "Shortenedtofitthispage" in text and "thevaluesofJobtitlewerecutshort" in text
    assert "Job title" in fitted.message and "Industry" not in fitted.message
    assert bare(definition.criteria[1].sentence()) in text  # short criteria stay whole


@pytest.mark.parametrize("values_of", [japanese, english], ids=["japanese", "english"])
def test_every_list_at_its_limits_prints_on_one_page_and_says_what_was_cut(values_of):
    definition = every_list(values_of)
    notes = {q.key: "".join(japanese(1, 2000, seed=9)) for q in catalog.QUESTIONS}
    page = poster(definition, notes=notes, long_names=True,
                  link="https://workshop.example.com/wall?w=" + "k" * 43)
    fitted = pdf.to_pdf(page, "Letter")
    pages, text = pdf_text(fitted.pdf)
    assert pages == 1
    assert "Shortenedtofitthispage" in text and "thewallpage" in text
    assert fitted.message.startswith("To fit on one page")
    assert any("notes were shortened" in part for part in fitted.shortened)
    for criterion in definition.criteria[:3]:  # the first of each list is on the page
        assert bare(criterion.values[0]) in text or bare(criterion.values[0][:20]) in text
        assert bare(criterion.subject) in text
    more = [int(n) for n in re.findall(r"…and(\d+)more", text)]
    assert more and all(0 < n <= MAX_VALUES for n in more)
    # Only the print is shortened: the other formats keep every value of every criterion.
    html, markdown = export.to_html(page), export.to_markdown(page)
    assert read_file(rules.definition_json(definition)).definition == definition
    for criterion in definition.criteria:
        for value in criterion.values:
            assert str(markupsafe.escape(value)) in html
    if values_of is japanese:  # nothing in them that Markdown escapes or the SQL folds
        sql = rules.definition_sql(definition).decode()
        assert all(v in markdown and v in sql for c in definition.criteria for v in c.values)


def test_the_type_gets_smaller_before_anything_is_cut():
    """A list long but not too long for small type keeps every value."""
    titles = english(20, 40, seed=4)
    fitted = pdf.to_pdf(poster(Definition(criteria=[
        Criterion(field="job_title", op="contains_any", values=titles)])))
    pages, text = pdf_text(fitted.pdf)
    assert pages == 1 and fitted.shortened == () and "Shortened" not in text
    assert all(bare(title) in text for title in titles)


def test_a_page_that_never_fits_is_a_sentence(monkeypatch):
    class TwoPages:
        pages = [1, 2]

    monkeypatch.setattr(pdf, "_render", lambda *args: TwoPages())
    with pytest.raises(pdf.PdfNotFitted) as refused:
        pdf.to_pdf(poster(Definition()))
    message = str(refused.value)
    assert message.count(".") == 1 and "HTML" in message and "\n" not in message
    with pytest.raises(ValueError):  # the command line says it as "error: …"
        formats.render(Definition(), "pdf", poster(Definition()))


# --- step 4 and the wall page --------------------------------------------------------------------

RULES = ("⬇️ Definition JSON", "⬇️ SQL", "⬇️ Points table (CSV)")
ONE_PAGER = ("⬇️ HTML page", "⬇️ Markdown")


def button_labels(at) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_step_four_and_the_wall_offer_every_download_for_the_longest_lists(app_url):  # noqa: F811
    definition = Definition(criteria=[
        Criterion(field="job_title", op="contains_any", values=english(70, 35, seed=2)),
        Criterion(field="industry", op="in", values=japanese(150, 20, seed=3)),
        Criterion(field="employees", op="at_least", low=50)])
    workshop_id, tokens = signed_workshop(definition)
    secret = share(workshop_id, tokens["facilitator"])
    for at in (open_as(workshop_id, tokens["facilitator"], COMMUNICATE), open_wall(secret)):
        assert not at.exception, at.exception
        labels = button_labels(at)
        assert "⬇️ PDF (A4)" in labels and "⬇️ PNG image" in labels
        assert all(label in labels for label in ONE_PAGER)
        said = " ".join(info.value for info in at.info)
        assert "To fit on one page" in said and "Job title" in said and "Industry" in said
        assert not at.warning or all("could not" not in w.value for w in at.warning)
    assert all(label in button_labels(open_as(workshop_id, tokens["facilitator"],
                                              COMMUNICATE)) for label in RULES)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_when_printing_fails_the_page_says_so_and_every_other_download_stays(
        app_url, monkeypatch):  # noqa: F811
    def broken(page, paper="A4"):
        raise RuntimeError("layout engine crashed")

    monkeypatch.setattr(pdf, "to_pdf", broken)
    downloads.fitted.clear()  # nothing laid out by an earlier test
    workshop_id, tokens = signed_workshop()
    secret = share(workshop_id, tokens["facilitator"])
    for at, expected in ((open_as(workshop_id, tokens["facilitator"], COMMUNICATE),
                          ONE_PAGER + RULES), (open_wall(secret), ONE_PAGER)):
        assert not at.exception, at.exception
        labels = button_labels(at)
        assert all(label in labels for label in expected), labels
        assert not [label for label in labels if label.startswith(("⬇️ PDF", "⬇️ PNG"))]
        assert [w.value for w in at.warning if w.value == downloads.NOT_PRINTED]
        assert "layout engine" not in " ".join(w.value for w in at.warning)


# --- the announcement e-mail --------------------------------------------------------------------

def columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_the_announcement_wraps_japanese_text_and_keeps_urls_and_addresses_whole():
    values = japanese(3, 190, seed=5)
    address = "taro.yamada@example.co.jp"
    values[1] = values[1][:80] + address + values[1][80 + len(address):]
    url = "https://workshop.example.com/wall?w=" + "k" * 60
    agreed = Definition(criteria=[Criterion(field="industry", op="in", values=values)])
    page = poster(agreed, link=url)
    body = announce.announcement(page, agreed, wall_url=url).body
    lines = body.split("\n")
    assert all(columns(line) <= announce.WIDTH for line in lines if url not in line), \
        max(lines, key=columns)
    assert url in lines  # on a line of its own, whole
    assert any(address in line for line in lines)  # the address on one line, whole
    text = "".join(line.removeprefix("- ").strip() for line in lines)
    assert all(value in text for value in values)  # nothing lost or added by the breaks


# --- values longer than the limit -------------------------------------------------------------

def test_a_value_at_the_limit_is_kept_whole_and_a_longer_one_is_refused_in_a_sentence():
    longest = japanese(1, MAX_VALUE_LENGTH, seed=6)[0]
    assert Criterion(field="industry", op="in", values=[longest]).values == [longest]
    with pytest.raises(ValueError) as refused:
        Criterion(field="industry", op="in", values=[longest + "業"])
    assert f"at most {MAX_VALUE_LENGTH} characters" in str(refused.value)
    assert f"has {MAX_VALUE_LENGTH + 1}" in str(refused.value)


def test_an_imported_definition_with_a_value_too_long_gets_a_message():
    value = "x" * (MAX_VALUE_LENGTH + 50)
    text = ('{"schema_version": 2, "criteria": [{"field": "industry", "op": "in", '
            f'"values": ["Software", "{value}"]}}]}}')
    with pytest.raises(DefinitionError) as refused:
        read_file(text)
    message = str(refused.value)
    assert message.startswith("The definition is not valid")
    assert f"at most {MAX_VALUE_LENGTH} characters" in message and "250" in message


@pytest.fixture
def session_state():
    st.session_state.clear()
    st.session_state[f"{PREFIX}:revision"] = {"revision": 3}
    yield
    st.session_state.clear()


def test_the_editor_refuses_a_typed_or_pasted_value_too_long_and_says_why(session_state):
    """The way the editor reports every limit: 'Not saved: …' above the form, and nothing
    saved (a value cut short could never equal the CRM's)."""
    start = Definition(criteria=[Criterion(field="industry", op="in", values=["Software"],
                                           question="industry")])
    drafts = Drafts(start)
    pasted = japanese(1, MAX_VALUE_LENGTH + 1, seed=7)[0]
    question = catalog.QUESTIONS_BY_KEY["industry"]
    chosen = {f"{PREFIX}:industry:industry:values": ["Software", pasted]}
    assert not _store(PREFIX, drafts.load, drafts.save, lambda d: with_field_from_widgets(
        d, PREFIX, question, "industry", chosen))
    error = st.session_state.pop(f"{PREFIX}:error")
    assert error.startswith("Not saved: ") and f"at most {MAX_VALUE_LENGTH}" in error
    assert drafts.saves == 0 and drafts.definition == start
    # the job titles' keywords box
    role = catalog.QUESTIONS_BY_KEY["job_role"]
    assert not _save_words(PREFIX, role, "job_title", drafts.load, drafts.save,
                           f"cfo, {'c' * (MAX_VALUE_LENGTH + 1)}", 3)
    assert f"at most {MAX_VALUE_LENGTH}" in st.session_state.pop(f"{PREFIX}:error")
    # the other signals row
    row = lambda part: f"{PREFIX}:other:{part}"  # noqa: E731
    st.session_state.update({row("column"): "Region", row("op"): "in", row("role"): "nice",
                             row("points"): 5, row("values"): [pasted]})
    _add_other(PREFIX, drafts.load, drafts.save)
    assert f"at most {MAX_VALUE_LENGTH}" in st.session_state.pop(f"{PREFIX}:error")
    assert drafts.saves == 0
    # at the limit, saved exactly as pasted
    exact = pasted[:MAX_VALUE_LENGTH]
    assert _store(PREFIX, drafts.load, drafts.save, lambda d: with_field_from_widgets(
        d, PREFIX, question, "industry", {f"{PREFIX}:industry:industry:values": [exact]}))
    assert drafts.definition.criteria_for("industry")[0].values == [exact]
