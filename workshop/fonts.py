"""Which characters the fonts on this server can print.

The PDF and PNG one-pager are laid out with the fonts installed on the server; a character
none of them draws prints as an empty box. A Japanese company name on a server with Latin fonts
only was a poster of boxes without a word, so the page says which characters will not print
(the HTML and Markdown downloads show them all, in the reader's own fonts)."""
from __future__ import annotations

import logging
import os
import unicodedata
from functools import lru_cache
from pathlib import Path

# Where fontconfig, which WeasyPrint's Pango asks, finds fonts on Debian and most Linux systems.
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts",
                "~/.fonts")
FONT_FILES = (".ttf", ".otf", ".ttc", ".otc")
SHOWN = 20  # characters named in the sentence; the rest are counted
# Drawn by no font and needing none: spaces, controls, joiners, variation selectors.
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}
_CJK = ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF),
        (0x20000, 0x3FFFF))


@lru_cache(maxsize=1)
def printable() -> frozenset[int]:
    """Every code point some installed font has a glyph for (read once per process)."""
    from fontTools.ttLib import TTCollection, TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    covered: set[int] = set()
    for path in _font_files():
        try:
            if path.suffix.lower() in (".ttc", ".otc"):
                fonts = TTCollection(str(path), lazy=True).fonts
            else:
                fonts = [TTFont(str(path), lazy=True)]
            for font in fonts:
                covered.update(font.getBestCmap() or {})
        except Exception:  # noqa: BLE001 - a damaged font file is one font fewer, not an error
            continue
    return frozenset(covered)


def _font_files() -> list[Path]:
    found = []
    for folder in FONT_FOLDERS:
        root = Path(os.path.expanduser(folder))
        if root.is_dir():
            found += sorted(p for p in root.rglob("*") if p.suffix.lower() in FONT_FILES)
    return found


def unprintable(text: str, covered: frozenset[int] | None = None) -> list[str]:
    """The distinct characters of `text` no font in `covered` (by default the installed
    ones) draws, in the order they first appear."""
    covered = printable() if covered is None else covered
    missing: dict[str, None] = {}
    for character in dict.fromkeys(text):
        point = ord(character)
        if point in covered or point < 0x80 or _invisible(character):
            continue
        missing[character] = None
    return list(missing)


def _invisible(character: str) -> bool:
    point = ord(character)
    return (unicodedata.category(character) in _INVISIBLE or 0xFE00 <= point <= 0xFE0F
            or 0xE0100 <= point <= 0xE01EF)


def missing_glyphs_sentence(text: str, covered: frozenset[int] | None = None) -> str:
    """What the printed page cannot show, as a sentence for the page; empty when it shows
    everything."""
    missing = unprintable(text, covered)
    if not missing:
        return ""
    named = " ".join(missing[:SHOWN]) + (f" and {len(missing) - SHOWN:,} more"
                                           if len(missing) > SHOWN else "")
    line = (f"The PDF and PNG show {len(missing):,} character{'' if len(missing) == 1 else 's'}"
            f" as empty boxes, as no font on this server draws "
            f"{'it' if len(missing) == 1 else 'them'}: {named}. The HTML and Markdown "
            "downloads show every character.")
    if any(low <= ord(c) <= high for c in missing for low, high in _CJK):
        line += (" For Chinese, Japanese or Korean text, install a CJK font on the server "
                 "(Debian/Ubuntu: apt-get install fonts-wqy-microhei) and restart it.")
    return line
