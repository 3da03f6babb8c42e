"""Presentation mode on the shared screen: the facilitator's switch, kept across pages and a
refresh; no draft, no prompts, no turns and (once everyone joined) no join links on it."""
from __future__ import annotations

import re

from sqlmodel import select

from tests.builders import C, D
from tests.test_own_devices import app_url, everything, new_app, texts  # noqa: F401
from workshop import catalog, store
from workshop.db import make_engine, session
from workshop.models import Participant
from workshop.ui.presentation import SWITCH_KEY

DANA_SECRET = "DANA-ONLY-churned-at-renewal"


def workshop_in(url: str, *, join: tuple[str, ...] = ("marketing", "sales"),
                facilitator_note: str = DANA_SECRET) -> tuple[str, dict[str, str]]:
    """A workshop whose facilitator has drafted (with a note nobody else may see yet)."""
    engine = make_engine(url)
    with session(engine) as s:
        workshop, facilitator = store.create_workshop(s, company="Acme", title="Q1",
                                                      facilitator_name="Dana")
        secrets = store.invitations(s, workshop.id, facilitator).secrets
        tokens = {"facilitator": facilitator}
        for role in join:
            _, tokens[role] = store.join_with_invite(s, secrets[role], role.title())
        store.save_draft(s, workshop.id, facilitator,
                         D(C(values=["Software"]), notes={"industry": facilitator_note}), 0)
    engine.dispose()
    return workshop.id, tokens


def reveal(url: str, workshop_id: str, facilitator: str) -> None:
    engine = make_engine(url)
    with session(engine) as s:
        store.reveal(s, workshop_id, facilitator)
    engine.dispose()


def presenting(workshop_id: str, token: str, page: str):
    return new_app({"ws": workshop_id, "key": token, "present": "1"}, page)


def test_the_switch_turns_presentation_mode_on_and_off_and_it_survives_a_refresh(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url)
    dana = new_app({"ws": workshop_id, "key": tokens["facilitator"]}, "views/facilitator.py")
    switch = dana.button(key=SWITCH_KEY)
    assert switch.label == "🖥️ Presentation mode"
    assert DANA_SECRET in everything(dana)  # off: her own draft, on her own screen
    switch.click().run()
    assert not dana.exception
    assert dana.query_params.get("present") == "1"
    assert dana.button(key=SWITCH_KEY).label == "✖ Leave presentation mode"
    assert DANA_SECRET not in everything(dana)
    assert "stays off the shared screen until the reveal" in texts(dana)

    refreshed = new_app({"ws": workshop_id, "key": tokens["facilitator"], "present": "1"},
                        "views/facilitator.py")
    assert refreshed.button(key=SWITCH_KEY).label == "✖ Leave presentation mode"

    dana.button(key=SWITCH_KEY).click().run()
    assert "present" not in dana.query_params
    assert DANA_SECRET in everything(dana)


def test_moving_between_pages_keeps_presentation_mode(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url)
    dana = presenting(workshop_id, tokens["facilitator"], "views/facilitator.py")
    links = [link for link in dana.get("page_link")]
    assert links and all(link.proto.query_string and "present=1" in link.proto.query_string
                         for link in links if "Step" in link.proto.label), links
    dana.switch_page("views/compare.py").run()  # the session remembers it without the URL
    assert dana.button(key=SWITCH_KEY).label == "✖ Leave presentation mode"


def test_the_shared_screen_never_shows_a_draft_before_the_reveal(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url)
    for page in ("views/facilitator.py", "views/teams.py", "views/compare.py",
                 "views/evidence.py", "views/communicate.py", "views/history.py"):
        dana = presenting(workshop_id, tokens["facilitator"], page)
        assert not dana.exception, page
        assert DANA_SECRET not in everything(dana), page
    reveal(app_url, workshop_id, tokens["facilitator"])
    dana = presenting(workshop_id, tokens["facilitator"], "views/facilitator.py")
    assert DANA_SECRET in everything(dana)  # revealed: everyone may see it now


def test_prompts_and_taking_turns_stay_off_the_shared_screen(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url)
    dana = presenting(workshop_id, tokens["facilitator"], "views/teams.py")
    labels = [str(e.label) for e in dana.expander]
    assert not [label for label in labels if "prompts" in label or "Take turns" in label]
    assert "leave presentation mode for that" in texts(dana)
    plain = new_app({"ws": workshop_id, "key": tokens["facilitator"]}, "views/teams.py")
    labels = [str(e.label) for e in plain.expander]
    assert any("prompts" in label for label in labels)
    assert any("Take turns" in label for label in labels)


def test_join_links_fold_away_once_marketing_and_sales_are_in_unless_asked(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url)
    engine = make_engine(app_url)
    with session(engine) as s:
        invitations = store.invitations(s, workshop_id, tokens["facilitator"])
    engine.dispose()
    dana = presenting(workshop_id, tokens["facilitator"], "views/teams.py")
    page = everything(dana)
    assert invitations.join_code not in page
    assert not [secret for secret in invitations.secrets.values() if secret in page]
    assert tokens["facilitator"] not in texts(dana)  # nor the facilitator's own link
    assert "have both joined" in texts(dana)

    dana.button(key="invitations:again").click().run()
    assert invitations.join_code in everything(dana)
    assert all(secret in everything(dana) for secret in invitations.secrets.values())
    dana.button(key="invitations:hide").click().run()
    assert invitations.join_code not in everything(dana)


