"""`python -m workshop export --format sql` fitted to the CRM export it will run on, as the app's
own download is: with `--leads`, or a workshop's latest upload. Without either, the SQL named
`industry` and `employees` and read dates month-first and numbers with a point: on a German
export it did not run, and renamed to fit it gave 2 MQLs where the app counts 16."""
from __future__ import annotations

import io
import json
import random

import duckdb
import pandas as pd
import pytest

from tests.test_cli_export import database, run  # noqa: F401 - a fixture
from workshop import store, versions
from workshop.db import make_engine, session
from workshop.definition import Criterion, Definition
from workshop.leads import load_sample_leads
from workshop.measure import measure
from workshop.models import Workshop
from workshop.pipeline import import_leads
from workshop.uploads import save_upload

RULES = Definition(criteria=[
    Criterion(field="industry", op="in", values=["Software"]),
    Criterion(field="employees", op="at_least", low=100),
    Criterion(field="annual_revenue", op="at_least", low=1_500_000, gate="sql"),
])


def german_export(seed: int = 6) -> bytes:
    """A Pipedrive-style German export: semicolons, decimal commas, day-first dates."""
    rng = random.Random(seed)
    lines = ["Firma;Branche;Mitarbeiter;Jahresumsatz;Erstellt am"]
    for i in range(400):
        revenue = rng.choice(["950.000,00", "1.500.000,00", "2.750.000,50", "k.A.", "480.000"])
        lines.append(f"Firma {i} GmbH;{rng.choice(['Software', 'Handel', 'Logistik'])};"
                     f"{rng.choice(['45', '100', '1.200', '250'])};{revenue};"
                     f"{1 + i % 28:02d}.{1 + i % 12:02d}.2025")
    return ("\n".join(lines) + "\n").encode("cp1252")


def by_hand(data: bytes) -> list[str]:
    """Each lead's stage by the rules, read as a German reader reads the file."""
    rows = pd.read_csv(io.BytesIO(data), sep=";", dtype=str, encoding="cp1252")

    def number(text: pd.Series) -> pd.Series:
        return pd.to_numeric(text.str.replace(".", "", regex=False)
                             .str.replace(",", ".", regex=False), errors="coerce")

    mql = (rows["Branche"] == "Software") & (number(rows["Mitarbeiter"]) >= 100)
    sql = mql & (number(rows["Jahresumsatz"]) >= 1_500_000)
    return ["SQL" if s else "MQL" if m else "Not qualified" for m, s in zip(mql, sql,
                                                                           strict=True)]


def signed_workshop(url: str) -> str:
    """A workshop whose shared definition, RULES, is signed as version 1."""
    engine = make_engine(url)
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Nordlicht Software GmbH",
                                              title="Was ist ein guter Lead?",
                                              facilitator_name="Jörg")
        secrets = store.invitations(s, workshop.id, fac).secrets
        _, marketing = store.join_with_invite(s, secrets["marketing"], "Anna")
        _, sales = store.join_with_invite(s, secrets["sales"], "Mehmet")
        store.reveal(s, workshop.id, fac)
        revision = store.save_shared(s, workshop.id, fac, RULES, 0)
        versions.propose(s, workshop.id, fac, revision, measure(load_sample_leads(), RULES),
                         "the sample leads")
        proposal = versions.current_proposal(s, workshop.id, fac).id
        versions.sign(s, workshop.id, marketing, proposal, agrees=True)
        versions.sign(s, workshop.id, sales, proposal, agrees=True)
    engine.dispose()
    return workshop.id


def stages(sql_text: str, data: bytes, folder) -> list[str]:
    path = folder / "crm.csv"
    path.write_bytes(data)
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}', delim=';', "
                       "all_varchar=true, encoding='latin-1')")
    return connection.execute(sql_text).df()["lead_stage"].tolist()


def test_export_with_the_crm_file_gives_sql_that_runs_on_it(capsys, tmp_path):
    data = german_export()
    crm = tmp_path / "pipedrive.csv"
    crm.write_bytes(data)
    definition = tmp_path / "definition.json"
    definition.write_bytes(b"\xef\xbb\xbf" + RULES.to_json().encode())  # as PowerShell saves it
    out = tmp_path / "rules.sql"
    code, _, err = run(capsys, "export", "--definition", str(definition), "--leads", str(crm),
                       "--format", "sql", "--out", str(out))
    assert code == 0, err
    expected = by_hand(data)
    assert stages(out.read_text(encoding="utf-8"), data, tmp_path) == expected
    assert expected.count("SQL") > 10 and expected.count("MQL") > 10
    leads = import_leads(data, "pipedrive.csv").leads
    from workshop.evaluate import evaluate
    assert evaluate(leads, RULES).frame["stage"].astype(str).tolist() == expected


def test_export_without_a_crm_file_says_what_the_sql_names(capsys, tmp_path):
    definition = tmp_path / "definition.json"
    definition.write_text(RULES.to_json(), encoding="utf-8")
    code, _, err = run(capsys, "export", "--definition", str(definition), "--format", "sql",
                       "--out", str(tmp_path / "rules.sql"))
    assert code == 0 and "give --leads with the CRM export" in err


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_export_from_a_workshop_fits_its_latest_upload(capsys, tmp_path, database,  # noqa: F811
                                                       monkeypatch):
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    workshop_id = signed_workshop(database)
    data = german_export(seed=9)
    imported = import_leads(data, "pipedrive.csv")
    engine = make_engine(database)
    with session(engine) as s:
        token = s.get(Workshop, workshop_id).facilitator_token
        store.record_upload(s, workshop_id, token, sha256=save_upload(data),
                            filename="pipedrive.csv", rows=len(imported.leads),
                            headers_signature="", mapping_json=imported.mapping.to_json())
    engine.dispose()
    out = tmp_path / "workshop.sql"
    code, _, err = run(capsys, "export", "--workshop", workshop_id, "--format", "sql",
                       "--out", str(out))
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert '"Branche"' in text and '"Mitarbeiter"' in text  # the export's own headers
    assert stages(text, data, tmp_path) == by_hand(data)


@pytest.mark.parametrize("argv, message", [
    (["--version", "2"], "--version goes with --workshop"),
    (["--mapping", "m.json"], "--mapping goes with --leads"),
])
def test_options_that_do_not_go_together_are_one_line(capsys, tmp_path, argv, message):
    definition = tmp_path / "definition.json"
    definition.write_text(RULES.to_json(), encoding="utf-8")
    code, _, err = run(capsys, "export", "--definition", str(definition), "--format", "sql",
                       "--out", str(tmp_path / "x.sql"), *argv)
    assert code == 2 and message in err and "Traceback" not in err


def test_a_directory_given_as_the_definition_is_one_plain_line(capsys, tmp_path):
    code, _, err = run(capsys, "export", "--definition", str(tmp_path), "--format", "json",
                       "--out", str(tmp_path / "x.json"))
    assert code == 2 and "Is a directory." in err and "Errno" not in err


def test_a_definition_json_with_a_byte_order_mark_reads(tmp_path):
    from workshop.definition import read_file
    text = RULES.to_json()
    assert read_file(b"\xef\xbb\xbf" + text.encode()).definition == RULES
    assert read_file("\ufeff" + text).definition == RULES
    assert json.loads(text)  # the plain file, unchanged
