"""Category values as real CRM exports write them: countries as ISO codes, abbreviations and
names in other languages; HubSpot's and Salesforce's lead-source values.

Each expected figure is worked out in the test from the CSV with plain pandas and a reading of
the values written out by hand (which catalog option each one means, if any), not by the app's
own rules. A value that means no option stays as the export wrote it.
"""
from __future__ import annotations

import io

import pandas as pd
import pytest

from tests.builders import C, D
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads

US, UK, DE = "United States", "United Kingdom", "Germany"

# Country typed by hand into HubSpot's free-text "Country/Region", and how a person reads it
# (a country the catalog does not list reads as its English name; None: no one country, so it
# stays as written).
COUNTRY_BY_HAND = {
    "United States": US, "USA": US, "US": US, "U.S.": US, "U.S.A.": US, "usa": US,
    "United States of America": US, "Estados Unidos": US,
    "United Kingdom": UK, "UK": UK, "U.K.": UK, "Great Britain": UK, "GB": UK, "England": UK,
    "Germany": DE, "DE": DE, "DEU": DE, "Deutschland": DE, "Allemagne": DE,
    "France": "France", "FR": "France", "Frankreich": "France",
    "Holland": "Netherlands", "The Netherlands": "Netherlands", "NL": "Netherlands",
    "España": "Spain", "Espana": "Spain", "Sverige": "Sweden", "Brasil": "Brazil",
    "IN": "India", "CAN": "Canada", "Kanada": "Canada", "AUS": "Australia",
    "Japan": "Japan", "JP": "Japan", "Korea": None, "Other": "Other",
}

HUBSPOT_HEADER = "Record ID,First Name,Last Name,Email,Country/Region,Lifecycle Stage,Create Date"


def hubspot_contacts(countries: list[str]) -> str:
    """A HubSpot "All contacts" export with these countries, one contact each, in order."""
    rows = [HUBSPOT_HEADER]
    for number, country in enumerate(countries, start=1):
        field = f'"{country}"' if "," in country else country
        stage = ("customer", "lead", "marketingqualifiedlead")[number % 3]
        rows.append(f"{1000 + number},Ann,Lee{number},ann{number}@example.com,{field},{stage},"
                    f"2026-01-{number % 28 + 1:02d}")
    return "\n".join(rows) + "\n"


def imported(csv: str, name: str):
    return import_leads(csv.encode("utf-8"), name)


def read_by_hand(csv: str, column: str, by_hand: dict) -> tuple[pd.Series, pd.Series]:
    """The export's own values, and the catalog option a person reads in each (else missing)."""
    raw = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)[column]
    return raw, raw.map(by_hand)


def qualified(leads: pd.DataFrame, *criteria) -> int:
    return evaluate(leads, D(*criteria)).count("MQL")


def disqualified(leads: pd.DataFrame, criterion) -> int:
    return int(evaluate(leads, D(criterion)).summary()["disqualified"])


def test_countries_written_every_usual_way_meet_the_catalog_options():
    csv = hubspot_contacts(list(COUNTRY_BY_HAND))
    raw, read = read_by_hand(csv, "Country/Region", COUNTRY_BY_HAND)
    leads = imported(csv, "hubspot-contacts.csv").leads

    assert list(leads["country"].astype(str)) == list(read.fillna(raw))
    assert qualified(leads, C("country", "in", [US, UK])) == read.isin([US, UK]).sum()
    # "Not in the US, the UK or Germany" rules out only leads in some other country.
    outside = C("country", "not_in", [US, UK, DE], role="disqualifier")
    assert disqualified(leads, outside) == (~read.isin([US, UK, DE])).sum()
    assert disqualified(leads, outside) == 18  # France .. Japan, Korea, Other


def test_iso_codes_from_salesforce_country_picklists():
    # Salesforce with State and Country Picklists exports ISO 3166 alpha-2 codes.
    csv = """\
Id,LastName,Company,Country,Status,IsConverted
00Q5g00000AbCd1,Lee,Acme,US,Open - Not Contacted,false
00Q5g00000AbCd2,Kim,Globex,CA,Working - Contacted,true
00Q5g00000AbCd3,Roy,Initech,IN,Closed - Converted,true
00Q5g00000AbCd4,Fox,Umbrella,GB,Working - Contacted,false
00Q5g00000AbCd5,Day,Hooli,DE,Closed - Not Converted,false
00Q5g00000AbCd6,Ito,Soylent,JP,Open - Not Contacted,false
00Q5g00000AbCd7,Ali,Vandelay,AU,Closed - Converted,true
00Q5g00000AbCd8,Sun,Stark,IN,Working - Contacted,false
00Q5g00000AbCd9,Poe,Wayne,BR,Open - Not Contacted,false
00Q5g00000AbCe1,Moe,Tyrell,CA,Closed - Not Converted,false
"""
    by_hand = {"US": US, "CA": "Canada", "IN": "India", "GB": UK, "DE": DE, "JP": "Japan",
               "AU": "Australia", "BR": "Brazil"}
    raw, read = read_by_hand(csv, "Country", by_hand)
    leads = imported(csv, "salesforce-leads.csv").leads

    assert list(leads["country"].astype(str)) == list(read.fillna(raw))
    assert qualified(leads, C("country", "in", ["Canada", "India"])) == \
        read.isin(["Canada", "India"]).sum() == 4
    assert disqualified(leads, C("country", "in", ["Brazil", "Australia"],
                                 role="disqualifier")) == 2


