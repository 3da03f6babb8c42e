"""An export without a created date is told which of its date columns could be when a lead
arrived; a close or won date never is (mapping it would count leads by when deals closed)."""
from workshop.pipeline import import_leads
from workshop.preview import no_dates_sentence


def _leads(headers: list[str]):
    rows = [",".join(["1", *["2025-03-0" + str(i + 1) for i in range(len(headers))]]),
            ",".join(["2", *["2025-04-1" + str(i) for i in range(len(headers))]])]
    return import_leads(("Record ID," + ",".join(headers) + "\n" + "\n".join(rows) + "\n")
                        .encode(), "opps.csv").leads


def test_a_close_date_is_not_suggested_as_when_a_lead_arrived():
    said = no_dates_sentence(_leads(["Closed Date", "Won Time"]))
    assert "no created date" in said
    assert "Closed Date" not in said and "Won Time" not in said
    assert "map it" not in said


def test_another_date_column_is_suggested():
    said = no_dates_sentence(_leads(["Closed Date", "First Contact"]))
    assert "(First Contact)" in said
    assert "Closed Date" not in said
