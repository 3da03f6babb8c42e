"""A column of tags is read tag by tag.

Marketing tools export a lead's tags in one cell between commas: ActiveCampaign's "Tags"
("webinar, demo-request"), Mailchimp's "TAGS" with each tag quoted ('"Demo Request","Ebook"').
Each cell was one value: "Tags is one of demo-request" caught only the leads with that tag
alone (36 leads where 177 had it: the lift of demo requests read 0.85 instead of 1.74), and
the form offered whole cells. Expected figures: plain pandas splitting the cells itself."""
from __future__ import annotations

import csv
import io
import random

import pandas as pd
import pytest

from tests.rules_in_duckdb import sql_stages
from workshop import rules
from workshop.definition import Criterion, Definition
from workshop.evaluate import evaluate
from workshop.lead_values import lead_values
from workshop.pipeline import import_leads
from workshop.sql import to_sql

AC_TAGS = ["webinar", "demo-request", "pricing", "partner", "trial"]
MC_TAGS = ["Demo Request", "Ebook", "Webinar Attendee", "Pricing Page", "Customer"]


def activecampaign(rows: int = 900, seed: int = 8) -> str:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Email", "Organization", "Tags", "Lead Score", "Deal Status"])
    for n in range(rows):
        tags = rng.sample(AC_TAGS, rng.choice([0, 1, 1, 2, 3]))
        company = rng.choice([f"Co {n}", f"Acme {n}, Inc.", f"Firm {n}, LLC"])
        writer.writerow([f"a{n}@co{n}.com", company, ", ".join(tags), rng.randint(0, 100),
                         rng.choice(["Won", "Lost", "Open", ""])])
    return out.getvalue()


def mailchimp(rows: int = 900, seed: int = 9) -> str:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Email Address", "Company", "MEMBER_RATING", "TAGS"])
    for n in range(rows):
        tags = rng.sample(MC_TAGS, rng.choice([0, 1, 2, 3]))
        writer.writerow([f"m{n}@firm{n}.io", f"Firm {n}", rng.randint(1, 5),
                         ",".join(f'"{tag}"' for tag in tags)])
    return out.getvalue()


EXPORTS = {"activecampaign": (activecampaign, "Tags", AC_TAGS, "Email"),
           "mailchimp": (mailchimp, "TAGS", MC_TAGS, "Email Address")}


def tags_of(text: str, header: str) -> pd.Series:
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return frame[header].map(lambda cell: {t.strip().strip('"') for t in cell.split(",")}
                             - {""})


def expected(text: str, header: str, op: str, tag: str) -> list[bool]:
    tags = tags_of(text, header)
    has = tags.map(lambda chosen: tag in chosen)
    if op == "in":
        return has.tolist()
    return (tags.map(bool) & ~has).tolist()  # no tag at all is unknown to the rule


def rule(header: str, op: str, tag: str) -> Definition:
    return Definition(criteria=[Criterion(field=header, op=op, values=[tag])])


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("op", ["in", "not_in"])
def test_a_rule_on_a_tag_takes_every_lead_with_it(name, op):
    make, header, tags, _ = EXPORTS[name]
    text = make()
    leads = import_leads(text.encode(), f"{name}.csv").leads
    for tag in tags:
        got = evaluate(leads, rule(header, op, tag)).frame["is_mql"].tolist()
        assert got == expected(text, header, op, tag), tag
        assert 0 < sum(got) < len(got)


@pytest.mark.parametrize("name", EXPORTS)
def test_the_form_offers_each_tag_with_its_leads(name):
    make, header, tags, _ = EXPORTS[name]
    text = make()
    offered = lead_values(import_leads(text.encode(), f"{name}.csv").leads).columns[header]
    counts = dict(zip(offered.values, offered.counts, strict=True))
    assert set(counts) == set(tags)
    chosen = tags_of(text, header)
    assert counts == {tag: int(chosen.map(lambda c, t=tag: t in c).sum()) for tag in tags}


@pytest.mark.parametrize("name", EXPORTS)
def test_the_rules_sql_reads_the_tags_as_the_app(tmp_path, name):
    make, header, tags, email = EXPORTS[name]
    text = make()
    imported = import_leads(text.encode(), f"{name}.csv")
    path = tmp_path / f"{name}.csv"
    path.write_text(text)
    for op in ("in", "not_in"):
        definition = rule(header, op, tags[1])
        sql = rules.definition_sql(definition, leads=imported.leads,
                                   mapping=imported.mapping).decode()
        order = f"CAST(regexp_extract(\"{email}\", '[0-9]+') AS INTEGER)"
        stages = sql_stages(path, sql, order)
        assert [s != "Not qualified" for s in stages] == expected(text, header, op, tags[1])


def test_a_tag_rule_runs_on_postgresql(postgres_url):
    import psycopg

    from workshop.sql import readings_for

    text = activecampaign()
    imported = import_leads(text.encode(), "activecampaign.csv")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS leads")
        connection.execute('CREATE TABLE leads (n integer, "Tags" text)')
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO leads VALUES (%s, %s)",
                               [(i, cell or None) for i, cell in enumerate(frame["Tags"])])
        for op in ("in", "not_in"):
            definition = rule("Tags", op, "demo-request")
            sql = to_sql(definition, readings=readings_for(imported.leads, definition))
            rows = connection.execute(f"SELECT lead_stage FROM ({sql}) AS s ORDER BY n"
                                      ).fetchall()
            assert [r[0] != "Not qualified" for r in rows] == expected(
                text, "Tags", op, "demo-request")


def test_commas_outside_a_tag_column_stay_as_written():
    """A company "Acme 3, Inc." is one name, and a "Tags" column without a comma or a
    quote is read as it is."""
    text = activecampaign()
    leads = import_leads(text.encode(), "activecampaign.csv").leads
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert leads["company"].astype(str).tolist() == frame["Organization"].tolist()
    single = "Email,Tags\n" + "".join(f"x{n}@y.com,{AC_TAGS[n % 5]}\n" for n in range(50))
    alone = import_leads(single.encode(), "single.csv").leads
    assert alone["Tags"].astype(str).tolist() == [AC_TAGS[n % 5] for n in range(50)]


def test_a_scorecard_suggests_adding_a_tag_never_a_cell_of_tags():
    """The change suggested names one tag ("adding trial to tags"), as the form offers them:
    it offered whole cells ("adding trial;webinar;pricing to tags")."""
    from workshop.scorecard import scorecard

    rng = random.Random(12)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Email", "Tags", "Deal Status"])
    for n in range(3000):
        tags = rng.sample(AC_TAGS, rng.choice([1, 2, 3]))
        won = rng.random() < (0.6 if "trial" in tags else 0.08)
        writer.writerow([f"a{n}@co{n}.com", ", ".join(tags), "Won" if won else "Lost"])
    leads = import_leads(out.getvalue().encode(), "tags.csv").leads
    change = scorecard(leads, rule("Tags", "in", "demo-request")).change
    assert change is not None and change.what == "adding trial to tags"


def test_the_data_quality_table_says_the_tags_are_read_one_by_one():
    from workshop.quality import quality_summary

    text = activecampaign()
    imported = import_leads(text.encode(), "activecampaign.csv")
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    summary = quality_summary(raw, imported.mapping.columns, imported.leads, also=["Tags"])
    assert summary.field("Tags").read_as == "tags, each between commas read on its own"
    assert summary.field("Tags").missing == int((raw["Tags"] == "").sum())
