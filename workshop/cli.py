"""Command line: the same import, mapping and evaluation as the app, for scripts and RevOps.

    python -m workshop inspect --leads FILE
    python -m workshop evaluate --leads FILE --definition DEF.json [--mapping MAP.json]
                                [--by-month]
    python -m workshop export (--definition DEF.json | --workshop NAME [--version N])
                              --format pdf|png|html|md|json|sql|points [--paper A4|Letter]
                              --out FILE
    python -m workshop learn --leads FILE [--mapping MAP.json] [--reps N --leads-per-rep N]
                             [--seed N] --out LEARNED.json
    python -m workshop list
    python -m workshop backup --workshop ID --out FILE.json
    python -m workshop restore FILE.json
    python -m workshop schema

`learn` writes the definition the won deals suggest (learned on the older leads) and prints how
it did on the newer ones; when the won deals single out nothing, it writes no file and says why.
`--workshop` reads the database the app uses (DATABASE_URL, default SQLite under data/) directly,
as its operator: it names a workshop by its id, company or title, and takes its latest signed
version (or version N).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workshop import export as one_page
from workshop.column_types import YEAR_FIRST
from workshop.definition import Definition, DefinitionError
from workshop.evaluate import MissingColumn, evaluate, export_headers
from workshop.formats import FORMATS, render
from workshop.importer import ImportProblem
from workshop.leads import column_readings, header_columns
from workshop.mapping import Mapping
from workshop.pdf import PdfUnavailable
from workshop.pipeline import ImportedLeads, import_leads, import_leads_file
from workshop.preview import NoDates, cannot_evaluate, empty_warning, headline, monthly_volume
from workshop.schema import NewerDatabase
from workshop.store import Locked
from workshop.text import for_terminal


def inspect(imported: ImportedLeads) -> dict:
    quality = imported.quality()
    fmt = imported.format
    readings = column_readings(imported.leads)
    columns = header_columns(imported.leads)
    return {
        "format": {"kind": fmt.kind, "encoding": fmt.encoding, "delimiter": fmt.delimiter,
                   "decimal": fmt.decimal, "rows": fmt.rows, "columns": fmt.columns},
        "mapping": json.loads(imported.mapping.to_json()),
        "unmapped_columns": [c for c in imported.raw.columns if c not in imported.mapping.columns],
        "dates": {header: {"order": reading.date_order or YEAR_FIRST,
                           "ambiguous": reading.ambiguous}
                  for header, column in columns.items()
                  if (reading := readings.get(column)) is not None and reading.kind == "date"},
        "numbers": {header: {"decimal": reading.decimal, "ambiguous": reading.ambiguous,
                             "unit": reading.unit}
                    for header, column in columns.items()
                    if (reading := readings.get(column)) is not None
                    and reading.kind in ("number", "count") and reading.decimal},
        "quality": {
            "rows": quality.rows,
            "duplicates": quality.duplicates,
            "duplicates_by": quality.duplicates_by,
            "fields": json.loads(quality.as_table().to_json(orient="records")),
        },
    }


def evaluate_summary(imported: ImportedLeads, definition: Definition,
                     by_month: bool = False) -> dict:
    leads = imported.leads
    problem = cannot_evaluate(leads, definition)
    if problem:
        raise ValueError(problem)
    figures = headline(leads, definition)
    summary = {"rows": figures["leads"], "mql": figures["mql"], "sql": figures["sql"],
               "mql_share": round(figures["mql_share"], 4),
               "sql_share": round(figures["sql_share"], 4),
               "disqualified": figures["disqualified"]}
    if figures.get("wins"):
        summary.update({"wins": figures["wins"],
                        "share_of_wins_caught": round(figures["wins_caught"], 4),
                        "mql_win_rate": None if figures["mql_win_rate"] is None
                        else round(figures["mql_win_rate"], 4)})
    warning = empty_warning(leads, definition)
    if warning:
        summary["warning"] = warning
    if by_month:
        try:
            volume = monthly_volume(leads, evaluate(leads, definition))
        except NoDates as error:
            summary.update(by_month=None, by_month_note=str(error))
        else:
            summary["by_month"] = volume.to_dict(orient="records")
    return summary


def _read_text(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")  # a byte-order mark is no content
    except OSError as error:
        raise ValueError(f"Cannot read the {what} file {path}: "
                         f"{error.strerror or error}.") from None
    except UnicodeDecodeError:
        raise ValueError(f"Cannot read the {what} file {path}: it is not UTF-8 text.") from None


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
    evaluate_cmd.add_argument("--by-month", action="store_true",
                              help="also the MQL and SQL counts per month of creation")
    export_cmd = commands.add_parser("export", help="the definition as a file")
    source = export_cmd.add_mutually_exclusive_group(required=True)
    source.add_argument("--definition", help="definition JSON")
    source.add_argument("--workshop", help="a workshop's id, company or title")
    export_cmd.add_argument("--version", type=int, help="with --workshop: which version")
    export_cmd.add_argument("--leads", help="the CRM export the SQL and points table will run "
                                            "on (default with --workshop: its latest upload)")
    export_cmd.add_argument("--mapping", help="with --leads: mapping JSON (default: automatic)")
    export_cmd.add_argument("--format", required=True, choices=list(FORMATS))
    export_cmd.add_argument("--paper", default="A4", choices=["A4", "Letter"])
    export_cmd.add_argument("--out", required=True, help="the file to write")
    learn_cmd = commands.add_parser(
        "learn", help="a definition learned from the won deals, checked on the newer leads")
    learn_cmd.add_argument("--leads", required=True, help="CSV or XLSX export with outcomes")
    learn_cmd.add_argument("--mapping", help="mapping JSON (default: automatic)")
    learn_cmd.add_argument("--reps", help="sales reps following up leads (with --leads-per-rep)")
    learn_cmd.add_argument("--leads-per-rep", help="leads one rep can work a month")
    learn_cmd.add_argument("--seed", default="0",
                           help="the random split when the leads carry no dates (default 0)")
    learn_cmd.add_argument("--out", required=True, help="the definition JSON to write")
    commands.add_parser("list", help="the workshops, with their agreed versions")
    backup_cmd = commands.add_parser("backup", help="a workshop as one JSON file (no keys)")
    backup_cmd.add_argument("--workshop", required=True, help="the workshop's id")
    backup_cmd.add_argument("--out", required=True, help="the file to write")
    restore_cmd = commands.add_parser("restore", help="a backup file as a new workshop")
    restore_cmd.add_argument("file", help="a file written by `backup` or the app")
    commands.add_parser("schema", help="the database's schema version, and this release's")
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            return _export(args)
        if args.command == "backup":
            return _backup(args)
        if args.command == "learn":
            return _learn(args)
        if args.command == "restore":
            result = restore(args.file)
        elif args.command == "schema":
            result = schema_versions()
        elif args.command == "list":
            result = workshops_list()
        elif args.command == "inspect":
            result = inspect(import_leads_file(args.leads))
        else:
            definition = Definition.from_json(_read_text(args.definition, "definition"))
            mapping = (Mapping.from_json(_read_text(args.mapping, "mapping"))
                       if args.mapping else None)
            result = evaluate_summary(import_leads_file(args.leads, mapping), definition,
                                      by_month=args.by_month)
    except (ImportProblem, DefinitionError, ValueError, PdfUnavailable, LookupError,
            NewerDatabase, Locked) as error:
        print(f"error: {for_terminal(error)}", file=sys.stderr)
        return 2
    except (MissingColumn, KeyError) as error:
        names = str(error.args[0]) if error.args else str(error)
        print(f"error: the leads have no column for {for_terminal(names)}. Map it, or change the "
              "definition.", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, default=str))
    return 0


def _export(args) -> int:
    if args.definition and args.version is not None:
        raise ValueError("--version goes with --workshop: a definition file has one version.")
    if args.mapping and not args.leads:
        raise ValueError("--mapping goes with --leads: it says how that export's columns read.")
    if args.definition:
        definition = Definition.from_json(_read_text(args.definition, "definition"))
        page = one_page.one_pager(definition, company="", title="", facilitator="",
                                  agreed_by=[], agreed_at=None)
        imported = None
    else:
        definition, page, imported = agreed_page(args.workshop, args.version, with_leads=True)
    if args.leads:
        mapping = Mapping.from_json(_read_text(args.mapping, "mapping")) if args.mapping \
            else None
        imported = import_leads_file(args.leads, mapping)
    leads = imported.leads if imported is not None else None
    columns = export_headers(leads, definition) if leads is not None else None
    rendered = render(definition, args.format, page, paper=args.paper, columns=columns,
                      leads=leads, mapping=imported.mapping if imported is not None else None)
    if args.format in ("sql", "points") and leads is None:
        print("The rules name the app's own fields (industry, employees, …) and read each as "
              "its kind; give --leads with the CRM export to name and read its columns as "
              "the app did.", file=sys.stderr)
    try:
        Path(args.out).write_bytes(rendered.data)
    except OSError as error:
        raise ValueError(f"Cannot write {args.out}: {error.strerror or error}.") from None
    if rendered.notice:
        print(for_terminal(rendered.notice), file=sys.stderr)
    print(f"wrote {args.out} ({len(rendered.data):,} bytes)")
    return 0


def _whole(text: str | None, option: str, least: int) -> int | None:
    if text is None:
        return None
    try:
        number = int(text.strip())
    except ValueError:
        raise ValueError(f"{option} must be a whole number, not {text!r}.") from None
    if number < least:
        raise ValueError(f"{option} must be at least {least}, not {number}.")
    return number


def _learn(args) -> int:
    from workshop.learn import learn

    reps = _whole(args.reps, "--reps", 1)
    per_rep = _whole(args.leads_per_rep, "--leads-per-rep", 1)
    if (reps is None) != (per_rep is None):
        raise ValueError("Give both --reps and --leads-per-rep (sales capacity is reps × leads "
                         "per rep a month), or neither.")
    seed = _whole(args.seed, "--seed", 0)
    mapping = Mapping.from_json(_read_text(args.mapping, "mapping")) if args.mapping else None
    imported = import_leads_file(args.leads, mapping)
    learned = learn(imported.leads, mapping=imported.mapping, seed=seed,
                    capacity=None if reps is None else float(reps * per_rep),
                    currency=imported.currency)
    result = learned.to_dict()
    if learned.found and learned.definition is not None:
        try:
            Path(args.out).write_text(learned.definition.to_json(), encoding="utf-8")
        except OSError as error:
            raise ValueError(f"Cannot write {args.out}: {error.strerror or error}.") from None
        result["definition_file"] = args.out
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def _backup(args) -> int:
    from workshop.backup import export_workshop
    from workshop.models import Workshop

    with _database() as s:
        workshop = s.get(Workshop, args.workshop.strip())
        if workshop is None:
            raise LookupError(f"No workshop has the id {args.workshop!r}; `python -m workshop "
                              "list` shows them.")
        text = export_workshop(s, workshop.id, workshop.facilitator_token)
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as error:
        raise ValueError(f"Cannot write {args.out}: {error.strerror or error}.") from None
    print(f"wrote {args.out} ({len(text.encode()):,} bytes)")
    return 0


def restore(path: str) -> dict:
    """Restore a backup; everyone's new link (relative to the app's address unless PUBLIC_URL
    says it)."""
    from urllib.parse import urlencode

    from workshop.backup import restore_workshop
    from workshop.settings import public_url

    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ValueError(f"Cannot read the backup file {path}: {error.strerror or error}.") \
            from None
    with _database() as s:
        restored = restore_workshop(s, data)
    base = public_url() or ""
    links = []
    for (role, name), token in restored.people.items():
        page = "facilitator" if role == "facilitator" else "draft"
        query = urlencode({"ws": restored.workshop_id, "key": token})
        links.append({"role": role, "name": name, "link": f"{base}/{page}?{query}"})
    return {"workshop": restored.workshop_id, "links": links}


def schema_versions() -> dict:
    from workshop.db import make_engine
    from workshop.schema import current_revision, head

    engine = make_engine()  # opening the database migrates it
    try:
        with engine.connect() as connection:
            return {"database": current_revision(connection), "release": head()}
    finally:
        engine.dispose()


def _database():
    """The app's database, with the demo workshops in it, as when the app starts."""
    from workshop.db import make_engine, session
    from workshop.demo import seed_demo, seed_finished_demo
    from workshop.leads import load_sample_leads

    engine = make_engine()
    with session(engine) as s:
        seed_demo(s)
        seed_finished_demo(s, load_sample_leads())
    return session(engine)


