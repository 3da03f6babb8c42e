"""`is_known` / `is_blank`: a lead provided a value (a phone number, a website) or left it
blank — missing, empty or a placeholder word an unfilled CRM field exports. Checked on an
export written the way real ones are, against a plain-pandas count."""
from __future__ import annotations

import json

import pandas as pd

from tests.test_cli import run
from workshop.definition import Criterion, Definition
from workshop.evaluate import evaluate

PLACEHOLDERS = {"", "n/a", "na", "-", "--none--", "select", "unknown", "none", "null",
                "not set", "(blank)"}
EXPORT = (
    "Email;Phone;Website;Employees\n"
    "ana@clinic.example;+44 20 7946 0000;clinic.example;1.200\n"
    "bo@shop.example;n/a;;35\n"
    "cy@plant.example;;-;\n"
    "di@bank.example;Select;https://bank.example;250\n"
    "ed@agency.example;0161 496 0000;--None--;12\n"
    "fa@labs.example;  ;labs.example;n/a\n"
)


def blank_by_hand(path) -> pd.DataFrame:
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    return raw.apply(lambda column: column.str.strip().str.casefold().isin(PLACEHOLDERS))


def test_given_and_blank_on_a_real_shaped_export(tmp_path, capsys):
    leads_file = tmp_path / "crm.csv"
    leads_file.write_text(EXPORT, encoding="utf-8")
    blank = blank_by_hand(leads_file)
    for column, op, expected in (
            ("Phone", "is_known", int((~blank["Phone"]).sum())),
            ("Phone", "is_blank", int(blank["Phone"].sum())),
            ("Website", "is_known", int((~blank["Website"]).sum())),
            ("Employees", "is_blank", int(blank["Employees"].sum()))):
        definition = Definition(criteria=[Criterion(field=column, op=op)])
        path = tmp_path / f"{column}-{op}.json"
        path.write_text(definition.to_json(), encoding="utf-8")
        code, out, _ = run(capsys, "evaluate", "--leads", str(leads_file),
                           "--definition", str(path))
        assert code == 0
        assert json.loads(out)["mql"] == expected, (column, op)
    assert (int((~blank["Phone"]).sum()), int(blank["Employees"].sum())) == (2, 2)


def test_blank_is_the_opposite_of_given_on_every_lead(tmp_path):
    from workshop.pipeline import import_leads_file

    leads_file = tmp_path / "crm.csv"
    leads_file.write_text(EXPORT, encoding="utf-8")
    leads = import_leads_file(str(leads_file)).leads
    for column in ("Phone", "Website", "Employees"):
        given = evaluate(leads, Definition(criteria=[Criterion(field=column, op="is_known")]))
        blank = evaluate(leads, Definition(criteria=[Criterion(field=column, op="is_blank")]))
        assert (given.frame["is_mql"] ^ blank.frame["is_mql"]).all(), column


def test_given_and_blank_read_as_sentences_and_json():
    phone = Criterion(field="phone", op="is_known", role="nice", points=5)
    assert phone.sentence() == "Phone is given"
    assert Criterion(field="website", op="is_blank").sentence() == "Website is blank"
    stored = json.loads(Definition(criteria=[phone]).to_json())["criteria"][0]
    assert (stored["field"], stored["op"]) == ("phone", "is_known")
    assert Definition.from_json(Definition(criteria=[phone]).to_json()).criteria == [phone]
