"""Countries as CRMs outside the English locale write them: a Pipedrive export in German
('Deutschland', 'Österreich', 'Schweiz'), contacts typed in French, Spanish, Italian,
Portuguese and Dutch, and ISO 3166 codes, for countries the catalog does not list too.

Each expected figure is worked out in the test from the file with plain pandas and a reading
of the values written out by hand (which country each spelling names), not by the app's rules.
"""
from __future__ import annotations

import io

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.builders import C, D
from workshop import categories, rules
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads

# Pipedrive's organisation countries in the German locale, and what a person reads in each
# (None: no country, so no rule naming one meets it).
GERMAN = {
    "Deutschland": "Germany", "Österreich": "Austria", "Schweiz": "Switzerland",
    "Niederlande": "Netherlands", "Frankreich": "France", "Italien": "Italy",
    "Belgien": "Belgium", "Polen": "Poland", "Dänemark": "Denmark", "Schweden": "Sweden",
    "Tschechien": "Czechia", "Vereinigte Staaten": "United States",
    "Vereinigtes Königreich": "United Kingdom", "Russland": "Russia", "Türkei": "Türkiye",
    "Südafrika": "South Africa", "Neuseeland": "New Zealand", "": None,
}
WEIGHTS = {"Deutschland": 30, "Österreich": 14, "Schweiz": 12, "": 4}
PIPEDRIVE_HEADER = ("Deal - ID;Deal - Title;Deal - Value;Deal - Currency;Deal - Status;"
                    "Deal - Stage;Deal - Deal created;Organization - Name;"
                    "Organization - Number of employees;Organization - Industry;"
                    "Person - Job title;Organization - Country")


def pipedrive_deals(count: int, seed: int = 7) -> str:
    """A Pipedrive deals export in the German locale: ';' between cells, '1.234,56' numbers,
    'TT.MM.JJJJ' dates."""
    rng = np.random.default_rng(seed)
    names = list(GERMAN)
    weights = np.array([WEIGHTS.get(name, 2) for name in names], dtype=float)
    countries = rng.choice(names, size=count, p=weights / weights.sum())
    rows = [PIPEDRIVE_HEADER]
    for number, country in enumerate(countries, start=1):
        value = f"{rng.integers(1_000, 90_000):,}".replace(",", ".") + f",{rng.integers(0, 99):02d}"
        status = ("won", "lost", "open")[rng.integers(0, 3)]
        stage = ("Qualified", "Contact Made", "Demo Scheduled", "Negotiations Started")[
            rng.integers(0, 4)]
        created = f"{rng.integers(1, 29):02d}.{rng.integers(1, 13):02d}.2024 00:00"
        size = ("11-50", "51-200", "501-1.000", "5.001-10.000")[rng.integers(0, 4)]
        industry = ("Software", "Manufacturing", "Finance")[rng.integers(0, 3)]
        title = ("IT-Leiter", "Einkauf", "CTO", "Geschäftsführer")[rng.integers(0, 4)]
        rows.append(f"{number};Deal {number};{value};EUR;{status};{stage};{created};"
                    f"Org {number};{size};{industry};{title};{country}")
    return "\n".join(rows) + "\n"


def raw_countries(csv: str) -> pd.Series:
    return pd.read_csv(io.StringIO(csv), sep=";", dtype=str, keep_default_na=False)[
        "Organization - Country"]


def mqls(leads: pd.DataFrame, *criteria) -> int:
    return evaluate(leads, D(*criteria)).count("MQL")


@pytest.fixture(scope="module")
def german_export() -> tuple[str, pd.Series, pd.DataFrame]:
    csv = pipedrive_deals(1_200)
    read = raw_countries(csv).map(GERMAN)
    leads = import_leads(csv.encode("utf-8"), "pipedrive_deals_eu.csv").leads
    return csv, read, leads


def test_a_german_pipedrive_export_reads_every_country_in_english(german_export):
    _, read, leads = german_export
    assert leads["country"].astype("string").tolist() == read.astype("string").tolist()


