"""Where the browser is: which workshop, with which key. Kept in the URL so a refresh or a
restart comes back to the same place; `st.session_state` only mirrors it."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import streamlit as st
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

from workshop import store
from workshop.db import make_engine, session
from workshop.demo import seed_demo, seed_finished_demo
from workshop.leads import load_sample_leads
from workshop.schema import NewerDatabase
from workshop.settings import database_url, public_url
from workshop.text import escape_markdown
from workshop.ui.device import mark_turn, marked_turn, remember
from workshop.ui.pages import (
    EVIDENCE,
    FACILITATOR,
    HISTORY,
    HOME,
    JOIN,
    MY_DRAFT,
    PARTICIPANT_STEPS,
    STEP_PAGES,
    TEAMS,
    WALL,
    Page,
)
from workshop.uploads import clean_orphans


class DatabaseUnavailable(RuntimeError):
    """The database cannot be used; the message says why and what to do."""


def engine() -> Engine:
    url = database_url()
    try:
        return _engine(url)
    except NewerDatabase as error:
        raise DatabaseUnavailable(str(error)) from error
    except OperationalError as error:  # not cached: the next rerun tries again
        shown = make_url(url).render_as_string(hide_password=True)
        reason = str(error.orig or error).strip().splitlines()[0]
        raise DatabaseUnavailable(
            f"The database at {shown} cannot be opened ({reason}). Check DATABASE_URL and that "
            "the database server is running, then reload the page.") from error


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    """One engine per database per server process; the demo workshops are there from the
    start."""
    created = make_engine(url)
    clean_orphans()  # what an upload or restore cut short by a crash left behind
    with session(created) as s:
        seed_demo(s)
        seed_finished_demo(s, load_sample_leads())
    return created


@contextmanager
def db():
    with session(engine()) as s:
        yield s


PRESENT = "present"  # in the URL and the session while the shared screen is in presentation mode


@dataclass(frozen=True)
class Place:
    workshop_id: str
    token: str
    presenting: bool = False

    @property
    def key_params(self) -> dict[str, str]:
        """What a link back into the workshop needs."""
        return {"ws": self.workshop_id, "key": self.token}

    @property
    def params(self) -> dict[str, str]:
        """What moving between pages keeps: the workshop, the key and presentation mode."""
        return self.key_params | ({PRESENT: "1"} if self.presenting else {})


@contextmanager
def visit(place: Place) -> Iterator[store.Visit]:
    """A database session bound to this page's workshop and key: `ws(store.shared_state)`."""
    with db() as s:
        yield store.Visit(s, place.workshop_id, place.token)


def current_place() -> Place | None:
    workshop_id = st.query_params.get("ws") or st.session_state.get("ws")
    token = st.query_params.get("key") or st.session_state.get("key")
    if not workshop_id or not token:
        return None
    st.session_state["ws"], st.session_state["key"] = workshop_id, token
    if st.query_params.get("ws") != workshop_id or st.query_params.get("key") != token:
        st.query_params.update({"ws": workshop_id, "key": token})
    on = presenting()
    st.session_state[PRESENT] = on
    if on and st.query_params.get(PRESENT) != "1":
        st.query_params[PRESENT] = "1"
    elif not on and PRESENT in st.query_params:
        st.query_params.pop(PRESENT)
    return Place(workshop_id, token, on)


def presenting() -> bool:
    """Whether this browser shows the shared screen in presentation mode. The session decides
    once the switch was used (a rerun may still carry the URL from before the switch); the URL
    decides for a new session (a refresh, a bookmark)."""
    chosen = st.session_state.get(PRESENT)
    return chosen if chosen is not None else st.query_params.get(PRESENT) == "1"


def open_workshop(workshop_id: str, token: str, page: Page = FACILITATOR) -> None:
    keep_to_the_turn(Place(workshop_id, token))
    st.session_state["ws"], st.session_state["key"] = workshop_id, token
    st.session_state.pop(PRESENT, None)
    for key in [k for k in st.session_state if str(k).startswith(("draft:", "shared:", "turn:"))]:
        del st.session_state[key]
    st.switch_page(page.path, query_params={"ws": workshop_id, "key": token})


