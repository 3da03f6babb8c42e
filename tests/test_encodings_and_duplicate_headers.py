"""Two ways a real export is misread before any rule sees it.

Excel for Mac's "CSV (Macintosh)" is written in Mac Roman with CR line endings; read as
Windows' cp1252 its accented letters become quotes, dashes and Ž ("Espa–a", "MŽxico") and no
country is recognised. And a CRM (HubSpot's custom properties) may export two columns under
one header; the field must go to the one that holds the values, not to an empty first copy.

Files are built here from a fixed seed; every expected figure is worked out with plain Python or
pandas over the text or the column meant, not with the app's own reading.
"""
from __future__ import annotations

import io
import random

import openpyxl
import pandas as pd
import pytest

from tests.builders import C, D
from workshop.evaluate import evaluate
from workshop.importer import read_export
from workshop.mapping import Mapping
from workshop.pipeline import import_leads, map_leads

# --- Mac Roman or cp1252 ----------------------------------------------------------------------

FIRST_NAMES = ["Hélène", "François", "Céline", "Jürgen", "Björn", "Käthe", "José", "Begoña",
               "Íñigo", "João", "Conceição", "Luís", "Anaïs", "Zoë", "Ørjan", "Ana", "Peter"]
LAST_NAMES = ["Lefèvre", "Gérard", "Mercier", "Müller", "Schäfer", "Groß", "Martínez",
              "Ibáñez", "Peña", "Gonçalves", "Simões", "Araújo", "Brûlé", "Weiß", "Smith"]
COMPANIES = ["Société Générale d’Ingénierie", "Müller & Söhne GmbH", "Telefónica Servicios SA",
             "Construções Açoriana Lda", "Bäckerei Groß KG", "Électricité du Rhône",
             "Crêperie Française SARL", "Niño Diseño SL", "Kühne Logistik AG", "Acme Ltd"]
CITIES = ["Zürich", "Köln", "München", "Málaga", "São Paulo", "Besançon", "Düsseldorf",
          "Córdoba", "Genève", "Lisboa", "Wien", "Mérida", "Paris"]
# Country as the export writes it, and the country a person reads in it.
COUNTRIES = {"Österreich": "Austria", "España": "Spain", "México": "Mexico",
             "Deutschland": "Germany", "France": "France", "Brasil": "Brazil"}
INDUSTRIES = ["Santé", "Télécommunications", "Logiciels", "Fabricação", "Energía", "Software"]
NOTES = ["Rückruf erwünscht", "Très intéressé", "Reunión en Córdoba – próxima semana",
         "“Premium” plan requested", "Budget € 12.500", "O’Brien’s referral", "",
         "Démo prévue à 14h", "Não atende às sextas"]
HEADER = ["Lead ID", "First Name", "Last Name", "Company", "City", "Country", "Industry",
          "Notes", "Status"]


def european_leads(rows: int, seed: int) -> str:
    """A lead export of European names, companies and cities, as text (quoted where needed)."""
    rng = random.Random(seed)
    frame = pd.DataFrame({
        "Lead ID": [str(7000 + n) for n in range(rows)],
        "First Name": [rng.choice(FIRST_NAMES) for _ in range(rows)],
        "Last Name": [rng.choice(LAST_NAMES) for _ in range(rows)],
        "Company": [rng.choice(COMPANIES) for _ in range(rows)],
        "City": [rng.choice(CITIES) for _ in range(rows)],
        "Country": [rng.choice(list(COUNTRIES)) for _ in range(rows)],
        "Industry": [rng.choice(INDUSTRIES) for _ in range(rows)],
        "Notes": [rng.choice(NOTES) for _ in range(rows)],
        "Status": [rng.choice(["Open", "Converted", "Disqualified"]) for _ in range(rows)],
    }, columns=HEADER)
    return frame.to_csv(index=False, lineterminator="\n")


