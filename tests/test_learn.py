"""The data's own draft: found where the won deals single out a segment, absent where they do
not, honest about which leads it was checked on, and an ordinary definition everywhere.

Expected figures are worked out again here in plain pandas from the CSV as written (dates read
with an explicit day-first format, outcomes from the deal stage by hand), not through the app's
import, split or evaluation."""
from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from workshop import demo
from workshop.definition import Action, Definition
from workshop.evaluate import evaluate
from workshop.leads import load_sample_leads
from workshop.learn import (
    MIN_WINS,
    NOTHING_SINGLED_OUT,
    CannotLearn,
    holdout_figures,
    learn,
    split,
)
from workshop.pipeline import import_leads_file
from workshop.sql import to_sql, types_of

INDUSTRIES = ["Healthcare", "Software", "Retail", "Manufacturing", "Education", "Logistics",
              "Media", "Energy"]
SOURCES = ["organic_search", "paid_search", "referral", "events", "n/a", "Select"]
TITLES = ["Finance Manager", "CFO", "Head of IT", "Marketing Lead", "Accountant",
          "Operations Director", "Sales Rep", "n/a"]
STAGES_WON, STAGES_LOST, STAGES_OPEN = "Closed Won", "Closed Lost", "Negotiation"


def planted_export(path: Path, *, rows: int = 3000, seed: int = 1, shuffle: bool = False,
                   dates: bool = True, healthcare_rate: float = 0.40,
                   other_rate: float = 0.08, fades: bool = False) -> pd.DataFrame:
    """A European-style CRM export (semicolons, day-first dates, decimal commas, placeholder
    words, snake_case sources) where Healthcare leads win `healthcare_rate` of their deals and
    everyone else `other_rate` (with `fades`, only until August: later Healthcare wins like
    everyone else); every other column is noise. Returns the truth as written:
    one row per lead with `industry` (as written, lower case), `created` (a Timestamp), `won`,
    `open`."""
    rng = np.random.default_rng(seed)
    industry = rng.choice(INDUSTRIES, size=rows)
    healthcare = industry == "Healthcare"
    spelled = np.where(healthcare & (rng.random(rows) < 0.2), "healthcare", industry)
    spelled = np.where(rng.random(rows) < 0.04, "n/a", spelled)
    created = (pd.Timestamp("2025-01-01")
               + pd.to_timedelta(rng.integers(0, 365 * 24 * 60, rows), unit="min"))
    favoured = healthcare & ((created < pd.Timestamp("2025-09-01")) if fades else True)
    won = rng.random(rows) < np.where(favoured, healthcare_rate, other_rate)
    if shuffle:
        won = rng.permutation(won)
    is_open = (rng.random(rows) < 0.06) & ~won
    no_deal = ~won & ~is_open & (rng.random(rows) < 0.5)
    stage = np.select([won, is_open, no_deal], [STAGES_WON, STAGES_OPEN, ""], STAGES_LOST)
    employees = rng.integers(5, 20_000, rows)
    revenue = rng.integers(100_000, 90_000_000, rows) + rng.integers(0, 100, rows) / 100
    frame = pd.DataFrame({
        "Lead ID": np.arange(1, rows + 1),
        "Company": [f"Firma {i} GmbH" for i in range(rows)],
        "Kundensegment": spelled,
        "Employees": [f"{e:,}".replace(",", ".") for e in employees],
        "Annual Revenue (EUR)": [f"{r:,.2f}".replace(",", "X").replace(".", ",")
                                 .replace("X", ".") for r in revenue],
        "Job Title": rng.choice(TITLES, size=rows),
        "Lead Source": rng.choice(SOURCES, size=rows),
        "Webinar Attended": rng.choice(["Yes", "No", "unknown"], size=rows),
        "Deal Stage": stage,
    })
    if dates:
        frame.insert(1, "Created", created.strftime("%d/%m/%Y %H:%M"))
    frame.to_csv(path, sep=";", index=False)
    return pd.DataFrame({"industry": pd.Series(spelled).str.casefold(), "created": created,
                         "won": won, "open": is_open})


def held_months(created: pd.Series, share: float = 0.3) -> set[pd.Period]:
    """The newest whole months holding about `share` of the leads, worked out by hand."""
    counts = created.dt.to_period("M").value_counts().sort_index(ascending=False)
    cumulative = counts.cumsum()
    wanted = share * counts.sum()
    taken = int((cumulative < wanted).sum()) + 1
    taken = min(max(taken, 1), len(counts) - 1)
    return set(counts.index[:taken])


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    path = tmp_path_factory.mktemp("planted") / "leads.csv"
    truth = planted_export(path)
    return import_leads_file(path), truth


