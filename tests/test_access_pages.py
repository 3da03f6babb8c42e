"""Who sees what on every page (issue 8, access): every page in views/ × every kind of visitor ×
the phase of the workshop, run in AppTest on a real database.

Each cell of `PAGE_ACCESS` says what the page does for that visitor in that phase:

* SHOWS     the page's own content;
* REFUSED   a clear "no access" message (wrong or missing key, not this person's page, a wall
            link that does not work) and nothing of the workshop behind it;
* LATER     the page says it opens later in the workshop ("after the reveal", "once signed").

(No page redirects on opening; the redirects — joining, creating, revealing — are covered by
tests/test_own_devices.py and tests/test_pages.py.)

Every cell, whatever its outcome, is also checked for: no exception; no draft text of
anybody but the visitor before the reveal (unique markers planted in every draft, looked for in
everything that reaches the browser: markdown, captions, code, widgets' labels and values,
tables, and the data of the page's download buttons, PDFs read with pypdf); nothing of a draft
or a shared definition for anybody outside the workshop; no key, join link, join code or wall
link but those this visitor may hold, and none at all in a downloaded file (but the wall link
in the one-pager and the announcement, where it is meant to be); no facilitator-only control
for anybody but the facilitator; and, on the wall page, no input, only the latest signed
version. The whole table runs on SQLite; a representative part on PostgreSQL (all of it with
`-m long`). Export files and logs: tests/test_token_leaks.py.

The visitors, in the columns of the table:

    fac      the workshop's facilitator link            ?ws=A&key=<facilitator token>
    mkt      a marketing participant's personal link    ?ws=A&key=<participant token>
    sales    a sales participant's personal link        ?ws=A&key=<participant token>
    o-fac    another workshop's facilitator key on A    ?ws=A&key=<B's facilitator token>
    o-part   another workshop's participant key on A    ?ws=A&key=<B's participant token>
    wrong    a made-up key                              ?ws=A&key=<random>
    none     no key                                     ?ws=A
    invite   a join link, not used yet                  ?invite=<A's marketing invite secret>
                                                        (and that secret as a key elsewhere)
    wall     a wall link                                ?w=<secret> (and, on every other page,
                                                        the secret as a key: ?ws=A&key=<secret>)
    revoked  a wall link that was replaced              as `wall`, with the old secret

A wall link exists once something is signed: in the phases before that, the wall visitors hold
the links of another workshop B of the same server (its current one and one it replaced); B has
version 1 signed and version 2 half drafted, so its wall page must show version 1 only.
"""
from __future__ import annotations

import io
import json
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.builders import C
from workshop import demo, store, versions, wall
from workshop.db import make_engine, session
from workshop.definition import Definition
from workshop.leads import load_sample_leads
from workshop.measure import measure
from workshop.models import DATA_ROLE, Participant

APP = str(Path(__file__).resolve().parent.parent / "app.py")

SHOWS, REFUSED, LATER = "shows", "refused", "later"
S, N, L = SHOWS, REFUSED, LATER

PAGES = {name: f"views/{name}.py" for name in (
    "home", "join", "draft", "facilitator", "teams", "compare", "evidence", "communicate",
    "history", "wall")}
VISITORS = ("fac", "mkt", "sales", "o-fac", "o-part", "wrong", "none", "invite", "wall",
            "revoked")
MEMBERS = ("fac", "mkt", "sales")
PHASES = ("before", "revealed", "signed")

