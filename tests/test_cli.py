"""`python -m workshop inspect|evaluate`: the app's import and evaluation, from a shell."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workshop import demo
from workshop.cli import main
from workshop.evaluate import evaluate
from workshop.leads import load_sample_leads

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample_leads.csv"
EXPORTS = Path(__file__).resolve().parent / "exports"


@pytest.fixture
def sales_definition(tmp_path) -> Path:
    path = tmp_path / "sales.json"
    path.write_text(demo.sales_draft().to_json(), encoding="utf-8")
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_evaluate_prints_the_same_counts_as_the_app(capsys, sales_definition):
    code, out, _ = run(capsys, "evaluate", "--leads", str(SAMPLE),
                       "--definition", str(sales_definition))
    assert code == 0
    summary = json.loads(out)
    expected = evaluate(load_sample_leads(), demo.sales_draft())
    assert (summary["rows"], summary["mql"], summary["sql"]) == (
        6000, expected.count("MQL"), expected.count("SQL"))
    assert summary["wins"] == int((load_sample_leads()["outcome"] == "won").sum())
    assert 0 < summary["share_of_wins_caught"] < 1


def test_evaluate_with_a_mapping_file(capsys, tmp_path, sales_definition):
    """A criterion on a catalog field keeps working when its column is left unmapped: it
    names the export's own "Industry" column then. A field no column answers to is named."""
    code, out, _ = run(capsys, "inspect", "--leads", str(SAMPLE))
    mapping = json.loads(out)["mapping"]
    mapping["columns"].pop("Industry")
    mapping_path = tmp_path / "mapping.json"
    mapping_path.write_text(json.dumps(mapping), encoding="utf-8")
    code, mapped, _ = run(capsys, "evaluate", "--leads", str(SAMPLE), "--definition",
                          str(sales_definition))
    code, unmapped, _ = run(capsys, "evaluate", "--leads", str(SAMPLE), "--definition",
                            str(sales_definition), "--mapping", str(mapping_path))
    assert code == 0 and json.loads(unmapped) == json.loads(mapped)
    definition = demo.sales_draft().model_copy(deep=True)
    definition.criteria[0].field = "Sector of the economy"
    sales_definition.write_text(definition.to_json(), encoding="utf-8")
    code, _, err = run(capsys, "evaluate", "--leads", str(SAMPLE), "--definition",
                       str(sales_definition))
    assert code == 2 and "Sector of the economy" in err and "Traceback" not in err


def test_inspect_reports_format_mapping_and_quality(capsys):
    code, out, _ = run(capsys, "inspect", "--leads", str(EXPORTS / "european_semicolon.csv"))
    assert code == 0
    report = json.loads(out)
    assert report["format"]["delimiter"] == ";" and report["format"]["decimal"] == ","
    assert report["quality"]["rows"] == report["format"]["rows"] > 0
    assert set(report["unmapped_columns"]) | set(report["mapping"]["columns"]) >= {"Budget"}


@pytest.mark.parametrize("name, message", [
    ("empty.csv", "empty"), ("header_only.csv", "no rows"), ("png_renamed.csv", "binary")])
def test_broken_files_give_a_message_and_exit_code_2(capsys, sales_definition, name, message):
    code, out, err = run(capsys, "evaluate", "--leads", str(EXPORTS / name),
                         "--definition", str(sales_definition))
    assert code == 2 and out == ""
    assert message in err.lower() and "Traceback" not in err


def test_a_broken_definition_gives_a_message(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"threshold": "lots"}', encoding="utf-8")
    code, _, err = run(capsys, "evaluate", "--leads", str(SAMPLE), "--definition", str(bad))
    assert code == 2 and "definition is not valid" in err


def test_a_missing_file_gives_a_message(capsys, sales_definition):
    code, _, err = run(capsys, "evaluate", "--leads", "/nonexistent/leads.csv",
                       "--definition", str(sales_definition))
    assert code == 2 and "Cannot read" in err


def test_runs_as_a_module():
    result = subprocess.run([sys.executable, "-m", "workshop", "inspect", "--leads",
                             str(SAMPLE)], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["format"]["rows"] == 6000