def test_join_links_stay_on_the_shared_screen_while_someone_is_missing(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url, join=("marketing",))
    engine = make_engine(app_url)
    with session(engine) as s:
        code = store.invitations(s, workshop_id, tokens["facilitator"]).join_code
    engine.dispose()
    dana = presenting(workshop_id, tokens["facilitator"], "views/teams.py")
    assert code in everything(dana)
    assert "have both joined" not in texts(dana)
    assert tokens["facilitator"] not in texts(dana)  # her own link is not for the room


def test_participants_have_no_presentation_switch(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url)
    priya = new_app({"ws": workshop_id, "key": tokens["marketing"]}, "views/draft.py")
    assert not [b for b in priya.button if b.key == SWITCH_KEY]


def test_step_three_on_the_shared_screen_shows_one_question_at_a_time(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url)
    reveal(app_url, workshop_id, tokens["facilitator"])
    plain = new_app({"ws": workshop_id, "key": tokens["facilitator"]}, "views/compare.py")
    assert not plain.exception
    every = [m.value for m in plain.markdown if str(m.value).startswith("### ")]
    assert len(every) == len(catalog.QUESTIONS)

    dana = presenting(workshop_id, tokens["facilitator"], "views/compare.py")
    shown = [m.value for m in dana.markdown if str(m.value).startswith("### ")]
    assert len(shown) == 1 and "Industry" in shown[0]
    assert DANA_SECRET in everything(dana)  # the question's answers, her note among them
    dana.button(key="focus:on").click().run()
    shown = [m.value for m in dana.markdown if str(m.value).startswith("### ")]
    assert len(shown) == 1 and catalog.QUESTIONS[1].title in shown[0]
    picker = next(s for s in dana.selectbox if s.label == "Question on the screen")
    picker.set_value(len(catalog.QUESTIONS) - 1).run()
    shown = [m.value for m in dana.markdown if str(m.value).startswith("### ")]
    assert len(shown) == 1 and catalog.QUESTIONS[-1].title in shown[0]
    assert dana.button(key="focus:on").disabled
    dana.button(key="focus:back").click().run()
    shown = [m.value for m in dana.markdown if str(m.value).startswith("### ")]
    assert catalog.QUESTIONS[-2].title in shown[0]


def test_agreement_is_said_in_words_not_only_in_colour(app_url):  # noqa: F811
    """Every question's block names its status ("Agree", "Conflict", …) next to the icon, and
    the score line counts them in words, for a projector that washes colours out."""
    from workshop import compare, demo

    engine = make_engine(app_url)
    with session(engine) as s:
        demo.seed_demo(s)
        facilitator = s.exec(select(Participant).where(
            Participant.workshop_id == demo.DEMO_ID, Participant.role == "facilitator")).one().token
    engine.dispose()
    reveal(app_url, demo.DEMO_ID, facilitator)
    dana = new_app({"ws": demo.DEMO_ID, "key": facilitator}, "views/compare.py")
    words = {status: status.capitalize() for status in compare.STATUS_ICONS}
    blocks = [str(m.value) for m in dana.markdown if str(m.value).startswith("### ")]
    assert len(blocks) == len(catalog.QUESTIONS)
    for block in blocks:
        said = [status for status, word in words.items() if f"**{word}**" in block]
        assert len(said) == 1, block
        assert compare.STATUS_ICONS[said[0]] in block
    statuses = {status for block in blocks for status, word in words.items()
                if f"**{word}**" in block}
    assert {compare.CONFLICT, compare.PARTLY} <= statuses  # the demo disagrees somewhere
    score = " ".join(str(m.value) for m in dana.markdown)
    for status in statuses:
        assert f"** {status}" in score


# --- contrast of the primary buttons -----------------------------------------------------------
def _luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of '#rrggbb' or '#rgb'."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _rules(css: str) -> list[tuple[str, dict[str, str]]]:
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {}
        for part in body.split(";"):
            if ":" in part:
                name, value = part.split(":", 1)
                declarations[name.strip()] = value.replace("!important", "").strip()
        rules.append((" ".join(selector.split()), declarations))
    return rules


def test_the_contrast_helper_matches_known_ratios():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert contrast("#777777", "#ffffff") < 4.5 < contrast("#767676", "#ffffff")


def test_primary_buttons_in_presentation_mode_reach_4_5_to_1():
    from workshop.ui.presentation import STYLE

    rules = _rules(STYLE.replace("<style>", "").replace("</style>", ""))
    primary = [(sel, decl) for sel, decl in rules if "stBaseButton-primary" in sel]
    text = [decl["color"] for sel, decl in primary if "color" in decl and " *" in sel]
    backgrounds = [decl["background-color"] for sel, decl in primary
                   if "background-color" in decl]
    assert text and len(backgrounds) >= 2  # at rest and hovered
    # the page's own text colour on the blue is what made them unreadable
    page_text = [decl["color"] for sel, decl in rules if "stMarkdownContainer" in sel
                 and "color" in decl]
    for background in backgrounds:
        for colour in text:
            assert contrast(colour, background) >= 4.5, (colour, background)
        for colour in page_text:  # the override is needed: the page's text would fail
            assert contrast(colour, background) < 4.5


def test_the_projector_in_presentation_mode_has_no_layout_switch_and_stays_wide(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url)
    reveal(app_url, workshop_id, tokens["facilitator"])
    own_screen = new_app({"ws": workshop_id, "key": tokens["facilitator"]}, "views/compare.py")
    assert [c.label for c in own_screen.get("button_group")] == ["Layout"]
    dana = presenting(workshop_id, tokens["facilitator"], "views/compare.py")
    assert not dana.exception
    assert dana.get("button_group") == []
    assert "Who agrees with whom" in everything(dana)  # the wide page's heatmap section
