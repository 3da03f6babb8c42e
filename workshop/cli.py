"""Command line: the same import, mapping and evaluation as the app, for scripts and RevOps.

    python -m workshop inspect --leads FILE
    python -m workshop evaluate --leads FILE --definition DEF.json [--mapping MAP.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workshop.definition import Definition, DefinitionError
from workshop.evaluate import MissingColumn
from workshop.importer import ImportProblem
from workshop.mapping import Mapping
from workshop.pipeline import ImportedLeads, import_leads_file
from workshop.preview import headline


def inspect(imported: ImportedLeads) -> dict:
    quality = imported.quality()
    fmt = imported.format
    return {
        "format": {"kind": fmt.kind, "encoding": fmt.encoding, "delimiter": fmt.delimiter,
                   "decimal": fmt.decimal, "rows": fmt.rows, "columns": fmt.columns},
        "mapping": json.loads(imported.mapping.to_json()),
        "unmapped_columns": [c for c in imported.raw.columns if c not in imported.mapping.columns],
        "quality": {
            "rows": quality.rows,
            "duplicates": quality.duplicates,
            "duplicates_by": quality.duplicates_by,
            "fields": json.loads(quality.as_table().to_json(orient="records")),
        },
    }


def evaluate_summary(imported: ImportedLeads, definition: Definition) -> dict:
    figures = headline(imported.leads, definition)
    summary = {"rows": figures["leads"], "mql": figures["mql"], "sql": figures["sql"],
               "mql_share": round(figures["mql_share"], 4),
               "sql_share": round(figures["sql_share"], 4),
               "disqualified": figures["disqualified"]}
    if figures.get("wins"):
        summary.update({"wins": figures["wins"],
                        "share_of_wins_caught": round(figures["wins_caught"], 4),
                        "mql_win_rate": None if figures["mql_win_rate"] is None
                        else round(figures["mql_win_rate"], 4)})
    return summary


def _read_text(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"Cannot read the {what} file {path}: {error}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    inspect_cmd = commands.add_parser("inspect", help="detected format, mapping, data quality")
    inspect_cmd.add_argument("--leads", required=True, help="CSV or XLSX export")
    evaluate_cmd = commands.add_parser("evaluate", help="MQL/SQL counts (and wins) as JSON")
    evaluate_cmd.add_argument("--leads", required=True, help="CSV or XLSX export")
    evaluate_cmd.add_argument("--definition", required=True, help="definition JSON")
    evaluate_cmd.add_argument("--mapping", help="mapping JSON (default: automatic)")
    args = parser.parse_args(argv)
    try:
        if args.command == "inspect":
            result = inspect(import_leads_file(args.leads))
        else:
            definition = Definition.from_json(_read_text(args.definition, "definition"))
            mapping = (Mapping.from_json(_read_text(args.mapping, "mapping"))
                       if args.mapping else None)
            result = evaluate_summary(import_leads_file(args.leads, mapping), definition)
    except (ImportProblem, DefinitionError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (MissingColumn, KeyError) as error:
        print(f"error: the leads have no column for {error}. Map it, or change the "
              "definition.", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, default=str))
    return 0