def test_state_codes_typed_into_the_country_stay_as_written():
    # Some reps typed the US state: CA and IN are California and Indiana, not Canada and India.
    countries = ["United States", "USA", "CA", "NY", "TX", "IN", "CA", "Canada", "India", "U.S."]
    csv = hubspot_contacts(countries)
    by_hand = {"United States": US, "USA": US, "U.S.": US, "Canada": "Canada", "India": "India"}
    raw, read = read_by_hand(csv, "Country/Region", by_hand)
    leads = imported(csv, "hubspot-contacts.csv").leads

    assert list(leads["country"].astype(str)) == list(read.fillna(raw))
    assert qualified(leads, C("country", "in", [US])) == read.eq(US).sum() == 3
    assert qualified(leads, C("country", "in", ["Canada", "India"])) == 2


HUBSPOT_SOURCES_INTERNAL = """\
Record ID,Email,Original Source,Original Source Drill-Down 1,Lifecycle Stage
1,a@acme.com,REFERRALS,partner-site.com,customer
2,b@acme.com,REFERRALS,g2.com,lead
3,c@acme.com,ORGANIC_SEARCH,google,lead
4,d@acme.com,OFFLINE,IMPORT,customer
5,e@acme.com,SOCIAL_MEDIA,LinkedIn,lead
6,f@acme.com,PAID_SOCIAL,Facebook,lead
7,g@acme.com,AI_REFERRALS,chatgpt.com,customer
8,h@acme.com,DIRECT_TRAFFIC,,lead
9,i@acme.com,REFERRALS,capterra.com,customer
10,j@acme.com,EMAIL_MARKETING,Newsletter,lead
"""
# The same contacts exported with HubSpot's labels instead of its internal values.
HUBSPOT_SOURCES_LABELS = (
    HUBSPOT_SOURCES_INTERNAL.replace("AI_REFERRALS", "AI Referrals")
    .replace("REFERRALS", "Referrals").replace("ORGANIC_SEARCH", "Organic Search")
    .replace("OFFLINE", "Offline Sources").replace("SOCIAL_MEDIA", "Organic Social")
    .replace("PAID_SOCIAL", "Paid Social").replace("DIRECT_TRAFFIC", "Direct Traffic")
    .replace("EMAIL_MARKETING", "Email Marketing"))
HUBSPOT_SOURCE_BY_HAND = {
    "REFERRALS": "Referral", "Referrals": "Referral",
    "ORGANIC_SEARCH": "Organic search", "Organic Search": "Organic search",
    "SOCIAL_MEDIA": "Social media", "Organic Social": "Social media",
    "DIRECT_TRAFFIC": "Direct traffic", "Direct Traffic": "Direct traffic",
    "EMAIL_MARKETING": "Email marketing", "Email Marketing": "Email marketing",
    # Paid social is neither paid search nor (organic) social media; AI referrals are visits
    # from chat assistants: these name no option, and stay as written.
    "OFFLINE": None, "Offline Sources": None, "PAID_SOCIAL": None, "Paid Social": None,
    "AI_REFERRALS": None, "AI Referrals": None,
}


@pytest.mark.parametrize("csv", [HUBSPOT_SOURCES_INTERNAL, HUBSPOT_SOURCES_LABELS],
                         ids=["internal values", "labels"])
def test_hubspot_original_source_meets_the_catalog_lead_sources(csv):
    raw, read = read_by_hand(csv, "Original Source", HUBSPOT_SOURCE_BY_HAND)
    leads = imported(csv, "hubspot-contacts.csv").leads

    assert list(leads["lead_source"].astype(str)) == list(read.fillna(raw))
    for option in ("Referral", "Social media", "Organic search"):
        assert qualified(leads, C("lead_source", "in", [option])) == read.eq(option).sum()
    assert qualified(leads, C("lead_source", "in", ["Referral"])) == 3


