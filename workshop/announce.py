"""Step 4, "communicate": the agreed definition as a ready-to-send e-mail.

The e-mail is built from the same `OnePager` as the printed page, so the mail and the poster on
the wall say the same thing; on top of it, it tells each team what changes for them, compared
with the draft that team wrote. It is plain text: everything people typed appears exactly as
typed (nothing here is Markdown, HTML or a spreadsheet), and only control characters are removed,
since in a subject line a line break would start a new mail header.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from workshop import catalog, export
from workshop.compare import bounds
from workshop.definition import Criterion, Definition

WIDTH = 72  # mail clients wrap at 72–78 columns; wrapping ourselves keeps bullets indented
MAX_DIFFERENCES = 8  # per section: busy leaders read a few lines, the full definition has the rest
TEAMS = ("marketing", "sales")
ARROW = "→"

# Line breaks of every kind (CR, LF, VT, FF, file/group/record separators, NEL, Unicode line and
# paragraph separators) and tabs become spaces; other control characters, and the bidirectional
# overrides that can make a line read differently from what it holds, are removed.
_SPACES = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Announcement:
    """A subject line and a plain-text body, ready to paste into an e-mail."""

    subject: str
    body: str

    def __post_init__(self) -> None:
        # Cleaned here as well, so an Announcement built by hand cannot smuggle in a header.
        object.__setattr__(self, "subject", one_line(self.subject))
        lines = self.body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        object.__setattr__(self, "body", "\n".join(one_line(line, strip=False)
                                                   for line in lines))

    def mailto(self, to: str = "") -> str:
        """A mailto: link that opens a new mail with this subject and body (RFC 6068: every
        reserved character percent-encoded, line ends as CRLF)."""
        address = quote(one_line(to).replace(" ", ""), safe="@,")
        subject = quote(self.subject, safe="")
        body = quote(self.body.replace("\n", "\r\n"), safe="")
        return f"mailto:{address}?subject={subject}&body={body}"

    def text(self) -> str:
        """The mail as one text file (a .txt download): the subject, a blank line, the body."""
        return f"Subject: {self.subject}\n\n{self.body}"


def announcement(page: export.OnePager, agreed: Definition, *,
                 team_drafts: Mapping[str, Definition] | None = None,
                 previous: Definition | None = None,
                 previous_number: int | None = None,
                 wall_url: str | None = None) -> Announcement:
    """The announcement of `agreed` (laid out on `page`): the definition, what changes for
    marketing and for sales against their own drafts, what changed since `previous`, the
    figures, and where the full definition lives."""
    drafts = team_drafts or {}
    blocks = [[*_paragraph(_opening(page))], *_definition_blocks(page)]
    for team in TEAMS:
        blocks += _team_blocks(team, page, agreed, drafts.get(team))
    if previous is not None:
        blocks.append(_previous_block(previous, agreed, _previous_label(page, previous_number)))
    if page.figures:
        blocks.append(_block(page.section_titles["figures"], page.figures))
    closing = _closing(page, wall_url)
    if closing:
        blocks.append(closing)
    body = "\n\n".join("\n".join(block) for block in blocks) + "\n"
    return Announcement(subject=_subject(page), body=body)


# --- differences ------------------------------------------------------------------------------
def differences(before: Definition, after: Definition) -> list[str]:
    """How `after` differs from `before`, one line each, question by question (catalog order):
    'New: …', 'No longer: …', 'Changed: … → …'. Criteria are paired by field, disqualifiers
    with disqualifiers, so a narrower list of industries reads as one change, not two."""
    found = [(_question_order((new or old).question), _criterion_change(old, new))
             for old, new in _paired(before.criteria, after.criteria)]
    engagement = _question_order(catalog.ENGAGEMENT)
    found += [(engagement, line) for line in _engagement_changes(before, after)]
    found.sort(key=lambda item: item[0])  # stable: the order within a question is kept
    return [line for _, line in found]


def bounded(lines: list[str], limit: int = MAX_DIFFERENCES) -> tuple[list[str], str]:
    """The first `limit` lines, and a line counting the rest ('' when nothing is left out)."""
    hidden = len(lines) - limit
    if hidden <= 0:
        return lines, ""
    plural = "s" if hidden > 1 else ""
    return lines[:limit], f"…and {hidden} more difference{plural} (see the full definition)"


def _paired(before: list[Criterion],
            after: list[Criterion]) -> Iterator[tuple[Criterion | None, Criterion | None]]:
    """(draft criterion, agreed criterion) pairs that differ; None on the side that lacks one."""
    groups: dict[tuple[str, bool], tuple[list[Criterion], list[Criterion]]] = {}
    for criterion in after:
        groups.setdefault(_pair_key(criterion), ([], []))[1].append(criterion)
    for criterion in before:
        groups.setdefault(_pair_key(criterion), ([], []))[0].append(criterion)
    for olds, news in groups.values():
        olds, news = _without_common(olds, news)
        for i in range(max(len(olds), len(news))):
            yield (olds[i] if i < len(olds) else None, news[i] if i < len(news) else None)


def _pair_key(criterion: Criterion) -> tuple[str, bool]:
    return criterion.field, criterion.role == "disqualifier"


def _rule(criterion: Criterion) -> tuple:
    """What a criterion does to leads, whatever the wording, order or case of its values."""
    return (criterion.field, criterion.op, frozenset(v.casefold() for v in criterion.values),
            bounds(criterion), criterion.currency, criterion.days,
            criterion.role, criterion.gate if criterion.role == "must" else "",
            criterion.points if criterion.role == "nice" else 0)


def _without_common(olds: list[Criterion],
                    news: list[Criterion]) -> tuple[list[Criterion], list[Criterion]]:
    """Both lists without the criteria that appear, as rules, on both sides."""
    remaining = list(news)
    kept_old = []
    for old in olds:
        match = next((i for i, new in enumerate(remaining) if _rule(new) == _rule(old)), None)
        if match is None:
            kept_old.append(old)
        else:
            remaining.pop(match)
    return kept_old, remaining


def _criterion_change(old: Criterion | None, new: Criterion | None) -> str:
    if old is None:
        return f"New: {new.sentence()} ({_role(new)})"
    if new is None:
        return f"No longer: {old.sentence()} ({_role(old)})"
    old_text, new_text = old.sentence(), new.sentence()
    if old.role == new.role == "nice" and old_text == new_text:
        return f"Changed: {new_text}: {old.points:,} {ARROW} {new.points:,} points"
    if _role(old) == _role(new):
        return f"Changed: {old_text} {ARROW} {new_text} ({_role(new)})"
    if old_text == new_text:
        return f"Changed: {new_text}: {_role(old)} {ARROW} {_role(new)}"
    return f"Changed: {old_text} ({_role(old)}) {ARROW} {new_text} ({_role(new)})"


def _role(criterion: Criterion) -> str:
    if criterion.role == "disqualifier":
        return "disqualifier"
    if criterion.role == "nice":
        return f"+{criterion.points:,} points"
    return "SQL must-have" if criterion.gate == "sql" else "MQL must-have"


def _engagement_changes(before: Definition, after: Definition) -> list[str]:
    lines = []
    old_t, new_t = before.threshold, after.threshold
    if old_t != new_t:
        if not old_t:
            lines.append(f"New: Points threshold: {new_t:,} points")
        elif not new_t:
            lines.append(f"No longer: Points threshold: {old_t:,} points")
        else:
            lines.append(f"Changed: Points threshold: {old_t:,} {ARROW} {new_t:,} points")
    old = {action.field: action for action in before.actions}
    new = {action.field: action for action in after.actions}
    for name in dict.fromkeys([*new, *old]):
        was, now = old.get(name), new.get(name)
        if was is None:
            lines.append(f"New: {now.sentence()}")
        elif now is None:
            lines.append(f"No longer: {was.sentence()}")
        elif was.points != now.points:
            lines.append(f"Changed: {now.label}: {was.points:,} {ARROW} {now.points:,} points")
    return lines


def _question_order(question: str) -> int:
    keys = [q.key for q in catalog.QUESTIONS]
    return keys.index(question) if question in keys else len(keys)


# --- the parts of the body --------------------------------------------------------------------
def _subject(page: export.OnePager) -> str:
    company = one_line(page.company)
    what = (f"our ideal lead, version {page.version}" if page.version is not None
            else "our ideal lead (draft)")
    return f"{company}: {what}" if company else what[:1].upper() + what[1:]


def _opening(page: export.OnePager) -> str:
    """Who agreed what, and when; or that this is a draft nobody has signed."""
    company = one_line(page.company)
    about = f"what a qualified lead is for {company}" if company else "what a qualified lead is"
    details = [f"version {page.version}"] if page.version is not None else []
    if page.agreed_by:
        signed = f"signed by {page.agreed_by_text}"
        details.append(f"{signed} on {page.agreed_on}" if page.agreed_at else signed)
        return f"Marketing and sales have agreed {about}" + _details(details) + "."
    if page.agreed_at:
        details.append(f"dated {page.agreed_on}")
    return (f"Here is the current draft of {about}" + _details(details)
            + ". Nobody has signed it yet.")


def _details(details: list[str]) -> str:
    # A colon rather than brackets: names often carry their own, "Ann (VP Marketing)".
    return ": " + ", ".join(details) if details else ""


def _definition_blocks(page: export.OnePager) -> list[list[str]]:
    """The definition itself, in the one-pager's words and order of importance."""
    titles, empty = page.section_titles, page.empty
    return [
        _block(page.headline, page.headline_lines),
        _block(titles["mql"], page.mql_gate, empty["mql"]),
        _block(titles["sql"], page.sql_gate, empty["sql"]),
        _block(titles["points"], [row.sentence for row in page.points], empty["points"])
        + _paragraph(page.threshold_text),
        _block(titles["disqualifiers"], page.disqualifiers, empty["disqualifiers"]),
        [one_line(titles["handoff"]), *_paragraph(page.handoff)],
    ]


