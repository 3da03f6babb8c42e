"""Typed text shows as typed where Streamlit renders Markdown: no emoji shortcodes, icons or
coloured directives.

Streamlit's Markdown does more than CommonMark: ":rocket:" becomes an emoji, ":material/delete:"
an icon, ":red[x]", ":small[x]" and ":violet-badge[x]" styled text, ":streamlit:" its logo,
and " -> ", " -- ", " >= " arrows and signs. `streamlit_effects` below reads a Markdown source
the way Streamlit's front end does (the rules are those of its StreamlitMarkdown bundle) and
names each thing that would not show as typed; CommonMark (markdown-it) gives the text a
person reads. Every hostile or ordinary string, escaped, must read back exactly as typed, with
no backslash showing and no effect. The pages are walked with such names (AppTest), and one
real page is opened in Chromium.
"""
from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from tests.builders import C, D
from tests.test_hostile_names import rendered_markdown
from tests.test_pages import APP
from tests.test_restart import (  # noqa: F401 - fixtures
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE,
    Server,
    require_chromium,
    snap,
)
from workshop import store
from workshop.db import make_engine, session
from workshop.text import WORD_JOINER, escape_markdown, md_escape

MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
BROWSER_PORT = 8645

# --- Streamlit's own reading of a Markdown source ----------------------------------------------
# remark-emoji is loaded only when the source itself holds a shortcode (not :material/...:).
_LOADS_EMOJI = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:")
_SHORTCODE = re.compile(r":\+1:|:-1:|:[\w-]+:")
_SIGNS = re.compile(r"(?:^|\s)(?:<->|->|<-|--|>=|<=|~=)(?:\s|$)")
_INLINE_MATH = re.compile(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)")
_BLOCK_MATH = re.compile(r"(?<!\$)\$\$+(?!\$)[\s\S]*?\$\$")


def shown_text(source: str) -> str:
    """What CommonMark shows of a one-paragraph source, asserting it is one plain paragraph."""
    rendered = MARKDOWN.render(source)
    inner = re.fullmatch(r"<p>(.*)</p>\n", rendered, re.DOTALL)
    assert inner and "<" not in inner.group(1), f"markup from {source!r}: {rendered!r}"
    return html.unescape(inner.group(1))


def _unescaped(source: str) -> str:
    """The source with every backslash escape (and escaped backslash) blanked out."""
    return re.sub(r"\\[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]", "__", source)


def streamlit_effects(source: str) -> list[str]:
    """What Streamlit would show of this Markdown other than its text."""
    found = []
    if ":material/" in source:  # replaced in the raw source before parsing, escapes or not
        found.append("material icon")
    if re.search(r":[A-Za-z]", _unescaped(source)):  # ":red" is a directive, "[x]" optional
        found.append("directive")
    text = MARKDOWN.renderInline(source)
    if _LOADS_EMOJI.search(source) and _SHORTCODE.search(html.unescape(text)):
        found.append("emoji")
    if ":streamlit:" in html.unescape(text):
        found.append("streamlit logo")
    if _SIGNS.search(html.unescape(re.sub(r"<[^>]+>", " ", text))):
        found.append("arrow or sign")
    blanked = re.sub(r"\\[\\$`]", "_", source)
    if _INLINE_MATH.search(blanked) or _BLOCK_MATH.search(blanked):
        found.append("math")
    return found


# --- the escape --------------------------------------------------------------------------------
PROBE = ":rocket: :material/delete: $x^2$ :red[x] :blue-background[y] :small[z]"
HOSTILE = [
    PROBE,
    ":rocket:", ":+1:", ":-1:", ":smile_cat:", ":tada::tada:", "x:rocket:y",
    ":material/delete:", ":material/home: Home", "::material/x::",
    ":red[x]", ":blue-background[y]", ":small[z]", ":violet-badge[v]", ":orange[**b**]",
    ":color[x]{foreground=\"red\"}", "::small[z]", ":::note", ":shimmer[z]", ":help[z]",
    ":streamlit:", ":streamlit:streamlit:", "a -> b", "x <-> y", "back <- here",
    "Q3 -- EMEA", "Employees >= 50", "Revenue <= 10M", "about ~= 3",
    "$x^2$", "$$a$$", "**b**", "<b>h</b>", "{{7*7}}", "`t`", "~~s~~", "[go](https://x)",
    "\\:rocket:", "\\\\:rocket:", "Dana :) :-) ;)",
]
ORDINARY = [
    "10:30", "Meeting at 10:30:45", "https://x", "http://example.com/a:b", "3:1",
    "Ratio 3:1 or 2:1", "Note: call back", "mailto:ana@example.com", "C:\\Users\\x", "a:b:c",
    "Acme: Inc.", "ISO 8601 2024-05-01T10:30:00Z", "-> at the start", "ends with ->",
    "Priya", "Acme Analytics GmbH", "",
]


