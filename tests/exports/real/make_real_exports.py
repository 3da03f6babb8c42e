"""Write the real-shaped CRM exports that tests/test_real_exports.py measures. Run from anywhere:

    .venv/bin/python tests/exports/real/make_real_exports.py

Each file takes the shape of an export people actually bring to a workshop: the Maven "CRM sales
opportunities" pipeline joined with its accounts (CSV and XLSX), the "X Education" lead-scoring
export (and the same rows re-saved by a European Excel), the Olist marketing funnel (MQLs joined
with closed deals, ISO and day-first dates), Salesforce Lead and Opportunity exports, a Salesforce
report with US number formats, a HubSpot "export all properties" file, European CRM exports with
decimal commas, a home-grown CRM, and a trade-fair lead scanner's Latin-1 file with Excel's
"sep=;" first line and no outcome column. Headers, value spellings, placeholder words and
proportions follow the real exports; names and figures are invented.

Everything comes from seeded random generators, so re-running the script writes byte-identical
files (the XLSX gets fixed workbook properties and zip timestamps).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)

Row = dict[str, object]


# --- helpers ---------------------------------------------------------------------------------

def generator(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def pick(rng: np.random.Generator, weights: dict[str, float], n: int | None = None):
    """One value (or `n` values) drawn with the given relative weights."""
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    p /= p.sum()
    if n is None:
        return keys[int(rng.choice(len(keys), p=p))]
    return [keys[i] for i in rng.choice(len(keys), size=n, p=p)]


def chance(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)


def hex_id(rng: np.random.Generator, length: int = 32) -> str:
    return "".join("0123456789abcdef"[i] for i in rng.integers(0, 16, size=length))


def alnum(rng: np.random.Generator, length: int, alphabet: str) -> str:
    return "".join(alphabet[i] for i in rng.integers(0, len(alphabet), size=length))


def uuid4(rng: np.random.Generator) -> str:
    h = hex_id(rng, 32)
    variant = "89ab"[int(rng.integers(0, 4))]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


def day_in(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def moment(rng: np.random.Generator, day: dt.date, hours: tuple[int, int] = (8, 19)
           ) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, int(rng.integers(*hours)),
                       int(rng.integers(0, 60)), int(rng.integers(0, 60)))


def sigmoid(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def csv_text(header: Sequence[str], rows: list[Sequence[str]], sep: str = ",",
             newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write(name: str, text: str, encoding: str = "utf-8", bom: bool = False) -> None:
    data = text.encode(encoding)
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def text(value: object) -> str:
    return "" if value is None else str(value)


def us_money(value: float) -> str:
    return f"${value:,.2f}"


def eu_number(value: float, decimals: int = 2, thousands: bool = True) -> str:
    """1234567.891 -> '1.234.567,89' (or '1234567,89' without thousands points)."""
    plain = f"{value:,.{decimals}f}" if thousands else f"{value:.{decimals}f}"
    return plain.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Christopher", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Sandra",
    "Mark", "Ashley", "Priya", "Rahul", "Wei", "Mei", "Carlos", "Ana", "Lukas", "Sophie", "Jan",
    "Emma", "Olivia", "Noah", "Liam", "Fatima", "Omar", "Hiroshi", "Yuki", "Kwame", "Amara",
    "Diego", "Lucia", "Mateo", "Grace", "Ethan", "Chloe", "Aisha", "Raj", "Nina", "Oscar",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Clark", "Lewis",
    "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Nguyen", "Hill",
    "Patel", "Shah", "Kim", "Chen", "Wang", "Singh", "Kumar", "O'Brien", "Murphy", "Bakker",
    "de Vries", "Schmidt", "Rossi", "Silva", "Santos", "Okafor", "Mensah", "Tanaka", "Sato",
)
COMPANY_HEADS = (
    "Acme", "Blue", "Granite", "North", "Silver", "Summit", "Pioneer", "Cedar", "Harbor", "Iron",
    "Lake", "Maple", "Oak", "Pine", "River", "Stone", "Sun", "Bright", "Clear", "Crest",
    "Eagle", "Falcon", "Global", "Horizon", "Keystone", "Liberty", "Meridian", "Nova", "Orion",
    "Pacific", "Prime", "Quantum", "Red", "Sterling", "Titan", "Union", "Vertex", "West",
    "Zenith", "Atlas", "Beacon", "Cobalt", "Delta", "Ember", "Fjord", "Harvest", "Juniper",
)
COMPANY_TAILS = ("field", "view", "stone", "wave", "point", "bridge", "gate", "line", "works",
                 "path", "ridge", "brook", "haven", "mark", "forge", "light", "port", "wood")
COMPANY_SUFFIXES = {" Inc.": 4, " LLC": 3, " Corp.": 2, " Technologies": 2, " Group": 2,
                    " Partners": 1, " Holdings": 1, " Co.": 1, " Systems": 2, " Labs": 1,
                    "": 3}


def company_name(rng: np.random.Generator) -> str:
    head = COMPANY_HEADS[int(rng.integers(0, len(COMPANY_HEADS)))]
    tail = COMPANY_TAILS[int(rng.integers(0, len(COMPANY_TAILS)))]
    return head + tail + pick(rng, COMPANY_SUFFIXES)


def domain_of(company: str) -> str:
    stem = re.sub(r"[^a-z0-9]", "", company.lower().split(" ")[0])
    return f"{stem}.com"


def person(rng: np.random.Generator) -> tuple[str, str]:
    return (FIRST_NAMES[int(rng.integers(0, len(FIRST_NAMES)))],
            LAST_NAMES[int(rng.integers(0, len(LAST_NAMES)))])


def email_for(rng: np.random.Generator, first: str, last: str, company: str,
              personal_share: float) -> str:
    local_last = re.sub(r"[^a-z]", "", last.lower())
    if chance(rng, personal_share):
        host = pick(rng, {"gmail.com": 6, "yahoo.com": 2, "hotmail.com": 1, "outlook.com": 1})
        return f"{first.lower()}.{local_last}{int(rng.integers(1, 99))}@{host}"
    style = int(rng.integers(0, 3))
    local = (f"{first.lower()}.{local_last}", f"{first[0].lower()}{local_last}",
             first.lower())[style]
    return f"{local}@{domain_of(company)}"


def us_phone(rng: np.random.Generator) -> str:
    area = int(rng.integers(201, 990))
    return f"({area}) 555-{int(rng.integers(100, 10000)):04d}"


# --- 1, 2: the Maven B2B pipeline (opportunities joined with accounts) -------------------------

MAVEN_HEADER = ("opportunity_id", "sales_agent", "product", "account", "deal_stage",
                "engage_date", "close_date", "close_value", "sector", "year_established",
                "revenue", "employees", "office_location", "subsidiary_of")
MAVEN_PRODUCTS = {  # product: (list price, weight)
    "GTX Basic": (550, 16), "MG Special": (55, 17), "GTX Plus Basic": (1096, 14),
    "MG Advanced": (3393, 15), "GTX Pro": (4821, 14), "GTX Plus Pro": (5482, 11),
    "GTK 500": (26768, 1),
}
MAVEN_SECTORS = {"retail": 17, "technolgy": 12, "medical": 12, "marketing": 8, "finance": 8,
                 "software": 7, "entertainment": 6, "telecommunications": 6, "services": 5,
                 "employment": 4}
MAVEN_ABROAD = ("Kenya", "Philippines", "Japan", "Italy", "Norway", "Korea", "Jordan", "Brazil",
                "Germany", "Panama", "Belgium", "China", "Poland")
SYLLABLES = ("zum", "go", "ity", "tech", "plex", "zap", "con", "dom", "fase", "hex", "quad",
             "sil", "ron", "fin", "lab", "tou", "zim", "bio", "beta", "can", "city", "code",
             "how", "dal", "dan", "zoom", "war", "phase", "sun", "nam", "kin", "ware", "rang",
             "green", "stan", "red", "tax", "high", "job", "trex", "ice", "ont", "opti")


def maven_accounts(rng: np.random.Generator) -> list[Row]:
    names: list[str] = []
    while len(names) < 85:
        first = SYLLABLES[int(rng.integers(0, len(SYLLABLES)))]
        second = SYLLABLES[int(rng.integers(0, len(SYLLABLES)))]
        name = (first + second).capitalize()
        if chance(rng, 0.12):
            name += pick(rng, {" Corporation": 2, " Company": 1, " & Co": 1, " Holdings": 1})
        if name not in names and first != second:
            names.append(name)
    sectors = pick(rng, MAVEN_SECTORS, 85)
    abroad = list(MAVEN_ABROAD)
    places = ["United States"] * (85 - len(abroad)) + abroad
    order = rng.permutation(85)
    parents = ("Acme Corporation", "Golddex", "Sonron", "Massive Dynamic", "Inity",
               "Bubba Gump")
    accounts = []
    for i, name in enumerate(names):
        revenue = float(np.clip(np.exp(rng.normal(6.9, 1.35)), 4.54, 11698.03))
        employees = int(np.clip(revenue * rng.lognormal(0.4, 0.5), 9, 34288))
        accounts.append({
            "account": name, "sector": sectors[i],
            "year_established": int(rng.integers(1979, 2018)),
            "revenue": round(revenue, 2), "employees": employees,
            "office_location": places[int(order[i])],
            "subsidiary_of": parents[int(rng.integers(0, len(parents)))]
            if chance(rng, 0.18) else None,
        })
    return accounts


def maven_rows() -> list[Row]:
    rng = generator(101)
    accounts = maven_accounts(rng)
    account_weights = rng.gamma(2.0, 1.0, size=len(accounts))
    account_weights /= account_weights.sum()
    agents = [" ".join(person(rng)) for _ in range(30)]
    ids: set[str] = set()
    rows = []
    while len(rows) < 1400:
        opportunity_id = alnum(rng, 1, "0123456789") + alnum(rng, 1, "ABCDFGHIJKLMNOPQRSTUVWXYZ") \
            + alnum(rng, 6, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        if opportunity_id in ids:
            continue
        ids.add(opportunity_id)
        product = pick(rng, {k: w for k, (_, w) in MAVEN_PRODUCTS.items()})
        status = pick(rng, {"Prospecting": 6, "Engaging": 14, "decided": 80})
        account = accounts[int(rng.choice(len(accounts), p=account_weights))]
        if status != "decided" and chance(rng, 0.65):
            account = None  # the real export leaves most open deals without an account
        engage = close = None
        value = 0
        if status != "Prospecting":
            engage = day_in(rng, dt.date(2016, 10, 20), dt.date(2017, 12, 27))
        if status == "decided":
            lift = 0.0
            if account is not None:
                lift += 0.5 if account["sector"] in ("technolgy", "software", "medical") else 0
                lift += 0.4 if account["revenue"] >= 1000 else -0.2
            lift += 0.3 if product in ("GTX Pro", "MG Advanced", "GTX Plus Pro") else 0
            won = chance(rng, sigmoid(-0.7 + lift))
            status = "Won" if won else "Lost"
            close = min(engage + dt.timedelta(days=int(rng.integers(1, 139))),
                        dt.date(2017, 12, 31))
            price = MAVEN_PRODUCTS[product][0]
            value = int(round(price * rng.uniform(0.88, 1.12))) if won else 0
        row: Row = {"opportunity_id": opportunity_id,
                    "sales_agent": agents[int(rng.integers(0, len(agents)))],
                    "product": product, "account": None, "deal_stage": status,
                    "engage_date": engage, "close_date": close, "close_value": value}
        row.update({k: None for k in MAVEN_HEADER[8:]})
        if account is not None:
            row.update(account)
        rows.append(row)
    return rows


def write_maven(rows: list[Row]) -> None:
    def cell(row: Row, key: str) -> str:
        value = row[key]
        if isinstance(value, float):
            return f"{value:.2f}"
        return text(value.isoformat() if isinstance(value, dt.date) else value)

    write("b2b_pipeline.csv", csv_text(MAVEN_HEADER, [[cell(r, k) for k in MAVEN_HEADER]
                                                      for r in rows]))
    write_maven_xlsx(rows)


def write_maven_xlsx(rows: list[Row]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "sales_pipeline"
    sheet.append(list(MAVEN_HEADER))
    for row in rows:
        sheet.append([row[k] for k in MAVEN_HEADER])
    for letter in ("F", "G"):
        for cells in sheet[f"{letter}2:{letter}{len(rows) + 1}"]:
            cells[0].number_format = "yyyy-mm-dd"
    book.properties.creator = "CRM export"
    book.properties.created = dt.datetime(2025, 1, 1)
    book.properties.modified = dt.datetime(2025, 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    (HERE / "b2b_pipeline.xlsx").write_bytes(rezip(buffer.getvalue()))


def rezip(data: bytes) -> bytes:
    """The same zip with fixed timestamps, so the workbook is byte-identical on every run."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with now
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z",
                              body)
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), body,
                            compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