def test_a_planted_signal_is_found_and_nothing_else(planted):
    imported, truth = planted
    learned = learn(imported.leads, mapping=imported.mapping)
    assert learned.found, learned.reason
    rules = [*learned.definition.criteria, *learned.definition.actions]
    # "Kundensegment" is no usual header, so it stays the export's own column: learned all the
    # same, its "healthcare" spelling read as "Healthcare" as every rule reads it.
    assert [(r.field, r.values) for r in rules] == [("Kundensegment", ["Healthcare"])]
    assert learned.definition.criteria[0].role in ("must", "nice")
    # The evidence, worked out by hand on the months learned from.
    held = truth["created"].dt.to_period("M").isin(held_months(truth["created"]))
    older = truth[~held & ~truth["open"]]
    base = older["won"].mean()
    healthcare = older[older["industry"] == "healthcare"]
    evidence = learned.evidence[0]
    assert (evidence.decided, evidence.won) == (len(healthcare), int(healthcare["won"].sum()))
    assert evidence.sentence == (
        f"Kundensegment is Healthcare: {healthcare['won'].mean():.0%} of {len(healthcare):,} "
        "decided leads won, "
        f"against {base:.0%} overall")
    assert evidence.sentence in learned.definition.notes["other"]
    # How it did on the held-back months, by hand: MQL = Healthcare.
    newer = truth[held]
    mql = newer["industry"] == "healthcare"
    decided = ~newer["open"]
    figures = learned.holdout
    months = newer["created"].dt.to_period("M").nunique()
    assert learned.split.since == min(held_months(truth["created"])).strftime("%Y-%m")
    assert (figures.leads, figures.mql, figures.wins, figures.won_mql) == (
        len(newer), int(mql.sum()), int(newer["won"].sum()), int((mql & newer["won"]).sum()))
    assert figures.mql_per_month == round(mql.sum() / months, 1)
    rate = (mql & newer["won"]).sum() / (mql & decided).sum()
    assert figures.win_rate == pytest.approx(rate)
    assert figures.win_rate_low < rate < figures.win_rate_high
    assert figures.wins_caught == pytest.approx((mql & newer["won"]).sum() / newer["won"].sum())
    rest = (~mql & newer["won"]).sum() / (~mql & decided).sum()
    assert figures.lift == pytest.approx(rate / rest)


def test_shuffled_outcomes_single_out_nothing(tmp_path):
    """Thirty exports whose outcomes were shuffled: at most one may get a segment past the
    interval on the older leads (the price paid for the segments put to the test keeps it to
    about one in twenty), and none past the check on the newer leads."""
    screened_in = 0
    for seed in range(100, 130):
        path = tmp_path / f"leads-{seed}.csv"
        planted_export(path, seed=seed, shuffle=True)
        imported = import_leads_file(path)
        learned = learn(imported.leads, mapping=imported.mapping)
        assert not learned.found, (seed, [e.sentence for e in learned.evidence])
        assert learned.definition is None and learned.evidence == ()
        assert learned.reason.startswith(NOTHING_SINGLED_OUT)
        assert learned.to_dict() == {"found": False, "reason": learned.reason}
        screened_in += not learned.reason.startswith(
            f"{NOTHING_SINGLED_OUT}: no value, range, title word or action won more often")
    assert screened_in <= 1


def test_a_segment_outside_which_nobody_wins_is_a_must_have(tmp_path):
    path = tmp_path / "leads.csv"
    truth = planted_export(path, rows=4000, other_rate=0.004)
    imported = import_leads_file(path)
    learned = learn(imported.leads, mapping=imported.mapping)
    assert learned.found
    assert [(c.field, c.values, c.role) for c in learned.definition.criteria] == [
        ("Kundensegment", ["Healthcare"], "must")]
    assert learned.definition.threshold == 0 and learned.definition.actions == []
    held = truth["created"].dt.to_period("M").isin(held_months(truth["created"]))
    assert learned.holdout.mql == int((truth.loc[held, "industry"] == "healthcare").sum())


def test_columns_recorded_after_the_fact_are_not_learned_from():
    from workshop.learn import learnable_columns

    leads = load_sample_leads().assign(**{
        "Closed Won Date": "2026-01-01", "IsConverted": True, "Deal Owner": "Ann",
        "Opportunity Amount": 10.0, "Region": "EMEA", "Ideal score": 3.0})
    columns = learnable_columns(leads)
    assert not {"Closed Won Date", "IsConverted", "Deal Owner", "Opportunity Amount",
                "lifecycle_stage", "deal_stage", "amount", "outcome", "is_customer"} & set(columns)
    assert columns["Region"] == "category" and columns["Ideal score"] == "number"
    assert learnable_columns(leads, exclude=["Region"]).get("Region") is None


