"""Figures stored with a version or a proposal that cannot be trusted (a count null, a string,
a fraction: rows an older or crafted file left, written here straight into the database) read
as no figures: the wall page, step 4, the versions page and the command line's one-pager show
none, instead of failing on them. On SQLite and PostgreSQL."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from tests.conftest import sqlalchemy_url
from workshop import demo
from workshop.cli import main
from workshop.db import make_engine, session
from workshop.measure import Figures
from workshop.models import Measurement, Proposal, WallLink, Workshop

APP = str(Path(__file__).resolve().parent.parent / "app.py")
FIGURES = {"leads": 600, "months": 3, "qualified": 90, "sql": 30, "qualified_per_month": 30.0,
           "sql_per_month": 10.0}


TRUSTED = [
    FIGURES,
    FIGURES | {"qualified_per_month": None, "sql_per_month": None},  # leads without dates
    FIGURES | {"wins": 20, "lift": 4.0, "reliable": 1, "newer": "ignored"},  # 1: a backup's
]
UNTRUSTED = [
    FIGURES | {"leads": None},
    FIGURES | {"qualified": None, "sql": None},
    FIGURES | {"qualified": 1.5},
    FIGURES | {"sql": "30"},
    FIGURES | {"months": True},
    FIGURES | {"lift": "high"},
    FIGURES | {"wins_caught": float("nan")},
    {k: v for k, v in FIGURES.items() if k != "sql"},
    [1, 2],
]


def test_figures_that_cannot_be_trusted_are_read_as_none():
    for stored in TRUSTED:
        figures = Figures.from_json(json.dumps(stored))
        assert figures is not None and figures.leads == 600, stored
    for stored in UNTRUSTED:
        assert Figures.from_json(json.dumps(stored)) is None, stored
    assert Figures.from_json("{not json") is None


# At sign-off (and on the proposal): counts missing, so the share qualified cannot be worked
# out; measured later: no count of leads, and words where a rate belongs.
BAD_FIGURES = [json.dumps(FIGURES | {"qualified": None, "sql": None}),
               json.dumps(FIGURES | {"leads": None, "qualified_per_month": "many"})]


def finished_demo_with_bad_figures(url: str) -> tuple[str, str]:
    """The finished demo, whose stored figures (at sign-off, on its proposal, and a later
    measurement) have nulls and strings where counts belong; its facilitator key and wall
    secret."""
    from workshop.leads import load_sample_leads

    engine = make_engine(sqlalchemy_url(url))
    with session(engine) as s:
        demo.seed_finished_demo(s, load_sample_leads())
        s.exec(sa.update(Measurement).where(Measurement.workshop_id == demo.FINISHED_ID)
               .values(figures_json=BAD_FIGURES[0]))
        s.exec(sa.update(Proposal).where(Proposal.workshop_id == demo.FINISHED_ID)
               .values(figures_json=BAD_FIGURES[0]))
        s.add(Measurement(workshop_id=demo.FINISHED_ID, version_number=1, source="later.csv",
                          figures_json=BAD_FIGURES[1]))
        s.commit()
        token = s.get(Workshop, demo.FINISHED_ID).facilitator_token
        secret = s.exec(sa.select(WallLink.secret).where(
            WallLink.workshop_id == demo.FINISHED_ID)).scalar_one()
    engine.dispose()
    return token, secret


def page_texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "info", "warning")
                     for e in getattr(at, kind))


@pytest.mark.parametrize(("page", "by_wall_link"), [
    ("views/wall.py", True), ("views/communicate.py", False), ("views/history.py", False)])
def test_pages_show_no_figures_instead_of_failing_on_stored_ones(database_url, monkeypatch,
                                                                 tmp_path, page, by_wall_link):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    token, secret = finished_demo_with_bad_figures(database_url)
    at = AppTest.from_file(APP, default_timeout=60)
    params = {"w": secret} if by_wall_link else {"ws": demo.FINISHED_ID, "key": token}
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    shown = page_texts(at)
    assert "Lumen Ledger" in shown
    assert "Measured on" not in shown  # the one-pager's figures: none to trust




def test_the_command_line_exports_the_one_pager_without_figures_it_cannot_trust(
        capsys, database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    finished_demo_with_bad_figures(database_url)
    out = tmp_path / "agreed.md"
    code = main(["export", "--workshop", demo.FINISHED_ID, "--format", "md", "--out", str(out)])
    said, err = capsys.readouterr()
    assert code == 0 and said.startswith(f"wrote {out}") and not err
    page = out.read_text(encoding="utf-8")
    assert "Version 1" in page and "Measured on" not in page