# --- 3, 4: the X Education lead-scoring export (and its European re-save) --------------------

XED_HEADER = (
    "Prospect ID", "Lead Number", "Lead Origin", "Lead Source", "Do Not Email", "Do Not Call",
    "Converted", "TotalVisits", "Total Time Spent on Website", "Page Views Per Visit",
    "Last Activity", "Country", "Specialization", "How did you hear about X Education",
    "What is your current occupation", "Tags", "Lead Quality", "Lead Profile", "City",
    "A free copy of Mastering The Interview", "Last Notable Activity",
)
XED_SPECIALIZATIONS = {
    "Select": 24, "": 15, "Finance Management": 10.5, "Human Resource Management": 9,
    "Marketing Management": 9, "Operations Management": 5.4, "Business Administration": 4.4,
    "IT Projects Management": 4, "Supply Chain Management": 3.8,
    "Banking, Investment And Insurance": 3.7, "Travel and Tourism": 2.2,
    "Media and Advertising": 2.2, "International Business": 1.9, "Healthcare Management": 1.7,
    "Hospitality Management": 1.2, "E-COMMERCE": 1.2, "Retail Management": 1.1,
    "Rural and Agribusiness": 0.8, "E-Business": 0.6, "Services Excellence": 0.4,
}
XED_TAGS_CONVERTED = {
    "Will revert after reading the email": 45, "Closed by Horizzon": 14, "Lost to EINS": 6,
    "": 25, "Busy": 2, "Interested in full time MBA": 1, "Want to take admission but has "
    "financial problems": 0.5, "Shall take in the next coming month": 0.3,
}
XED_TAGS_NOT = {
    "": 42, "Ringing": 20, "Interested in other courses": 9, "Already a student": 8,
    "switched off": 4, "Not doing further education": 2.5, "Graduation in progress": 1.8,
    "invalid number": 1.4, "Diploma holder (Not Eligible)": 1, "wrong number given": 0.8,
    "opp hangup": 0.5, "number not provided": 0.4, "in touch with EINS": 0.2,
    "Will revert after reading the email": 5, "Busy": 2, "Interested in Next batch": 0.1,
    "Still Thinking": 0.1, "Lateral student": 0.1, "In confused state": 0.1,
    "University not recognized": 0.1, "Recognition issue (DEC approval)": 0.1,
}