def require_workshop() -> tuple[Place, store.Workshop, store.Actor]:
    """The open workshop and who is acting, or a clear message and a way home."""
    place = current_place()
    keep_to_the_turn(place)
    if place is None:
        st.info("No workshop is open. Pick one on the home screen.")
        st.page_link(HOME.path, label="Go to the home screen", icon=HOME.icon)
        st.stop()
    try:
        with visit(place) as ws:
            workshop = ws.workshop()
            actor = ws(store.authenticate)
    except store.StoreError as error:
        st.error(escape_markdown(str(error)))
        st.page_link(HOME.path, label="Go to the home screen", icon=HOME.icon)
        st.stop()
    if st.session_state.pop(TURN_GONE, False):
        st.warning("The turn at this screen ended: its person was removed from the workshop, "
                   "and nothing more of theirs is saved.")
    turn = taking_a_turn(place)
    if actor.at_screen and not turn and workshop.revealed_at is None:
        # Before the reveal only: after it, every draft is on the table for everyone.
        st.info(f"{escape_markdown(actor.name)} drafts in turns at the facilitator's shared "
                "screen: their draft opens there, when the facilitator continues their turn on "
                "the teams page.")
        st.page_link(HOME.path, label="Go to the home screen", icon=HOME.icon)
        st.stop()
    if not turn:
        remember(place.workshop_id, place.token)
    return place, workshop, actor


# The facilitator's place while someone else has the screen: {"ws", "key", "turn": their key}.
TURN_RETURN = "turn:return"
TURN_OVER = "screen:turn-over"  # the turn the device's mark names was ended in this session
_MARKED = "screen:marked"  # the turn this session last wrote on the device, "" for none


def screen_turn() -> tuple[str, str] | None:
    """(workshop id, key) of the turn this screen is in, or None.

    The session's own turn; for a session begun by a refresh during a turn, the one the
    device marked (see `workshop.ui.device.mark_turn`), until its Done. While a turn is on,
    the screen opens no other key: not the facilitator's from the browser's history or the
    home page's list, not an earlier turn's."""
    back = st.session_state.get(TURN_RETURN)
    if isinstance(back, dict) and back.get("turn"):
        return back["ws"], back["turn"]
    if st.session_state.get(TURN_OVER):
        return None
    return marked_turn()


def end_turn(workshop_id: str) -> None:
    """The screen goes back to the facilitator's teams page (to the home page when a refresh
    during the turn lost their place: they open their own link)."""
    back = st.session_state.pop(TURN_RETURN, None)
    st.session_state[TURN_OVER] = True
    for key in [k for k in st.session_state if str(k).startswith("draft:")]:
        del st.session_state[key]
    if not isinstance(back, dict) or back.get("ws") != workshop_id:
        for name in ("ws", "key"):
            st.session_state.pop(name, None)
        st.query_params.clear()
        st.switch_page(HOME.path)
    st.session_state["ws"], st.session_state["key"] = back["ws"], back["key"]
    st.query_params.clear()  # the turn's key must not come back from the address
    st.query_params.update({"ws": back["ws"], "key": back["key"]})
    st.switch_page(TEAMS.path, query_params={"ws": back["ws"], "key": back["key"]})


TURN_GONE = "screen:turn-gone"  # the turn ended because its key stopped opening the workshop


def _turn_is_gone(turn: tuple[str, str]) -> bool:
    """Whether the turn's key no longer opens its workshop (its holder was removed, or the
    workshop deleted): the screen must not stay locked to it."""
    try:
        with db() as s:
            store.authenticate(s, *turn)
    except (store.AccessDenied, store.NotFound):
        return True
    return False