def test_the_reading_catches_what_the_old_escape_let_through():
    """The check itself: the probe's string, escaped without the colon, shows an emoji, an
    icon and a directive; plain text shows none of them."""
    without_colon = md_escape(PROBE).replace("\\:", ":").replace("\\/", "/")
    assert {"emoji", "material icon", "directive"} <= set(streamlit_effects(without_colon))
    assert "streamlit logo" in streamlit_effects(":streamlit:")
    assert streamlit_effects("a >= b") == ["arrow or sign"]
    assert streamlit_effects("$x^2$") == ["math"]
    assert streamlit_effects("just words, 10 to 12") == []


@pytest.mark.parametrize("typed", HOSTILE + ORDINARY)
def test_escaped_text_shows_as_typed_with_no_effect(typed):
    escaped = escape_markdown(typed)
    assert streamlit_effects(escaped) == [], (typed, escaped)
    assert streamlit_effects(f"**{escaped}**: drafting") == [], (typed, escaped)
    expected = " ".join(typed.split())
    if expected:
        assert shown_text(escaped).replace(WORD_JOINER, "") == expected, (typed, escaped)
    # no backslash of the escape shows; only the user's own backslashes do
    assert shown_text(escaped + " x").count("\\") == typed.count("\\")


@pytest.mark.parametrize("typed", HOSTILE + ORDINARY)
def test_every_colon_is_escaped(typed):
    """Each colon is preceded by an odd run of backslashes: an escape, not a typed backslash."""
    escaped = escape_markdown(typed)
    for match in re.finditer(":", escaped):
        run = len(escaped[:match.start()]) - len(escaped[:match.start()].rstrip("\\"))
        assert run % 2 == 1, (typed, escaped)


ADDRESSES = {"https://x", "http://example.com/a:b", "mailto:ana@example.com"}


def test_word_joiner_only_where_no_escape_reaches():
    """The invisible joiner goes only into ':streamlit:', free-standing arrows and signs, and
    bare addresses (which the browser would link); times, ratios and words joined by a hyphen
    keep their exact characters."""
    for typed in [*(set(ORDINARY[:-6]) - ADDRESSES), "well-known", "a-b->c", "x>=y", "---",
                  "Web shop", "wwwhat", "Email me"]:
        assert WORD_JOINER not in escape_markdown(typed), typed
    assert escape_markdown("https://x") == f"https{WORD_JOINER}\\://x"
    assert escape_markdown("See WWW.acme.io") == f"See WWW{WORD_JOINER}.acme.io"
    assert escape_markdown("ana@example.com") == f"ana{WORD_JOINER}\\@example.com"
    assert escape_markdown("Q3 -- EMEA") == f"Q3 -{WORD_JOINER}- EMEA"
    assert escape_markdown("Employees >= 50") == f"Employees \\>{WORD_JOINER}= 50"
    assert escape_markdown(":streamlit:") == f"\\:streamlit{WORD_JOINER}\\:"


def test_markdown_exports_escape_the_colon_and_keep_the_characters():
    """The Markdown download uses the same escape: shortcodes stay text in renderers that read
    them (GitHub too), and the file keeps the typed characters (no joiner)."""
    for typed in HOSTILE + ORDINARY:
        escaped = md_escape(typed)
        assert WORD_JOINER not in escaped
        effects = set(streamlit_effects(escaped)) - {"arrow or sign", "streamlit logo"}
        assert not effects, (typed, escaped)
        if typed.strip():
            assert shown_text(escaped) == " ".join(typed.split()), (typed, escaped)


# --- the pages ---------------------------------------------------------------------------------
NAME = "Zq " + PROBE + " :violet-badge[v] :streamlit: a -> b 10:30"


