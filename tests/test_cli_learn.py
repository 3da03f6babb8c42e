"""`python -m workshop learn`: the data's own draft from a shell, and clear refusals."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_learn import planted_export
from workshop.cli import main
from workshop.definition import Definition
from workshop.learn import NOTHING_SINGLED_OUT, learn
from workshop.pipeline import import_leads_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample_leads.csv"
HOLDOUT_KEYS = {"leads", "wins", "mql", "win_rate", "win_rate_low", "win_rate_high",
                "wins_caught", "lift"}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_it_writes_the_definition_and_prints_the_validation(capsys, tmp_path):
    out = tmp_path / "learned.json"
    code, printed, err = run(capsys, "learn", "--leads", str(SAMPLE), "--out", str(out))
    assert code == 0 and err == ""
    result = json.loads(printed)
    assert result["found"] is True and result["definition_file"] == str(out)
    assert HOLDOUT_KEYS <= set(result["holdout"])
    imported = import_leads_file(SAMPLE)
    learned = learn(imported.leads, mapping=imported.mapping)
    written = Definition.from_json(out.read_text(encoding="utf-8"))
    assert written == learned.definition
    assert result["holdout"] == learned.holdout.to_dict()
    assert result["evidence"] == [e.sentence for e in learned.evidence]
    assert 0 < result["holdout"]["win_rate_low"] < result["holdout"]["win_rate"] \
        < result["holdout"]["win_rate_high"] < 1


def test_capacity_and_a_mapping_file(capsys, tmp_path):
    code, printed, _ = run(capsys, "inspect", "--leads", str(SAMPLE))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(json.loads(printed)["mapping"]), encoding="utf-8")
    out = tmp_path / "learned.json"
    code, printed, _ = run(capsys, "learn", "--leads", str(SAMPLE), "--mapping", str(mapping),
                           "--reps", "2", "--leads-per-rep", "15", "--out", str(out))
    assert code == 0
    result = json.loads(printed)
    assert result["capacity"] == 30
    imported = import_leads_file(SAMPLE)
    assert Definition.from_json(out.read_text(encoding="utf-8")) == learn(
        imported.leads, mapping=imported.mapping, capacity=30).definition


def test_no_signal_writes_nothing_and_says_why(capsys, tmp_path):
    leads = tmp_path / "shuffled.csv"
    planted_export(leads, seed=3, shuffle=True)
    out = tmp_path / "learned.json"
    code, printed, err = run(capsys, "learn", "--leads", str(leads), "--out", str(out))
    assert code == 0 and err == ""
    result = json.loads(printed)
    assert set(result) == {"found", "reason"} and result["found"] is False
    assert result["reason"].startswith(NOTHING_SINGLED_OUT)
    assert not out.exists()


def _no_outcome(tmp_path: Path) -> Path:
    path = tmp_path / "no-outcome.csv"
    path.write_text("Industry;Employees\nSoftware;120\nRetail;40\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("extra, expected", [
    (["--reps", "3"], "Give both --reps and --leads-per-rep"),
    (["--leads-per-rep", "20"], "Give both --reps and --leads-per-rep"),
    (["--reps", "three", "--leads-per-rep", "20"], "--reps must be a whole number"),
    (["--reps", "0", "--leads-per-rep", "20"], "--reps must be at least 1"),
    (["--reps", "2", "--leads-per-rep", "-5"], "--leads-per-rep must be at least 1"),
    (["--seed", "x"], "--seed must be a whole number"),
])
def test_bad_options_are_refused_in_one_line(capsys, tmp_path, extra, expected):
    out = tmp_path / "learned.json"
    code, printed, err = run(capsys, "learn", "--leads", str(SAMPLE), "--out", str(out), *extra)
    assert code == 2 and printed == ""
    assert err.startswith("error: ") and expected in err and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("leads, expected", [
    (lambda tmp: tmp / "missing.csv", "Cannot read"),
    (_no_outcome, "no outcome"),
])
def test_bad_files_are_refused_in_one_line(capsys, tmp_path, leads, expected):
    out = tmp_path / "learned.json"
    code, printed, err = run(capsys, "learn", "--leads", str(leads(tmp_path)), "--out",
                             str(out))
    assert code == 2 and printed == ""
    assert err.startswith("error: ") and expected in err and err.count("\n") == 1


def test_an_unwritable_out_file_is_refused(capsys, tmp_path):
    code, printed, err = run(capsys, "learn", "--leads", str(SAMPLE), "--out", str(tmp_path))
    assert code == 2 and printed == ""
    assert err.startswith(f"error: Cannot write {tmp_path}") and err.count("\n") == 1


def test_from_a_shell_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "workshop", "learn", "--leads", str(_no_outcome(tmp_path)),
         "--out", str(tmp_path / "x.json")],
        capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