def test_what_a_rep_fills_in_while_working_a_lead_is_not_learned_from(tmp_path):
    """An opportunities export's probability and close date, a rep's tags, rating and last
    activity say how the deal went: each of them, planted to match the outcome exactly, is
    left out, and the planted industry signal is what is found."""
    path = tmp_path / "opportunities.csv"
    truth = planted_export(path)
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    won = truth["won"].to_numpy()
    raw["Probability"] = np.where(won, "100", "10")
    raw["CloseDate"] = np.where(won, "01/01/2026", "")
    raw["Tags"] = np.where(won, "Will revert after reading the email", "Ringing")
    raw["Lead Quality"] = np.where(won, "High in Relevance", "Worst")
    raw["Last Notable Activity"] = np.where(won, "SMS Sent", "Email Opened")
    raw.to_csv(path, sep=";", index=False)
    learned = learn(import_leads_file(path).leads)
    assert learned.found
    used = {rule.field for rule in (*learned.definition.criteria, *learned.definition.actions)}
    assert used == {"Kundensegment"}, learned.to_dict()["evidence"]  # the industry, as exported


def test_a_number_that_matters_only_by_being_given_reads_as_given(tmp_path):
    """Leads that declared a revenue at all win more, whatever the amount: the rule says
    "is given", not "is at least" the smallest amount."""
    path = tmp_path / "declared.csv"
    truth = planted_export(path, healthcare_rate=0.08)  # no industry signal
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(5)
    won = truth["won"].to_numpy()
    declared = rng.random(len(raw)) < np.where(won, 0.9, 0.3)
    raw["Declared monthly revenue"] = np.where(
        declared, rng.integers(0, 500_000, len(raw)).astype(str), "")
    raw.to_csv(path, sep=";", index=False)
    learned = learn(import_leads_file(path).leads)
    rules = [(c.field, c.op) for c in learned.definition.criteria]
    assert ("Declared monthly revenue", "is_known") in rules, learned.to_dict()["evidence"]
    evidence = learned.evidence_for(next(c for c in learned.definition.criteria
                                         if c.op == "is_known"))
    assert evidence.sentence.startswith("Declared monthly revenue is given")


@pytest.mark.parametrize("seed", [11, 12])
def test_the_sample_leads_with_shuffled_outcomes_single_out_nothing(seed):
    """Thirty columns and hundreds of segments looked at: chance alone must not pass."""
    leads = load_sample_leads()
    shuffled = leads.assign(outcome=np.random.default_rng(seed).permutation(
        leads["outcome"].to_numpy(dtype=object)))
    learned = learn(shuffled)
    assert not learned.found, [e.sentence for e in learned.evidence]
    assert learned.reason.startswith(NOTHING_SINGLED_OUT)


def test_a_signal_that_fades_before_the_newer_months_is_not_reported(tmp_path):
    """Healthcare won more until August and like everyone since: learned on the older months,
    it does not hold on the newer ones, so the data has no draft to offer."""
    path = tmp_path / "leads.csv"
    truth = planted_export(path, rows=4000, fades=True)
    imported = import_leads_file(path)
    learned = learn(imported.leads, mapping=imported.mapping)
    assert min(held_months(truth["created"])) >= pd.Period("2025-09", "M")
    assert not learned.found and learned.definition is None
    assert learned.reason.startswith(f"{NOTHING_SINGLED_OUT} that holds up")
    assert learned.holdout is not None and learned.holdout.wins >= 10


def test_too_few_wins_learn_nothing(tmp_path):
    path = tmp_path / "leads.csv"
    truth = planted_export(path, rows=600, healthcare_rate=0.08, other_rate=0.02)
    imported = import_leads_file(path)
    learned = learn(imported.leads)
    held = truth["created"].dt.to_period("M").isin(held_months(truth["created"]))
    wins = int(truth.loc[~held & ~truth["open"], "won"].sum())
    assert wins < MIN_WINS
    assert not learned.found
    assert learned.reason == (f"{NOTHING_SINGLED_OUT}: only {wins} won deals among the leads "
                              f"learned from (at least {MIN_WINS} are needed to tell a "
                              "segment from chance).")


def test_leads_without_outcomes_cannot_teach(tmp_path):
    leads = load_sample_leads().drop(columns=["outcome"])
    with pytest.raises(CannotLearn, match="no outcome"):
        learn(leads)
    only_open = load_sample_leads().assign(outcome="open")
    with pytest.raises(CannotLearn, match="won or lost"):
        learn(only_open)