def test_a_dach_rule_counts_austria_and_switzerland(german_export):
    _, read, leads = german_export
    dach = ["Germany", "Austria", "Switzerland"]
    assert mqls(leads, C("country", "in", dach)) == read.isin(dach).sum()
    # "Not Austria" qualifies the leads with a known country other than Austria.
    assert mqls(leads, C("country", "not_in", ["Austria"])) == \
        (read.notna() & read.ne("Austria")).sum()
    assert mqls(leads, C("country", "in", ["Russia", "Türkiye", "Czechia"])) == \
        read.isin(["Russia", "Türkiye", "Czechia"]).sum()


@pytest.mark.parametrize("named", [["Österreich", "Schweiz"], ["Autriche", "Suisse"],
                                   ["AT", "CHE"], ["austria", "SWITZERLAND"]])
def test_a_rule_may_name_a_country_in_any_language(german_export, named):
    _, read, leads = german_export
    assert mqls(leads, C("country", "in", named)) == read.isin(["Austria", "Switzerland"]).sum()
    assert mqls(leads, C("country", "not_in", named[:1])) == \
        (read.notna() & read.ne("Austria")).sum()


# A country's names as contacts type them, by English name: ISO codes and the names in German,
# French, Spanish, Italian, Portuguese and Dutch.
SPELLINGS = {
    "Austria": ["AT", "AUT", "Österreich", "Autriche", "Austria", "Áustria", "Oostenrijk"],
    "Switzerland": ["CH", "CHE", "Schweiz", "Suisse", "Suiza", "Svizzera", "Suíça",
                    "Zwitserland"],
    "Netherlands": ["NLD", "Niederlande", "Pays-Bas", "Países Bajos", "Paesi Bassi",
                    "Países Baixos", "Nederland"],
    "Belgium": ["BE", "BEL", "Belgien", "Belgique", "Bélgica", "Belgio", "België"],
    "Poland": ["PL", "POL", "Polen", "Pologne", "Polonia", "Polónia"],
    "Ireland": ["IE", "IRL", "Irland", "Irlande", "Irlanda", "Ierland"],
    "Mexico": ["MX", "MEX", "Mexiko", "Mexique", "México", "Messico"],
    "Japan": ["JP", "JPN", "Japon", "Japón", "Giappone", "Japão"],
    "China": ["CN", "CHN", "Chine", "Cina"],
    "Singapore": ["SG", "SGP", "Singapur", "Singapour", "Singapura"],
    "Denmark": ["DK", "DNK", "Dänemark", "Danemark", "Dinamarca", "Danimarca", "Denemarken"],
    "Norway": ["NO", "NOR", "Norwegen", "Norvège", "Noruega", "Norvegia", "Noorwegen"],
    "Russia": ["RU", "RUS", "Russian Federation", "Russland", "Russie", "Rusia", "Rusland"],
    "South Korea": ["KR", "KOR", "Korea, Republic of", "Südkorea", "Corée du Sud",
                    "Corea del Sur", "Coreia do Sul", "Zuid-Korea"],
    "Czechia": ["CZ", "CZE", "Czech Republic", "Tschechien", "Tchéquie", "República Checa",
                "Repubblica Ceca", "Tsjechië"],
    "Türkiye": ["TR", "TUR", "Turkey", "Türkei", "Turquie", "Turquía", "Turchia", "Turkije"],
    # the catalog's own countries are read as its spelling, as before
    "Germany": ["DEU", "Deutschland", "Allemagne", "Alemania", "Germania", "Alemanha",
                "Duitsland"],
    "United States": ["USA", "Vereinigte Staaten", "États-Unis", "Estados Unidos",
                      "Stati Uniti", "Verenigde Staten"],
    "United Kingdom": ["GB", "Vereinigtes Königreich", "Royaume-Uni", "Reino Unido",
                       "Regno Unito", "Verenigd Koninkrijk"],
    "Brazil": ["BR", "Brasilien", "Brésil", "Brasil", "Brasile", "Brazilië"],
}
BY_HAND = {spelling: country for country, spellings in SPELLINGS.items()
           for spelling in spellings}
HUBSPOT_HEADER = "Record ID,First Name,Last Name,Email,Country/Region,Lifecycle Stage"