def plain_read(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def as_read(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype("object").where(frame.notna(), "").astype(str).reset_index(drop=True)


def test_an_excel_for_mac_csv_reads_its_accents_and_countries():
    text = european_leads(800, seed=31)
    data = text.replace("\n", "\r").encode("mac_roman")  # "CSV (Macintosh)": CR line ends
    expected = plain_read(text)

    imported = import_leads(data, "leads.csv")

    assert imported.format.encoding == "mac-roman"
    pd.testing.assert_frame_equal(as_read(imported.raw[HEADER]), expected)
    people = expected["Country"].map(COUNTRIES)
    rule = D(C("country", "in", ["Austria", "Spain", "Mexico"]))
    caught = evaluate(imported.leads, rule).count("MQL")
    assert caught == people.isin(["Austria", "Spain", "Mexico"]).sum() > 300
    assert list(imported.leads["country"].astype(str)) == list(people)


@pytest.mark.parametrize("line_end", ["\r\n", "\n"])
def test_the_same_leads_saved_by_windows_stay_cp1252(line_end):
    text = european_leads(800, seed=32)
    data = text.replace("\n", line_end).encode("cp1252")

    frame, export_format = read_export(data, "leads.csv")

    assert export_format.encoding == "cp1252"
    pd.testing.assert_frame_equal(as_read(frame), plain_read(text))


@pytest.mark.parametrize("lines", [
    # The only bytes above ASCII are euro signs, before or after the amount.
    ["Lead ID,Company,Budget,Country", *(f"{n},Acme {n},€{n * 100},France" for n in range(40)),
     *(f"{n},Beta {n},{n}.500 €,Germany" for n in range(40, 60))],
    # ... or curly quotes and apostrophes around and inside words.
    ["Lead ID,Company,Contact,Country",
     *(f"{n},“Best {n}” Ltd,Mary O’Neil,Ireland" for n in range(30)),
     *(f"{n},‘Acme’ Group,Dan’s desk,United Kingdom" for n in range(30, 50))],
    # ... or en and em dashes between words and numbers.
    ["Lead ID,Company,Period,Country",
     *(f"{n},Acme – North,2023–2024,France" for n in range(30)),
     *(f"{n},Beta — South,Q1 – Q2,Spain" for n in range(30, 45))],
])
def test_a_windows_file_with_only_symbols_above_ascii_stays_cp1252(lines):
    text = "\n".join(lines) + "\n"

    frame, export_format = read_export(text.replace("\n", "\r\n").encode("cp1252"), "x.csv")

    assert export_format.encoding == "cp1252"
    pd.testing.assert_frame_equal(as_read(frame), plain_read(text))


@pytest.mark.parametrize("words", [
    ["Müller", "Schäfer", "Köln", "Groß", "Düsseldorf", "Zürich"],
    ["Société", "Crêperie", "Besançon", "Très bien", "Genève", "Électricité"],
    ["España", "Córdoba", "Ibáñez", "Málaga", "Mérida", "Reunión"],
    ["São Paulo", "Gonçalves", "Simões", "Araújo", "Conceição", "Não"],
])
@pytest.mark.parametrize("encoding", ["cp1252", "mac_roman"])
def test_each_language_alone_is_read_in_the_encoding_it_was_saved_in(words, encoding):
    rows = [f"{n},{words[n % len(words)]} {n},Open" for n in range(60)]
    text = "\n".join(["Lead ID,Company,Status", *rows]) + "\n"
    line_end = "\r" if encoding == "mac_roman" else "\r\n"

    frame, export_format = read_export(text.replace("\n", line_end).encode(encoding), "x.csv")

    assert export_format.encoding == {"cp1252": "cp1252", "mac_roman": "mac-roman"}[encoding]
    pd.testing.assert_frame_equal(as_read(frame), plain_read(text))


def test_mac_roman_further_down_a_file_that_starts_in_ascii():
    """The start of the file decides UTF-8; the accents come later, past the sample."""
    plain = "".join(f"{n},Acme {n},United States,Open\n" for n in range(3000))
    accented = european_leads(200, seed=33).split("\n", 1)[1]
    text = "Lead ID,Company,Country,Status\n" + plain + "".join(
        f"{fields[0]},{fields[3]},{fields[5]},{fields[8]}\n"
        for fields in plain_read("\n".join([",".join(HEADER), accented])).itertuples(index=False))
    data = text.replace("\n", "\r").encode("mac_roman")
    assert len(text.split("\n", 3001)[-1]) and data[:64 * 1024].isascii()

    frame, export_format = read_export(data, "x.csv")

    assert export_format.encoding == "mac-roman"
    pd.testing.assert_frame_equal(as_read(frame), plain_read(text))


# --- Columns under the same header ------------------------------------------------------------

OPTIONS = ["Software", "Retail", "Healthcare", "Manufacturing"]


def hubspot_with_two_industries(rows: int, first_share: float, second_share: float,
                                seed: int, same_blanks: bool = False
                                ) -> tuple[bytes, pd.DataFrame]:
    """A HubSpot contacts export with a custom "Industry" property beside the built-in one,
    each filled for about its share of the contacts (or, `same_blanks`, the second filled
    where the first is, with values of its own); the bytes and the plain reading."""
    rng = random.Random(seed)
    lines = ["Record ID,Email,Industry,Number of Employees,Industry,Create Date,Lifecycle Stage"]
    for n in range(rows):
        first = rng.choice(OPTIONS) if rng.random() < first_share else ""
        second = rng.choice(OPTIONS) if rng.random() < second_share else ""
        if same_blanks:
            second = rng.choice(OPTIONS) if first else ""
        stage = rng.choice(["lead", "customer", "marketingqualifiedlead"])
        lines.append(f"{n + 1},a{n}@corp{n}.com,{first},{rng.randint(5, 5000)},{second},"
                     f"2025-0{n % 9 + 1}-1{n % 10} 10:00,{stage}")
    text = "\n".join(lines) + "\n"
    plain = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)  # Industry.1
    return text.encode("utf-8"), plain


def software_leads(leads: pd.DataFrame) -> int:
    return evaluate(leads, D(C("industry", "in", ["Software"]))).count("MQL")


@pytest.mark.parametrize("first_share", [0.0, 0.1])
def test_the_filled_copy_of_a_repeated_header_gets_the_field(first_share):
    data, plain = hubspot_with_two_industries(1500, first_share, 0.95, seed=41)

    imported = import_leads(data, "hubspot-contacts.csv")

    assert imported.mapping.columns.get("Industry (2)") == "industry"
    assert "Industry" not in imported.mapping.columns
    assert list(as_read(imported.leads[["industry"]])["industry"]) == list(plain["Industry.1"])
    assert software_leads(imported.leads) == (plain["Industry.1"] == "Software").sum() > 300
    # The other copy keeps its de-duplicated name and its own values.
    assert list(as_read(imported.raw[["Industry"]])["Industry"]) == list(plain["Industry"])


@pytest.mark.parametrize("first_share,second_share,same_blanks",
                         [(0.9, 0.2, False), (0.6, 0.0, True)])
def test_the_first_copy_keeps_the_field_when_fuller_or_as_full(first_share, second_share,
                                                                 same_blanks):
    data, plain = hubspot_with_two_industries(1000, first_share, second_share, seed=42,
                                              same_blanks=same_blanks)
    filled = (plain[["Industry", "Industry.1"]] != "").sum()
    assert filled["Industry"] > filled["Industry.1"] or same_blanks and \
        filled["Industry"] == filled["Industry.1"]
    assert (plain["Industry"] == "Software").sum() != (plain["Industry.1"] == "Software").sum()

    imported = import_leads(data, "hubspot-contacts.csv")

    assert imported.mapping.columns.get("Industry") == "industry"
    assert software_leads(imported.leads) == (plain["Industry"] == "Software").sum()


def test_the_mapping_editor_can_still_give_the_field_to_the_other_copy():
    data, plain = hubspot_with_two_industries(800, 0.3, 1.0, seed=43)
    imported = import_leads(data, "hubspot-contacts.csv")
    chosen = {h: k for h, k in imported.mapping.columns.items() if k != "industry"}
    chosen["Industry"] = "industry"

    remapped = map_leads(imported.raw, imported.format, Mapping(columns=chosen))

    assert software_leads(remapped.leads) == (plain["Industry"] == "Software").sum()
    assert software_leads(imported.leads) == (plain["Industry.1"] == "Software").sum()


def test_a_workbook_with_a_repeated_header_maps_the_filled_column():
    rng = random.Random(44)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Record ID", "Company Name", "Industry", "Industry", "Create Date"])
    second = [rng.choice(OPTIONS) for _ in range(600)]
    for n, industry in enumerate(second):
        sheet.append([n + 1, f"Corp {n}", None if n % 5 else "Retail", industry,
                      f"2025-03-{n % 28 + 1:02d}"])
    buffer = io.BytesIO()
    book.save(buffer)

    imported = import_leads(buffer.getvalue(), "contacts.xlsx")

    assert imported.mapping.columns.get("Industry (2)") == "industry"
    assert software_leads(imported.leads) == second.count("Software")