# phase -> page -> outcome per visitor, in the order of VISITORS:
#                  fac  mkt  sales o-fac o-part wrong none invite wall revoked
PAGE_ACCESS = {
    "before": {  # drafting: marketing is done, sales is not; nothing revealed
        "home":        (S,  S,  S,   S,    S,    S,   S,   S,     S,   S),
        "join":        (S,  S,  S,   S,    S,    S,   S,   S,     S,   S),
        "draft":       (S,  S,  S,   N,    N,    N,   N,   N,     N,   N),
        "facilitator": (S,  N,  N,   N,    N,    N,   N,   N,     N,   N),
        "teams":       (S,  N,  N,   N,    N,    N,   N,   N,     N,   N),
        "compare":     (S,  S,  S,   N,    N,    N,   N,   N,     N,   N),  # progress only
        "evidence":    (S,  S,  S,   N,    N,    N,   N,   N,     N,   N),  # no draft figures
        "communicate": (L,  L,  L,   N,    N,    N,   N,   N,     N,   N),
        "history":     (L,  L,  L,   N,    N,    N,   N,   N,     N,   N),
        "wall":        (N,  N,  N,   N,    N,    N,   N,   N,     S,   N),  # B's version 1
    },
    "revealed": {  # the drafts are revealed; the shared definition is being built
        "home":        (S,  S,  S,   S,    S,    S,   S,   S,     S,   S),
        "join":        (S,  S,  S,   S,    S,    S,   S,   S,     S,   S),
        "draft":       (S,  S,  S,   N,    N,    N,   N,   N,     N,   N),
        "facilitator": (S,  N,  N,   N,    N,    N,   N,   N,     N,   N),
        "teams":       (S,  N,  N,   N,    N,    N,   N,   N,     N,   N),
        "compare":     (S,  S,  S,   N,    N,    N,   N,   N,     N,   N),
        "evidence":    (S,  S,  S,   N,    N,    N,   N,   N,     N,   N),
        "communicate": (S,  S,  S,   N,    N,    N,   N,   N,     N,   N),  # a preview
        "history":     (L,  L,  L,   N,    N,    N,   N,   N,     N,   N),
        "wall":        (N,  N,  N,   N,    N,    N,   N,   N,     S,   N),  # B's version 1
    },
    "signed": {  # version 1 and version 2 signed; a wall link shared, an older one replaced
        "home":        (S,  S,  S,   S,    S,    S,   S,   S,     S,   S),
        "join":        (S,  S,  S,   S,    S,    S,   S,   S,     S,   S),
        "draft":       (S,  S,  S,   N,    N,    N,   N,   N,     N,   N),
        "facilitator": (S,  N,  N,   N,    N,    N,   N,   N,     N,   N),
        "teams":       (S,  N,  N,   N,    N,    N,   N,   N,     N,   N),
        "compare":     (S,  S,  S,   N,    N,    N,   N,   N,     N,   N),
        "evidence":    (S,  S,  S,   N,    N,    N,   N,   N,     N,   N),
        "communicate": (S,  S,  S,   N,    N,    N,   N,   N,     N,   N),
        "history":     (S,  S,  S,   N,    N,    N,   N,   N,     N,   N),
        "wall":        (N,  N,  N,   N,    N,    N,   N,   N,     S,   N),  # A's version 2
    },
}
assert set(PAGE_ACCESS) == set(PHASES)
assert all(set(table) == set(PAGES) and all(len(row) == len(VISITORS) for row in table.values())
           for table in PAGE_ACCESS.values())

# What the page says when it shows its content (the first match is enough).
CONTENT = {
    "home": ["🎯 Ideal Lead Workshop", "Start a new workshop"],
    "join": ["🙋 Join a workshop"],
    "draft": ["Your ideal lead: ",  # the facilitator's draft page is step 1
              "Step 1 · The facilitator's ideal lead"],
    "facilitator": ["Step 1 · The facilitator's ideal lead"],
    "teams": ["Step 2 · Marketing and sales define their ideal lead"],
    "compare": ["Step 3 · Compare and agree"],
    "evidence": ["Evidence from your leads"],
    "communicate": ["Step 4 · Communicate the agreed definition", "The one-pager"],
    "history": ["Versions and measurements", "What changed between two versions"],
    "wall": ["read-only · the agreed definition"],
}
# What "no access" says, by the page's kind of refusal.
REFUSALS = (
    "No workshop is open. Pick one on the home screen.",
    "This link is missing its key. Open the workshop from its link.",
    "This key does not belong to this workshop.",
    "This step is the facilitator's own draft.",
    "This is the facilitator's screen.",
    wall.UNKNOWN_LINK,
)
NOT_YET = (
    "The shared definition is built in step 3, after the reveal.",
    "Versions are shared once the drafts are revealed.",
    "Nothing is signed yet.",
)

