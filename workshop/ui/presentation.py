"""Presentation mode for the shared screen: type readable from the back of the room, high
contrast, no sidebar or toolbar, and nothing that is the facilitator's alone (their draft, their
prompts, join links once everyone is in)."""
from __future__ import annotations

import streamlit as st

from workshop.ui.context import PRESENT, Place

SWITCH_KEY = "presentation:switch"
SHORTCUT = "Alt+P"

# Scales every rem-sized thing (Streamlit sizes its type and spacing in rem); captions and
# secondary text, grey by default, turn near-black because projectors wash light grey out.
# Primary buttons keep white type on the blue (6.2:1; the near-black page text on it is 3.4:1).
# A link's label wraps rather than being cut off ("Step 1 · Facilitator's definiti" beside the
# sidebar at 1280 wide): Streamlit keeps it on one line and hides the rest.
WRAPPED_LINKS = """
[data-testid="stPageLink-NavLink"] span, [data-testid="stPageLink-NavLink"] span * {
  white-space: normal !important; overflow: visible !important;
}
"""

STYLE = """
<style>""" + WRAPPED_LINKS + """
html { font-size: clamp(21px, 1.45vw, 28px); }  /* 28 px at 1920 wide, 21 px at 1280 */
h1 { font-size: 2.3rem !important; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] {
  display: none !important;
}
[data-testid="stHeader"] { height: 0; min-height: 0; }
[data-testid="stMainBlockContainer"] {
  padding-top: 1.2rem; max-width: 100%;
  /* Streamlit's 5rem margins would grow with the type: a fifth of a 1280 projector's width */
  padding-left: max(16px, 2vw) !important; padding-right: max(16px, 2vw) !important;
}
[data-testid="stApp"], [data-testid="stMarkdownContainer"] { color: #000; }
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stCaptionContainer"],
[data-testid="stCaptionContainer"] * { color: #1a1a1a !important; }
[data-testid="stAlertContainer"] { border: 2px solid currentColor; }
a { text-decoration: underline; }
[data-testid^="stBaseButton-primary"] {
  background-color: #1f5fbf !important; border-color: #1f5fbf !important;
}
[data-testid^="stBaseButton-primary"]:hover {
  background-color: #174a94 !important; border-color: #174a94 !important;
}
[data-testid^="stBaseButton-primary"], [data-testid^="stBaseButton-primary"] * {
  color: #ffffff !important;
}
button:focus-visible, a:focus-visible, [tabindex]:focus-visible {
  outline: 4px solid #1f5fbf !important; outline-offset: 3px;
}
</style>
"""


# On a phone the page title takes less of the first screen, so the form starts higher.
PHONE_STYLE = """
<style>""" + WRAPPED_LINKS + """
@media (max-width: 640px) {
  [data-testid="stMain"] h1 { font-size: 1.9rem; }
}
</style>
"""


# The one-pager's heading is the company's name, which can run to a sentence: a long one gets a
# smaller heading (a phone still shows the definition on its first screen).
ONE_PAGER_STYLE = """
<style>
.st-key-one-pager-long [data-testid="stMarkdownContainer"] h1 { font-size: 2rem; }
@media (max-width: 640px) {
  .st-key-one-pager [data-testid="stMarkdownContainer"] h1 { font-size: 1.9rem; }
  .st-key-one-pager-long [data-testid="stMarkdownContainer"] h1 {
    font-size: 1.35rem; line-height: 1.25;
  }
  .st-key-one-pager, .st-key-one-pager-long { overflow-wrap: anywhere; }
}
</style>
"""

# The wall page is the poster on the wall: on a projector or a big screen its type grows with
# the screen (24 px at 1920 wide) to be read across a room; a phone keeps the usual size.
WALL_STYLE = """
<style>
@media (min-width: 1200px) {
  html { font-size: max(16px, 1.25vw); }
}
/* read across a room: the caption as dark as the text around it (Streamlit fades it) */
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {
  color: #333 !important;
}
</style>
"""


def one_pager_style() -> None:
    st.html(ONE_PAGER_STYLE)


def wall_style() -> None:
    """The wall page's type, sized for the screen it hangs on."""
    st.html(WALL_STYLE)


def apply_style(place: Place) -> None:
    """The presentation look on every page while it is on; the phone look always."""
    st.html(STYLE if place.presenting else PHONE_STYLE)


def presentation_switch(place: Place) -> None:
    """The facilitator's button in and out of presentation mode (Alt+P from the keyboard)."""
    label = "✖ Leave presentation mode" if place.presenting else "🖥️ Presentation mode"
    if st.button(label, key=SWITCH_KEY, shortcut=SHORTCUT,
                 help="Large type and high contrast for the projector; hides the sidebar, "
                      "your own draft, your prompts and, once everyone has joined, the join "
                      "links."):
        turn_on = not place.presenting
        st.session_state[PRESENT] = turn_on
        if turn_on:
            st.query_params[PRESENT] = "1"
        else:
            st.query_params.pop(PRESENT, None)
        st.rerun()
