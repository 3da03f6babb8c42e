"""The one-pager as a PDF for the wall (A4 or US Letter, always exactly one page) and as a PNG.

The PDF is the HTML one-pager (`workshop.export.to_html`, so the same content and the same
escaping) laid out by WeasyPrint with a print stylesheet: vector text, fonts embedded. A long
definition is fitted by setting the type smaller, step by step, down to a size that still reads
on paper; only then are long notes, and at last long lists (of criteria and of one criterion's
values alike), shortened, and the printed page says what was.
The PNG is the PDF's page rendered by PDFium, so both look the same.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass, replace
from itertools import accumulate
from unicodedata import east_asian_width

from workshop.export import (
    MAX_HEADLINE_RULES,
    MORE_POINTS,
    OnePager,
    PointsRow,
    handoff_sentence,
    join_and,
    lower_first,
    to_html,
)
from workshop.text import isolated

PAPERS = {"A4": "A4", "Letter": "letter"}
# Body type sizes tried, as a share of 10pt (which reads across a room's wall); 6pt is the
# least that still reads up close.
SCALES = (1.0, 0.9, 0.82, 0.75, 0.7, 0.65, 0.6)
NOTE_LIMITS = (600, 300, 140)  # characters kept per note, tried in turn
# (items kept per list, characters kept per criterion's sentence), tried in turn when notes were
# not enough: one criterion listing 200 values of 200 characters is as long as 200 criteria.
# Characters here are columns: a wide one (Japanese, Chinese) counts two.
LIST_LIMITS = ((24, 400), (14, 240), (8, 160), (5, 110), (3, 80))
HEADLINE_CHARACTERS = 90  # per headline line (and hand-off item), once lists are cut
LAST_RESORT = 60  # per note, when even the shortest lists did not fit
NAMED = 3  # criteria (or signers) named on a shortened page before "N others"
REPEATS_SHORTENED = "the headline and the hand-off name fewer must-haves"
# `_size` of the most text that can fit on a page in the smallest type (measured: 5,800 fits,
# 9,700 takes two pages); longer versions are not even tried.
MOST_ON_A_PAGE = 9_000
FITS_IN_NORMAL_TYPE = 4_000  # below this, normal type is tried first (it usually fits)

logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Fitted:
    """A one-page PDF and how it was made to fit."""

    pdf: bytes
    paper: str
    scale: float  # 1.0 = the normal type size
    shortened: tuple[str, ...]  # what was cut, in words; empty when nothing was

    @property
    def message(self) -> str:
        if not self.shortened:
            return ""
        return ("To fit on one page, " + "; ".join(self.shortened)
                + ". The full definition is in the HTML, Markdown and JSON downloads.")


def to_pdf(page: OnePager, paper: str = "A4") -> Fitted:
    """Exactly one page of `paper` ("A4" or "Letter")."""
    if paper not in PAPERS:
        raise ValueError(f"Paper is A4 or Letter, not {paper!r}.")
    versions = list(_versions(page))
    # Laying out a version far too long for one page takes WeasyPrint many seconds: skip those.
    likely = [v for v in versions if _size(v[0]) <= MOST_ON_A_PAGE] or versions[-1:]
    for content, shortened in likely:
        if _size(content) <= FITS_IN_NORMAL_TYPE:
            normal = _render(content, paper, SCALES[0])
            if len(normal.pages) == 1:
                return Fitted(normal.write_pdf(), paper, SCALES[0], shortened)
        smallest = _render(content, paper, SCALES[-1])
        if len(smallest.pages) == 1:
            return _largest_that_fits(content, paper, shortened, smallest)
    raise PdfNotFitted("The one-pager could not be laid out on one page, even shortened; the "
                       "HTML, Markdown and JSON downloads have the whole definition.")


def _largest_that_fits(content: OnePager, paper: str, shortened: tuple[str, ...],
                       smallest) -> Fitted:
    """Binary search over the scales between the first (too big) and the last (fits)."""
    fitting, document = len(SCALES) - 1, smallest
    low, high = 1, len(SCALES) - 2
    while low <= high:
        middle = (low + high) // 2
        attempt = _render(content, paper, SCALES[middle])
        if len(attempt.pages) == 1:
            fitting, document, high = middle, attempt, middle - 1
        else:
            low = middle + 1
    return Fitted(document.write_pdf(), paper, SCALES[fitting], shortened)


def to_png(fitted: Fitted, dpi: int = 150) -> bytes:
    """The PDF's single page as a PNG image (for chat and slides)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(fitted.pdf)
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run here (its system libraries are missing)."""


class PdfNotFitted(ValueError):
    """Even the shortest version of the page took more than one page (not seen so far)."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango or its fonts are not installed
        raise PdfUnavailable(
            "PDF and PNG need the Pango library on the server (Debian/Ubuntu: apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core). The HTML and Markdown "
            f"downloads work without it. ({str(error).splitlines()[0][:200]})") from None
    return weasyprint