def test_capacity_must_be_a_positive_number():
    for capacity in (0, -5, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="capacity"):
            learn(load_sample_leads(), capacity=capacity)


# --- an ordinary definition ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_learned():
    return learn(load_sample_leads())


def test_it_round_trips_through_json(sample_learned):
    definition = sample_learned.definition
    assert Definition.from_json(definition.to_json()) == definition
    assert Definition.from_json(definition.to_file_json({"company": "Lumen Ledger"})) \
        == definition


def test_pandas_and_duckdb_agree_on_the_learned_definition(sample_learned, planted):
    for leads, definition in ((load_sample_leads(), sample_learned.definition),
                              (planted[0].leads, learn(planted[0].leads).definition)):
        connection = duckdb.connect()
        connection.register("leads", leads)
        sql = to_sql(definition, types=types_of(leads))
        got = connection.execute(f"SELECT lead_stage, lead_points FROM ({sql})").df()
        expected = evaluate(leads, definition).frame
        assert got["lead_stage"].tolist() == expected["stage"].tolist()
        assert got["lead_points"].astype(int).tolist() == expected["points"].tolist()


def test_postgresql_agrees_on_the_learned_definition(sample_learned, postgres_url):
    import psycopg

    definition = sample_learned.definition
    leads = load_sample_leads()
    used = sorted({c.field for c in definition.criteria} | {a.field for a in definition.actions})
    table = leads[used]
    kinds = types_of(table)
    sql_types = {"number": "double precision", "boolean": "boolean", "text": "text",
                 "date": "timestamp"}
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS leads")
        columns = ", ".join(f'"{name}" {sql_types[kinds[name]]}' for name in used)
        connection.execute(f"CREATE TABLE leads (n integer, {columns})")
        rows = [(i, *(None if pd.isna(v) else (v.item() if hasattr(v, "item") else v)
                      for v in row)) for i, row in enumerate(table.itertuples(index=False))]
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * (len(used) + 1))
            cursor.executemany(f"INSERT INTO leads VALUES ({marks})", rows)
        sql = to_sql(definition, types=kinds)
        got = connection.execute(
            f"SELECT lead_stage, lead_points FROM ({sql}) AS s ORDER BY n").fetchall()
    expected = evaluate(leads, definition).frame
    assert [r[0] for r in got] == expected["stage"].tolist()
    assert [int(r[1]) for r in got] == expected["points"].tolist()


def test_nothing_recorded_after_a_lead_arrived_is_learned_from(sample_learned):
    """The lifecycle stage says Customer once a deal is won, the deal stage and amount exist
    only for deals: any of them would look like a perfect signal and mean nothing."""
    used = {c.field for c in sample_learned.definition.criteria}
    assert not used & {"lifecycle_stage", "deal_stage", "amount", "outcome", "is_customer",
                       "created", "created_month", "record_id", "email", "company"}


def test_every_rule_has_its_evidence(sample_learned):
    definition = sample_learned.definition
    rules = [*definition.criteria, *definition.actions]
    assert len(sample_learned.evidence) == len(rules)
    leads = load_sample_leads()
    older = leads.iloc[np.flatnonzero(sample_learned.split.fit)]
    decided = older["outcome"].ne("open").fillna(True).to_numpy()
    won = older["outcome"].eq("won").fillna(False).to_numpy()
    for rule, evidence in zip(rules, sample_learned.evidence, strict=True):
        assert sample_learned.evidence_for(rule) is evidence
        assert evidence.field == rule.field
        if isinstance(rule, Action):  # done at least once
            hit = (older[rule.field] > 0).to_numpy()
        else:
            alone = rule.model_copy(update={"role": "must", "points": 0})
            hit = evaluate(older, Definition(criteria=[alone])).frame["is_mql"].to_numpy(bool)
        assert (evidence.decided, evidence.won) == (int((hit & decided).sum()),
                                                    int((hit & won).sum()))
        assert evidence.low <= evidence.rate <= evidence.high
        if evidence.role == "disqualifier":
            assert evidence.rate <= 0.25 * evidence.base_rate
        else:
            assert evidence.low > evidence.base_rate