SALESFORCE_REPORT = """\
Lead Owner,First Name,Last Name,Title,Company / Account,Lead Source,Lead Status,Country
Dana Ross,Ann,Lee,CFO,Acme,Web,Open - Not Contacted,United States
Dana Ross,Bo,Kim,VP Sales,Globex,Partner Referral,Working - Contacted,United States
Dana Ross,Cy,Roy,CTO,Initech,Employee Referral,Closed - Converted,Canada
Eli Park,Di,Fox,Head of IT,Umbrella,External Referral,Working - Contacted,Germany
Eli Park,Ed,Day,Controller,Hooli,Word of mouth,Closed - Not Converted,France
Eli Park,Flo,Ito,COO,Soylent,Trade Show,Open - Not Contacted,Japan
Eli Park,Gus,Ali,CEO,Vandelay,Seminar - Internal,Closed - Converted,United States
Dana Ross,Hal,Sun,CIO,Stark,Seminar - Partner,Working - Contacted,India
Dana Ross,Ida,Poe,CFO,Wayne,Partner,Open - Not Contacted,Brazil
Dana Ross,Jo,Moe,VP Finance,Tyrell,Phone Inquiry,Closed - Not Converted,Canada
Eli Park,Kai,Orr,Director IT,Cyberdyne,Purchased List,Open - Not Contacted,Spain
Eli Park,Lu,Vos,CEO,Wonka,--None--,Open - Not Contacted,United States
"""
SALESFORCE_SOURCE_BY_HAND = {
    "Employee Referral": "Referral", "External Referral": "Referral", "Word of mouth": "Referral",
    "Trade Show": "Events", "Seminar - Internal": "Events", "Partner": "Partner",
    # A partner's referral, or a seminar held with a partner, is as much one option as the
    # other; the web, a phone call or a bought list is none of them.
    "Partner Referral": None, "Seminar - Partner": None, "Web": None, "Phone Inquiry": None,
    "Purchased List": None, "--None--": None,
}
# Kinds of an option Salesforce keeps apart: a rule on the option takes them in, and the import
# keeps them as written, so that a rule can also name one of them alone.
SALESFORCE_KINDS = {"Employee Referral", "External Referral", "Word of mouth", "Trade Show",
                    "Seminar - Internal"}


def test_salesforce_lead_sources_meet_the_catalog_lead_sources():
    raw, read = read_by_hand(SALESFORCE_REPORT, "Lead Source", SALESFORCE_SOURCE_BY_HAND)
    leads = imported(SALESFORCE_REPORT, "salesforce-report.csv").leads

    kept = raw.isin(SALESFORCE_KINDS)
    assert list(leads["lead_source"].astype(str)) == list(read.fillna(raw).mask(kept, raw))
    for option in ("Referral", "Events", "Partner"):
        assert qualified(leads, C("lead_source", "in", [option])) == read.eq(option).sum()
    assert qualified(leads, C("lead_source", "in", ["Referral"])) == 3
    known = raw.ne("--None--")  # a lead without a source meets no rule on it
    assert qualified(leads, C("lead_source", "not_in", ["Referral"])) == \
        (known & read.ne("Referral")).sum() == 8
    # A value that means no option is still there for a rule to name ...
    assert qualified(leads, C("lead_source", "in", ["Partner referral"])) == 1
    # ... and so is one kind of an option, alone.
    for kind in sorted(SALESFORCE_KINDS):
        assert qualified(leads, C("lead_source", "in", [kind])) == raw.eq(kind).sum() == 1
        assert qualified(leads, C("lead_source", "not_in", [kind])) == \
            (known & raw.ne(kind)).sum() == 10


def test_rules_naming_the_exports_own_spelling_still_match():
    # A definition written while looking at the export ("USA", "REFERRALS") keeps matching the
    # leads the import now reads as the catalog option, whichever way each lead wrote it.
    csv = hubspot_contacts(list(COUNTRY_BY_HAND))
    _, read = read_by_hand(csv, "Country/Region", COUNTRY_BY_HAND)
    leads = imported(csv, "hubspot-contacts.csv").leads
    assert qualified(leads, C("country", "in", ["USA", "GB"])) == read.isin([US, UK]).sum()

    _, sources = read_by_hand(HUBSPOT_SOURCES_INTERNAL, "Original Source",
                              HUBSPOT_SOURCE_BY_HAND)
    leads = imported(HUBSPOT_SOURCES_INTERNAL, "hubspot-contacts.csv").leads
    assert qualified(leads, C("Original Source", "in", ["REFERRALS"])) == \
        sources.eq("Referral").sum()


def test_a_large_export_is_read_per_distinct_value():
    # 60,000 contacts: the column is read as a Categorical of its few distinct values.
    countries = list(COUNTRY_BY_HAND)
    csv = hubspot_contacts([countries[i % len(countries)] for i in range(60_000)])
    raw, read = read_by_hand(csv, "Country/Region", COUNTRY_BY_HAND)
    leads = imported(csv, "hubspot-contacts.csv").leads

    assert isinstance(leads["country"].dtype, pd.CategoricalDtype)
    assert (leads["country"].astype(str).to_numpy() == read.fillna(raw).to_numpy()).all()
    assert qualified(leads, C("country", "in", [US, UK, DE])) == read.isin([US, UK, DE]).sum()
