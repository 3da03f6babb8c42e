"""Step 4 of the workshop, "communicate": the agreed definition on one page.

`one_pager` builds the content once (a `OnePager`); `to_markdown` and `to_html` only lay it out, so
every format says the same thing. The page holds plain text; each format escapes what people typed
(company, title, names, notes, criterion values) for itself: Markdown with backslash escapes, HTML
through Jinja2's autoescape.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import jinja2
import markupsafe
import segno

from workshop import catalog
from workshop.definition import Definition
from workshop.measure import (
    leads_measured,
    no_wins_sentence,
    volume_sentence,
    wins_sentence,
)
from workshop.text import (
    isolated,
    md_escape,
    md_inline,
    streamlit_guarded,
    without_bidi_overrides_but_isolates,
)

HEADLINE = "A qualified lead is…"
MAX_HEADLINE_RULES = 4  # the headline stays a few short lines; the gates list everything

EMPTY = {
    "headline": "any lead: no MQL must-haves or points threshold agreed yet",
    "mql": "No MQL must-haves agreed.",
    "sql": "No SQL must-haves agreed: every MQL is sales-qualified.",
    "points": "No points agreed: no nice-to-haves and no conversion actions.",
    "threshold": "No points threshold: the MQL must-haves alone decide.",
    "disqualifiers": "No disqualifiers agreed.",
    "notes": "No decision noted on any question.",
    "agreed_by": "Not signed yet.",
    "agreed_at": "No date recorded.",
}

SECTION_TITLES = {
    "headline": HEADLINE,
    "handoff": "Hand-off",
    "mql": "MQL gate: marketing-qualified when all of these are true",
    "sql": "SQL gate: sales-qualified when it is an MQL and all of these are true",
    "points": "Points",
    "disqualifiers": "Disqualifiers: ruled out, whatever else is true",
    "notes": "Decisions",
    "agreement": "Agreed",
    "figures": "In figures",
}
LINK_TEXT = "The full definition, always current:"

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


MORE_POINTS = "more"  # a shortened table's last row: the rows left off, their points summed


@dataclass(frozen=True)
class PointsRow:
    """One line of the points table: a nice-to-have or a conversion action."""

    text: str  # "Industry is Software" or "Requested a demo"
    points: int
    kind: str  # "fit" (nice-to-have criterion), "action" (conversion action), or MORE_POINTS
    sentence: str  # the full plain-language sentence

    @property
    def points_text(self) -> str:
        return f"+{self.points}"


@dataclass(frozen=True)
class Note:
    question: str  # question key
    title: str  # question title from the catalog
    text: str


@dataclass
class OnePager:
    """Everything the one-page definition shows, as plain (unescaped) text."""

    company: str
    title: str
    facilitator: str
    agreed_by: list[str]
    agreed_at: datetime | None
    version: int | None
    headline_lines: list[str]
    mql_gate: list[str]
    sql_gate: list[str]
    points: list[PointsRow]
    threshold: int
    threshold_text: str
    disqualifiers: list[str]
    notes: list[Note]
    handoff: str
    figures: list[str] = field(default_factory=list)  # the latest measurement, in words
    link: str = ""  # the wall page, where the full and current definition always is
    # Each criterion's sentence -> its subject and values, so the printed page can shorten a
    # long list of values ("…and 58 more") and name the criteria it shortened.
    listed: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    printed_note: str = ""  # on a printed page that had to be shortened: what was, in words
    headline: str = HEADLINE
    empty: dict[str, str] = field(default_factory=lambda: dict(EMPTY))
    section_titles: dict[str, str] = field(default_factory=lambda: dict(SECTION_TITLES))

    @property
    def agreed_on(self) -> str:
        """'3 March 2025' (locale-independent), or '' without a date."""
        return format_date(self.agreed_at) if self.agreed_at else ""

    @property
    def agreed_on_iso(self) -> str:
        return self.agreed_at.date().isoformat() if self.agreed_at else ""

    @property
    def agreed_by_text(self) -> str:
        """'Ann, Bob and Carla', or '' when nobody has signed."""
        return join_and([_signature(item) for item in self.agreed_by], isolate=False)

    @property
    def agreement_text(self) -> str:
        """One sentence saying who agreed and when (or that it is not signed yet)."""
        if self.agreed_by and self.agreed_at:
            return f"Agreed by {self.agreed_by_text} on {self.agreed_on}."
        if self.agreed_by:
            return f"Agreed by {self.agreed_by_text}. {EMPTY['agreed_at']}"
        if self.agreed_at:
            return f"{EMPTY['agreed_by']} Dated {self.agreed_on}."
        return f"{EMPTY['agreed_by']} {EMPTY['agreed_at']}"

    @property
    def document_title(self) -> str:
        return " — ".join(part for part in (self.title.strip(), self.company.strip()) if part)

    @property
    def meta_line(self) -> str:
        """'Version 3 · Facilitated by Dana' (parts left out when unknown)."""
        parts = []
        if self.version is not None:
            parts.append(f"Version {self.version}")
        if self.facilitator.strip():
            parts.append(f"Facilitated by {self.facilitator.strip()}")
        return " · ".join(parts)

    @property
    def fit_points(self) -> list[PointsRow]:
        return [row for row in self.points if row.kind == "fit"]

    @property
    def action_points(self) -> list[PointsRow]:
        return [row for row in self.points if row.kind == "action"]


# --- building the content --------------------------------------------------------------------
def one_pager(definition: Definition, *, company: str, title: str, facilitator: str,
              agreed_by: list[str], agreed_at: datetime | None,
              version: int | None = None, measured=None, link: str = "",
              decisions: dict[str, str] | None = None) -> OnePager:
    """`measured`: the latest measurement of this version (a `versions.MeasurementInfo`),
    shown as a few lines of figures; `link`: the wall page's address; `decisions`: the decision
    note agreed on each question in step 3 (question key -> note, `versions.discussion`).

    The definition's own notes are not shown: they come from the drafts (a draft's note travels
    with its answer into the shared definition) and stay private to the workshop."""
    mql = [c.sentence() for c in definition.gate("mql")]
    sql = [c.sentence() for c in definition.gate("sql")]
    disqualifiers = [c.sentence() for c in definition.disqualifiers]
    points = [PointsRow(c.sentence(), c.points, "fit", f"{c.sentence()}: +{c.points} points")
              for c in definition.nice_to_haves]
    points += [PointsRow(a.label, a.points, "action", a.sentence()) for a in definition.actions]
    threshold = definition.threshold
    if threshold > 0:
        threshold_text = (f"A lead needs at least {threshold:,} points (from nice-to-haves and "
                          f"conversion actions) to become an MQL.")
    else:
        threshold_text = EMPTY["threshold"]
    return OnePager(
        company=company,
        title=title,
        facilitator=facilitator,
        agreed_by=[name.strip() for name in agreed_by if name and name.strip()],
        agreed_at=agreed_at,
        version=version,
        headline_lines=_headline_lines(mql, threshold, bool(disqualifiers)),
        mql_gate=mql,
        sql_gate=sql,
        points=points,
        threshold=threshold,
        threshold_text=threshold_text,
        disqualifiers=disqualifiers,
        notes=_notes(decisions or {}),
        handoff=handoff_sentence(sql),
        figures=_figure_lines(measured),
        link=link.strip(),
        listed={c.sentence(): (c.subject, tuple(c.values)) for c in definition.criteria},
    )


_LEADS_COUNT = re.compile(r"\s*\([\d,]+ leads?\)$")


def _figure_lines(measured) -> list[str]:
    """'On april.csv (12,000 leads, measured 5 May 2026): 42 qualified leads a month, …'."""
    if measured is None or measured.figures is None:
        return []
    figures = measured.figures
    source = _LEADS_COUNT.sub("", measured.source or "") or "the leads"  # older rows said it
    when = f" on {format_date(measured.measured_at)}" if measured.measured_at else ""
    lines = [f"Measured on {source} ({leads_measured(figures)}){when}.",
             volume_sentence(figures)]
    caught = wins_sentence(figures) or no_wins_sentence(figures)
    return lines + ([caught] if caught else [])


def _headline_lines(mql: list[str], threshold: int, has_disqualifiers: bool) -> list[str]:
    if not mql and threshold <= 0:
        return [EMPTY["headline"]]
    lines = [lower_first(sentence) for sentence in mql[:MAX_HEADLINE_RULES]]
    hidden = len(mql) - MAX_HEADLINE_RULES
    if hidden > 0:
        lines.append(f"and {hidden} more must-have{'s' if hidden > 1 else ''} "
                     f"(see the MQL gate)")
    if threshold > 0:
        lines.append(f"with at least {threshold:,} points")
    if has_disqualifiers:
        lines.append("not ruled out by a disqualifier")
    return lines


def handoff_sentence(sql: list[str]) -> str:
    start = "Marketing hands a lead to sales when it is an MQL; "
    if not sql:
        return start + ("sales accepts it as an SQL as it is, "
                        "since no extra sales must-haves were agreed.")
    return start + f"sales accepts it as an SQL when {join_and([lower_first(s) for s in sql])}."


def _notes(decisions: dict[str, str]) -> list[Note]:
    """The decision notes in the order of the questions."""
    known = [q.key for q in catalog.QUESTIONS]
    keys = [k for k in known if k in decisions]
    keys += sorted(k for k in decisions if k not in catalog.QUESTIONS_BY_KEY)
    notes = []
    for key in keys:
        text = (decisions[key] or "").strip()
        if not text:
            continue
        question = catalog.QUESTIONS_BY_KEY.get(key)
        title = question.title if question else (key.replace("_", " ").strip().capitalize()
                                                 or "Other")
        notes.append(Note(key, title, text))
    return notes


# --- small text helpers ----------------------------------------------------------------------
_SUBJECT_ENDS = re.compile(r" is |: | contains ")


def lower_first(sentence: str) -> str:
    """A criterion's sentence inside a longer one: 'Company size is …' -> 'company size is …'.
    A catalog field's subject is the app's own words and reads lowered; a CRM column's header
    stays as the CRM spells it unless it is plain sentence case ('Fleet size'): lowering
    'Fleet Size', 'Current TMS' or 'Has EDI' gives 'fleet Size', 'current TMS', 'has EDI'.
    A first word in capitals ('IT spend', 'ARR') always stays."""
    if not sentence:
        return sentence
    first_word = sentence.split(" ", 1)[0]
    if len(first_word) > 1 and first_word[1:] != first_word[1:].lower():
        return sentence
    catalog_subject = any(sentence.startswith(lead_field.subject)
                          and _SUBJECT_ENDS.match(sentence, len(lead_field.subject))
                          for lead_field in catalog.FIELDS.values())
    if not catalog_subject:
        end = _SUBJECT_ENDS.search(sentence)
        subject = sentence[:end.start()] if end else sentence
        if subject[1:] != subject[1:].lower():
            return sentence
    return sentence[0].lower() + sentence[1:]


def join_and(items: list[str], isolate: bool = True) -> str:
    """'a', 'a and b', 'a, b and c'; items holding commas are separated by semicolons, and
    right-to-left items are isolated (`isolated`) unless `isolate` is False (isolated in
    parts already)."""
    items = [isolated(item) if isolate else item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    separator = "; " if any("," in item for item in items) else ", "
    return separator.join(items[:-1]) + separator.rstrip() + " and " + items[-1]


def _signature(item: str) -> str:
    """'מיה כהן for Marketing' with the name alone isolated: isolated whole, its first letter
    made the English words after it right to left too ("for Marketing מיה כהן")."""
    name, joined, team = item.rpartition(" for ")
    return isolated(name) + joined + team if joined else isolated(item)


def format_date(value: datetime | date) -> str:
    """'3 March 2025', the same whatever the server's locale."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


