"""The one-pager on screen (step 4 and the wall page) shows typed text as typed. Streamlit's
Markdown turns ":streamlit:" into its logo and a standalone "->" or "--" into an arrow or a
dash after unescaping, so the screen needs the same guard as every other typed text shown
(`streamlit_guarded`, via `escape_markdown`); the downloaded files keep the text exactly."""
from __future__ import annotations

import re

from tests.test_sharing_pages import (  # noqa: F401 - app_url is a fixture
    COMMUNICATE,
    app_url,
    open_as,
    open_wall,
    share,
    signed_workshop,
)
from workshop.definition import Criterion, Definition
from workshop.export import one_pager, to_markdown
from workshop.text import WORD_JOINER

NOTE = "Close rate :streamlit: -> 30% -- or O'Brien ') OR 1=1 -- or more <-> less"
VALUE = "A -- B"


def _page():
    definition = Definition(criteria=[Criterion(field="industry", op="in", values=[VALUE])])
    return one_pager(definition, company="Acme -> Co", title="ICP", facilitator="Dana",
                     agreed_by=["Ann -- Marketing"], agreed_at=None, decisions={"pain": NOTE})


SIGNS = re.compile(r"(?<!\S)(<->|->|--)(?!\S)|:streamlit:")


def test_the_screen_markdown_guards_every_sign_and_the_file_keeps_them():
    page = _page()
    on_screen, in_file = to_markdown(page, on_screen=True), to_markdown(page)
    assert WORD_JOINER not in in_file
    assert SIGNS.findall(in_file)  # the file says it exactly as typed
    unguarded = [m.group() for line in on_screen.split("\n") if not line.startswith("|")
                 for m in SIGNS.finditer(line)]
    assert unguarded == []
    assert on_screen.replace(WORD_JOINER, "") == in_file  # nothing else differs


def test_step_4_and_the_wall_page_show_the_guarded_one_pager(app_url):  # noqa: F811
    workshop_id, tokens = signed_workshop(notes={"pain": NOTE})
    for at in (open_as(workshop_id, tokens["facilitator"], COMMUNICATE),
               open_wall(share(workshop_id, tokens["facilitator"]))):
        assert not at.exception, at.exception
        shown = "\n".join(m.value for m in at.markdown)
        assert "Close rate" in shown
        assert ":streamlit:" not in shown and " -> 30%" not in shown
        assert f"-{WORD_JOINER}\\>" in shown or f"-{WORD_JOINER}>" in shown
