"""`python -m workshop export|list`: the same files as the app's downloads, from a shell, from a
definition JSON or straight from a workshop's signed version in the database."""
from __future__ import annotations

import csv
import io
import json

import pytest
from pypdf import PdfReader

from workshop import demo, store, versions
from workshop.cli import main
from workshop.db import make_engine, session
from workshop.definition import Definition
from workshop.leads import load_sample_leads
from workshop.measure import measure


@pytest.fixture
def database(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def signed_workshop(url: str, company: str = "Northwind Ledger") -> str:
    """A workshop whose shared definition (the demo's facilitator draft) is signed twice."""
    engine = make_engine(url)
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company=company, title="Ideal lead",
                                              facilitator_name="Dana")
        secrets = store.invitations(s, workshop.id, fac).secrets
        _, marketing = store.join_with_invite(s, secrets["marketing"], "Priya")
        _, sales = store.join_with_invite(s, secrets["sales"], "Marcus")
        store.reveal(s, workshop.id, fac)
        first = demo.facilitator_draft()
        second = first.with_question("industry", [])
        revision = store.save_shared(s, workshop.id, fac, first, 0)
        for number, definition in ((1, first), (2, second)):
            if number == 2:
                versions.reopen(s, workshop.id, fac)
                revision = store.save_shared(s, workshop.id, fac, definition, revision)
            versions.propose(s, workshop.id, fac, revision,
                             measure(load_sample_leads(), definition), "the sample leads")
            proposal = versions.current_proposal(s, workshop.id, fac).id
            versions.sign(s, workshop.id, marketing, proposal, agrees=True)
            versions.sign(s, workshop.id, sales, proposal, agrees=True)
    engine.dispose()
    return workshop.id


def test_list_shows_workshops_with_their_versions(capsys, database):
    workshop_id = signed_workshop(database)
    code, out, _ = run(capsys, "list")
    assert code == 0
    listed = {w["id"]: w for w in json.loads(out)}
    assert listed[workshop_id]["versions"] == [1, 2]
    assert listed[workshop_id]["company"] == "Northwind Ledger"


@pytest.mark.parametrize("fmt", ["json", "md", "html", "points", "sql", "pdf"])
def test_export_of_a_definition_file(capsys, tmp_path, fmt):
    source = tmp_path / "definition.json"
    source.write_text(demo.sales_draft().to_json(), encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    code, printed, _ = run(capsys, "export", "--definition", str(source), "--format", fmt,
                           "--out", str(out))
    assert code == 0 and "wrote" in printed
    data = out.read_bytes()
    sentence = demo.sales_draft().criteria[0].sentence()
    if fmt == "json":
        assert Definition.from_json(data) == demo.sales_draft()
    elif fmt == "pdf":
        assert len(PdfReader(io.BytesIO(data)).pages) == 1
    elif fmt == "points":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0]["criterion"] == sentence
    elif fmt == "sql":
        assert data.startswith(b"-- Ideal lead definition") and b"CASE WHEN" in data
    else:
        assert sentence.split(" ")[0] in data.decode()


def test_export_from_the_database_takes_the_latest_version_or_the_one_asked(capsys, tmp_path,
                                                                        database):
    signed_workshop(database)
    latest, first = tmp_path / "latest.json", tmp_path / "first.json"
    assert run(capsys, "export", "--workshop", "northwind ledger", "--format", "json",
               "--out", str(latest))[0] == 0
    assert run(capsys, "export", "--workshop", "Northwind Ledger", "--version", "1",
               "--format", "json", "--out", str(first))[0] == 0
    assert Definition.from_json(first.read_bytes()) == demo.facilitator_draft()
    assert Definition.from_json(latest.read_bytes()).criteria_for("industry") == []
    page = tmp_path / "page.md"
    run(capsys, "export", "--workshop", "Northwind Ledger", "--format", "md", "--out", str(page))
    text = page.read_text()
    assert "Version 2" in text and "Priya (Marketing)" in text and "Marcus (Sales)" in text
    assert "## In figures" in text and "Measured on the sample leads" in text


@pytest.mark.parametrize(("argv", "message"), [
    (["--workshop", "Nobody Inc"], "No workshop is called"),
    (["--workshop", "Northwind Ledger", "--version", "7"], "no signed version 7"),
    (["--workshop", "Ideal lead"], "2 workshops match"),
    (["--definition", "/no/such/file.json"], "Cannot read"),
])
def test_export_problems_are_one_clear_line(capsys, tmp_path, database, argv, message):
    signed_workshop(database)
    signed_workshop(database, company="Other Co")
    code, _, err = run(capsys, "export", *argv, "--format", "json",
                       "--out", str(tmp_path / "x.json"))
    assert code == 2
    assert err.startswith("error: ") and message in err and "Traceback" not in err