def xed_rows() -> list[Row]:
    rng = generator(303)
    rows = []
    numbers = rng.choice(np.arange(579533, 660737), size=1100, replace=False)
    numbers = np.sort(numbers)[::-1]
    for number in numbers:
        origin = pick(rng, {"Landing Page Submission": 53, "API": 39, "Lead Add Form": 7.5,
                            "Lead Import": 0.5})
        if origin == "Lead Add Form":
            source = pick(rng, {"Reference": 75, "Welingak Website": 22, "Google": 2,
                                "Direct Traffic": 1})
        elif origin == "Lead Import":
            source = "Facebook"
        elif origin == "API":
            source = pick(rng, {"Olark Chat": 46, "Google": 30, "Organic Search": 12,
                                "Direct Traffic": 6, "Referral Sites": 2, "google": 1.5,
                                "": 1, "Facebook": 0.5})
        else:
            source = pick(rng, {"Direct Traffic": 47, "Google": 37, "Organic Search": 11,
                                "Referral Sites": 2, "google": 1.5, "Facebook": 0.5, "": 0.5})
        chat = source in ("Olark Chat", "Facebook") or origin in ("Lead Add Form", "Lead Import")
        visits: int | None = 0 if chat and chance(rng, 0.8) else int(rng.geometric(0.25))
        if chance(rng, 0.015):
            visits = None
        if visits:
            pages = int(rng.integers(visits, 4 * visits + 1))
            per_visit: float | None = round(pages / visits, 2)
            seconds = int(np.clip(rng.lognormal(6.1, 0.9), 10, 2272))
        else:
            per_visit = None if visits is None else 0.0
            seconds = 0
        score = (-1.6 + (2.6 if origin == "Lead Add Form" else 0) + seconds / 700
                 + (0.5 if source in ("Reference", "Welingak Website") else 0)
                 - (0.4 if source == "Olark Chat" else 0))
        converted = chance(rng, sigmoid(score))
        occupation = pick(rng, {"Unemployed": 60, "": 29, "Working Professional": 7.6,
                                "Student": 2.3, "Other": 0.5, "Housewife": 0.3,
                                "Businessman": 0.3})
        if occupation == "Working Professional" and not converted and chance(rng, 0.6):
            converted = True
        country = pick(rng, {"India": 70, "": 26, "United States": 0.8,
                             "United Arab Emirates": 0.6, "Singapore": 0.3,
                             "Saudi Arabia": 0.3, "United Kingdom": 0.2, "Australia": 0.2,
                             "Qatar": 0.2, "unknown": 1.0, "Colombia": 0.4})
        city = pick(rng, {"Mumbai": 35, "Select": 24, "": 15, "Thane & Outskirts": 8,
                          "Other Cities": 7.4, "Other Cities of Maharashtra": 5,
                          "Other Metro Cities": 4, "Tier II Cities": 0.8})
        if country == "Colombia":
            city = "Bogotá"
        quality = pick(rng, {"": 52, "Might be": 17, "Not Sure": 12, "High in Relevance": 7,
                             "Worst": 6.5, "Low in Relevance": 6})
        if converted and quality in ("Worst", "Low in Relevance") and chance(rng, 0.7):
            quality = "High in Relevance"
        activity = pick(rng, {"Email Opened": 37, "SMS Sent": 30, "Olark Chat Conversation": 10,
                              "Page Visited on Website": 7, "Converted to Lead": 5,
                              "Email Bounced": 3.5, "Email Link Clicked": 3,
                              "Form Submitted on Website": 1.3, "Unreachable": 1, "": 1.1})
        notable = activity if activity in ("Email Opened", "SMS Sent",
                                           "Page Visited on Website") else "Modified"
        rows.append({
            "Prospect ID": uuid4(rng), "Lead Number": int(number), "Lead Origin": origin,
            "Lead Source": source,
            "Do Not Email": "Yes" if chance(rng, 0.08) else "No",
            "Do Not Call": "Yes" if chance(rng, 0.002) else "No",
            "Converted": int(converted), "TotalVisits": visits,
            "Total Time Spent on Website": seconds, "Page Views Per Visit": per_visit,
            "Last Activity": activity, "Country": country,
            "Specialization": pick(rng, XED_SPECIALIZATIONS),
            "How did you hear about X Education": pick(rng, {
                "Select": 38, "": 24, "Online Search": 14, "Word Of Mouth": 7,
                "Student of SomeSchool": 6, "Other": 4, "Multiple Sources": 3,
                "Advertisements": 1.5, "Social Media": 1.5, "Email": 0.5, "SMS": 0.5}),
            "What is your current occupation": occupation,
            "Tags": pick(rng, XED_TAGS_CONVERTED if converted else XED_TAGS_NOT),
            "Lead Quality": quality,
            "Lead Profile": pick(rng, {"Select": 40, "": 29, "Potential Lead": 19,
                                       "Other Leads": 6, "Student of SomeSchool": 3,
                                       "Lateral Student": 1, "Dual Specialization Student": 1}),
            "City": city,
            "A free copy of Mastering The Interview": "Yes" if chance(rng, 0.31) else "No",
            "Last Notable Activity": notable,
        })
    return rows