@pytest.fixture
def world(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    engine = make_engine(url)
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Co " + NAME, title="T " + NAME,
                                              facilitator_name="F " + NAME)
        secret = store.invitations(s, workshop.id, fac).secrets["marketing"]
        _, member = store.join_with_invite(s, secret, "M " + NAME)
        store.start_turn(s, workshop.id, fac, role="sales", name="S " + NAME)
        draft = D(C("industry", values=["V " + NAME])).with_note("industry", "N " + NAME)
        for token in (fac, member):
            store.save_draft(s, workshop.id, token, draft, store.my_draft(
                s, workshop.id, token)[1])
    yield {"url": url, "id": workshop.id, "fac": fac, "member": member}
    engine.dispose()


def visit(world, page: str, key: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"ws": world["id"], "key": key})
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, (page, [e.value for e in at.exception])
    return at


def assert_shown_as_typed(at, where: str, names: list[str]) -> None:
    texts = [text for text in rendered_markdown(at) if "Zq" in text]
    assert texts, f"{where}: no name on the page"
    for text in texts:
        assert streamlit_effects(text) == [], (where, streamlit_effects(text), text)
    shown = " ".join(MARKDOWN.renderInline(text) for text in texts)
    shown = html.unescape(shown).replace(WORD_JOINER, "")
    for name in names:
        assert name in shown, (where, name)
    assert "\\:" not in shown and "\\[" not in shown, where


@pytest.mark.parametrize("page, who, names", [
    ("teams", "fac", ["Co " + NAME, "T " + NAME, "M " + NAME, "S " + NAME]),
    ("home", "fac", ["Co " + NAME, "T " + NAME]),
    ("facilitator", "fac", ["Co " + NAME]),
    ("draft", "member", ["M " + NAME, "N " + NAME]),
])
def test_pages_show_hostile_names_as_typed(world, page, who, names):
    at = visit(world, "teams" if page == "home" else page, world[who])
    if page == "home":  # lists the workshops this device opened
        at.switch_page("views/home.py").run()
        assert not at.exception, [e.value for e in at.exception]
    assert_shown_as_typed(at, f"{page} as {who}", names)


def test_the_value_warning_shows_a_typed_value_as_typed(world):
    """'not one of the usual values' quotes the typed value back."""
    at = visit(world, "draft", world["member"])
    warnings = [w.value for w in at.warning if "Zq" in w.value]
    assert warnings, [w.value for w in at.warning]
    for warning in warnings:
        assert streamlit_effects(warning) == [], warning
        assert ("V " + NAME) in html.unescape(MARKDOWN.renderInline(warning)).replace(
            WORD_JOINER, "")


# --- a real browser ----------------------------------------------------------------------------
def test_teams_board_in_chromium_shows_the_names_literally(world, tmp_path):
    require_chromium()
    from playwright.sync_api import sync_playwright

    server = Server(world["url"], BROWSER_PORT, tmp_path)
    server.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(f"{server.url}/teams?ws={world['id']}&key={world['fac']}")
                page.get_by_text("M Zq", exact=False).first.wait_for(timeout=60_000)
                page.wait_for_selector(IDLE, timeout=60_000)
                page.wait_for_timeout(1500)  # lazily loaded Markdown plugins (emoji, KaTeX)
                main = page.locator("[data-testid='stMain']")
                text = main.inner_text().replace(WORD_JOINER, "")
                snap(page, "escape-codes-teams")
                for literal in (":rocket:", ":material/delete:", "$x^2$", ":red[x]",
                                ":blue-background[y]", ":small[z]", ":violet-badge[v]",
                                ":streamlit:", "a -> b", "10:30"):
                    assert literal in text, literal
                assert "\U0001f680" not in text and "\\:" not in text and "\\[" not in text
                named = main.locator("[data-testid='stMarkdownContainer']").filter(
                    has_text="Zq")
                assert named.count() >= 3  # the header, the status board, the turns
                for selector in ("[data-testid='stIconMaterial']", ".katex",
                                 "img[alt='Streamlit logo']", "span[style*='color']",
                                 "span[style*='font-size']", "span[role='img']"):
                    assert named.locator(selector).count() == 0, selector
            finally:
                browser.close()
    finally:
        server.kill()
