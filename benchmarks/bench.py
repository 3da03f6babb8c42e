"""Speed as ratios against a reference measured in the same run (never as timed tests).

    python benchmarks/bench.py [--rows 1000000]

Ends with one JSON line, e.g.
{"evaluate_vs_duckdb": 1.12, "import_vs_pyarrow": 1.6, "rerun_vs_full_sample": 0.2,
 "rerun_vs_full": 0.15, "learn_seconds": 3.1, "learn_vs_evaluate": 4.2, "rows": 1000000}
(rerun_vs_full: step 3 after one Apply, every draft and the shared definition evaluated again
with the per-condition masks kept, against the same from scratch; on the sample and on `rows`.
learn_seconds: the data's own draft learned from `rows` leads, median of interleaved runs, target
under 10 s on 2 cores; learn_vs_evaluate: the same against one evaluation of a realistic
definition). Before it, the sample leads' held-back months: the learned definition against the
demo drafts.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.csv as pa_csv

from workshop import demo
from workshop.definition import Action, Criterion, Definition
from workshop.evaluate import evaluate
from workshop.leads import load_sample_leads
from workshop.learn import holdout_figures, learn
from workshop.pipeline import import_leads
from workshop.sample_data import generate_leads
from workshop.sql import SqlWriter, types_of


def realistic_definition() -> Definition:
    """15 criteria over both gates, nice-to-haves and disqualifiers, plus points."""
    return Definition(criteria=[
        Criterion(field="industry", op="in", values=["Software", "Financial Services",
                                                     "Healthcare", "Professional Services"]),
        Criterion(field="employees", op="between", low=100, high=5000),
        Criterion(field="annual_revenue", op="at_least", low=5_000_000),
        Criterion(field="job_function", op="in", values=["Finance", "Executive"]),
        Criterion(field="country", op="not_in", values=["Other", "Brazil"]),
        Criterion(field="seniority", op="in", values=["C-level", "VP", "Director"],
                  role="nice", points=10),
        Criterion(field="pain", op="in", values=["Slow month-end close",
                                                 "Manual reconciliation"],
                  role="nice", points=10),
        Criterion(field="lead_source", op="in", values=["Referral", "Events"], role="nice",
                  points=5),
        Criterion(field="job_title", op="contains_any", values=["cfo", "controller", "finance"],
                  role="nice", points=5),
        Criterion(field="buying_role", op="in", values=["Decision maker", "Budget holder"],
                  gate="sql"),
        Criterion(field="budget", op="at_least", low=10_000, gate="sql"),
        Criterion(field="timeline_months", op="at_most", high=6, gate="sql"),
        Criterion(field="personal_email", op="is_true", role="disqualifier"),
        Criterion(field="job_title", op="contains_any", values=["student", "intern"],
                  role="disqualifier"),
        Criterion(field="company", op="contains_any", values=["Closewise", "LedgerLoop"],
                  role="disqualifier"),
    ], actions=[Action(field="demo_requested", points=30),
                Action(field="pricing_page_visits", points=15),
                Action(field="webinars_attended", points=10),
                Action(field="content_downloads", points=5),
                Action(field="email_clicks", points=2)], threshold=25)


def million_leads(rows: int) -> pd.DataFrame:
    sample = load_sample_leads()
    repeats = -(-rows // len(sample))
    leads = pd.concat([sample] * repeats, ignore_index=True).iloc[:rows]
    return leads.reset_index(drop=True)


def best_of(runs: int, work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def evaluate_vs_duckdb(leads: pd.DataFrame, runs: int = 3) -> dict:
    definition = realistic_definition()
    connection = duckdb.connect()
    connection.register("leads", leads)
    writer = SqlWriter(types=types_of(leads))
    query = (f"SELECT {writer.stage(definition)} AS stage, count(*) AS n "
             f"FROM leads GROUP BY 1")

    def with_pandas():
        stages = evaluate(leads, definition).frame["stage"]
        return stages.value_counts().to_dict()

    def with_duckdb():
        return dict(connection.execute(query).fetchall())

    pandas_seconds, pandas_counts = best_of(runs, with_pandas)
    duckdb_seconds, duckdb_counts = best_of(runs, with_duckdb)
    if pandas_counts != duckdb_counts:
        raise SystemExit(f"pandas and DuckDB disagree: {pandas_counts} vs {duckdb_counts}")
    return {"evaluate_seconds": round(pandas_seconds, 3),
            "duckdb_seconds": round(duckdb_seconds, 3),
            "evaluate_vs_duckdb": round(pandas_seconds / duckdb_seconds, 2),
            "counts": {str(k): int(v) for k, v in pandas_counts.items()}}


def interleaved(runs: int, reference, contender) -> tuple[float, float]:
    """Best of `runs` for each, taking turns so that a busy moment slows both alike."""
    best_reference = best_contender = float("inf")
    for run in range(runs):
        start = time.perf_counter()
        reference(run)
        best_reference = min(best_reference, time.perf_counter() - start)
        start = time.perf_counter()
        contender(run)
        best_contender = min(best_contender, time.perf_counter() - start)
    return best_reference, best_contender


def rerun_after_one_change(leads: pd.DataFrame, runs: int = 3) -> dict:
    """Step 3 after one Apply: every draft and the shared definition evaluated again, one
    criterion of the shared definition changed. Reference: everything from scratch; contender:
    with the per-condition masks kept from before the change (only the changed criterion is
    computed)."""
    drafts = [demo.facilitator_draft(), demo.marketing_draft(), demo.sales_draft()]
    shared = realistic_definition()

    def changed(run: int) -> Definition:  # a bound never seen before, on every run
        return shared.model_copy(update={"criteria": [
            c.model_copy(update={"low": 100 + run + 1}) if c.field == "employees" else c
            for c in shared.criteria]})

    masks: dict = {}
    for definition in (*drafts, shared):
        evaluate(leads, definition, masks)
    counts = {}

    def from_scratch(run: int) -> None:
        counts["scratch"] = [evaluate(leads, d).count("MQL") for d in (*drafts, changed(run))]

    def with_masks(run: int) -> None:
        counts["masks"] = [evaluate(leads, d, masks).count("MQL")
                           for d in (*drafts, changed(run))]

    scratch_seconds, masks_seconds = interleaved(runs, from_scratch, with_masks)
    if counts["scratch"] != counts["masks"]:
        raise SystemExit(f"cached and fresh evaluations disagree: {counts}")
    return {"rows": len(leads), "full_seconds": round(scratch_seconds, 4),
            "rerun_seconds": round(masks_seconds, 4),
            "rerun_vs_full": round(masks_seconds / scratch_seconds, 2)}


def export_file(rows: int, folder: Path) -> Path:
    """A CSV export of `rows` freshly generated leads: every record ID unique, e-mail addresses
    and creation times nearly so, like a real export (repeating the 6,000 sample rows would let
    the import's work on distinct values look better than it is)."""
    path = folder / "leads.csv"
    generate_leads(rows, seed=20261123).to_csv(path, index=False)
    return path


def import_vs_pyarrow(path: Path, runs: int = 3) -> dict:
    """The whole import (read, map, normalise) against a bare pyarrow read of the same file."""
    data = path.read_bytes()
    pyarrow_seconds, table = best_of(runs, lambda: pa_csv.read_csv(path))
    import_seconds, imported = best_of(
        runs, lambda: import_leads(data, path.name, max_bytes=len(data) + 1,
                                   max_rows=table.num_rows))
    if len(imported.leads) != table.num_rows:
        raise SystemExit(f"rows differ: {len(imported.leads)} vs {table.num_rows}")
    return {"pyarrow_seconds": round(pyarrow_seconds, 3),
            "import_seconds": round(import_seconds, 3),
            "import_vs_pyarrow": round(import_seconds / pyarrow_seconds, 2),
            "megabytes": round(len(data) / 1e6, 1)}


def sample_against_drafts() -> list[dict]:
    """The shipped sample leads' held-back months: the data's draft (no capacity) and each demo
    draft, with wins caught, MQLs a month and the win rate with its interval."""
    leads = load_sample_leads()
    learned = learn(leads)
    rows = []
    for name, definition in {"won deals": learned.definition, **demo.drafts()}.items():
        figures = holdout_figures(leads, definition, learned.split.held)
        rows.append({"draft": name, "since": learned.split.since, "wins": figures.wins,
                     "wins_caught": figures.won_mql, "mql_per_month": figures.mql_per_month,
                     "win_rate": figures.win_rate, "win_rate_low": figures.win_rate_low,
                     "win_rate_high": figures.win_rate_high})
    return rows


def learning_time(leads: pd.DataFrame, runs: int = 5) -> dict:
    """Learning the data's draft from every lead (search, confirmation, weights, threshold, the
    check on the newer leads) against one evaluation of a realistic definition, taking turns;
    medians with min and max."""
    definition = realistic_definition()
    reference, learning, found = [], [], {}
    for _ in range(runs):
        start = time.perf_counter()
        evaluate(leads, definition)
        reference.append(time.perf_counter() - start)
        start = time.perf_counter()
        learned = learn(leads)
        learning.append(time.perf_counter() - start)
        found = {"found": learned.found,
                 "rules": len(learned.definition.criteria) + len(learned.definition.actions)
                 if learned.definition else 0}
    return {"rows": len(leads), "runs": runs,
            "learn_seconds": round(statistics.median(learning), 2),
            "learn_min": round(min(learning), 2), "learn_max": round(max(learning), 2),
            "evaluate_seconds": round(statistics.median(reference), 2),
            "evaluate_min": round(min(reference), 2), "evaluate_max": round(max(reference), 2),
            "learn_vs_evaluate": round(statistics.median(learning)
                                       / statistics.median(reference), 1), **found}


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    np.random.seed(0)
    reruns = [rerun_after_one_change(load_sample_leads(), runs=5)]
    leads = million_leads(args.rows)
    reruns.append(rerun_after_one_change(leads))
    for rerun in reruns:
        print(f"one criterion changed, {rerun['rows']:,} leads: all drafts and the shared "
              f"definition again in {rerun['rerun_seconds']} s (from scratch "
              f"{rerun['full_seconds']} s)")
    result = evaluate_vs_duckdb(leads)
    print(f"evaluate: pandas {result['evaluate_seconds']} s, DuckDB {result['duckdb_seconds']} s,"
          f" same counts {result['counts']}")
    for row in sample_against_drafts():
        print(f"sample leads from {row['since']} ({row['wins']} wins): {row['draft']} caught "
              f"{row['wins_caught']} at {row['mql_per_month']} MQLs a month, win rate "
              f"{row['win_rate']:.1%} ({row['win_rate_low']:.1%}–{row['win_rate_high']:.1%})")
    print(f"before learning: {_load()}")
    learned = learning_time(leads)
    print(f"learn the data's draft, {learned['rows']:,} leads: median {learned['learn_seconds']} s "
          f"(min {learned['learn_min']}, max {learned['learn_max']}, {learned['runs']} runs; "
          f"{learned['rules']} rules), one evaluation {learned['evaluate_seconds']} s "
          f"({learned['evaluate_min']}–{learned['evaluate_max']}); after: {_load()}")
    del leads
    with tempfile.TemporaryDirectory() as folder:
        imported = import_vs_pyarrow(export_file(args.rows, Path(folder)))
    print(f"import: full import {imported['import_seconds']} s, bare pyarrow read "
          f"{imported['pyarrow_seconds']} s, {imported['megabytes']} MB")
    print(json.dumps({"evaluate_vs_duckdb": result["evaluate_vs_duckdb"],
                      "import_vs_pyarrow": imported["import_vs_pyarrow"],
                      "rerun_vs_full_sample": reruns[0]["rerun_vs_full"],
                      "rerun_vs_full": reruns[1]["rerun_vs_full"],
                      "learn_seconds": learned["learn_seconds"],
                      "learn_vs_evaluate": learned["learn_vs_evaluate"], "rows": args.rows}))


if __name__ == "__main__":
    main()
