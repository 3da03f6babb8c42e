"""The printed one-pager in other scripts: every character the server's fonts can draw is drawn
(a Japanese company's poster was boxes with only DejaVu installed), and a character no font
draws is named on the page instead of printing as a box without a word."""
from __future__ import annotations

import io

import pytest

from tests.test_sharing_pages import (
    COMMUNICATE,
    app_url,  # noqa: F401 - a fixture, used by name
    open_as,
    open_wall,
    share,
    signed_workshop,
)
from workshop import export, fonts, pdf
from workshop.definition import Criterion, Definition

JAPANESE = "株式会社サクラ・テクノロジーズ"
KOREAN = "한빛 주식회사"
CHINESE = "北京科技有限公司"


def poster(company: str, industries: list[str]) -> export.OnePager:
    definition = Definition(criteria=[Criterion(field="industry", op="in", values=industries)])
    return export.one_pager(definition, company=company, title="理想のリード定義",
                            facilitator="山田 太郎", agreed_by=[], agreed_at=None)


def test_the_servers_fonts_draw_chinese_japanese_and_korean():
    """`scripts/system-packages.sh` installs a CJK font beside DejaVu: without one, this fails
    and says which characters a poster would print as boxes."""
    assert fonts.unprintable(JAPANESE + KOREAN + CHINESE + "Łódź Ελλάδα Иванов") == []


def test_the_pdf_embeds_a_font_for_the_japanese_text():
    from pypdf import PdfReader  # noqa: PLC0415 - only this test reads the PDF back

    printed = pdf.to_pdf(poster(JAPANESE, ["製造業", "情報・通信業"]))
    reader = PdfReader(io.BytesIO(printed.pdf))
    assert len(reader.pages) == 1
    embedded = {str(font["/BaseFont"]) for page in reader.pages
                for font in page["/Resources"]["/Font"].values()
                for font in [font.get_object()]}
    assert any("Micro-Hei" in name or "CJK" in name for name in embedded), embedded
    assert JAPANESE[:4] in reader.pages[0].extract_text()


def test_characters_no_font_draws_are_named_once_in_first_use_order():
    latin = frozenset(range(0x20, 0x250))
    text = f"{JAPANESE} 🚀 Łódź 🚀\u200d\ufe0f\u2060 {JAPANESE}"
    assert fonts.unprintable(text, latin) == [*dict.fromkeys(JAPANESE), "🚀"]
    sentence = fonts.missing_glyphs_sentence(text, latin)
    assert sentence.startswith(f"The PDF and PNG show {len(set(JAPANESE)) + 1} characters "
                               "as empty boxes")
    assert "fonts-wqy-microhei" in sentence  # the CJK hint, as Japanese is among them
    assert fonts.missing_glyphs_sentence("Łódź", latin) == ""


def test_an_emoji_alone_gets_the_sentence_without_the_cjk_hint():
    sentence = fonts.missing_glyphs_sentence("Team 🚀", frozenset(range(0x20, 0x250)))
    assert "1 character as empty boxes" in sentence and "🚀" in sentence
    assert "CJK" not in sentence


@pytest.mark.parametrize("count, shown", [(25, "and 5 more"), (20, "")])
def test_a_long_list_of_missing_characters_is_cut(count, shown):
    text = "".join(chr(0x4E00 + i) for i in range(count))
    sentence = fonts.missing_glyphs_sentence(text, frozenset())
    assert (shown in sentence) if shown else ("more" not in sentence)
    assert sentence.count(" ") >= 20


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_step_four_and_the_wall_name_what_the_printed_page_cannot_show(app_url):  # noqa: F811
    rocket = Definition(criteria=[Criterion(field="industry", op="in",
                                            values=["Raumfahrt 🚀", "製造業"])])
    workshop_id, tokens = signed_workshop(rocket)
    secret = share(workshop_id, tokens["facilitator"])
    for at in (open_as(workshop_id, tokens["facilitator"], COMMUNICATE), open_wall(secret)):
        assert not at.exception, at.exception
        said = [w.value for w in at.warning if "empty boxes" in w.value]
        assert len(said) == 1 and "🚀" in said[0] and "製" not in said[0], said
    plain = signed_workshop(Definition(criteria=[Criterion(field="industry", op="in",
                                                           values=["製造業", "Energy"])]))
    at = open_as(plain[0], plain[1]["facilitator"], COMMUNICATE)
    assert not at.exception and not [w for w in at.warning if "empty boxes" in w.value]
