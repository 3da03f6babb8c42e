"""One list of pages (workshop.ui.pages): every script is in it, the steps are the agenda's, and
no page is named by a step number used as a marker. And no pages/ folder: Streamlit would list
its files and run any of them from a direct link without app.py (no migrations, no log
redaction, no role-based navigation)."""
from __future__ import annotations

import ast
from pathlib import Path

from workshop import agenda
from workshop.prompts import PROMPTS
from workshop.ui import live, pages

ROOT = Path(__file__).resolve().parent.parent


def test_there_is_no_pages_folder_next_to_app_py():
    assert (ROOT / "app.py").is_file()
    assert not (ROOT / "pages").exists(), (
        "Streamlit runs a pages/ folder's scripts without app.py: keep page scripts in views/ "
        "and list them in workshop/ui/pages.py")


def test_every_script_in_views_is_listed_once_and_every_listed_page_exists():
    listed = [page.path for page in pages.PAGES]
    assert len(listed) == len(set(listed))
    assert sorted(listed) == sorted(f"views/{p.name}" for p in (ROOT / "views").glob("*.py"))
    assert len({page.url_path for page in pages.PAGES}) == len(pages.PAGES)
    assert pages.WALL.url_path == "wall"  # wall links already handed out use this address


def test_every_page_has_a_row_in_the_access_table():
    from tests.test_access_pages import PAGES as ACCESS_TABLE_PAGES

    assert sorted(ACCESS_TABLE_PAGES.values()) == sorted(page.path for page in pages.PAGES)


def test_the_step_pages_are_the_agendas_steps_in_order():
    assert list(pages.STEP_PAGES) == list(agenda.STEPS)
    assert all(page.step == step for step, page in pages.STEP_PAGES.items())
    assert set(PROMPTS) == set(pages.STEP_PAGES)  # the facilitator's prompts per step page
    assert [pages.participant_page(step) for step in agenda.STEPS] == [
        pages.MY_DRAFT, pages.MY_DRAFT, pages.COMPARE, pages.COMMUNICATE]
    assert set(pages.PARTICIPANT_STEPS) <= set(pages.PAGES)
    assert set(live.WATCH) <= set(pages.PAGES)


def test_every_page_names_itself_by_its_entry_in_the_list_not_by_a_number():
    """`step_header(workshop, place, <page>, actor)`: a page of `workshop.ui.pages`."""
    names = {name for name, value in vars(pages).items() if isinstance(value, pages.Page)}
    headers = {}
    for path in (ROOT / "views").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "step_header":
                headers[path.name] = node.args[2]
    assert headers, "the step pages draw their header with step_header"
    for script, argument in headers.items():
        assert isinstance(argument, ast.Name) and argument.id in names, script
        assert getattr(pages, argument.id).path == f"views/{script}", script
