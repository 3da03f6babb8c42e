"""A right-to-left override typed into a name turns the rest of the line around: "Acme\u202eoc.live"
printed as "Acmeevil.co" on the poster, and a column name with one reversed the app's own
sentence. Every place typed text is shown drops them, through the one helper (Markdown), the
one-pager's template (HTML, PDF) and the command line (which also drops terminal codes)."""
from __future__ import annotations

import pytest

from workshop import export
from workshop.cli import main
from workshop.definition import Criterion, Definition
from workshop.text import chart_text, escape_markdown, for_terminal, md_escape

OVERRIDES = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
             "\u2069"]


@pytest.mark.parametrize("override", OVERRIDES)
def test_the_helpers_drop_every_reordering_character(override):
    typed = f"Acme{override}oc.live"
    for shown in (escape_markdown(typed), md_escape(typed), chart_text(typed)):
        assert override not in shown and "Acme" in shown and "oc" in shown


def test_right_to_left_text_itself_stays():
    hebrew, arabic = "חברת אופק", "شركة الأفق"
    assert escape_markdown(hebrew) == hebrew and escape_markdown(arabic) == arabic


def test_the_one_pager_in_every_format_drops_them():
    definition = Definition(criteria=[Criterion(field="Region\u202e evil", op="in",
                                                values=["North\u2067x"])])
    page = export.one_pager(definition, company="Acme\u202eoc.live", title="Ideal\u2066 lead",
                            facilitator="Dana\u202d", agreed_by=[], agreed_at=None)
    for text in (export.to_html(page), export.to_markdown(page)):
        assert not any(o in text for o in OVERRIDES)
        assert "Acme" in text and "oc.live" in text


def test_the_command_line_prints_no_terminal_codes(capsys, tmp_path):
    assert for_terminal("a\x1b[2Jb\u202ec\td") == "a[2Jbc\td"
    definition = tmp_path / "definition.json"
    definition.write_text(Definition(criteria=[Criterion(
        field="Region\x1b[31m", op="in", values=["North"])]).to_json(), encoding="utf-8")
    leads = tmp_path / "leads.csv"
    leads.write_text("Email,Industry\na@x.com,Software\n", encoding="utf-8")
    code = main(["evaluate", "--leads", str(leads), "--definition", str(definition)])
    _, err = capsys.readouterr()
    assert code == 2 and "\x1b" not in err and "Region[31m" in err
