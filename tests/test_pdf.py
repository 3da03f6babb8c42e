"""The one-pager as PDF and PNG: exactly one page, real text, every criterion's sentence, and
whatever people typed shown as plain text."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from workshop import export, pdf
from workshop.definition import Action, Criterion, Definition
from workshop.demo import facilitator_draft

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def page_of(definition: Definition, **overrides) -> export.OnePager:
    values = {"company": "Northwind Ledger", "title": "Ideal lead", "facilitator": "Dana",
              "agreed_by": ["Priya (Marketing)", "Marcus (Sales)"],
              "agreed_at": datetime(2026, 11, 23), "version": 2} | overrides
    return export.one_pager(definition, **values)


def pages_and_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def flat(sentence: str) -> str:
    return re.sub(r"\s+", " ", sentence)


def long_definition() -> Definition:
    """40 criteria over both gates, nice-to-haves and disqualifiers, with notes on four
    questions: far more than a team agrees on, and still one page with every sentence."""
    fields = ["industry", "country", "lead_source", "job_title"]
    return Definition(
        criteria=[Criterion(field=fields[i % 4], op="contains_any" if i % 4 == 3 else "in",
                            values=[f"Option {i}-{j}" for j in range(4)],
                            role=["must", "nice", "disqualifier", "must"][i % 4],
                            gate="sql" if i % 8 == 0 else "mql",
                            points=5 if i % 4 == 1 else 0) for i in range(40)],
        actions=[Action(field="demo_requested", points=30)], threshold=20,
        notes={q: "Why we chose this answer, in a sentence or two. " * 2
               for q in ("pain", "path", "budget", "industry")})


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("definition", [facilitator_draft(), long_definition()],
                         ids=["demo", "forty-criteria"])
def test_one_page_with_every_criterion_sentence(definition, paper):
    fitted = pdf.to_pdf(page_of(definition), paper)
    pages, text = pages_and_text(fitted.pdf)
    assert pages == 1
    assert fitted.shortened == () and fitted.message == ""
    for criterion in definition.criteria:
        assert flat(criterion.sentence()) in text, criterion.sentence()
    for action in definition.actions:
        assert action.label in text
    assert "Priya (Marketing) and Marcus (Sales)" in text and "23 November 2026" in text


def test_the_paper_size_is_the_one_asked_for():
    sizes = {}
    for paper in ("A4", "Letter"):
        box = PdfReader(io.BytesIO(pdf.to_pdf(page_of(facilitator_draft()), paper).pdf)) \
            .pages[0].mediabox
        sizes[paper] = (round(float(box.width)), round(float(box.height)))
    assert sizes == {"A4": (595, 842), "Letter": (612, 792)}  # points


def test_a_short_definition_keeps_the_normal_type_and_a_long_one_gets_smaller():
    short = pdf.to_pdf(page_of(facilitator_draft()))
    long = pdf.to_pdf(page_of(long_definition()))
    assert short.scale == 1.0 and long.scale < 1.0


def test_fonts_are_embedded_and_text_is_vector():
    data = pdf.to_pdf(page_of(facilitator_draft())).pdf
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    for font in fonts.values():
        descriptor = font.get_object()
        descendants = descriptor.get("/DescendantFonts")
        if descendants:
            descriptor = descendants[0].get_object()
        file_keys = {"/FontFile", "/FontFile2", "/FontFile3"}
        assert file_keys & set(descriptor["/FontDescriptor"].get_object()), descriptor
    assert b"/Subtype /Image" not in data  # text, not a picture of text


def test_a_definition_too_long_for_any_type_size_is_cut_and_says_so():
    huge = Definition(
        criteria=[Criterion(field="industry", op="in",
                            values=[f"Very long industry name number {i}-{j}" for j in range(6)])
                  for i in range(30)])
    fitted = pdf.to_pdf(page_of(huge, decisions={"pain": "A very long note. " * 200}))
    pages, text = pages_and_text(fitted.pdf)
    assert pages == 1
    assert any("left off" in part for part in fitted.shortened)
    assert "more MQL must-haves" in text
    assert "To fit on one page" in fitted.message and "JSON" in fitted.message


def test_typed_text_is_shown_as_typed_never_interpreted():
    payloads = ["<script>alert(1)</script>", "<b>bold</b>", "=HYPERLINK(\"x\")", "\\textbf{x}",
                "**stars** [link](http://evil)"]
    definition = Definition(criteria=[Criterion(field="industry", op="in", values=payloads)])
    fitted = pdf.to_pdf(page_of(definition, company="Acme <i>Corp</i>",
                                agreed_by=["<img src=x onerror=alert(1)>"],
                                decisions={"pain": " ".join(payloads)}))
    _, text = pages_and_text(fitted.pdf)
    for payload in payloads:
        assert payload in text, payload
    assert "ACME <I>CORP</I>" in text.upper()
    assert "<img src=x onerror=alert(1)>" in text


def test_the_png_is_the_page_as_an_image():
    fitted = pdf.to_pdf(page_of(facilitator_draft()), "A4")
    image = pdf.to_png(fitted, dpi=100)
    assert image.startswith(PNG_MAGIC)
    from PIL import Image

    width, height = Image.open(io.BytesIO(image)).size
    assert (round(width / 100 * 72), round(height / 100 * 72)) == (595, 842)


def test_an_unknown_paper_is_refused():
    with pytest.raises(ValueError, match="A4 or Letter"):
        pdf.to_pdf(page_of(facilitator_draft()), "A3")


def test_without_weasyprint_s_libraries_the_message_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': error 0x7e")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(pdf.PdfUnavailable, match="apt-get install libpango-1.0-0"):
        pdf.to_pdf(page_of(facilitator_draft()))


def test_the_wall_link_and_its_qr_code_fit_on_the_page():
    link = "https://leads.example.com/wall?w=58ipFBNTCLOji-slGxQfY3m52IcMeMWUuZ9gXKE_q_k"
    fitted = pdf.to_pdf(page_of(facilitator_draft(), link=link), "A4")
    pages, text = pages_and_text(fitted.pdf)
    assert pages == 1
    assert "The full definition, always current:" in text
    assert link.replace("-", "") in text.replace(" ", "").replace("-", "")
    assert b"/Subtype /Image" not in fitted.pdf  # the QR code is drawn, not a picture


def _path_moves(data: bytes) -> int:
    """How many sub-paths the page draws (PDF 'm' operators): a QR code is dozens of them."""
    stream = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")
    return len(re.findall(r"(?m) m$", stream))


def test_the_pdf_draws_the_qr_code_once_a_wall_link_exists():
    import segno

    link = "https://leads.example.com/wall?w=58ipFBNTCLOji-slGxQfY3m52IcMeMWUuZ9gXKE_q_k"
    without = pdf.to_pdf(page_of(facilitator_draft()), "A4").pdf
    with_link = pdf.to_pdf(page_of(facilitator_draft(), link=link), "A4").pdf
    rows = segno.make(link, error="m").symbol_size(border=0)[1]
    # every row of the code has at least one dark run, each drawn as a sub-path of its own
    assert _path_moves(with_link) - _path_moves(without) >= rows


def test_the_decision_notes_are_printed_and_the_draft_notes_are_not():
    definition = facilitator_draft().model_copy(
        update={"notes": {"pain": "PRIVATE draft hunch about the close"}})
    fitted = pdf.to_pdf(page_of(definition, decisions={"pain": "Agreed: pain is a slow close"}))
    _, text = pages_and_text(fitted.pdf)
    assert "Agreed: pain is a slow close" in text
    assert "PRIVATE" not in text