def write_xed(rows: list[Row]) -> None:
    def cells(row: Row, decimal: str) -> list[str]:
        out = []
        for key in XED_HEADER:
            value = row[key]
            out.append(repr(value).replace(".", decimal) if isinstance(value, float)
                       else text(value))
        return out

    write("online_education_leads.csv", csv_text(XED_HEADER, [cells(r, ".") for r in rows]))
    write("online_education_leads_eu.csv",
          csv_text(XED_HEADER, [cells(r, ",") for r in rows], sep=";", newline="\r\n"),
          encoding="latin-1")


# --- 5, 6: the Olist marketing funnel (MQLs joined with closed deals) ------------------------

OLIST_HEADER = ("mql_id", "first_contact_date", "landing_page_id", "origin", "seller_id",
                "sdr_id", "won_date", "business_segment", "lead_type", "lead_behaviour_profile",
                "has_company", "average_stock", "business_type",
                "declared_product_catalog_size", "declared_monthly_revenue")
OLIST_SEGMENTS = {
    "home_decor": 12, "health_beauty": 11, "car_accessories": 9, "household_utilities": 8,
    "construction_tools_house_garden": 8, "audio_video_electronics": 7, "computers": 4,
    "pet": 3, "food_supplement": 3, "food_drink": 3.5, "sports_leisure": 3,
    "bags_backpacks": 2.7, "small_appliances": 2, "stationery": 2, "handcrafted": 1.5,
    "jewerly": 1.5, "fashion_accessories": 2, "toys": 1, "music_instruments": 0.8,
    "phone_mobile": 1, "baby": 1, "books": 1, "games_consoles": 1, "perfume": 1, "watches": 1,
    "air_conditioning": 0.5, "party": 0.3, "religious": 0.3, "gifts": 0.5, "other": 0.3,
}
OLIST_ORIGINS = {"organic_search": 29, "paid_search": 20, "social": 17, "unknown": 14,
                 "direct_traffic": 6, "email": 6, "referral": 3, "other": 2, "display": 1.5,
                 "other_publicities": 0.8, "": 0.7}


def olist_rows() -> list[Row]:
    rng = generator(505)
    pages = [hex_id(rng) for _ in range(140)]
    page_weights = 1 / np.arange(1, 141) ** 0.9
    page_weights /= page_weights.sum()
    sellers_sdrs = [hex_id(rng) for _ in range(24)]
    months = [dt.date(2017, m, 1) for m in range(6, 13)] + [dt.date(2018, m, 1)
                                                            for m in range(1, 6)]
    month_weights = np.linspace(0.5, 1.6, len(months))
    month_weights /= month_weights.sum()
    rows = []
    for _ in range(1000):
        start = months[int(rng.choice(len(months), p=month_weights))]
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        first_contact = day_in(rng, start, end - dt.timedelta(days=1))
        origin = pick(rng, OLIST_ORIGINS)
        lead_type = pick(rng, {"online_medium": 38, "online_big": 15, "industry": 15,
                               "offline": 12, "online_small": 9, "online_beginner": 6,
                               "online_top": 2, "other": 0.4, "": 2.6})
        lift = {"paid_search": 0.3, "organic_search": 0.2, "unknown": -0.3, "": -0.5,
                "social": -0.2}.get(origin, 0)
        lift += {"online_big": 0.6, "online_top": 0.8, "industry": 0.3,
                 "online_beginner": -0.6}.get(lead_type, 0)
        won = chance(rng, sigmoid(-0.3 + lift))
        segment = pick(rng, OLIST_SEGMENTS) if won or chance(rng, 0.7) else None
        row: Row = {"mql_id": hex_id(rng), "first_contact_date": first_contact,
                    "landing_page_id": pages[int(rng.choice(len(pages), p=page_weights))],
                    "origin": origin}
        if won:
            row["seller_id"] = hex_id(rng)
            row["sdr_id"] = sellers_sdrs[int(rng.integers(0, len(sellers_sdrs)))]
            row["won_date"] = moment(rng, first_contact + dt.timedelta(
                days=int(rng.integers(0, 120))), (0, 24))
        else:
            row["seller_id"] = row["sdr_id"] = row["won_date"] = None
        if segment is None:
            row.update({k: None for k in OLIST_HEADER[7:]})
        else:
            row.update({
                "business_segment": segment,
                "lead_type": lead_type or None,
                "lead_behaviour_profile": pick(rng, {"cat": 50, "eagle": 15, "wolf": 11,
                                                     "shark": 3, "": 18, "cat, wolf": 1,
                                                     "eagle, cat": 1, "shark, wolf": 1})
                or None,
                "has_company": pick(rng, {"True": 4, "False": 3, "": 93}) or None,
                "average_stock": pick(rng, {"": 90, "5-20": 2.5, "1-5": 1.5, "20-50": 1.5,
                                            "50-200": 1.5, "200+": 1, "unknown": 2}) or None,
                "business_type": pick(rng, {"reseller": 70, "manufacturer": 28, "other": 1,
                                            "": 1}) or None,
                "declared_product_catalog_size": float(pick(rng, {
                    "": 90, "100": 3, "50": 2, "200": 1.5, "400": 1, "1000": 0.5, "30": 2}) or 0)
                or None,
                "declared_monthly_revenue": float(pick(rng, {
                    "0": 94, "100000": 2, "500000": 1, "50000": 2, "1000000": 1})),
            })
        rows.append(row)
    return rows


def write_olist(rows: list[Row]) -> None:
    def cells(row: Row, dayfirst: bool) -> list[str]:
        out = []
        for key in OLIST_HEADER:
            value = row[key]
            if isinstance(value, dt.datetime):
                out.append(value.strftime("%d-%m-%Y %H:%M" if dayfirst
                                          else "%Y-%m-%d %H:%M:%S"))
            elif isinstance(value, dt.date):
                out.append(value.strftime("%d-%m-%Y" if dayfirst else "%Y-%m-%d"))
            elif isinstance(value, float):
                out.append(repr(value))
            else:
                out.append(text(value))
        return out

    write("marketing_funnel.csv", csv_text(OLIST_HEADER, [cells(r, False) for r in rows]))
    write("marketing_funnel_dayfirst.csv",
          csv_text(OLIST_HEADER, [cells(r, True) for r in rows]))


# --- 7: Salesforce Lead object (Data Loader, API names) --------------------------------------

