"""The reveal asks first, on step 2 and on step 3 (AppTest): the first click reveals nothing and
says who of marketing and sales is not done yet, by name and team, and how many are done;
"Wait" goes back; "Reveal now" reveals."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.builders import C, D
from tests.test_pages import APP, texts
from workshop import store
from workshop.db import make_engine, session
from workshop.settings import database_url as app_database_url
from workshop.text import escape_markdown

PAGES = [("views/teams.py", "🔓 Reveal all drafts now"),
         ("views/compare.py", "🔓 Reveal all drafts")]


@pytest.fixture
def app_url(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    return database_url


def room(names: dict[str, str]) -> tuple[str, str, dict[str, str]]:
    """A workshop with the given people (name → team); Priya, if there, is done."""
    with session(make_engine(app_database_url())) as s:
        workshop, fac = store.create_workshop(s, company="Acme", title="Q1",
                                              facilitator_name="Dana")
        secrets = store.invitations(s, workshop.id, fac).secrets
        keys = {name: store.join_with_invite(s, secrets[role], name)[1]
                for name, role in names.items()}
        if "Priya" in keys:
            store.save_draft(s, workshop.id, keys["Priya"], D(C("industry", values=["Retail"])),
                             0)
            store.set_done(s, workshop.id, keys["Priya"], True)
        if "Marcus" in keys:
            store.save_draft(s, workshop.id, keys["Marcus"], D(C("industry", values=["Energy"])),
                             0)
    return workshop.id, fac, keys


def revealed(workshop_id: str) -> bool:
    with session(make_engine(app_database_url())) as s:
        return store.is_revealed(s, workshop_id)


def open_page(workshop_id: str, key: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["ws"], at.query_params["key"] = workshop_id, key
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}: {[b.label for b in at.button]}"
    return matches[0]


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


@pytest.mark.parametrize(("page", "label"), PAGES)
def test_the_reveal_asks_first_and_names_who_is_not_done(app_url, page, label):
    workshop_id, fac, _ = room({"Priya": "marketing", "Lena": "marketing", "Marcus": "sales"})
    at = open_page(workshop_id, fac, page)
    assert "🔓 Reveal now" not in labels(at)
    button(at, label).click().run()
    assert not at.exception, at.exception
    assert not revealed(workshop_id)  # the first click only asks
    said = texts(at)
    assert "Reveal all drafts now?" in said
    assert "1 of 3 team members done" in said
    assert "Marketing: **Lena** (not started)" in said
    assert "Sales: **Marcus** (still drafting)" in said
    waiting = next(m.value for m in at.markdown if "Not done yet" in m.value)
    assert "Priya" not in waiting  # done: not among those waiting
    assert label not in labels(at)

    button(at, "Wait").click().run()
    assert not revealed(workshop_id)
    assert "Reveal all drafts now?" not in texts(at)
    assert label in labels(at)

    button(at, label).click().run()
    button(at, "🔓 Reveal now").click().run()
    assert not at.exception, at.exception
    assert revealed(workshop_id)


@pytest.mark.parametrize(("page", "label"), PAGES)
def test_when_everyone_is_done_it_still_asks_and_says_so(app_url, page, label):
    workshop_id, fac, _ = room({"Priya": "marketing"})
    at = open_page(workshop_id, fac, page)
    button(at, label).click().run()
    assert not revealed(workshop_id)
    assert "Everyone is done: 1 of 1 team members." in texts(at)
    assert "Not done yet" not in texts(at)


def test_a_name_is_shown_as_text_not_markdown(app_url):
    name = "[x](https://evil.example) **B**"
    workshop_id, fac, _ = room({name: "sales"})
    at = open_page(workshop_id, fac, "views/teams.py")
    button(at, "🔓 Reveal all drafts now").click().run()
    line = next(m.value for m in at.markdown if "Not done yet" in m.value)
    assert f"Sales: **{escape_markdown(name)}** (not started)" in line
    assert name not in line