def _render(page: OnePager, paper: str, scale: float):
    weasyprint = _weasyprint()
    CSS, HTML = weasyprint.CSS, weasyprint.HTML  # noqa: N806 - the library's class names

    return HTML(string=to_html(page)).render(stylesheets=[CSS(string=_print_css(paper, scale))])


def _print_css(paper: str, scale: float) -> str:
    def pt(size: float) -> str:
        return f"{size * scale:.2f}pt !important"

    return f"""
    @page {{ size: {PAPERS[paper]}; margin: 12mm 13mm; }}
    html, body {{ background: #fff !important; }}
    body {{ margin: 0 !important; padding: 0 !important; max-width: none !important;
           box-shadow: none !important; font-size: {pt(10)}; line-height: 1.32 !important;
           font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif !important; }}
    header {{ margin-bottom: {pt(8)}; padding-bottom: {pt(4)}; }}
    header h1 {{ font-size: {pt(26)}; }}
    header .subtitle {{ font-size: {pt(11)}; }}
    header .meta {{ font-size: {pt(8.5)}; }}
    section {{ margin-bottom: {pt(8)}; }}
    #headline h2 {{ font-size: {pt(21)}; }}
    #headline li {{ font-size: {pt(13.5)}; }}
    h2 {{ font-size: {pt(11)}; }}
    th {{ font-size: {pt(8)}; }}
    td.kind {{ font-size: {pt(8.5)}; }}
    th, td {{ padding: {pt(1.5)} {pt(4)}; }}
    .gates {{ gap: {pt(10)}; }}
    footer {{ font-size: {pt(9)}; }}
    """ + (_COMPACT if scale < 1 else "")


# Smaller type means a long definition: gates one under the other, long lists in two columns,
# so no half-empty column wastes the page.
_COMPACT = """
    .gates { display: block !important; }
    .gate { margin-bottom: 6pt !important; }
    .gate ul, #disqualifiers ul { columns: 2; column-gap: 14pt; }
    li { break-inside: avoid; }
    dl { columns: 2; column-gap: 14pt; }
    dd, .note { break-inside: avoid; }
"""


def _versions(page: OnePager):
    """The page as it is, then with notes shortened, then with long lists cut too (by count and
    by characters), then as short as it gets; each with what was shortened, in words."""
    yield page, ()
    for limit in NOTE_LIMITS:
        shorter, cut = _short_notes(page, limit)
        if cut:
            yield _noted(shorter, (f"{cut} note{'s were' if cut > 1 else ' was'} shortened",))
    notes, cut_notes = _short_notes(page, NOTE_LIMITS[-1])
    said_notes = ([f"{cut_notes} note{'s were' if cut_notes > 1 else ' was'} shortened"]
                  if cut_notes else [])
    for items, characters in LIST_LIMITS:
        shorter, said = _short_lists(notes, items, characters)
        if shorter != notes:
            yield _noted(shorter, (*said_notes, *said) or (REPEATS_SHORTENED,))
    items, characters = LIST_LIMITS[-1]
    shorter, said = _short_lists(_short_notes(page, LAST_RESORT)[0], items, characters)
    named = _short_names(shorter)
    said = (*said_notes, *said, *(["long names were shortened"] if named != shorter else []))
    yield _noted(named, said or (REPEATS_SHORTENED,))