SF_INDUSTRIES = {
    "--None--": 15, "Technology": 12, "Finance": 8, "Banking": 6, "Manufacturing": 8,
    "Healthcare": 7, "Retail": 6, "Consulting": 5, "Insurance": 4, "Education": 4,
    "Government": 3, "Not For Profit": 2, "Telecommunications": 3, "Construction": 3,
    "Transportation": 3, "Energy": 2, "Media": 2, "Hospitality": 2, "Biotechnology": 2,
    "Food & Beverage": 2,
}
SF_TITLES = {
    "CFO": 6, "Chief Financial Officer": 3, "VP Finance": 5, "VP, Finance & Operations": 2,
    "Controller": 6, "Financial Controller": 3, "Head of Finance": 3, "Finance Manager": 5,
    "Director of Accounting": 3, "Accounts Payable Specialist": 5, "Accountant": 4,
    "Treasurer": 2, "Financial Analyst": 4, "CEO": 4, "Owner": 3, "Founder": 2, "COO": 2,
    "IT Manager": 4, "Head of IT": 2, "Marketing Director": 3, "Office Manager": 4,
    "Operations Manager": 4, "Procurement Lead": 2, "Internal Audit Manager": 2,
    "Student": 3, "Finance Intern": 1, "Sales Representative": 3, "": 4,
}
SF_COUNTRIES = {"United States": 55, "Canada": 8, "United Kingdom": 9, "Germany": 5,
                "Australia": 4, "France": 3, "India": 3, "Brazil": 2, "Netherlands": 2,
                "": 9}


def sf_id(rng: np.random.Generator, prefix: str) -> str:
    chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return prefix + "5g00000" + alnum(rng, 5, chars) + alnum(rng, 3, chars.upper()[:36])


def sf_revenue(rng: np.random.Generator, employees: int | None) -> float:
    base = (employees or int(rng.integers(5, 500))) * rng.lognormal(11.7, 0.6)
    return float(round(base, -4))


def sf_lead_rows() -> list[Row]:
    rng = generator(707)
    rows = []
    for _ in range(900):
        first, last = person(rng)
        company = company_name(rng)
        title = pick(rng, SF_TITLES)
        employees = int(np.clip(rng.lognormal(5.0, 1.5), 1, 80000)) if chance(rng, 0.85) \
            else None
        revenue = sf_revenue(rng, employees) if chance(rng, 0.8) else None
        created = moment(rng, day_in(rng, dt.date(2025, 1, 2), dt.date(2025, 10, 31)))
        source = pick(rng, {"Web": 35, "Phone Inquiry": 15, "Partner Referral": 15,
                            "Purchased List": 10, "Other": 10, "--None--": 15})
        lift = (0.8 if any(w in title for w in ("CFO", "Finance", "Controller")) else 0) \
            + (0.6 if source == "Partner Referral" else 0) - (0.9 if source == "Purchased List"
                                                               else 0)
        converted = chance(rng, sigmoid(-2.0 + lift))
        status = "Closed - Converted" if converted else pick(rng, {
            "Open - Not Contacted": 30, "Working - Contacted": 35, "Closed - Not Converted": 35})
        converted_on = (created + dt.timedelta(days=int(rng.integers(3, 60)))).date() \
            if converted else None
        revenue_text = ""
        if revenue is not None:  # Data Loader writes some large doubles as 2.5E7
            revenue_text = (f"{revenue:.1E}".replace("E+0", "E") if chance(rng, 0.08)
                            else f"{revenue:.0f}")
        rows.append({
            "Id": sf_id(rng, "00Q"), "FirstName": first, "LastName": last, "Company": company,
            "Title": title,
            "Email": email_for(rng, first, last, company, 0.12),
            "Phone": us_phone(rng) if chance(rng, 0.85) else "",
            "LeadSource": source, "Status": status, "Industry": pick(rng, SF_INDUSTRIES),
            "Rating": pick(rng, {"Hot": 15, "Warm": 30, "Cold": 25, "": 30}),
            "AnnualRevenue": revenue_text, "NumberOfEmployees": text(employees),
            "Country": pick(rng, SF_COUNTRIES),
            "IsConverted": "true" if converted else "false",
            "ConvertedDate": converted_on.isoformat() if converted_on else "",
            "CreatedDate": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        })
    return rows


SF_LEAD_HEADER = ("Id", "FirstName", "LastName", "Company", "Title", "Email", "Phone",
                  "LeadSource", "Status", "Industry", "Rating", "AnnualRevenue",
                  "NumberOfEmployees", "Country", "IsConverted", "ConvertedDate", "CreatedDate")


# --- 8: a Salesforce "Leads" report (labels, US formats) ----------------------------------

SF_REPORT_HEADER = ("Lead Owner", "First Name", "Last Name", "Title", "Company / Account",
                    "Lead Source", "Lead Status", "Industry", "Annual Revenue", "Employees",
                    "Country", "Converted", "Create Date")


def sf_report_rows() -> list[Row]:
    rng = generator(808)
    owners = [" ".join(person(rng)) for _ in range(7)]
    rows = []
    for _ in range(800):
        first, last = person(rng)
        title = pick(rng, SF_TITLES)
        employees = int(np.clip(rng.lognormal(5.2, 1.6), 1, 90000)) if chance(rng, 0.88) \
            else None
        revenue = sf_revenue(rng, employees) if chance(rng, 0.82) else None
        source = pick(rng, {"Web": 33, "Phone Inquiry": 14, "Partner Referral": 14,
                            "Purchased List": 10, "Trade Show": 8, "Other": 8, "--None--": 13})
        lift = (0.7 if any(w in title for w in ("CFO", "Finance", "Controller", "VP")) else 0) \
            + (0.5 if source in ("Partner Referral", "Trade Show") else 0)
        converted = chance(rng, sigmoid(-1.9 + lift))
        status = "Qualified" if converted else pick(rng, {
            "Open - Not Contacted": 25, "Working - Contacted": 35, "Unqualified": 25,
            "Nurturing": 15})
        created = day_in(rng, dt.date(2025, 1, 2), dt.date(2025, 9, 30))
        rows.append({
            "Lead Owner": owners[int(rng.integers(0, len(owners)))], "First Name": first,
            "Last Name": last, "Title": title, "Company / Account": company_name(rng),
            "Lead Source": source, "Lead Status": status, "Industry": pick(rng, SF_INDUSTRIES),
            "Annual Revenue": us_money(revenue) if revenue is not None else "",
            "Employees": f"{employees:,}" if employees is not None else "",
            "Country": pick(rng, SF_COUNTRIES),
            "Converted": "1" if converted else "0",
            "Create Date": f"{created.month}/{created.day}/{created.year}",
        })
    return rows


# --- 9: HubSpot contacts, "export all properties" --------------------------------------------