def _team_blocks(team: str, page: export.OnePager, agreed: Definition,
                 draft: Definition | None) -> list[list[str]]:
    """What the definition means for the team's daily work, then how it differs from the
    team's own draft."""
    duties = _marketing_duties(page) if team == "marketing" else _sales_duties(page)
    blocks = [_block(f"What changes for {team}", duties)]
    if draft is None or draft.is_empty():
        blocks.append(_paragraph(f"{team.capitalize()} had no draft in the workshop to compare "
                                 f"the agreed definition with."))
        return blocks
    lines = differences(draft, agreed)
    if not lines:
        blocks.append(_paragraph(f"Nothing differs from the {team} team's own draft: the rules "
                                 f"are the ones {team} proposed."))
        return blocks
    shown, more = bounded(lines)
    blocks.append(_block(f"Compared with the {team} team's own draft:", shown)
                  + _paragraph(more))
    return blocks


def _marketing_duties(page: export.OnePager) -> list[str]:
    conditions = []
    count = len(page.mql_gate)
    if count:
        conditions.append("it meets the MQL must-have above" if count == 1
                          else f"it meets all {count} MQL must-haves above")
    if page.threshold > 0:
        conditions.append(f"it has at least {page.threshold:,} points")
    if page.disqualifiers:
        conditions.append("no disqualifier applies")
    if not conditions:
        return ["Every lead counts as an MQL: no MQL must-haves, points threshold or "
                "disqualifiers were agreed."]
    return [f"Pass a lead to sales only when {export.join_and(conditions)}.",
            "Keep nurturing the other leads until they qualify."]


