"""Making user-typed text inert wherever it is shown as Markdown (Streamlit or exports)."""
from __future__ import annotations

import html
import re

# ASCII punctuation that can start or end Markdown syntax anywhere in a line (CommonMark lets any
# ASCII punctuation be backslash-escaped, so escaping one more than needed is harmless). The colon
# starts Streamlit's and GitHub's emoji shortcodes (:rocket:) and directives (:red[x]); escaped,
# it still shows as itself, so "10:30" and "https://x" read as written.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&$:])")
# Streamlit turns ":streamlit:" into its logo and " -> ", " -- ", " >= " and the like into arrows
# and signs in the text it has already unescaped, so no escape reaches them: an invisible word
# joiner after the first character is the only way to keep them as typed.
_STREAMLIT_LOGO = re.compile(r"(?<=:streamlit)(?=:)")
_STREAMLIT_SIGNS = re.compile(r"(?<!\S)(<->|->|<-|--|>=|<=|~=)(?!\S)")
WORD_JOINER = "\u2060"
# Streamlit links bare addresses in the text it has unescaped ("http://…", "www.…", "x@y.z",
# any case), so no escape reaches them either: a word joiner after the scheme or "www", and
# before the "@" of an address, leaves them as text.
_AUTOLINKED = re.compile(r"(?i)\b(?:https?(?=:/)|www(?=\.))|(?<=\w)(?=@\w)")
_MD_LEADING_MARKER = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")
# Right-to-left overrides, embeddings and isolates: typed into a name, they turn the rest of the
# line around ("Acme\u202eoc.live" shows as "Acmeevil.co") and spoof the app's own words.
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# What a terminal reads as commands (ESC sequences clear or recolour it), besides line ends.
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def without_bidi_overrides(text: str) -> str:
    """Typed text without the characters that reorder what follows them."""
    return _BIDI_CONTROLS.sub("", text)


# Letters written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko…, and their
# presentation forms).
_RIGHT_TO_LEFT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
FIRST_STRONG_ISOLATE, POP_ISOLATE = "\u2068", "\u2069"
_ISOLATED = re.compile(f"{FIRST_STRONG_ISOLATE}([^\u202a-\u202e\u2066-\u2069]*){POP_ISOLATE}")


def isolated(item: str) -> str:
    """An item of a list ("Japan, ישראל, France") that holds right-to-left letters, isolated
    so that the items keep the order they were typed in: two such items side by side would
    otherwise read as one right-to-left run, their order and the comma between them turned
    around. Other items as they are. Only the one-pager's HTML and PDF keep the isolation
    (`without_bidi_overrides_but_isolates`); every other output drops it with the rest."""
    item = without_bidi_overrides(item)
    return f"{FIRST_STRONG_ISOLATE}{item}{POP_ISOLATE}" if _RIGHT_TO_LEFT.search(item) else item


def without_bidi_overrides_but_isolates(text: str) -> str:
    """`without_bidi_overrides`, keeping the isolation `isolated` puts around an item: a
    first-strong isolate closed with nothing reordering inside it can isolate, never turn
    text around."""
    kept = _ISOLATED.split(text)  # text, isolated item, text, …
    return "".join(FIRST_STRONG_ISOLATE + part + POP_ISOLATE if i % 2
                   else without_bidi_overrides(part) for i, part in enumerate(kept))


def for_terminal(text: object) -> str:
    """Text for a terminal: no control characters a terminal would run, no reordering."""
    return without_bidi_overrides(_TERMINAL_CONTROLS.sub("", str(text)))


def md_escape(text: object) -> str:
    """Text that Markdown shows literally: no emphasis, links, HTML, headings, lists or tables.

    One line of output per line of input; leading whitespace is dropped so that a typed indent
    never becomes a code block. Bare URLs are broken up (`http\\://`) so that renderers with
    autolinking leave them as text as far as escapes allow.
    """
    lines = []
    text = without_bidi_overrides(str(text))
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _MD_SPECIAL.sub(r"\\\1", raw.strip())
        line = _MD_LEADING_MARKER.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), line)
        # Streamlit reads ":material/name:" in the source as an icon, escaped colon or not
        line = line.replace("\\:material/", "\\:material\\/").replace("www.", "www\\.")
        line = re.sub(r"@(?=\w)", r"\\@", line)
        lines.append(line)
    return "\n".join(lines)


def _escape_marker(marker: str) -> str:
    if marker.isdigit():  # "1." or "1)" would start an ordered list: escape the punctuation
        return marker + "\\"
    return "\\" + marker


def md_inline(text: object) -> str:
    """Escaped text on one line (table cells, list items, headings): line breaks become spaces."""
    return " ".join(part for part in md_escape(text).split("\n") if part)


def streamlit_guarded(text: object) -> str:
    """Typed text that Streamlit's Markdown leaves as typed once escaped: no logo for
    ":streamlit:", no arrow or dash for " -> " or " -- ", no link for a bare address (a word
    joiner keeps them apart).
    For the screen only: files keep the text exactly."""
    text = _STREAMLIT_LOGO.sub(WORD_JOINER, "" if text is None else str(text))
    text = _AUTOLINKED.sub(lambda start: start[0] + WORD_JOINER, text)
    return _STREAMLIT_SIGNS.sub(lambda sign: sign[0][0] + WORD_JOINER + sign[0][1:], text)


def escape_markdown(text: object) -> str:
    """One line of typed text, safe to put inside Streamlit Markdown: it shows as typed."""
    return md_inline(streamlit_guarded(text))


def chart_text(text: object) -> str:
    """Typed text as a chart label: Plotly reads <a>, <b>, <br> and entities in labels, so
    every markup character is written as an entity and shows as itself."""
    return html.escape(without_bidi_overrides("" if text is None else str(text)), quote=False)


BLANK = "—"  # what a table shows for a missing value, instead of "None"


def when(moment: object, form: str = "%d %b %Y") -> str:
    """A moment in words, or "—" for one the database holds in no readable form (see
    `workshop.db.odd_moment`)."""
    return "—" if moment is None else format(moment, form)
