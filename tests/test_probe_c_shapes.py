"""Export shapes from Zoho (Spanish, French), monday.com and a capacity at the edge of rounding,
each checked against a plain reading of the file:
- a monday.com checkbox exports a tick as "v": it is yes, in the app and in the SQL alike;
- Zoho's localised "Created Time" and "E-mail" headers are mapped, and a close date in those
  languages is never suggested as when a lead arrived;
- a capacity share of 0.5% says "under 1%", not "0%", while leads qualify."""
import io

import duckdb
import pandas as pd
import pytest

from workshop import rules
from workshop.definition import Action, Criterion, Definition
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads
from workshop.preview import _share_of_capacity, no_dates_sentence


def _monday(tmp_path):
    lines = ["Name,Deal stage,Demo booked"] + [
        f"Deal {i},{('Won', 'Lost', 'Proposal')[i % 3]},{'v' if i % 2 else ''}"
        for i in range(40)]
    path = tmp_path / "board.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("definition", [
    Definition(actions=[Action(field="Demo booked", points=30)], threshold=30),
    Definition(criteria=[Criterion(field="Demo booked", op="is_true")]),
])
def test_a_monday_tick_is_yes_in_the_app_and_the_sql(tmp_path, definition):
    path = _monday(tmp_path)
    imported = import_leads(path.read_bytes(), path.name)
    ticked = pd.read_csv(path, dtype=str)["Demo booked"].eq("v")  # by hand
    app = evaluate(imported.leads, definition).stage != "Not qualified"
    assert ticked.sum() == 20
    assert list(app) == list(ticked)
    sql = rules.definition_sql(definition, leads=imported.leads).decode().rstrip().rstrip(";")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}', all_varchar=true)")
    stages = con.execute(f"SELECT lead_stage FROM ({sql}) ORDER BY Name").fetchall()
    by_name = pd.read_csv(path, dtype=str).sort_values("Name")["Demo booked"].eq("v")
    assert [stage != "Not qualified" for (stage,) in stages] == list(by_name)


ZOHO_ES = """Nombre del trato,Etapa,Hora de creación,Fecha de cierre,Correo electrónico,Importe
Trato 1,Cerrado ganado,2025-01-14 10:02:00,2025-03-01,ana@acme.es,"1.234,50"
Trato 2,Cerrado perdido,2025-02-03 09:40:00,2025-04-02,luis@gmail.com,"800,00"
Trato 3,Negociación,2025-02-20 16:15:00,2025-05-09,eva@beta.es,"12.500,00"
"""
ZOHO_FR = """Nom de l'affaire,Phase,Heure de création,Date de clôture,Adresse e-mail,Montant
Affaire 1,Gagné,2025-01-14 10:02:00,2025-03-01,ana@acme.fr,"1 234,50"
Affaire 2,Perdu,2025-02-03 09:40:00,2025-04-02,luis@gmail.com,"800,00"
"""


@pytest.mark.parametrize("text, created, email", [
    (ZOHO_ES, "Hora de creación", "Correo electrónico"),
    (ZOHO_FR, "Heure de création", "Adresse e-mail"),
])
def test_zoho_localised_created_time_and_email_are_mapped(text, created, email):
    imported = import_leads(text.encode(), "zoho.csv")
    assert imported.mapping.columns[created] == "created"
    assert imported.mapping.columns[email] == "email"
    months = pd.to_datetime(pd.read_csv(io.StringIO(text))[created]).dt.strftime("%Y-%m")
    assert list(imported.leads["created_month"].astype(str)) == list(months)
    assert list(imported.leads["personal_email"]) == [
        address.endswith("@gmail.com") for address in pd.read_csv(io.StringIO(text))[email]]


@pytest.mark.parametrize("close", ["Fecha de cierre", "Date de clôture", "Data di chiusura",
                                   "Data de fechamento", "Abschlussdatum", "Sluitingsdatum"])
def test_a_localised_close_date_is_not_suggested_as_created(close):
    text = f"Record ID,{close},Primer contacto\n1,2025-03-01,2025-01-02\n2,2025-04-02,2025-02-03\n"
    said = no_dates_sentence(import_leads(text.encode(), "deals.csv").leads)
    assert close not in said
    assert "(Primer contacto)" in said


@pytest.mark.parametrize("ratio, said", [
    (0.3 / 60, "under 1%"), (0.005, "under 1%"), (0.001, "under 1%"), (0.0, "0%"),
    (0.0051, "1%"), (0.35 / 60, "1%"),
])
def test_a_share_of_capacity_rounding_to_0_still_says_leads_qualify(ratio, said):
    assert _share_of_capacity(ratio) == said