def _sales_duties(page: export.OnePager) -> list[str]:
    lines = ["Accept the leads marketing passes on: they are MQLs under the rules above."]
    if page.sql_gate:
        rules = export.join_and([export.lower_first(s) for s in page.sql_gate])
        lines.append(f"Treat an MQL as sales-qualified (SQL) when {rules}.")
    else:
        lines.append("Treat every MQL as sales-qualified (SQL): no extra sales must-haves "
                     "were agreed.")
    if page.disqualifiers:
        lines.append("Drop any lead a disqualifier applies to, whatever else is true.")
    return lines


def _previous_label(page: export.OnePager, previous_number: int | None) -> str:
    if previous_number is not None:
        return f"version {previous_number}"
    if page.version is not None and page.version > 1:
        return f"version {page.version - 1}"
    return "the previous version"


def _previous_block(previous: Definition, agreed: Definition, label: str) -> list[str]:
    lines = differences(previous, agreed)
    if not lines:
        return [f"What changed since {label}", *_paragraph(f"The rules are the same as in "
                                                            f"{label}.")]
    shown, more = bounded(lines)
    return _block(f"What changed since {label}", shown) + _paragraph(more)


def _closing(page: export.OnePager, wall_url: str | None) -> list[str]:
    lines = []
    url = one_line(wall_url or "").replace(" ", "%20")
    if url:
        lines += _paragraph(f"The full definition, always up to date: {url}")
    facilitator = one_line(page.facilitator)
    if facilitator:
        lines += _paragraph(f"Questions? Ask {facilitator}.")
    return lines


# --- plain-text layout ------------------------------------------------------------------------
def one_line(text: object, *, strip: bool = True) -> str:
    """Text on one line: line breaks and tabs become spaces, other control characters go."""
    line = _CONTROLS.sub("", _SPACES.sub(" ", str(text)))
    return line.strip() if strip else line


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    """Wrapped at WIDTH columns on spaces, and between the characters of text written without
    spaces (Japanese, Chinese), which take two columns each; a word, a URL, an e-mail address
    or a hyphenated name is never split."""
    lines: list[str] = []
    line, used, gap, words = first, _columns(first), "", False
    for piece in _PIECES.findall(one_line(text)):
        if piece.isspace():
            gap = piece if words else ""
            continue
        width = _columns(piece)
        if words and used + _columns(gap) + width > WIDTH:
            lines.append(line)
            line, used, gap = rest, _columns(rest), ""
        line += gap + piece
        used += _columns(gap) + width
        gap, words = "", True
    if words:
        lines.append(line)
    return lines


# Where a line may break: at spaces, and before any character of a script written without them
# (its closing punctuation kept with it). A run of other characters (a word, a URL, an e-mail
# address) is one piece.
_WIDE = ("\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
         "\uf900-\ufaff\uff00-\uffef")
_CLOSING = "、。，．・：；？！）」』】〕〉》ー…"
_PIECES = re.compile(rf"\s+|[{_WIDE}][{_CLOSING}]*|[^\s{_WIDE}]+")


def _columns(text: str) -> int:
    """How many columns `text` takes in a fixed-width font: wide characters take two."""
    return len(text) + sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def _paragraph(text: str) -> list[str]:
    return _wrap(text)


def _block(title: str, items: list[str], empty: str = "") -> list[str]:
    """A title line, then one '- ' bullet per item (or the `empty` sentence when none)."""
    lines = [one_line(title)]
    for item in items:
        lines += _wrap(item, "- ", "  ")
    if not items and empty:
        lines += _paragraph(empty)
    return lines