# Controls only the facilitator may have, by label (buttons, toggles, uploaders, expanders…).
FACILITATOR_ONLY = (
    "🖥️ Presentation mode", "Take the room to step", "◀ Back to step", "On to step",
    "⏱️ Time boxes", "Save the time boxes", "🧭 Facilitator prompts", "🔓 Reveal all drafts",
    "Reveal by itself", "Reopen the drafts", "Delete the workshop", "Yes, delete every draft",
    "One screen only?", "Your facilitator link", "🔗 Create the wall link", "Replace the link",
    "Stop sharing", "✨ Start from the suggested definition", "Build the shared answer",
    "Apply", "Edit by hand", "Open the guided form on the shared definition",
    "✏️ Reopen version", "📜 Propose this definition",
    "Record the answer", "💾 Back up this workshop", "Download the backup",
    "↩️ Undo the last change", "Go back to the definition after change",
    "Decision note", "Upload a CRM export", "Start marketing's turn", "Start sales's turn",
)
# What the facilitator does get, per page and phase (so the list above is not made up).
FACILITATOR_CONTROLS = {
    ("facilitator", "before"): ["🖥️ Presentation mode", "🧭 Facilitator prompts",
                                "Delete the workshop"],
    ("facilitator", "revealed"): ["Download the backup"],
    ("facilitator", "signed"): ["Download the backup"],
    ("teams", "before"): ["🔓 Reveal all drafts now", "Reveal by itself", "One screen only?",
                          "Your facilitator link"],
    ("teams", "revealed"): ["Reopen the drafts"],
    ("compare", "before"): ["🔓 Reveal all drafts"],
    ("compare", "revealed"): ["Build the shared answer", "Apply", "Edit by hand", "Decision note",
                              "📜 Propose this definition"],
    ("communicate", "signed"): ["Replace the link", "Stop sharing"],
    ("history", "signed"): ["✏️ Reopen version 2"],
}


# --- the world: three workshops in the three phases, and another one -------------------------

def marker(label: str) -> str:
    """A word nobody would type, unique to this run."""
    return f"zq{label}{uuid.uuid4().hex[:10]}"


@dataclass
class Workshop:
    id: str
    company: str
    tokens: dict[str, str]  # fac, mkt, sales
    invites: dict[str, str]  # marketing, sales
    join_code: str
    drafts: dict[str, str] = field(default_factory=dict)  # fac/mkt/sales -> draft marker
    shared: list[str] = field(default_factory=list)  # markers of the shared definition
    versions: dict[int, str] = field(default_factory=dict)  # number -> marker
    wip: str = ""  # marker of a shared definition being drafted after the last version
    wall: str | None = None
    revoked: str | None = None
    data_key: str = ""  # the won deals' draft's participant key: nobody is ever given it

    def secrets(self) -> dict[str, str]:
        """Every key and secret of this workshop, by name."""
        named = {f"{self.company} {kind} key": token for kind, token in self.tokens.items()}
        named[f"{self.company} won deals' key"] = self.data_key
        named |= {f"{self.company} {role} invite": s for role, s in self.invites.items()}
        named[f"{self.company} join code"] = self.join_code
        if self.wall:
            named[f"{self.company} wall link"] = self.wall
        if self.revoked:
            named[f"{self.company} replaced wall link"] = self.revoked
        return named


@dataclass
class World:
    url: str
    phases: dict[str, Workshop]
    other: Workshop

    def workshops(self) -> list[Workshop]:
        return [*self.phases.values(), self.other]


def _draft(base: Definition, text: str) -> Definition:
    """`base` with `text` as an industry value and in two notes."""
    industry = [C("industry", values=["Software", f"{text}-industry"])]
    return base.with_question("industry", industry, note=f"{text}-why").with_question(
        "pain", [c for c in base.criteria if c.question == "pain"], note=f"{text}-pain")


def _shared(text: str) -> Definition:
    return _draft(demo.facilitator_draft(), text)


