"""Every page, walked with names, columns, values and notes that are Markdown and HTML attacks.

Everything a person types or an export brings — the company, the title, people's names, column
headers, values, notes, decision notes, the names of those who signed in the room — is written
as links, images, HTML and emphasis pointing at a made-up tracking host. Each page is opened by
the facilitator, a participant and, once signed, the wall link, before the reveal and after the
sign-off; every piece of text the page gives Streamlit to render as Markdown (bodies, captions,
alerts, headings, widget labels and help) is parsed as CommonMark and must hold no link, image
or HTML aimed at that host, and no bare address a renderer would turn into a link. Charts get
the same names through Plotly, which reads <a> and <b> tags in its labels: those are checked
too.
"""
from __future__ import annotations

import codecs
import re

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from tests.builders import C, D
from tests.test_access_pages import _walk
from tests.test_pages import APP
from tests.test_real_exports_pages import upload
from workshop import store, versions, wall
from workshop.db import make_engine, session
from workshop.definition import Definition

HOST = "evil.example"
ATTACK = (f"x![px](https://{HOST}/p.png)[go](https://{HOST}/a)<img src=https://{HOST}/i>"
          f"<a href=https://{HOST}/b>b</a>**bold**_it_ https://{HOST}/bare")
PAGES = ("home", "facilitator", "teams", "draft", "compare", "evidence", "communicate",
         "history", "wall")
_FIELD = re.compile(r'(?m)^\s*(?:body|label|help): "((?:[^"\\]|\\.)*)"')
MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def hostile(tag: str) -> str:
    return f"{tag} {ATTACK}"[:190]


# Widgets whose option labels Streamlit renders as Markdown (radio buttons, select sliders,
# segmented controls and pills); a select box's or multiselect's options are plain text.
_MARKDOWN_OPTIONS = ("Radio", "SelectSlider", "ButtonGroup")


def rendered_markdown(at: AppTest) -> list[str]:
    """The texts of the page that Streamlit renders as Markdown."""
    texts = []
    for node in _walk(at):
        proto = getattr(node, "proto", None)
        if proto is None or type(node).__name__ in ("Code", "Dataframe", "Json"):
            continue
        found = [match.group(1) for match in _FIELD.finditer(str(proto))]
        if type(node).__name__ in _MARKDOWN_OPTIONS:
            found += re.findall(r'(?m)^\s*(?:options|content): "((?:[^"\\]|\\.)*)"',
                                str(proto))
        texts += [codecs.escape_decode(text.encode())[0].decode("utf-8") for text in found]
    return texts


def attacks_in(text: str) -> list[str]:
    """What in this Markdown would reach the tracking host: links, images, raw HTML, or a bare
    address that autolinking turns into a link."""
    found = []

    def visit(tokens):
        for token in tokens:
            target = (token.attrGet("href") or token.attrGet("src") or "") if token.attrs else ""
            if HOST in str(target) or (token.type.startswith("html") and HOST in token.content):
                found.append(f"{token.type}: {target or token.content}")
            if token.children:
                visit(token.children)

    visit(MARKDOWN.parse(text))
    if re.search(rf"(?<!\\)://{re.escape(HOST)}", text):
        found.append("a bare address")
    return found


def plotly_labels(at: AppTest) -> list[str]:
    """The text of every Plotly chart on the page (titles, axis labels, names, hover text)."""
    return [str(node.proto) for node in _walk(at) if type(node).__name__ == "UnknownElement"
            and "plotly" in str(getattr(node, "proto", ""))[:200].lower()]


@pytest.fixture
def world(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    export = tmp_path / "export.csv"
    column = hostile("Column")
    export.write_text(f'Company,Industry,"{column.replace(chr(34), "")}"\n'
                      + "".join(f"Acme {i},{hostile('Industry') if i % 2 else 'Software'},"
                                f"{hostile('Value') if i % 3 else 'plain'}\n"
                                for i in range(40)), encoding="utf-8")
    engine = make_engine(database_url)
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company=hostile("Company"),
                                              title=hostile("Title"),
                                              facilitator_name=hostile("Fac"))
        secret = store.invitations(s, workshop.id, fac).secrets["marketing"]
        _, mkt = store.join_with_invite(s, secret, hostile("Mkt"))
        sales = store.start_turn(s, workshop.id, fac, role="sales", name=hostile("Sales"))
        upload(s, workshop.id, fac, export, "leads.csv")
        draft = D(C("industry", values=[hostile("Value")]),
                  C(column.replace('"', ""), values=[hostile("Other")], question="other",
                    role="nice", points=5))
        draft = draft.with_note("industry", hostile("Note"))
        for token in (fac, mkt, sales):
            store.save_draft(s, workshop.id, token, draft, 0 if token != fac else 0)
    yield {"engine": engine, "id": workshop.id, "fac": fac, "mkt": mkt, "sales": sales,
           "draft": draft}
    engine.dispose()


def sign_everything(world) -> str:
    """Reveal, decide, propose and sign in the room under hostile names; the wall link."""
    with session(world["engine"]) as s:
        store.reveal(s, world["id"], world["fac"])
        shared = store.shared_state(s, world["id"], world["fac"])
        revision = store.save_shared(s, world["id"], world["fac"], world["draft"],
                                     shared.revision, {"industry": hostile("Decision")},
                                     summary=hostile("Summary"), questions=["industry"])
        versions.set_discussion(s, world["id"], world["fac"], "industry", open=True,
                                note=hostile("Discussion"))
        versions.propose(s, world["id"], world["fac"], revision)
        proposal = versions.current_proposal(s, world["id"], world["fac"]).id
        for role in ("marketing", "sales"):
            versions.sign_in_room(s, world["id"], world["fac"], proposal, role=role,
                                  name=hostile(f"Signer {role}"), agrees=True)
        return wall.share(s, world["id"], world["fac"])


def visit(world, page: str, key: str | None = None, wall_secret: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if wall_secret is not None:
        at.query_params["w"] = wall_secret
    elif key is not None:
        at.query_params.update({"ws": world["id"], "key": key})
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, (page, [e.value for e in at.exception])
    return at


def check(at: AppTest, where: str) -> None:
    texts = rendered_markdown(at)
    assert any("Company" in t or "Fac" in t or "Mkt" in t or "leads" in t for t in texts) \
        or where.startswith(("home", "wall as")), f"{where}: the walk saw none of the texts"
    for text in texts:
        assert not attacks_in(text), f"{where} renders {attacks_in(text)} from {text[:300]!r}"
    for chart in plotly_labels(at):
        assert f"<a href=https://{HOST}" not in chart.replace("\\", ""), \
            f"{where}: a chart label carries a link"


@pytest.mark.parametrize("page", PAGES)
def test_no_page_renders_a_typed_link_image_or_html(world, page):
    for who in ("fac", "mkt"):
        check(visit(world, page, world[who]), f"{page} as {who}, before the reveal")
    secret = sign_everything(world)
    for who in ("fac", "mkt"):
        check(visit(world, page, world[who]), f"{page} as {who}, signed")
    if page == "wall":
        check(visit(world, page, wall_secret=secret), "the wall page")


def test_the_walk_would_see_an_unescaped_name():
    """The check itself: a raw name in Markdown is caught, an escaped one is not."""
    from workshop.text import escape_markdown

    assert attacks_in(f"Signed by {ATTACK}")
    assert not attacks_in(f"Signed by {escape_markdown(ATTACK)}")
    assert Definition.from_json(Definition().to_json()) == Definition()