# --- Markdown --------------------------------------------------------------------------------
def _md_block(text: str, indent: str = "", on_screen: bool = False) -> str:
    """Escaped multi-line text as one paragraph with hard line breaks (backslash at line end)."""
    lines = md_escape(streamlit_guarded(text) if on_screen else text).split("\n")
    while lines and not lines[-1]:
        lines.pop()
    out = []
    for i, line in enumerate(lines):
        if not line:  # a blank line would end a list item's paragraph: keep it as a bare break
            line = "\u00a0"
        out.append((indent if i else "") + line + ("\\" if i < len(lines) - 1 else ""))
    return "\n".join(out)


def to_markdown(page: OnePager, *, on_screen: bool = False) -> str:
    """The one-pager as Markdown; everything typed by people is escaped. `on_screen`: for
    Streamlit, whose Markdown also turns ":streamlit:", " -> " and " -- " into a logo, an arrow
    and a dash unless guarded (`streamlit_guarded`); a file keeps the text exactly."""
    titles = page.section_titles

    def shown(text: object) -> str:
        return md_inline(streamlit_guarded(text) if on_screen else text)

    company, title = page.company.strip(), page.title.strip()
    out: list[str] = [f"# {shown(company or title) or 'Ideal lead definition'}", ""]
    if company and title:
        out += [f"**{shown(title)}**", ""]
    if page.meta_line:
        out += [f"*{shown(page.meta_line)}*", ""]

    out += [f"## {shown(page.headline)}", ""]
    out += [f"- {shown(line)}" for line in page.headline_lines] + [""]

    out += [f"## {titles['handoff']}", "", shown(page.handoff), ""]
    if page.figures:
        out += [f"## {titles['figures']}", ""] + [f"- {shown(line)}"
                                                 for line in page.figures] + [""]

    for key, sentences in (("mql", page.mql_gate), ("sql", page.sql_gate)):
        out += [f"## {titles[key]}", ""]
        out += [f"- {shown(s)}" for s in sentences] if sentences else [page.empty[key]]
        out.append("")

    out += [f"## {titles['points']}", ""]
    if page.points:
        out += ["| What earns points | Points |", "| --- | ---: |"]
        out += [f"| {shown(row.text)} | {shown(row.points_text)} |"
                for row in page.points]
    else:
        out.append(page.empty["points"])
    out += ["", f"**Threshold:** {shown(page.threshold_text)}", ""]

    out += [f"## {titles['disqualifiers']}", ""]
    out += ([f"- {shown(s)}" for s in page.disqualifiers] if page.disqualifiers
            else [page.empty["disqualifiers"]])
    out.append("")

    out += [f"## {titles['notes']}", ""]
    if page.notes:
        out += [f"- **{shown(note.title)}:** "
                f"{_md_block(note.text, indent='  ', on_screen=on_screen)}"
                for note in page.notes]
    else:
        out.append(page.empty["notes"])
    out.append("")

    out += [f"## {titles['agreement']}", "", shown(page.agreement_text), ""]
    if page.link:
        out += [f"{LINK_TEXT} {_md_link(page.link)}", ""]
    return "\n".join(out)