def keep_to_the_turn(place: Place | None = None) -> None:
    """During a turn, anything but the turn's own pages: a sentence and the way back to the
    turn, nothing else. Also writes the turn (or its end) on the device once. A turn whose
    holder was removed meanwhile ends: the screen goes back to the facilitator."""
    turn = screen_turn()
    if turn is not None and _turn_is_gone(turn):
        st.session_state[TURN_GONE] = True
        if st.session_state.get(TURN_RETURN) or (
                place is not None and (place.workshop_id, place.token) == turn):
            end_turn(turn[0])
        st.session_state[TURN_OVER] = True  # a refresh's device mark: nothing to go back to
        turn = None
    marked = turn[1] if turn else ""
    if st.session_state.get(_MARKED, "") != marked and (turn or TURN_OVER in st.session_state):
        mark_turn(turn[0] if turn else "", turn[1] if turn else None)
        st.session_state[_MARKED] = marked
    if turn is None or (place is not None and (place.workshop_id, place.token) == turn):
        return
    st.warning("This screen is in someone's turn at drafting: nothing else opens here until "
               "they press Done on their page.")
    st.page_link(MY_DRAFT.path, label="Back to the turn", icon="✏️",
                 query_params={"ws": turn[0], "key": turn[1]})
    st.stop()


def taking_a_turn(place: Place) -> bool:
    """Whether this session is someone's turn at the facilitator's shared screen."""
    return screen_turn() == (place.workshop_id, place.token)


def step_header(workshop: store.Workshop, place: Place, page: Page,
                actor: store.Actor | None = None) -> None:
    """Company, title and the steps this person can use, `page` highlighted if it is one."""
    from workshop.ui.presentation import apply_style, presentation_switch  # built on this

    apply_style(place)
    title, switch = st.columns([2, 1], vertical_alignment="center")
    title.caption(f"{escape_markdown(workshop.company)} · {escape_markdown(workshop.title)}")
    if actor is not None and actor.is_facilitator:
        with switch:
            presentation_switch(place)
    links = list(STEP_PAGES.values())
    if actor is not None and not actor.is_facilitator:
        links = list(PARTICIPANT_STEPS)
    columns = st.columns(len(links))
    for column, link_to in zip(columns, links, strict=True):
        with column:
            if link_to == page:
                st.markdown(f"**▶ {link_to.title}**")
            else:
                st.page_link(link_to.path, label=link_to.title, query_params=place.params)
    if actor is not None:
        from workshop.ui.agenda_bar import agenda_bar  # it builds on this module

        agenda_bar(place, actor, page)


def current_actor() -> store.Actor | None:
    """Who the URL says this browser is, or None (no key, or a key that is not valid here)."""
    place = current_place()
    if place is None:
        return None
    try:
        with visit(place) as ws:
            return ws(store.authenticate)
    except store.StoreError:
        return None


def navigation(actor: store.Actor | None) -> dict[str, list]:
    """Every page is registered (so any can be switched to); each person sees their own."""
    facilitator = actor is not None and actor.is_facilitator
    participant = actor is not None and not actor.is_facilitator
    def entry(page: Page, visible: bool, default: bool = False):
        return st.Page(page.path, title=page.title, icon=page.icon, default=default,
                       visibility="visible" if visible else "hidden")

    return {
        "Workshops": [entry(HOME, True, default=True), entry(JOIN, actor is None)],
        "Your draft": [entry(MY_DRAFT, participant)],
        "The four steps": [entry(page, facilitator or (participant and page in PARTICIPANT_STEPS))
                           for page in STEP_PAGES.values()],
        "Evidence": [entry(EVIDENCE, actor is not None), entry(HISTORY, actor is not None)],
        "Read only": [entry(WALL, False)],
    }


def base_url() -> str:
    """Where other devices reach this app: PUBLIC_URL, else the address this browser used."""
    configured = public_url()
    if configured:
        return configured
    if st.context.url:
        parts = urlsplit(st.context.url)
        return f"{parts.scheme}://{parts.netloc}"
    host = st.context.headers.get("Host") if st.context.headers else None
    return f"http://{host}" if host else "http://localhost:8501"


def link(path: str, **params: str) -> str:
    return f"{base_url()}/{path}?{urlencode(params)}"


def client_id() -> str:
    """The requester's address, for the limits on trying join codes and on creating
    workshops (`workshop.limits`). Streamlit gives none for a visitor on this machine itself,
    nor any but the proxy's behind a reverse proxy: they all count as one network."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "unknown"
