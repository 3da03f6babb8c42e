"""A German, French or Spanish company writes its industries in its own language
("Finanzdienstleistungen", "Santé"). The catalog's industries are English, so an English draft
("Financial Services or Healthcare") caught none of those leads: 0 MQLs where the export has
hundreds. Names that mean exactly one catalog industry are read as it; names that could be
several ("Industrie") or are a kind of one ("Maschinenbau") stay as written. Expected figures
are worked out here from the values written; the rules SQL runs in DuckDB over the file."""
from __future__ import annotations

import io
import random

import pandas as pd
import pytest

from tests.builders import C, D
from tests.rules_in_duckdb import sql_stages
from workshop import rules
from workshop.catalog import INDUSTRIES
from workshop.evaluate import evaluate
from workshop.leads import canonical_category
from workshop.pipeline import import_leads

READ_AS = {
    "Finanzdienstleistungen": "Financial Services", "Services financiers": "Financial Services",
    "Servicios Financieros": "Financial Services", "Gesundheitswesen": "Healthcare",
    "SANTÉ": "Healthcare", "Gezondheidszorg": "Healthcare", "Einzelhandel": "Retail",
    "Öffentliche Verwaltung": "Public Sector", "Logística": "Logistics",
    "Telekommunikation": "Telecommunications", "Énergie": "Energy", "Bildung": "Education",
}
KEPT = ["Maschinenbau", "Industrie", "Produktion", "Krankenhaus", "Software"]


def test_names_in_other_languages_are_read_as_the_catalog_industry():
    values = pd.Series(list(READ_AS) + KEPT)
    read = canonical_category(values, INDUSTRIES).tolist()
    assert read == list(READ_AS.values()) + KEPT


GERMAN = ["Finanzdienstleistungen", "Gesundheitswesen", "Einzelhandel", "Maschinenbau",
          "Software", "Logistik"]


def german_export(rows: int = 600) -> str:
    """A ';' CSV with decimal commas, as a German CRM writes it."""
    rng = random.Random(7)
    lines = ["Firma;Branche;Mitarbeiter;Umsatz;Status"]
    for number in range(rows):
        lines.append(f"Firma {number} GmbH;{rng.choice(GERMAN)};{rng.randint(5, 5000)};"
                     f"{rng.randint(1, 900)},5;{rng.choice(['Gewonnen', 'Verloren'])}")
    return "\n".join(lines) + "\n"


ENGLISH_DRAFT = D(C("industry", values=["Financial Services", "Healthcare"], role="must",
                    gate="mql"))


def expected_mqls(text: str) -> list[bool]:
    """Plain pandas: the leads whose written industry means Financial Services or
    Healthcare."""
    frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str)
    return frame["Branche"].isin(["Finanzdienstleistungen", "Gesundheitswesen"]).tolist()


def test_an_english_draft_catches_the_german_industries():
    text = german_export()
    imported = import_leads(text.encode(), "leads.csv")
    assert imported.mapping.columns.get("Branche") == "industry"
    stages = evaluate(imported.leads, ENGLISH_DRAFT).frame["stage"].astype(str)
    qualified = (stages != "Not qualified").tolist()
    assert qualified == expected_mqls(text)
    assert 150 < sum(qualified) < 250  # two industries of six


@pytest.mark.parametrize("written", ["Finanzdienstleistungen", "finanzdienstleistungen ",
                                     "Services financiers"])
def test_the_rules_sql_meets_the_written_names_as_the_app(tmp_path, written):
    text = german_export().replace("Finanzdienstleistungen", written)
    imported = import_leads(text.encode(), "leads.csv")
    path = tmp_path / "leads.csv"
    path.write_text(text)
    sql = rules.definition_sql(ENGLISH_DRAFT, leads=imported.leads,
                               mapping=imported.mapping).decode()
    stages = sql_stages(path, sql, 'CAST(split_part("Firma", \' \', 2) AS INTEGER)')
    app = evaluate(imported.leads, ENGLISH_DRAFT).frame["stage"].astype(str).tolist()
    assert stages == app
    frame = pd.read_csv(path, sep=";", dtype=str)
    assert [s != "Not qualified" for s in stages] == frame["Branche"].isin(
        [written, "Gesundheitswesen"]).tolist()