def workshops_list() -> list[dict]:
    """Every workshop with its id, names and signed versions (newest first)."""
    from sqlmodel import select

    from workshop.models import Version, Workshop

    with _database() as s:
        workshops = s.exec(select(Workshop).order_by(Workshop.created_at.desc())).all()
        numbers: dict[str, list[int]] = {}
        for workshop_id, number in s.exec(select(Version.workshop_id, Version.number)
                                          .order_by(Version.number)).all():
            numbers.setdefault(workshop_id, []).append(number)
        return [{"id": w.id, "company": w.company, "title": w.title,
                 "facilitator": w.facilitator_name, "demo": w.is_demo,
                 "versions": numbers.get(w.id, [])} for w in workshops]


def agreed_page(name: str, number: int | None, with_leads: bool = False):
    """A workshop's signed version (the latest, or `number`) and its one-pager; `with_leads`:
    and its latest upload as the app reads it (`ImportedLeads`; None without one, or when its
    file is gone: said on stderr).

    A name several workshops share (a company's, say) means the one of them with a signed
    version, when only one has."""
    from sqlmodel import select

    from workshop.models import Version, Workshop
    from workshop.wall import agreed

    wanted = name.strip().casefold()
    with _database() as s:
        matches = [w for w in s.exec(select(Workshop)).all()
                   if wanted in (w.id.casefold(), w.company.casefold(), w.title.casefold())]
        if not matches:
            raise LookupError(f"No workshop is called {name!r}; `python -m workshop list` "
                              "shows them.")
        if len(matches) > 1:
            signed = set(s.exec(select(Version.workshop_id).where(
                Version.workshop_id.in_([w.id for w in matches]))).all())
            if len(signed) != 1:
                raise LookupError(f"{len(matches)} workshops match {name!r}; name one by its "
                                  "id: " + ", ".join(w.id for w in matches))
            matches = [w for w in matches if w.id in signed]
        workshop = matches[0]
        shown = agreed(s, workshop.id, number)
        if shown is None:
            raise LookupError(f"{workshop.company}'s workshop {workshop.id!r} has no signed "
                              "version" + (f" {number}" if number is not None else "")
                              + " yet; `python -m workshop list` shows the versions.")
        if not with_leads:
            return shown.definition, shown.page()
        return shown.definition, shown.page(), _latest_leads(s, workshop.id)


def _latest_leads(s, workshop_id: str):
    """The workshop's latest upload read with its saved mapping, as the evidence page does."""
    from sqlmodel import select

    from workshop.models import LeadsUpload
    from workshop.uploads import load_upload

    upload = s.exec(select(LeadsUpload).where(LeadsUpload.workshop_id == workshop_id)
                    .order_by(LeadsUpload.id.desc())).first()
    if upload is None:
        return None
    try:
        data = load_upload(upload.sha256)
        mapping = Mapping.from_json(upload.mapping_json) if upload.mapping_json else None
        return import_leads(data, upload.filename, mapping)
    except (ValueError, FileNotFoundError) as error:
        print(f"The workshop's export {upload.filename} cannot be read ({error}); the rules "
              "are written without it.", file=sys.stderr)
        return None