HUBSPOT_HEADER = (
    "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Industry",
    "Number of Employees", "Annual Revenue", "Country/Region", "Job Title", "Lifecycle Stage",
    "Lead Status", "Original Source", "Create Date", "Became a Customer Date",
    "Number of Pageviews", "Number of Form Submissions", "Number of Sessions",
)
HUBSPOT_INDUSTRIES = {
    "COMPUTER_SOFTWARE": 14, "FINANCIAL_SERVICES": 10, "HOSPITAL_HEALTH_CARE": 8, "RETAIL": 7,
    "INFORMATION_TECHNOLOGY_AND_SERVICES": 10, "MARKETING_AND_ADVERTISING": 6,
    "HIGHER_EDUCATION": 4, "ACCOUNTING": 5, "CONSTRUCTION": 4, "LOGISTICS_AND_SUPPLY_CHAIN": 4,
    "MECHANICAL_OR_INDUSTRIAL_ENGINEERING": 4, "REAL_ESTATE": 3, "": 21,
}


def hubspot_rows() -> list[Row]:
    rng = generator(909)
    rows = []
    record = 51200000000
    titles = {k: v for k, v in SF_TITLES.items() if k not in ("Student", "Finance Intern")}
    for _ in range(1000):
        record += int(rng.integers(1, 4000))
        first, last = person(rng)
        company = company_name(rng)
        industry = pick(rng, HUBSPOT_INDUSTRIES)
        employees = int(np.clip(rng.lognormal(4.6, 1.5), 1, 50000)) if chance(rng, 0.85) \
            else None
        revenue = sf_revenue(rng, employees) if chance(rng, 0.75) else None
        source = pick(rng, {"ORGANIC_SEARCH": 28, "PAID_SEARCH": 14, "SOCIAL_MEDIA": 12,
                            "DIRECT_TRAFFIC": 18, "EMAIL_MARKETING": 9, "REFERRALS": 10,
                            "OFFLINE": 9})
        sessions = int(rng.geometric(0.22))
        pageviews = sessions + int(rng.poisson(sessions * 1.8))
        forms = int(rng.poisson(0.3 + sessions / 8))
        lift = (0.6 if industry in ("COMPUTER_SOFTWARE", "FINANCIAL_SERVICES", "ACCOUNTING")
                else 0) + (0.5 if source == "REFERRALS" else 0) + 0.35 * min(forms, 3)
        customer = chance(rng, sigmoid(-2.9 + lift))
        stage = "customer" if customer else pick(rng, {
            "subscriber": 22, "lead": 45, "marketingqualifiedlead": 14,
            "salesqualifiedlead": 9, "opportunity": 10})
        status = pick(rng, {"NEW": 20, "OPEN": 15, "IN_PROGRESS": 15, "UNQUALIFIED": 10,
                            "ATTEMPTED_TO_CONTACT": 15, "CONNECTED": 10, "BAD_TIMING": 5,
                            "": 10})
        if customer and status == "UNQUALIFIED":
            status = "CONNECTED"
        created = moment(rng, day_in(rng, dt.date(2025, 1, 1), dt.date(2025, 11, 30)))
        became = created + dt.timedelta(days=int(rng.integers(7, 90)), hours=int(
            rng.integers(0, 8))) if customer else None
        rows.append({
            "Record ID": str(record), "First Name": first, "Last Name": last,
            "Email": email_for(rng, first, last, company, 0.1),
            "Phone Number": us_phone(rng) if chance(rng, 0.6) else "",
            "Company Name": company, "Industry": industry,
            "Number of Employees": text(employees),
            "Annual Revenue": f"{revenue:.0f}" if revenue is not None else "",
            "Country/Region": pick(rng, SF_COUNTRIES), "Job Title": pick(rng, titles),
            "Lifecycle Stage": stage, "Lead Status": status, "Original Source": source,
            "Create Date": created.strftime("%Y-%m-%d %H:%M"),
            "Became a Customer Date": became.strftime("%Y-%m-%d %H:%M") if became else "",
            "Number of Pageviews": str(pageviews),
            "Number of Form Submissions": str(forms), "Number of Sessions": str(sessions),
        })
    return rows


# --- 10: a European CRM's deals (semicolons, BOM, 1.234.567,89, 31.01.2025) ------------------

EU_DEALS_HEADER = ("Deal ID", "Company Name", "Industry", "Employees", "Annual Revenue",
                   "Amount", "Deal Stage", "Create Date", "Close Date", "Country")
EU_COMPANIES = (
    "Müller Maschinenbau GmbH", "Schäfer Logistik AG", "Société Lyonnaise de Services SA",
    "Brouwer & Zonen BV", "Nordlicht Software GmbH", "Łódź Trading Sp. z o.o.",
    "Kühne Medizintechnik GmbH", "Vinícola Ribeiro Lda", "Bäckerei Hofmann KG",
    "Fjällräven Data AB", "Études et Conseil SARL", "Rossi Meccanica S.p.A.",
    "Van der Berg Handel BV", "Österreichische Werkzeug GmbH", "Zürcher Finanz AG",
    "Gómez y Asociados SL", "Dvořák Strojírny s.r.o.", "Hansen Shipping ApS",
    "Weiß & Söhne OHG", "Innovația Digitală SRL", "Krämer Elektro GmbH", "Lindqvist Bygg AB",
    "Delacroix Pharma SAS", "Pereira Têxteis SA", "Jansen Retail BV", "Novák Software s.r.o.",
    "Stadtwerke Rheintal", "Gemeinde Oberwil", "Conti Alimentari S.r.l.", "Aalto Systems Oy",
)
EU_COUNTRIES = {"Germany": 30, "France": 12, "Netherlands": 12, "Austria": 8, "Switzerland": 7,
                "Belgium": 6, "Spain": 6, "Italy": 7, "Poland": 5, "Sweden": 5, "": 2}


def eu_deal_rows() -> list[Row]:
    rng = generator(1010)
    rows = []
    for number in range(700):
        company = EU_COMPANIES[int(rng.integers(0, len(EU_COMPANIES)))]
        suffix = pick(rng, {"": 8, " (Standort Nord)": 1, " – Filiale": 0.5})
        industry = pick(rng, {"Manufacturing": 24, "Logistics": 12, "Software": 14,
                              "Financial Services": 10, "Healthcare": 10, "Retail": 12,
                              "Public Sector": 8, "Professional Services": 8, "": 2})
        employees = int(np.clip(rng.lognormal(5.8, 1.3), 3, 60000)) if chance(rng, 0.92) \
            else None
        revenue = (employees or 100) * rng.lognormal(11.8, 0.5) if chance(rng, 0.85) else None
        amount = float(round(rng.lognormal(9.9, 0.9), -1)) + (0.5 if chance(rng, 0.1) else 0)
        stage = pick(rng, {"Qualification": 15, "Proposal": 12, "Negotiation": 8,
                           "decided": 65, "": 1.5})  # a few deals never got a stage
        created = day_in(rng, dt.date(2024, 7, 1), dt.date(2025, 6, 30))
        closed = None
        if stage == "decided":
            lift = (0.5 if industry in ("Manufacturing", "Logistics") else 0) \
                + (0.4 if employees and 200 <= employees <= 5000 else 0)
            stage = "Closed Won" if chance(rng, sigmoid(-0.9 + lift)) else "Closed Lost"
            closed = created + dt.timedelta(days=int(rng.integers(10, 160)))
        rows.append({
            "Deal ID": f"D-{24000 + number * 7 + int(rng.integers(0, 7))}",
            "Company Name": company + suffix, "Industry": industry,
            "Employees": eu_number(employees, 0) if employees is not None else "",
            "Annual Revenue": eu_number(revenue) if revenue is not None else "",
            "Amount": eu_number(amount), "Deal Stage": stage,
            "Create Date": created.strftime("%d.%m.%Y"),
            "Close Date": closed.strftime("%d.%m.%Y") if closed else "",
            "Country": pick(rng, EU_COUNTRIES),
        })
    return rows


