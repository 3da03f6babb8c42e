"""Making user-typed text inert wherever it is shown as Markdown (Streamlit or exports)."""
from __future__ import annotations

import re

# Markdown, plus what Streamlit's Markdown adds: :colour[...] and :emoji: (colon), $math$.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


def escape_markdown(text: object) -> str:
    """Backslash-escape every character Markdown could act on; newlines become spaces."""
    flat = " ".join(str(text if text is not None else "").split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