def _new_workshop(s, company: str) -> Workshop:
    created, fac = store.create_workshop(s, company=company, title=f"{company} lead session",
                                         facilitator_name="Dana")
    invitations = store.invitations(s, created.id, fac)
    _, mkt = store.join_with_invite(s, invitations.secrets["marketing"], "Priya")
    _, sales = store.join_with_invite(s, invitations.secrets["sales"], "Marcus")
    found = Workshop(created.id, company, {"fac": fac, "mkt": mkt, "sales": sales},
                     dict(invitations.secrets), invitations.join_code)
    for kind, base in (("fac", demo.facilitator_draft()), ("mkt", demo.marketing_draft()),
                       ("sales", demo.sales_draft())):
        found.drafts[kind] = marker(f"{company}{kind}draft")
        store.save_draft(s, created.id, found.tokens[kind], _draft(base, found.drafts[kind]), 0)
    store.set_done(s, created.id, mkt, True)
    # The draft learned from the won deals: hidden until the reveal, the facilitator included.
    found.drafts["data"] = marker(f"{company}datadraft")
    store.set_data_draft(s, created.id, fac, _draft(demo.sales_draft(), found.drafts["data"]))
    found.data_key = s.exec(select(Participant.token).where(
        Participant.workshop_id == created.id, Participant.role == DATA_ROLE)).one()
    return found


def _sign(s, w: Workshop, revision: int, definition: Definition) -> None:
    fac = w.tokens["fac"]
    versions.propose(s, w.id, fac, revision, measure(load_sample_leads(), definition),
                     "the sample leads")
    proposal = versions.current_proposal(s, w.id, fac).id
    versions.sign(s, w.id, w.tokens["mkt"], proposal, agrees=True)
    versions.sign(s, w.id, w.tokens["sales"], proposal, agrees=True)


def build_world(url: str) -> World:
    engine = make_engine(url)
    try:
        with session(engine) as s:
            before = _new_workshop(s, "Aardvark")

            revealed = _new_workshop(s, "Bittern")
            store.reveal(s, revealed.id, revealed.tokens["fac"])
            revealed.shared.append(marker("Bitternshared"))
            store.save_shared(s, revealed.id, revealed.tokens["fac"],
                              _shared(revealed.shared[0]), 0)

            signed = _new_workshop(s, "Cassowary")
            fac = signed.tokens["fac"]
            store.reveal(s, signed.id, fac)
            revision = 0
            for number in (1, 2):
                signed.versions[number] = marker(f"Cassowaryv{number}")
                signed.shared.append(signed.versions[number])
                definition = _shared(signed.versions[number])
                if number == 2:
                    versions.reopen(s, signed.id, fac)
                revision = store.save_shared(s, signed.id, fac, definition, revision)
                _sign(s, signed, revision, definition)
            signed.revoked = wall.share(s, signed.id, fac)
            signed.wall = wall.share(s, signed.id, fac, replace=True)

            other = _new_workshop(s, "Dunnock")
            fac = other.tokens["fac"]
            store.reveal(s, other.id, fac)
            other.versions[1] = marker("Dunnockv1")
            other.shared.append(other.versions[1])
            revision = store.save_shared(s, other.id, fac, _shared(other.versions[1]), 0)
            _sign(s, other, revision, _shared(other.versions[1]))
            other.revoked = wall.share(s, other.id, fac)
            other.wall = wall.share(s, other.id, fac, replace=True)
            versions.reopen(s, other.id, fac)
            other.wip = marker("Dunnockwip")
            other.shared.append(other.wip)
            store.save_shared(s, other.id, fac, _shared(other.wip), revision)
    finally:
        engine.dispose()
    return World(url, {"before": before, "revealed": revealed, "signed": signed}, other)


# --- driving a page and reading everything it sends ---------------------------------------------

@dataclass
class Download:
    file_name: str
    mime: str
    data: bytes | None  # None: an image we do not read (PNG)


@contextmanager
def recording_downloads() -> Iterator[list]:
    """Every file a page hands to Streamlit's media manager (download buttons' data, eager or
    deferred), as (file name, mime, data or callable)."""
    seen: list = []
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def recording_add(self, path_or_data, mimetype, coordinates, file_name=None,
                      is_for_static_download=False):
        if is_for_static_download:
            seen.append((file_name or "", mimetype, path_or_data))
        return add(self, path_or_data, mimetype, coordinates, file_name=file_name,
                   is_for_static_download=is_for_static_download)

    def recording_deferred(self, data_callable, mimetype, coordinates, file_name=None,
                           **kwargs):
        seen.append((file_name or "", mimetype, data_callable))
        return add_deferred(self, data_callable, mimetype, coordinates, file_name=file_name,
                            **kwargs)

    MediaFileManager.add, MediaFileManager.add_deferred = recording_add, recording_deferred
    try:
        yield seen
    finally:
        MediaFileManager.add, MediaFileManager.add_deferred = add, add_deferred