def _noted(page: OnePager, said: tuple[str, ...]) -> tuple[OnePager, tuple[str, ...]]:
    """The shortened page says so itself, in its footer: a print has no app around it."""
    where = "the HTML, Markdown and JSON downloads" + (" and the wall page" if page.link else "")
    return replace(page, printed_note=f"Shortened to fit this page: {'; '.join(said)}. The "
                                      f"full definition is in {where}."), said


def _size(page: OnePager) -> int:
    """Characters of text on the page: a rough measure of how much room it takes."""
    lines = [*page.headline_lines, *page.mql_gate, *page.sql_gate, *page.disqualifiers,
             *(row.text for row in page.points), *(note.text for note in page.notes),
             page.handoff, page.printed_note, *page.figures, *page.agreed_by]
    # each item also takes a line's margin; a wide character (Japanese, Chinese) takes two
    return sum(60 + sum(map(_column, line)) for line in lines)


def _short_notes(page: OnePager, limit: int) -> tuple[OnePager, int]:
    notes, cut = [], 0
    for note in page.notes:
        if len(note.text) > limit:
            note = replace(note, text=_cut(note.text, limit))
            cut += 1
        notes.append(note)
    return replace(page, notes=notes), cut


def _short_lists(page: OnePager, limit: int,
                 characters: int) -> tuple[OnePager, tuple[str, ...]]:
    """At most `limit` items per list, each criterion's sentence in about `characters` (a
    long list of values ends in "…and N more"), the headline and hand-off in a few short lines;
    and what was cut, in words."""
    left_off, shortened = 0, []

    def short(sentence: str, most: int = characters) -> str:
        subject, values = page.listed.get(sentence, ("", ()))
        shorter = _short_sentence(sentence, values, most)
        if shorter != sentence and subject and subject not in shortened:
            shortened.append(subject)
        return shorter

    def keep(items: list[str], more: str) -> list[str]:
        nonlocal left_off
        if len(items) <= limit:
            return [short(item) for item in items]
        left_off += len(items) - (limit - 1)
        return [*(short(item) for item in items[:limit - 1]),
                more.format(n=len(items) - (limit - 1))]

    mql = keep(page.mql_gate, "…and {n} more MQL must-haves")
    sql = keep(page.sql_gate, "…and {n} more SQL must-haves")
    disqualifiers = keep(page.disqualifiers, "…and {n} more disqualifiers")
    points = [replace(row, text=short(row.text)) for row in page.points[:limit]]
    if len(page.points) > limit:  # the last row says what the rest are worth together
        rest = page.points[limit - 1:]
        left_off += len(rest)
        points = [*points[:limit - 1], PointsRow(
            text=f"…and {len(rest)} more that earn points", points=sum(r.points for r in rest),
            kind=MORE_POINTS, sentence="")]
    return replace(page, mql_gate=mql, sql_gate=sql, disqualifiers=disqualifiers, points=points,
                   headline_lines=_short_headline(page), handoff=_short_handoff(page)), \
        _what_was_cut(left_off, shortened)


def _short_headline(page: OnePager) -> list[str]:
    """Each headline line in HEADLINE_CHARACTERS: a must-have's sentence loses values."""
    sentence_of = {lower_first(sentence): sentence for sentence in page.mql_gate}
    lines = []
    for line in page.headline_lines:
        sentence = sentence_of.get(line)
        if sentence is None:
            lines.append(_cut(line, HEADLINE_CHARACTERS))
        else:
            values = page.listed.get(sentence, ("", ()))[1]
            lines.append(lower_first(_short_sentence(sentence, values, HEADLINE_CHARACTERS)))
    return lines


