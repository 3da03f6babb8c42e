"""The leads with their stages, taken home to update the CRM. Every text cell beginning with
= + - @ got a protective ' (right for a file opened in a spreadsheet), so importing it into the
CRM would have overwritten every phone number ("+44 …" became "'+44 …") and every lost reason
starting with "-". A second file holds the export's columns exactly as the CRM wrote them, for
its import. The evidence page's download is the shared definition's by default, and each file
says whose stages it holds. Expected cells are read from the export with the csv module."""
from __future__ import annotations

import csv
import io
import random

from tests.builders import C, D
from tests.test_access_pages import recording_downloads
from tests.test_real_exports_pages import open_page, revealed_workshop
from workshop.evaluate import evaluate
from workshop.lead_export import FORMULA_STARTS, leads_csv
from workshop.pipeline import import_leads

HEADER = ["Deal - Title", "Person - Phone", "Deal - Lost reason", "Organization - Industry",
          "Deal - Status", "Deal - Deal created"]
BIG = D(C("industry", values=["Software"], role="must", gate="mql"))


def pipedrive_deals(rows: int = 300, seed: int = 4) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for number in range(rows):
        status = rng.choice(["won", "lost", "open"])
        writer.writerow([f"Deal {number}", f"+44 20 7946 {number:04d}",
                         rng.choice(["@competitor won", "-5% discount asked", "=1+1", "-",
                                     "price"]) if status == "lost" else "",
                         rng.choice(["Software", "Retail"]), status,
                         f"2025-{number % 12 + 1:02d}-0{number % 9 + 1}"])
    return out.getvalue().encode()


def runs_as_formula(cell: str) -> bool:
    """A cell a spreadsheet would run: it starts a formula and is no plain number."""
    if not cell.startswith(FORMULA_STARTS):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def rows_of(data: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""),
                           delimiter=delimiter))


def test_the_file_for_the_crm_holds_the_export_as_written():
    data = pipedrive_deals()
    imported = import_leads(data, "deals.csv")
    evaluation = evaluate(imported.leads, BIG)
    written = rows_of(leads_csv(imported.leads, evaluation, definition=BIG,
                                exported=imported.raw, as_written=True))
    original = rows_of(data)
    assert written[0][:len(HEADER)] == HEADER
    assert written[0][len(HEADER):] == ["lead_stage", "lead_points", "lead_reasons"]
    assert [row[:len(HEADER)] for row in written] == original  # byte for byte, cell for cell
    for row in written[1:]:  # the columns the app adds stay formula-safe
        assert not any(runs_as_formula(cell) for cell in row[len(HEADER):]), row


def test_the_spreadsheet_file_still_guards_every_cell():
    data = pipedrive_deals()
    imported = import_leads(data, "deals.csv")
    evaluation = evaluate(imported.leads, BIG)
    guarded = rows_of(leads_csv(imported.leads, evaluation, definition=BIG,
                                exported=imported.raw))
    phones = [row[1] for row in guarded[1:]]
    assert all(phone.startswith("'+44 20 7946") for phone in phones)
    assert not any(runs_as_formula(cell) for row in guarded for cell in row)


def test_the_evidence_page_offers_the_shared_definition_s_stages_in_both_files(database,
                                                                                tmp_path):
    path = tmp_path / "deals.csv"
    path.write_bytes(pipedrive_deals())
    params = revealed_workshop(database, BIG, path)
    with recording_downloads() as seen:
        at = open_page(params, "views/evidence.py")
    assert at.selectbox(key="evidence:closer").value == "Shared definition"
    labels = [b.proto.label for b in at.get("download_button")]
    assert "⬇️ CSV to open in a spreadsheet" in labels and "⬇️ CSV for the CRM's import" in labels
    files = {name: data for name, _, data in seen}
    assert {"leads-with-stages-shared-definition.csv",
            "leads-with-stages-shared-definition-for-import.csv"} <= set(files)
    exact = files["leads-with-stages-shared-definition-for-import.csv"]
    exact = exact() if callable(exact) else exact
    assert [row[:len(HEADER)] for row in rows_of(bytes(exact))] == rows_of(path.read_bytes())
    at.selectbox(key="evidence:closer").set_value("Marketing").run()
    assert "⬇️ CSV for the CRM's import" in [b.proto.label for b in at.get("download_button")]