def downloads_of(seen: list) -> list[Download]:
    """The recorded files' contents; deferred ones are generated now, as a click would."""
    found = []
    for file_name, mime, data in seen:
        if mime == "image/png":  # the PNG is the PDF's page as pixels: its text is the PDF's
            found.append(Download(file_name, mime, None))
            continue
        if callable(data):
            data = data()
        if isinstance(data, str):
            data = data.encode()
        found.append(Download(file_name, mime, bytes(data)))
    return found


def download_text(download: Download) -> str:
    if download.data is None:
        return ""
    if download.mime == "application/pdf":
        reader = PdfReader(io.BytesIO(download.data))
        links = [str(annotation.get_object().get("/A", {}).get("/URI", ""))
                 for page in reader.pages for annotation in page.get("/Annots") or []]
        return "\n".join([page.extract_text() for page in reader.pages] + links)
    return download.data.decode("utf-8", errors="replace")


@dataclass
class Visit:
    at: AppTest
    shown: str  # everything that reaches the browser, and the downloads' text
    labels: list[str]  # of every control and fold-out
    downloads: list[Download]


def texts(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                 "warning", "error", "code"):
        parts += [str(element.value) for element in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "")


def _walk(at: AppTest):
    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    yield from walk(at.main)
    yield from walk(at.sidebar)


def everything(at: AppTest) -> str:
    """Every element's message (labels, options, defaults, markdown, code, tables, links) and
    every widget's current value."""
    parts: list[str] = []
    for node in _walk(at):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        try:
            parts.append(repr(node.value))
        except Exception:  # noqa: BLE001 - elements without a value
            pass
    return "\n".join(parts) + "\n" + texts(at)


def found_in(seen: Visit, words: list[str]) -> list[str]:
    """Which elements (or downloads) say any of `words`, for a failure message."""
    places = [f"{type(node).__name__} {getattr(node, 'label', '') or ''}: "
              f"{str(node.proto)[:400]!r}" for node in _walk(seen.at)
              if getattr(node, "proto", None) is not None
              and any(word in str(node.proto) for word in words)]
    places += [d.file_name for d in seen.downloads if any(w in download_text(d) for w in words)]
    return places


def control_labels(at: AppTest) -> list[str]:
    labels = []
    for node in _walk(at):
        label = getattr(node, "label", None)
        proto = getattr(node, "proto", None)
        if label is None and proto is not None and proto.DESCRIPTOR.name == "BidiComponent":
            label = json.loads(proto.json or "{}").get("label")  # workshop/ui/autosave.py
        elif label is None:
            label = getattr(proto, "label", None) if proto is not None else None
        if isinstance(label, str) and label:
            labels.append(label)
    return labels


_components: list = []  # Streamlit's component registry, scanned once (a second per AppTest)


def new_session() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if hasattr(at, "_bidi_component_manager"):  # AppTest would scan every package's metadata
        if _components:
            at._bidi_component_manager = _components[0]
        else:
            at.run()
            _components.append(at._bidi_component_manager)
            at = AppTest.from_file(APP, default_timeout=120)
            at._bidi_component_manager = _components[0]
    return at


def visit(params: dict[str, str], page: str) -> Visit:
    """A new browser session opening `page` with these query parameters."""
    at = new_session()
    for key, value in params.items():
        at.query_params[key] = value
    with recording_downloads() as seen:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    downloads = downloads_of(seen)
    shown = everything(at) + "\n" + "\n".join(download_text(d) for d in downloads)
    return Visit(at, shown, control_labels(at), downloads)


