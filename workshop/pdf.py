"""The one-pager as a PDF for the wall (A4 or US Letter, always exactly one page) and as a PNG.

The PDF is the HTML one-pager (`workshop.export.to_html`, so the same content and the same
escaping) laid out by WeasyPrint with a print stylesheet: vector text, fonts embedded. A long
definition is fitted by setting the type smaller, step by step, down to a size that still reads
on paper; only then are long notes, and at last long lists, shortened, and the page says so.
The PNG is the PDF's page rendered by PDFium, so both look the same.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass, replace

from workshop.export import OnePager, to_html

PAPERS = {"A4": "A4", "Letter": "letter"}
# Body type sizes tried, as a share of 10pt (which reads across a room's wall); 6pt is the
# least that still reads up close.
SCALES = (1.0, 0.9, 0.82, 0.75, 0.7, 0.65, 0.6)
NOTE_LIMITS = (600, 300, 140)  # characters kept per note, tried in turn
LIST_LIMITS = (24, 14, 8, 5, 3)  # items kept per list, tried in turn, when notes were not enough
HEADLINE_CHARACTERS = 90  # per headline line, once lists are cut
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
    raise RuntimeError("The one-pager could not be fitted on one page.")  # pragma: no cover


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
    """The page as it is, then with notes shortened, then with lists cut too; each with what
    was shortened, in words. The last one always fits."""
    yield page, ()
    for limit in NOTE_LIMITS:
        shorter, cut = _short_notes(page, limit)
        if cut:
            yield shorter, (f"{cut} note{'s were' if cut > 1 else ' was'} shortened",)
    notes, cut_notes = _short_notes(page, NOTE_LIMITS[-1])
    for limit in LIST_LIMITS:
        shorter, cut = _short_lists(notes, limit)
        if cut:
            said = [f"{cut} criteria were left off the long lists (marked “…and N more”)"]
            if cut_notes:
                said.insert(0, f"{cut_notes} note{'s were' if cut_notes > 1 else ' was'} "
                               "shortened")
            yield shorter, tuple(said)


def _size(page: OnePager) -> int:
    """Characters of text on the page: a rough measure of how much room it takes."""
    lines = [*page.headline_lines, *page.mql_gate, *page.sql_gate, *page.disqualifiers,
             *(row.text for row in page.points), *(note.text for note in page.notes)]
    return sum(len(line) + 60 for line in lines)  # each item also takes a line's margin


def _short_notes(page: OnePager, limit: int) -> tuple[OnePager, int]:
    notes, cut = [], 0
    for note in page.notes:
        if len(note.text) > limit:
            note = replace(note, text=note.text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …")
            cut += 1
        notes.append(note)
    return replace(page, notes=notes), cut


def _short_lists(page: OnePager, limit: int) -> tuple[OnePager, int]:
    cut = 0

    def keep(items: list, more: str):
        nonlocal cut
        if len(items) <= limit:
            return items
        cut += len(items) - (limit - 1)
        return [*items[:limit - 1], more.format(n=len(items) - (limit - 1))]

    mql = keep(page.mql_gate, "…and {n} more MQL must-haves")
    sql = keep(page.sql_gate, "…and {n} more SQL must-haves")
    disqualifiers = keep(page.disqualifiers, "…and {n} more disqualifiers")
    points = page.points
    if len(points) > limit:
        cut += len(points) - limit
        points = points[:limit]
    headline = [line if len(line) <= HEADLINE_CHARACTERS
                else line[:HEADLINE_CHARACTERS].rsplit(" ", 1)[0].rstrip(",;:") + " …"
                for line in page.headline_lines]
    return replace(page, mql_gate=mql, sql_gate=sql, disqualifiers=disqualifiers,
                   points=points, headline_lines=headline), cut