def _short_handoff(page: OnePager) -> str:
    """The hand-off names the SQL gate's first few must-haves, shortened like the headline."""
    shown = [_short_sentence(sentence, page.listed.get(sentence, ("", ()))[1],
                             HEADLINE_CHARACTERS)
             for sentence in page.sql_gate[:MAX_HEADLINE_RULES]]
    hidden = len(page.sql_gate) - len(shown)
    if hidden:
        shown.append(f"{hidden} more SQL must-have{'s' if hidden > 1 else ''} "
                     "(see the SQL gate)")
    return handoff_sentence(shown)


def _what_was_cut(left_off: int, shortened: list[str]) -> tuple[str, ...]:
    said = []
    if left_off:
        said.append(f"{left_off} criteria were left off the long lists (marked “…and N more”)")
    if shortened:
        named = [_cut(subject, 40) for subject in shortened[:NAMED]]
        if len(shortened) > NAMED:
            named.append(f"{len(shortened) - NAMED} other criteria")
        said.append(f"the values of {join_and(named)} were cut short (marked “…and N more”)")
    return tuple(said)


def _short_names(page: OnePager) -> OnePager:
    """The last resort: the names and titles around the definition shortened too."""
    names = [_cut(name, 40) for name in page.agreed_by[:NAMED]]
    if len(page.agreed_by) > NAMED:
        names.append(f"{len(page.agreed_by) - NAMED} others")
    return replace(page, company=_cut(page.company, 80), title=_cut(page.title, 80),
                   facilitator=_cut(page.facilitator, 60), agreed_by=names,
                   figures=[_cut(line, 160) for line in page.figures])


def _short_sentence(sentence: str, values: tuple[str, ...], most: int) -> str:
    """`sentence` in about `most` characters: a list of values keeps its first values and ends
    in "…and N more"; any other sentence is cut at a word where it can be."""
    columns = list(accumulate(_column(ch) for ch in sentence))  # up to each character
    if not columns or columns[-1] <= most:
        return sentence
    ends = _value_ends(sentence, values)
    if not ends:
        return _cut(sentence, most)
    for kept in range(len(values) - 1, 0, -1):
        tail = f", …and {len(values) - kept} more"
        if columns[ends[kept - 1] - 1] + len(tail) <= most:
            return sentence[:ends[kept - 1]] + tail
    tail = f", …and {len(values) - 1} more" if len(values) > 1 else ""
    return _cut(sentence[:ends[0]], most - len(tail)) + tail


def _value_ends(sentence: str, values: tuple[str, ...]) -> list[int] | None:
    """Where each value ends in `sentence`, which lists them last, in order, quoted (“…”) or
    not; None when it does not."""
    if not values:
        return None
    for opening, closing in (("“", "”"), ("", "")):
        ends: list[int] = []
        stop = len(sentence)
        for value in reversed(values):
            shown = isolated(f"{opening}{value}{closing}")  # as `join_or` lists it
            start = sentence.rfind(shown, 0, stop)
            if start < 0 or (not ends and start + len(shown) != len(sentence)):
                break
            ends.append(start + len(shown))
            stop = start
        else:
            return ends[::-1]
    return None


def _cut(text: str, most: int) -> str:
    """`text` in at most `most` columns, ending in " …": at a space when one is near the end
    (text without spaces, such as Japanese, is cut where it reaches the limit)."""
    if sum(map(_column, text)) <= most:
        return text
    used, kept = 0, 0
    for character in text:
        used += _column(character)
        if used > most - 2:  # room for " …"
            break
        kept += 1
    head = text[:max(kept, 1)]
    space = head.rfind(" ")
    if space > len(head) * 0.6:
        head = head[:space]
    return head.rstrip(" ,;:") + " …"


def _column(character: str) -> int:
    """The room a character takes, in columns: a wide one (Japanese, Chinese) takes two."""
    return 2 if east_asian_width(character) in "WF" else 1