# --- 11: tab-separated, decimal comma, no thousands separators ------------------------------

TSV_HEADER = ("Lead ID", "Company", "Sector", "Headcount", "Revenue (EUR)", "Lead Score",
              "Budget", "Won", "Created")


def tsv_rows() -> list[Row]:
    rng = generator(1111)
    rows = []
    for number in range(600):
        company = company_name(rng)
        if chance(rng, 0.04):
            company = f"{LAST_NAMES[int(rng.integers(0, len(LAST_NAMES)))]}, " \
                      f"{LAST_NAMES[int(rng.integers(0, len(LAST_NAMES)))]} & Partner"
        sector = pick(rng, {"Software": 18, "Financial Services": 14, "Healthcare": 12,
                            "Manufacturing": 16, "Retail": 12, "Logistics": 10,
                            "Public Sector": 6, "": 8, "n/a": 4})
        headcount = int(np.clip(rng.lognormal(4.5, 1.6), 1, 20000)) if chance(rng, 0.9) \
            else None
        revenue = (headcount or 50) * rng.lognormal(11.5, 0.5) if chance(rng, 0.8) else None
        score = float(np.clip(rng.normal(55, 20), 0, 100))
        score = round(score * 2) / 2 if chance(rng, 0.7) else round(score, 2)
        budget = None
        if chance(rng, 0.7):
            budget = float(round(rng.lognormal(9.3, 1.0), -2)) + (0.5 if chance(rng, 0.1)
                                                                  else 0)
        won = chance(rng, sigmoid(-3.2 + score / 30 + (0.5 if budget and budget >= 10000
                                                          else 0)))
        created = day_in(rng, dt.date(2024, 10, 1), dt.date(2025, 9, 30))

        def comma(value: float | None, decimals: int | None = None) -> str:
            if value is None:
                return ""
            if decimals is not None:
                return f"{value:.{decimals}f}".replace(".", ",")
            return (f"{value:.2f}".rstrip("0").rstrip(".")).replace(".", ",")

        rows.append({
            "Lead ID": f"LD-{2025_0000 + number * 3}", "Company": company, "Sector": sector,
            "Headcount": text(headcount), "Revenue (EUR)": comma(revenue, 1 if chance(
                rng, 0.5) else 2),
            "Lead Score": "n/a" if chance(rng, 0.03) else comma(score), "Budget": comma(budget),
            "Won": "yes" if won else "no", "Created": created.isoformat(),
        })
    return rows


# --- 12: Salesforce Opportunity export with its open stages ----------------------------------

OPP_HEADER = ("Id", "Name", "Account Name", "StageName", "Amount", "Probability", "CloseDate",
              "CreatedDate", "Type", "LeadSource", "Industry", "NumberOfEmployees")
OPP_STAGES = {  # stage: (probability, weight)
    "Prospecting": (10, 8), "Qualification": (10, 8), "Needs Analysis": (20, 7),
    "Value Proposition": (50, 6), "Id. Decision Makers": (60, 5),
    "Perception Analysis": (70, 4), "Proposal/Price Quote": (75, 6),
    "Negotiation/Review": (90, 6), "Closed Won": (100, 20), "Closed Lost": (0, 30),
}


def opportunity_rows() -> list[Row]:
    rng = generator(1212)
    accounts = [company_name(rng) for _ in range(180)]
    rows = []
    for _ in range(700):
        account = accounts[int(rng.integers(0, len(accounts)))]
        kind = pick(rng, {"New Customer": 45, "Existing Customer - Upgrade": 25,
                          "Existing Customer - Replacement": 10,
                          "Existing Customer - Downgrade": 5, "": 15})
        employees = int(np.clip(rng.lognormal(5.3, 1.7), 1, 100000)) if chance(rng, 0.85) \
            else None
        source = pick(rng, {"Web": 30, "Phone Inquiry": 15, "Partner Referral": 18,
                            "Purchased List": 8, "Other": 10, "": 19})
        stage = pick(rng, {k: w for k, (_, w) in OPP_STAGES.items()})
        if stage in ("Closed Won", "Closed Lost"):
            lift = (0.5 if kind.startswith("Existing Customer - Upgrade") else 0) \
                + (0.4 if source == "Partner Referral" else 0)
            stage = "Closed Won" if chance(rng, sigmoid(-0.5 + lift)) else "Closed Lost"
        created = moment(rng, day_in(rng, dt.date(2024, 11, 1), dt.date(2025, 8, 31)))
        close = created.date() + dt.timedelta(days=int(rng.integers(20, 200)))
        amount = float(round(rng.lognormal(10.2, 1.0), -2))
        product = pick(rng, {"Licenses": 4, "Renewal": 2, "Services": 2, "Upgrade": 1,
                             "Add-on": 1})
        name = f"{account.split(' ')[0]} - {int(rng.integers(5, 500))} {product}" \
            if product == "Licenses" else f"{account.split(' ')[0]} - {product}"
        rows.append({
            "Id": sf_id(rng, "006"), "Name": name, "Account Name": account, "StageName": stage,
            "Amount": f"{amount:.0f}" if chance(rng, 0.95) else "",
            "Probability": str(OPP_STAGES[stage][0]), "CloseDate": close.isoformat(),
            "CreatedDate": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "Type": kind,
            "LeadSource": source,
            "Industry": pick(rng, {k: v for k, v in SF_INDUSTRIES.items() if k != "--None--"}
                             | {"": 12}),
            "NumberOfEmployees": text(employees),
        })
    return rows


# --- 13: a home-grown CRM ---------------------------------------------------------------------

CUSTOM_HEADER = ("lead_id", "created_at", "company_name", "vertical", "headcount",
                 "country_code", "lead_source", "demo_booked_at", "pricing_page_views",
                 "webinar_attended", "status")