def test_the_threshold_fits_capacity():
    leads = load_sample_leads()
    capacity = 40.0
    learned = learn(leads, capacity=capacity)
    older = leads.iloc[np.flatnonzero(learned.split.fit)]
    months = older["created"].dt.to_period("M")

    def per_month(definition: Definition) -> float:
        mql = evaluate(older, definition).frame["is_mql"].to_numpy(bool)
        return mql.sum() / months.nunique()

    definition = learned.definition
    assert per_month(definition) <= capacity
    # The loosest threshold that fits: the next lower points level any lead reaches does not.
    points = evaluate(older, definition.model_copy(update={"threshold": 0})).frame["points"]
    lower = int(points[points < definition.threshold].max())
    assert per_month(definition.model_copy(update={"threshold": lower})) > capacity
    assert learned.to_dict()["capacity"] == capacity


# --- the split ----------------------------------------------------------------------------------

def test_without_dates_a_seeded_random_split_is_reproducible(tmp_path):
    path = tmp_path / "leads.csv"
    planted_export(path, dates=False, rows=4000)
    leads = import_leads_file(path).leads
    assert "created" not in leads.columns
    first, again, other = split(leads, 7), split(leads, 7), split(leads, 8)
    assert first.by == "random" and first.since is None
    assert np.array_equal(first.held, again.held)
    assert not np.array_equal(first.held, other.held)
    assert np.array_equal(first.fit, ~first.held)
    assert 0.27 < first.held.mean() < 0.33
    assert "random 30%" in first.describe() and "seed 7" in first.describe()
    one, two = learn(leads, seed=7), learn(leads, seed=7)
    assert one.found and one.definition == two.definition and one.holdout == two.holdout
    assert one.holdout.mql_per_month is None and one.holdout.months == 0


def test_the_newest_months_are_held_back():
    leads = load_sample_leads()
    parts = split(leads)
    month = leads["created"].dt.to_period("M")
    expected = held_months(leads["created"])
    assert parts.by == "date"
    assert set(month[parts.held]) == expected
    assert not set(month[parts.fit]) & expected
    assert parts.describe() == f"the leads created from {min(expected):%B %Y} on"


# --- the shipped sample leads against the demo drafts -------------------------------------------

def _held_back(leads: pd.DataFrame, definition: Definition, since: str) -> tuple[int, float]:
    """Wins caught and MQLs a month on the held-back months, counted by hand."""
    month = leads["created"].dt.strftime("%Y-%m")
    newer = (month >= since).to_numpy()
    mql = evaluate(leads, definition).frame["is_mql"].to_numpy(bool) & newer
    won = leads["outcome"].eq("won").fillna(False).to_numpy()
    return int((mql & won).sum()), mql.sum() / month[newer].nunique()


def test_on_the_sample_it_catches_more_wins_than_the_best_demo_draft(sample_learned):
    """The demo draft that catches the most held-back wins (marketing's) against the data's
    own draft, as learned without a capacity: at least as many wins, no more MQLs a month."""
    leads = load_sample_leads()
    since = sample_learned.split.since
    drafts = {name: _held_back(leads, draft, since) for name, draft in demo.drafts().items()}
    best = max(drafts, key=lambda name: drafts[name][0])
    wins, per_month = _held_back(leads, sample_learned.definition, since)
    assert wins >= drafts[best][0] and per_month <= drafts[best][1], (drafts, wins, per_month)
    assert (sample_learned.holdout.won_mql, sample_learned.holdout.mql_per_month) == (
        wins, round(per_month, 1))


@pytest.mark.parametrize("name", ["facilitator", "marketing"])
def test_given_a_drafts_own_volume_it_catches_at_least_as_many_wins(name):
    """A demo draft's MQLs a month on the older leads as the capacity: on the held-back months
    the data's draft catches at least as many wins with no more MQLs a month. (Sales' draft
    passes about one lead a month: too few to compare anything.)"""
    leads = load_sample_leads()
    draft = demo.drafts()[name]
    parts = split(leads)
    older = leads.iloc[np.flatnonzero(parts.fit)]
    volume = (evaluate(older, draft).frame["is_mql"].sum()
              / older["created"].dt.to_period("M").nunique())
    learned = learn(leads, capacity=float(volume))
    theirs = _held_back(leads, draft, parts.since)
    ours = _held_back(leads, learned.definition, parts.since)
    assert ours[0] >= theirs[0] and ours[1] <= theirs[1], (theirs, ours)
    assert holdout_figures(leads, draft, parts.held).won_mql == theirs[0]


def test_titles_held_as_categories_teach_what_the_same_titles_as_text_teach(sample_learned):
    leads = load_sample_leads()
    assert isinstance(leads["job_title"].dtype, pd.CategoricalDtype)  # as the import keeps them
    as_text = leads.assign(job_title=leads["job_title"].astype("str"))
    learned = learn(as_text)
    assert learned.definition == sample_learned.definition
    assert any(c.field == "job_title" for c in learned.definition.criteria)