_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+")


def _md_link(url: str) -> str:
    """A plain web address as an autolink (escaping would break it: 'http\\://host:8501'
    links to port 80); anything else as escaped text."""
    return f"<{url}>" if _PLAIN_URL.fullmatch(url) else md_inline(url)


# --- HTML ------------------------------------------------------------------------------------
TEMPLATES = Path(__file__).parent / "templates"
_environment: jinja2.Environment | None = None


def _jinja() -> jinja2.Environment:
    global _environment
    if _environment is None:
        _environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            # every typed value shown: escaped by autoescape, and never reordering the page's
            # words (Markup is the app's own, such as the QR code's SVG)
            finalize=lambda value: without_bidi_overrides_but_isolates(value)
            if isinstance(value, str)
            and not isinstance(value, markupsafe.Markup) else value,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _environment


def to_html(page: OnePager) -> str:
    """The one-pager as one self-contained HTML document (inline CSS, no scripts, no links);
    with a wall link, the link as text and as a QR code (inline SVG) to scan from the wall."""
    qr = markupsafe.Markup(_qr_svg(page.link)) if page.link else ""
    return _jinja().get_template("one_pager.html.j2").render(page=page, qr=qr,
                                                             link_text=LINK_TEXT)


def _qr_svg(url: str) -> str:
    """segno draws the code as one path: nothing of the URL is written into the SVG as text."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", xmldecl=False, svgns=True,
                                    unit="mm", scale=0.6, border=1, omitsize=False)
    return buffer.getvalue().decode()