def params_for(world: World, phase: str, visitor: str, page: str) -> dict[str, str]:
    w = world.phases[phase]
    other = world.other
    walls = w if w.wall else other
    key = {
        "fac": w.tokens["fac"], "mkt": w.tokens["mkt"], "sales": w.tokens["sales"],
        "o-fac": other.tokens["fac"], "o-part": other.tokens["mkt"],
        "wrong": secrets.token_urlsafe(32), "none": None, "invite": w.invites["marketing"],
        "wall": walls.wall, "revoked": walls.revoked,
    }[visitor]
    if visitor in ("wall", "revoked"):
        return {"w": key} if page == "wall" else {"ws": w.id, "key": key, "w": key}
    if visitor == "invite":
        return {"invite": key} if page == "join" else {"ws": w.id, "key": key}
    if visitor == "wrong" and page == "wall":
        return {"w": key}
    return {"ws": w.id} if key is None else {"ws": w.id, "key": key}


# --- what each visitor may see ------------------------------------------------------------------

def own_secrets(params: dict[str, str]) -> set[str]:
    """What the visitor brought in the URL: theirs to see again."""
    return {value for key, value in params.items() if key in ("key", "invite", "w")}


def allowed_secrets(world: World, phase: str, visitor: str, page: str) -> set[str]:
    w = world.phases[phase]
    allowed: set[str] = set()
    if visitor == "fac" and page == "teams" and phase == "before":
        allowed |= {*w.invites.values(), w.join_code}  # the join code and links
    if visitor in MEMBERS and page == "communicate" and w.wall:
        allowed.add(w.wall)  # members pass the wall link on
    return allowed


def expected_secrets(world: World, phase: str, visitor: str, page: str) -> set[str]:
    """The ones that must be there, so that looking for secrets is not looking in vain."""
    w = world.phases[phase]
    if visitor == "fac" and page == "teams" and phase == "before":
        return {*w.invites.values(), w.join_code, w.tokens["fac"]}
    if visitor in MEMBERS and page == "communicate" and w.wall:
        return {w.wall}
    if visitor in MEMBERS and page == "draft":
        return {w.tokens[visitor]}  # "your personal link"
    if visitor == "wall" and page == "wall":
        return {(w if w.wall else world.other).wall}  # printed under the one-pager's QR code
    return set()


def allowed_markers(world: World, phase: str, visitor: str, page: str) -> set[str]:
    w = world.phases[phase]
    if visitor in MEMBERS:
        if phase == "before":
            return {w.drafts[visitor]}
        return {*w.drafts.values(), *w.shared}
    if visitor == "wall" and page == "wall":
        shown = w if w.wall else world.other
        return {shown.versions[max(shown.versions)]}  # the latest signed version only
    return set()


def expected_markers(world: World, phase: str, visitor: str, page: str) -> set[str]:
    w = world.phases[phase]
    if visitor == "wall" and page == "wall":
        return allowed_markers(world, phase, visitor, page)
    if visitor not in MEMBERS:
        return set()
    if phase == "before" and page == "draft" and visitor != "mkt":  # marketing is done
        return {w.drafts[visitor]}
    if phase != "before" and page == "compare":
        return {*w.drafts.values(), w.shared[-1]}
    if phase != "before" and page == "draft":
        return {w.drafts[visitor]}  # "what you wrote"
    if phase != "before" and page == "communicate":
        return {w.shared[-1]}
    if phase == "signed" and page == "history":
        return {*w.versions.values()}
    return set()


def every_marker(world: World) -> set[str]:
    return {m for w in world.workshops()
            for m in (*w.drafts.values(), *w.shared, *w.versions.values(), w.wip) if m}


def every_secret(world: World) -> dict[str, str]:
    return {name: value for w in world.workshops() for name, value in w.secrets().items()}


# --- one cell -----------------------------------------------------------------------------------

