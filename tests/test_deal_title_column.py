"""A "Title" that holds deal names is no job title, and the job title goes to the column that
holds one: ActiveCampaign's deal export has "Title" (the deal) and "Contact Job Title". The title
rule read the deal names ("Deal 12"), so the sales-qualified count was 0 on every page with no
word of why."""
from __future__ import annotations

import io
import random

import pandas as pd

from workshop.definition import Criterion, Definition
from workshop.evaluate import missing_columns
from workshop.importer import read_export
from workshop.leads import normalise
from workshop.measure import measure
from workshop.pipeline import import_leads

TITLES = ["VP Marketing", "Chief Revenue Officer", "Director of IT", "Head of Sales",
          "Marketing Manager", "Analyst", "Sales Representative", "CEO", "Office Manager", ""]
SENIOR_WORDS = ("chief", "vp", "director", "head", "ceo")


def activecampaign_deals(rows: int = 900, *, with_job_title: bool = True) -> bytes:
    rng = random.Random(33)
    records = []
    for i in range(rows):
        record = {
            "Deal ID": 7000 + i, "Title": f"Deal {i}", "Value": f"${rng.choice([1, 5, 25])},000.00",
            "Currency": "usd", "Owner": "Alex", "Pipeline": "Sales",
            "Stage": rng.choice(["To Contact", "In Contact", "Follow Up", "Proposal"]),
            "Status": rng.choice(["Won", "Lost", "Open"]),
            "Created Date": f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/2025 10:{i % 60:02d}",
            "Contact Email": f"a{i}@ex{i}.com",
            "Account Name": f"Acc {i}",
            "Account Industry": rng.choice(["Technology", "Finance", "Real Estate", ""]),
            "Account Number of Employees": rng.choice(["2", "45", "180", "600", "2200", ""]),
        }
        if with_job_title:
            record["Contact Job Title"] = rng.choice(TITLES)
        records.append(record)
    out = io.StringIO()
    pd.DataFrame(records).to_csv(out, index=False)
    return out.getvalue().encode()


DEFINITION = Definition(criteria=[
    Criterion(field="employees", op="between", low=50, high=5000, role="must", gate="mql"),
    Criterion(field="job_title", op="contains_any", values=["Chief", "VP", "Director", "Head",
                                                            "CEO"], role="must", gate="sql"),
])


def expected_counts(data: bytes) -> tuple[int, int]:
    """Plain pandas: MQL = employees 50 to 5000; SQL = those whose contact's title holds one
    of the words (as a word or part of one, ignoring case)."""
    table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    employees = pd.to_numeric(table["Account Number of Employees"], errors="coerce")
    mql = employees.between(50, 5000)
    title = table["Contact Job Title"].str.lower()
    senior = title.apply(lambda t: any(word in t for word in SENIOR_WORDS))
    return int(mql.sum()), int((mql & senior).sum())


def test_the_job_title_goes_to_the_contacts_title_not_the_deals_name():
    data = activecampaign_deals()
    imported = import_leads(data, "deals.csv")
    mapping = imported.mapping.columns
    assert mapping.get("Contact Job Title") == "job_title"
    assert mapping.get("Title") != "job_title"
    mql, sql = expected_counts(data)
    assert sql > 0
    figures = measure(imported.leads, DEFINITION)
    assert (figures.qualified, figures.sql) == (mql, sql)


def test_an_unmapped_title_of_deal_names_is_no_column_for_a_job_title_rule():
    """Without any job title in the export, the rule names its missing column (the pages say
    so) instead of reading deal names and counting 0."""
    imported = import_leads(activecampaign_deals(with_job_title=False), "deals.csv")
    assert "Title" in imported.leads.columns
    assert missing_columns(imported.leads, DEFINITION) == ["job_title"]


def test_an_unmapped_title_of_job_titles_still_serves_a_job_title_rule():
    """A "Title" of real job titles left unmapped (a mapping made by hand without it) still
    serves a rule on the job title, as an unmapped "Sector" serves an industry rule."""
    raw = activecampaign_deals().decode()
    raw = raw.replace("Title,", "Deal Name,", 1).replace("Contact Job Title", "Title", 1)
    table, _ = read_export(raw.encode(), "deals.csv")
    unmapped = normalise(table, {})
    titles = Definition(criteria=[DEFINITION.criteria[1]])
    assert missing_columns(unmapped, titles) == []
    senior = table["Title"].fillna("").str.lower().apply(
        lambda t: any(word in t for word in SENIOR_WORDS))
    assert measure(unmapped, titles).sql == int(senior.sum()) > 0
