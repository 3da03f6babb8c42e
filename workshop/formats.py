"""Every format a definition is exported in, by name: one place for the app's downloads and the
command line's `export`, so both give the same bytes."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from workshop import export, pdf, rules
from workshop.definition import Definition

# name -> (file extension, MIME type)
FORMATS = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "html": ("html", "text/html"),
    "md": ("md", "text/markdown"),
    "json": ("json", "application/json"),
    "sql": ("sql", "application/sql"),
    "points": ("csv", "text/csv"),
}


@dataclass(frozen=True)
class Rendered:
    data: bytes
    extension: str
    mime: str
    notice: str = ""  # e.g. what the PDF had to shorten to fit one page


def about(page: export.OnePager) -> dict[str, object]:
    """Where an exported definition comes from, as its JSON's "about" block says."""
    return {"company": page.company.strip(), "title": page.title.strip(),
            "version": page.version, "agreed_by": page.agreed_by,
            "agreed_at": page.agreed_on_iso}


def render(definition: Definition, fmt: str, page: export.OnePager, *, paper: str = "A4",
           columns: Mapping[str, str] | None = None, leads=None, mapping=None) -> Rendered:
    """`definition` (whose one-pager is `page`) in format `fmt` (a key of `FORMATS`).

    `leads`, the workshop's leads when there are some: the SQL and the points table then read
    each column as the app read it (a date, a number, a yes/no), not only the catalog's;
    `mapping`, how the leads' export was read, lets the SQL work out what the app worked out
    from the outcome (an existing customer)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    extension, mime = FORMATS[fmt]
    notice = ""
    if fmt in ("pdf", "png"):
        fitted = pdf.to_pdf(page, paper)
        data, notice = (fitted.pdf if fmt == "pdf" else pdf.to_png(fitted)), fitted.message
    elif fmt == "html":
        data = export.to_html(page).encode()
    elif fmt == "md":
        data = export.to_markdown(page).encode()
    elif fmt == "json":
        data = rules.definition_json(definition, about(page))
    elif fmt == "sql":
        data = rules.definition_sql(definition, columns=columns, leads=leads, mapping=mapping)
    else:
        data = rules.points_csv(definition, leads=leads, columns=columns)
    return Rendered(data, extension, mime, notice)
