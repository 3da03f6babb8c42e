"""The PIN a turn asks for first (`workshop.ui.turns.choose_pin`), chosen through the page."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

PIN = "2468"


def choose_pin(at: AppTest, pin: str = PIN, again: str | None = None) -> None:
    """Type the PIN twice on a turn's first screen and keep the draft to oneself."""
    next(t for t in at.text_input if t.label == "Your PIN").input(pin)
    next(t for t in at.text_input if t.label == "The same PIN again").input(
        pin if again is None else again)
    next(b for b in at.button if b.label == "Keep my draft to myself").click().run()
    assert not at.exception


def asks_for_a_pin(at: AppTest) -> bool:
    return any(t.label == "Your PIN" for t in at.text_input)
