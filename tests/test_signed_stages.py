"""A deal stage saying the contract was signed is a win: 'Closed - Signed' was read as lost and
'Contract Signed' / HubSpot's 'contractsigned' as open, so those wins vanished from every win
rate and every 'share of wins caught'. The expected outcomes are read by hand."""
import io

import pandas as pd

from tests.builders import C, D
from workshop.measure import measure
from workshop.pipeline import import_leads

BY_HAND = {
    "appointmentscheduled": "open", "closedwon": "won", "closedlost": "lost",
    "contractsigned": "won", "Contract Signed": "won", "Closed - Signed": "won",
    "Signed": "won", "Signed - awaiting payment": "won", "Deal_signed": "won",
    "Vertrag unterschrieben": "won", "Contrat signé": "won", "Contrato firmado": "won",
    "Not signed": "lost", "Nicht unterschrieben": "lost", "Non signé": "lost",
    "To be signed": "open", "Sent for signature": "open", "Signature pending": "open",
    "Verbal commit": "open", "Closed - No Decision": "lost",
}


def export() -> str:
    lines = ["Deal Name,Deal Stage,Create Date,Number of Employees"]
    for i, stage in enumerate(list(BY_HAND) * 3):
        lines.append(f"D{i},{stage},2025-0{1 + i % 8}-1{i % 9},{40 + 7 * i}")
    return "\n".join(lines) + "\n"


def test_signed_stages_are_won_and_unsigned_ones_are_not():
    text = export()
    imported = import_leads(text.encode(), "deals.csv")
    raw = pd.read_csv(io.StringIO(text), dtype=str)
    assert list(imported.leads["outcome"].astype(object)) == list(raw["Deal Stage"].map(BY_HAND))


def test_the_wins_caught_count_signed_deals():
    text = export()
    imported = import_leads(text.encode(), "deals.csv")
    raw = pd.read_csv(io.StringIO(text), dtype=str)
    won = raw["Deal Stage"].map(BY_HAND) == "won"
    qualified = raw["Number of Employees"].astype(int) >= 200
    figures = measure(imported.leads, D(C("employees", "at_least", low=200)))
    assert figures.wins == int(won.sum())
    assert figures.wins_caught == (qualified & won).sum() / won.sum()


def test_the_outcome_suggestion_names_the_signed_stages_won_and_the_unsigned_lost():
    mapping = import_leads(export().encode(), "deals.csv").mapping
    assert mapping.outcome_column == "Deal Stage"
    assert set(mapping.won_values) == {s for s, o in BY_HAND.items() if o == "won"}
    assert set(mapping.lost_values) == {s for s, o in BY_HAND.items() if o == "lost"}