def berlin_stamp(moment_: dt.datetime) -> str:
    """Local time with the offset Europe/Berlin has on that day (DST 2025: 30 Mar - 26 Oct)."""
    summer = dt.datetime(2025, 3, 30, 2) <= moment_ < dt.datetime(2025, 10, 26, 3)
    return moment_.strftime("%Y-%m-%dT%H:%M:%S") + ("+02:00" if summer else "+01:00")


def custom_rows() -> list[Row]:
    rng = generator(1313)
    rows = []
    for number in range(1200):
        created = moment(rng, day_in(rng, dt.date(2025, 1, 6), dt.date(2025, 10, 31)), (7, 20))
        vertical = pick(rng, {"financial_services": 22, "healthcare": 16, "software": 22,
                              "retail": 14, "manufacturing": 12, "education": 8,
                              "public_sector": 4, "": 2})
        headcount = int(np.clip(rng.lognormal(4.8, 1.4), 1, 30000)) if chance(rng, 0.9) \
            else None
        views = int(rng.poisson(1.2)) if chance(rng, 0.55) else 0
        webinar = chance(rng, 0.3)
        demo = chance(rng, sigmoid(-1.6 + 0.4 * min(views, 3) + (0.5 if webinar else 0)))
        demo_at = moment(rng, created.date() + dt.timedelta(days=int(rng.integers(1, 30))),
                         (8, 18)) if demo else None
        decided = chance(rng, 0.6)
        if decided:
            won = chance(rng, sigmoid(-1.4 + (1.3 if demo else 0)
                                      + (0.4 if vertical in ("financial_services", "software")
                                         else 0)))
            status = "won" if won else pick(rng, {"lost": 2, "disqualified": 1})
        else:
            status = pick(rng, {"new": 15, "working": 12, "nurturing": 13})
        rows.append({
            "lead_id": f"L-{100000 + number * 13 + int(rng.integers(0, 13))}",
            "created_at": berlin_stamp(created), "company_name": company_name(rng),
            "vertical": vertical, "headcount": text(headcount),
            "country_code": pick(rng, {"DE": 34, "NL": 14, "FR": 12, "GB": 12, "ES": 6,
                                       "AT": 5, "US": 9, "CA": 2, "": 6}),
            "lead_source": pick(rng, {"organic": 30, "paid_social": 18, "webinar": 12,
                                      "referral": 12, "outbound": 18, "event": 10}),
            "demo_booked_at": berlin_stamp(demo_at) if demo_at else "",
            "pricing_page_views": str(views), "webinar_attended": "TRUE" if webinar else "FALSE",
            "status": status,
        })
    return rows


# --- 14: a trade-fair lead scanner export (Latin-1, "sep=;" first line, no outcome) ----------

FAIR_HEADER = ("Company", "Contact", "Job Title", "Country", "Industry", "Employees",
               "Annual Revenue", "Budget", "Demo Requested", "Booth Visits", "Created")
FAIR_COMPANIES = (
    "Müller Präzisionstechnik GmbH", "Bäckerei Groß KG", "Société Générale de Fret SA",
    "Öko-Energie Süd GmbH", "Brandt & Söhne OHG", "Château Logistique SARL",
    "Zürcher Kälte AG", "Weißgerber Software GmbH", "Crème Cosmétiques SAS",
    "Hoffmann Fördertechnik GmbH", "Løvenskiold Data AS", "Núñez Distribución SL",
    "Gärtner Maschinenbau AG", "Lüdenscheider Stahl GmbH", "Ça Va Retail SA",
)


def fair_rows() -> list[Row]:
    rng = generator(1414)
    titles = {"Einkaufsleiter": 4, "Geschäftsführer": 5, "Head of Finance": 3,
              "Responsable achats": 2, "IT-Leiter": 3, "Controller": 3, "Student": 1,
              "Directeur général": 2, "": 2}
    rows = []
    for _ in range(520):
        first, last = person(rng)
        employees = int(np.clip(rng.lognormal(5.2, 1.3), 2, 40000)) if chance(rng, 0.9) \
            else None
        revenue = (employees or 80) * rng.lognormal(11.6, 0.5) if chance(rng, 0.75) else None
        budget = float(round(rng.lognormal(9.4, 0.9), -2)) if chance(rng, 0.55) else None
        day = day_in(rng, dt.date(2025, 1, 13), dt.date(2025, 10, 24))
        rows.append({
            "Company": FAIR_COMPANIES[int(rng.integers(0, len(FAIR_COMPANIES)))],
            "Contact": f"{first} {last}", "Job Title": pick(rng, titles),
            "Country": pick(rng, {"Germany": 50, "Austria": 12, "Switzerland": 10,
                                  "France": 10, "Italy": 5, "Netherlands": 5, "-": 5, "": 3}),
            "Industry": pick(rng, {"Manufacturing": 30, "Software": 15, "Logistics": 15,
                                   "Financial Services": 10, "Retail": 12, "Healthcare": 8,
                                   "n/a": 10}),
            "Employees": eu_number(employees, 0) if employees is not None else "",
            "Annual Revenue": eu_number(revenue) if revenue is not None else "",
            "Budget": eu_number(budget) if budget is not None else "",
            "Demo Requested": "Yes" if chance(rng, 0.3) else "No",
            "Booth Visits": str(int(rng.geometric(0.55))),
            "Created": day.strftime("%d.%m.%Y"),
        })
    return rows


def write_fair(rows: list[Row]) -> None:
    body = csv_text(FAIR_HEADER, [[text(r[k]) for k in FAIR_HEADER] for r in rows], sep=";",
                    newline="\r\n")
    write("trade_fair_leads_latin1.csv", "sep=;\r\n" + body, encoding="latin-1")


def write_rows(name: str, header: Sequence[str], rows: list[Row], sep: str = ",",
               newline: str = "\n", encoding: str = "utf-8", bom: bool = False) -> None:
    write(name, csv_text(header, [[text(r[k]) for k in header] for r in rows], sep, newline),
          encoding, bom)


def main() -> None:
    write_maven(maven_rows())
    write_xed(xed_rows())
    write_olist(olist_rows())
    write_rows("salesforce_leads.csv", SF_LEAD_HEADER, sf_lead_rows())
    write_rows("salesforce_report.csv", SF_REPORT_HEADER, sf_report_rows(), newline="\r\n")
    write_rows("hubspot_contacts_all.csv", HUBSPOT_HEADER, hubspot_rows())
    write_rows("european_deals.csv", EU_DEALS_HEADER, eu_deal_rows(), sep=";",
               newline="\r\n", bom=True)
    write_rows("european_tab_no_thousands.tsv", TSV_HEADER, tsv_rows(), sep="\t")
    write_rows("opportunities_open_stages.csv", OPP_HEADER, opportunity_rows())
    write_rows("custom_crm.csv", CUSTOM_HEADER, custom_rows())
    write_fair(fair_rows())


if __name__ == "__main__":
    main()