def check_cell(world: World, phase: str, page: str, visitor: str, outcome: str) -> None:
    params = params_for(world, phase, visitor, page)
    seen = visit(params, PAGES[page])
    at, shown = seen.at, seen.shown
    said = texts(at)
    where = f"{page} for {visitor} ({phase})"

    # The outcome the table states.
    errors = [str(e.value) for e in at.error]
    if outcome == SHOWS:
        assert not errors, f"{where}: {errors}"
        assert any(text in said for text in CONTENT[page]), f"{where} shows no content:\n{said}"
        refusals = [text for text in (*REFUSALS, *NOT_YET) if text in said]
        assert not refusals, f"{where} should show its content but says {refusals}"
    elif outcome == REFUSED:
        assert any(text in said for text in REFUSALS), f"{where} is not refused:\n{said}"
        assert not any(text in said for text in CONTENT[page] if not text.startswith("Step")), \
            f"{where} is refused but shows its content"
    else:
        assert any(text in said for text in NOT_YET), f"{where} does not say 'later':\n{said}"
    if visitor not in MEMBERS and page not in ("home", "join", "wall"):
        w = world.phases[phase]
        assert w.company not in shown, f"{where} tells an outsider about the workshop"

    # Nobody's draft (or shared definition) but what this visitor may read.
    allowed = allowed_markers(world, phase, visitor, page)
    leaked = sorted(m for m in every_marker(world) - allowed if m in shown)
    assert not leaked, f"{where} shows text it must not: {leaked} in {found_in(seen, leaked)}"
    missing = sorted(m for m in expected_markers(world, phase, visitor, page) if m not in shown)
    assert outcome != SHOWS or not missing, f"{where} lacks its own content {missing}"

    # No key, join link, join code or wall link but the visitor's own and those meant for them.
    mine = own_secrets(params) | allowed_secrets(world, phase, visitor, page)
    leaked = sorted(name for name, value in every_secret(world).items()
                    if value not in mine and value in shown)
    assert not leaked, f"{where} shows {leaked}"
    if outcome == SHOWS:
        missing = sorted(s for s in expected_secrets(world, phase, visitor, page)
                         if s not in shown)
        assert not missing, f"{where} lacks the links it is for"

    # The facilitator's controls are the facilitator's alone.
    if visitor == "fac" and outcome == SHOWS:
        for label in FACILITATOR_CONTROLS.get((page, phase), []):
            assert any(lbl.startswith(label) for lbl in seen.labels), \
                f"{where}: the facilitator has no {label!r}: {seen.labels}"
    elif visitor != "fac":
        theirs = [lbl for lbl in seen.labels if lbl.startswith(FACILITATOR_ONLY)]
        assert not theirs, f"{where} offers facilitator controls {theirs}"

    check_downloads(world, phase, visitor, page, seen)
    if page == "wall" and outcome == SHOWS:
        check_wall(world, phase, at, seen)


ONE_PAGER = ("pdf", "html", "md")


def check_downloads(world: World, phase: str, visitor: str, page: str, seen: Visit) -> None:
    """A file taken away holds no key, no join link or code, not even the visitor's own; the
    one-pager and the announcement carry the wall link, and only the current one."""
    w = world.phases[phase]
    shows = (w if w.wall else world.other) if page == "wall" and visitor == "wall" else w
    meant = shows.wall if page in ("communicate", "wall") and shows.wall else None
    for download in seen.downloads:
        text = download_text(download)
        kind = download.file_name.rsplit(".", 1)[-1]
        carries_link = kind in ONE_PAGER or download.file_name.endswith("-announcement.txt")
        leaked = sorted(name for name, value in every_secret(world).items()
                        if value in text and not (carries_link and value == meant))
        assert not leaked, f"{download.file_name} on {page} for {visitor} holds {leaked}"
        if carries_link and meant and download.data is not None:
            assert meant in text, f"{download.file_name} lacks the wall link"


# Widgets that could change something; the wall page may have none of them.
INPUTS = ("text_input", "text_area", "number_input", "selectbox", "multiselect", "checkbox",
          "radio", "slider", "select_slider", "toggle", "date_input", "time_input",
          "color_picker", "chat_input", "file_uploader", "button", "link_button",
          "page_link", "form")


