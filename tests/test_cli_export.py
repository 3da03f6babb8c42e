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
    assert "Version 2" in text and "Priya for Marketing" in text and "Marcus for Sales" in text
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


# --- the demos: a fresh database has both, and the finished one is signed -----------------------

def finished_version_1() -> tuple[Definition, list[str], str]:
    """The finished demo's version 1 as the database holds it (read with a fresh engine on
    DATABASE_URL, as the command line does): definition, signatures, signing date."""
    from workshop import wall

    engine = make_engine()
    with session(engine) as s:
        shown = wall.agreed(s, demo.FINISHED_ID, 1)
        fac = store.demo_facilitator_token(s, demo.FINISHED_ID)
        info = versions.versions(s, demo.FINISHED_ID, fac)
    engine.dispose()
    assert shown is not None and [v.number for v in info] == [1]
    assert shown.definition == info[0].definition
    return shown.definition, shown.signed_by, info[0].signed_at.date().isoformat()


def test_list_on_a_fresh_database_shows_both_demos(capsys, database):
    code, out, err = run(capsys, "list")
    assert code == 0, err
    listed = json.loads(out)
    by_id = {w["id"]: w for w in listed}
    assert len(listed) == 2 and set(by_id) == {"demo", "demo-agreed"}
    assert by_id["demo"] == {"id": "demo", "company": "Lumen Ledger", "title": demo.TITLE,
                             "facilitator": demo.FACILITATOR, "demo": True, "versions": []}
    assert by_id["demo-agreed"] == {"id": "demo-agreed", "company": "Lumen Ledger",
                                    "title": demo.FINISHED_TITLE,
                                    "facilitator": demo.FACILITATOR, "demo": True,
                                    "versions": [1]}
    code, again, _ = run(capsys, "list")  # seeding again adds nothing
    assert code == 0 and sorted(w["id"] for w in json.loads(again)) == ["demo", "demo-agreed"]


def test_export_by_company_takes_the_signed_demo(capsys, tmp_path, database):
    out = tmp_path / "wall.md"
    code, printed, err = run(capsys, "export", "--workshop", "Lumen Ledger", "--format", "md",
                             "--out", str(out))
    assert code == 0 and "wrote" in printed, err
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# Lumen Ledger\n\n**{demo.FINISHED_TITLE}**\n")
    assert "Version 1" in text and "Version 2" not in text
    assert "for Marketing" in text and "## In figures" in text
    assert f"{demo.MARKETING} for Marketing" in text and f"{demo.SALES} for Sales" in text
    definition, _, _ = finished_version_1()
    figures = measure(load_sample_leads(), definition)
    assert f"Measured on the sample leads ({figures.leads:,} leads created from " in text
    assert f"{figures.sql_per_month:.1f} of them sales-qualified." in text
    for criterion in definition.criteria:  # every rule of the signed definition is on it
        assert criterion.sentence().split(" ")[0] in text


def test_export_of_the_finished_demo_as_json_imports_back(capsys, tmp_path, database):
    from workshop.definition import read_file

    out = tmp_path / "agreed.json"
    code, _, err = run(capsys, "export", "--workshop", "demo-agreed", "--format", "json",
                       "--out", str(out))
    assert code == 0, err
    data = out.read_bytes()
    definition, signed_by, signed_on = finished_version_1()
    assert Definition.from_json(data) == definition
    assert not definition.is_empty()
    about = read_file(data).about
    assert about["company"] == "Lumen Ledger" and about["version"] == 1
    assert about["title"] == demo.FINISHED_TITLE
    assert sorted(about["agreed_by"]) == sorted([f"{demo.MARKETING} for Marketing",
                                                 f"{demo.SALES} for Sales"]) == sorted(signed_by)
    assert about["agreed_at"] == signed_on


def test_export_of_the_demo_about_to_start_says_it_has_no_signed_version(capsys, tmp_path,
                                                                          database):
    out = tmp_path / "demo.pdf"
    code, printed, err = run(capsys, "export", "--workshop", "demo", "--format", "pdf",
                             "--out", str(out))
    assert code == 2 and printed == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "has no signed version yet" in lines[0] and "'demo'" in lines[0]
    assert "Traceback" not in err and not out.exists()


def test_a_company_name_with_two_signed_workshops_is_ambiguous(capsys, tmp_path, database):
    signed_workshop(database, company="Lumen Ledger")  # now two signed "Lumen Ledger"s
    code, _, err = run(capsys, "export", "--workshop", "Lumen Ledger", "--format", "json",
                       "--out", str(tmp_path / "x.json"))
    assert code == 2 and err.startswith("error: ") and "3 workshops match" in err
    assert "demo-agreed" in err


# --- backup, restore and the schema version ------------------------------------------------------

def test_backup_and_restore_from_the_command_line(capsys, tmp_path, database, monkeypatch):
    from workshop import backup

    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    workshop_id = signed_workshop(database)
    out = tmp_path / "northwind.json"
    code, said, _ = run(capsys, "backup", "--workshop", workshop_id, "--out", str(out))
    assert code == 0 and said.startswith(f"wrote {out}")
    text = out.read_text(encoding="utf-8")
    monkeypatch.setenv("PUBLIC_URL", "https://leads.example.com")
    code, said, _ = run(capsys, "restore", str(out))
    assert code == 0
    restored = json.loads(said)
    assert restored["workshop"] != workshop_id
    links = {(entry["role"], entry["name"]): entry["link"] for entry in restored["links"]}
    assert set(links) == {("facilitator", "Dana"), ("marketing", "Priya"), ("sales", "Marcus")}
    assert links[("facilitator", "Dana")].startswith(
        f"https://leads.example.com/facilitator?ws={restored['workshop']}&key=")
    key = links[("facilitator", "Dana")].rsplit("key=", 1)[1]
    engine = make_engine()
    with session(engine) as s:
        assert backup.export_workshop(s, restored["workshop"], key) == text
    engine.dispose()


@pytest.mark.parametrize(("argv", "message"), [
    (["backup", "--workshop", "nope", "--out", "x.json"], "No workshop has the id 'nope'"),
    (["restore", "/no/such/backup.json"], "Cannot read the backup file"),
])
def test_backup_problems_are_one_clear_line(capsys, database, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith("error: ") and message in err


def test_a_file_that_is_not_a_backup_is_refused_in_one_line(capsys, tmp_path, database):
    not_backup = tmp_path / "notes.json"
    not_backup.write_text("[1, 2", encoding="utf-8")
    code, _, err = run(capsys, "restore", str(not_backup))
    assert code == 2 and err == "error: This is not a workshop backup: it is not valid JSON " \
                                "(line 1).\n"


def test_schema_shows_the_database_and_release_versions(capsys, database):
    from workshop.schema import head

    code, said, _ = run(capsys, "schema")
    assert code == 0 and json.loads(said) == {"database": head(), "release": head()}