def hubspot_contacts(countries: list[str]) -> str:
    rows = [HUBSPOT_HEADER]
    for number, country in enumerate(countries, start=1):
        field = f'"{country}"' if "," in country else country
        stage = ("customer", "lead", "marketingqualifiedlead")[number % 3]
        rows.append(f"{1000 + number},Ann,Lee{number},ann{number}@example.com,{field},{stage}")
    return "\n".join(rows) + "\n"


def test_contacts_typed_in_six_languages_and_iso_codes_read_as_one_english_name():
    csv = hubspot_contacts(list(BY_HAND))
    raw = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)["Country/Region"]
    read = raw.map(BY_HAND)
    leads = import_leads(csv.encode("utf-8"), "hubspot-contacts.csv").leads

    assert leads["country"].astype(str).tolist() == read.tolist()
    for country in SPELLINGS:
        assert mqls(leads, C("country", "in", [country])) == read.eq(country).sum()


def test_a_region_column_of_state_codes_still_stays_as_written():
    # AT and CH are ISO codes, but beside NY and TX the column holds states and regions.
    countries = ["NY", "TX", "AT", "CH", "Österreich", "CA"]
    csv = hubspot_contacts(countries)
    leads = import_leads(csv.encode("utf-8"), "hubspot-contacts.csv").leads
    by_hand = ["NY", "TX", "AT", "CH", "Austria", "CA"]
    assert leads["country"].astype(str).tolist() == by_hand


def test_a_lead_source_is_not_read_as_a_country():
    csv = ("Email,Lead Source\na@x.com,Deutschland\nb@x.com,Referrals\nc@x.com,JP\n")
    leads = import_leads(csv.encode("utf-8"), "sources.csv").leads
    assert leads["lead_source"].astype(str).tolist() == ["Deutschland", "Referral", "JP"]


@pytest.mark.parametrize("op", ["in", "not_in"])
@pytest.mark.parametrize("named", [["Austria", "Switzerland"], ["Österreich"], ["Czechia"]])
def test_a_country_rule_meets_every_spelling_in_the_crm_table(named, op, tmp_path):
    """The SQL runs on the CRM's own table, whose cells the import never rewrote: a rule
    naming Austria meets 'Österreich', 'Autriche' and 'AUT' there as the app's counts do."""
    spellings = [spelling for country in ("Austria", "Switzerland", "Czechia", "Japan")
                 for spelling in SPELLINGS[country]] + ["Osterreich", "Tchequie", ""]
    by_hand = {**BY_HAND, "Osterreich": "Austria", "Tchequie": "Czechia", "": None}
    csv = "Email,Country\n" + "".join(f"c{n}@x.com,{s}\n" for n, s in enumerate(spellings))
    path = tmp_path / "countries.csv"
    path.write_text(csv, encoding="utf-8")
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}', all_varchar=true)")
    read = pd.Series(spellings).map(by_hand)
    wanted = {by_hand[name] if name in by_hand else name for name in named}
    hit = read.isin(wanted)
    expected = hit if op == "in" else ~hit & read.notna()

    definition = D(C("country", op, named))
    leads = import_leads(csv.encode("utf-8"), "countries.csv").leads
    sql = rules.definition_sql(definition, leads=leads).decode().rstrip().rstrip(";")
    rows = connection.execute(f"SELECT lead_stage FROM ({sql}) AS s").fetchall()
    assert [stage != "Not qualified" for (stage,) in rows] == expected.tolist()
    assert evaluate(leads, definition).count("MQL") == expected.sum()


def test_a_large_export_reads_each_distinct_country_once(monkeypatch):
    seen: list[int] = []
    fold_series = categories.fold_series

    def counted(text):
        seen.append(len(text))
        return fold_series(text)

    monkeypatch.setattr(categories, "fold_series", counted)
    csv = pipedrive_deals(120_000, seed=11)
    read = raw_countries(csv).map(GERMAN)
    leads = import_leads(csv.encode("utf-8"), "pipedrive_deals_eu.csv").leads

    assert seen and max(seen) <= len(GERMAN)
    assert (leads["country"].astype("string").fillna("") == read.fillna("")).all()
    assert mqls(leads, C("country", "in", ["Germany", "Austria", "Switzerland"])) == \
        read.isin(["Germany", "Austria", "Switzerland"]).sum()