def check_wall(world: World, phase: str, at: AppTest, seen: Visit) -> None:
    """Read-only: no input, no button but downloads (and the paper they are printed on)."""
    present = {kind: len(at.get(kind)) for kind in INPUTS if at.get(kind)}
    assert not present, f"the wall page has inputs {present}"
    kinds = {type(node).__name__ + ":" + str(getattr(node, "type", "")) for node in _walk(at)}
    widgets = [label for label in seen.labels if label != "Paper"
               and not label.startswith("⬇️") and not label.startswith("Download it")]
    assert not widgets, f"the wall page has controls {widgets} ({kinds})"
    assert [d.file_name.rsplit(".", 1)[-1] for d in seen.downloads] == [
        "pdf", "png", "html", "md"], seen.downloads
    w = world.phases[phase]
    shown = w if w.wall else world.other
    latest = max(shown.versions)
    assert f"version {latest}" in seen.shown.lower() or f"v{latest}" in seen.shown
    for number, text in shown.versions.items():
        assert (text in seen.shown) == (number == latest), f"version {number} on the wall"


# --- the table, on SQLite; a representative part on PostgreSQL ----------------------------------

CELLS = [(phase, page, visitor, outcome)
         for phase, table in PAGE_ACCESS.items()
         for page, outcomes in table.items()
         for visitor, outcome in zip(VISITORS, outcomes, strict=True)]
POSTGRES_CELLS = [cell for cell in CELLS if (cell[0], cell[1], cell[2]) in {
    ("before", "draft", "mkt"), ("before", "draft", "o-part"), ("before", "compare", "sales"),
    ("before", "teams", "fac"), ("before", "teams", "mkt"), ("before", "wall", "o-part"),
    ("revealed", "compare", "wrong"), ("revealed", "history", "invite"),
    ("signed", "wall", "revoked"), ("signed", "history", "sales"),
    ("signed", "draft", "wall"), ("signed", "evidence", "o-fac")}]


def _ids(cells):
    return [pytest.param(*cell, id="-".join(cell[:3])) for cell in cells]


_WORLDS: dict[str, World] = {}  # built once per test session (tests/test_token_leaks.py too)


@pytest.fixture(scope="module")
def sqlite_world(tmp_path_factory) -> World:
    if "sqlite" not in _WORLDS:
        _WORLDS["sqlite"] = build_world(
            f"sqlite:///{tmp_path_factory.mktemp('access') / 'workshop.db'}")
    return _WORLDS["sqlite"]


@pytest.fixture(scope="module")
def postgres_world(postgres_server) -> Iterator[World]:
    name = postgres_server.create_database()
    try:
        yield build_world(postgres_server.url(name))
    finally:
        postgres_server.drop_database(name)


_LAYOUTS: dict = {}


@pytest.fixture(scope="module", autouse=True)
def one_layout_per_page():
    """Laying out a PDF takes seconds, and every member's step 4 shows the same page: lay out
    each distinct page once (the bytes are the real ones)."""
    from workshop import pdf

    real = pdf.to_pdf

    def to_pdf(page, paper="A4"):
        key = (repr(page), paper)
        if key not in _LAYOUTS:
            _LAYOUTS[key] = real(page, paper)
        return _LAYOUTS[key]

    pdf.to_pdf = to_pdf
    yield
    pdf.to_pdf = real


@pytest.fixture
def use(monkeypatch):
    def on(world: World) -> World:
        monkeypatch.setenv("DATABASE_URL", world.url)
        monkeypatch.delenv("PUBLIC_URL", raising=False)
        return world
    return on


@pytest.mark.parametrize(("phase", "page", "visitor", "outcome"), _ids(CELLS))
def test_page_access_table_sqlite(sqlite_world, use, phase, page, visitor, outcome):
    check_cell(use(sqlite_world), phase, page, visitor, outcome)


@pytest.mark.parametrize(("phase", "page", "visitor", "outcome"), _ids(POSTGRES_CELLS))
def test_page_access_table_postgresql(postgres_world, use, phase, page, visitor, outcome):
    check_cell(use(postgres_world), phase, page, visitor, outcome)


@pytest.mark.long
@pytest.mark.parametrize(("phase", "page", "visitor", "outcome"),
                         _ids([c for c in CELLS if c not in POSTGRES_CELLS]))
def test_page_access_table_postgresql_every_other_cell(postgres_world, use, phase, page,
                                                       visitor, outcome):
    check_cell(use(postgres_world), phase, page, visitor, outcome)
