"""Every page of the app, once: its script under views/, its title and icon, and the agenda step
it is, if any. Navigation, the step links, the agenda bar and the live updates read this list,
so a page is added here and nowhere else (README: "How to add a page").

The scripts live in views/, never pages/: see app.py."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    path: str  # the script, relative to app.py
    title: str
    icon: str | None = None
    step: int | None = None  # the agenda step (`agenda.STEPS`) this page is; None: beside them

    @property
    def url_path(self) -> str:
        """The address Streamlit gives the page: its file name without .py."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".py")


HOME = Page("views/home.py", "Home", "🏠")
JOIN = Page("views/join.py", "Join a workshop", "🙋")
MY_DRAFT = Page("views/draft.py", "My draft", "✏️")  # a participant's steps 1 and 2
FACILITATOR = Page("views/facilitator.py", "Step 1 · Facilitator's definition", step=1)
TEAMS = Page("views/teams.py", "Step 2 · Marketing and sales", step=2)
COMPARE = Page("views/compare.py", "Step 3 · Compare and agree", step=3)
COMMUNICATE = Page("views/communicate.py", "Step 4 · Communicate", step=4)
EVIDENCE = Page("views/evidence.py", "Evidence from your leads", "📊")
HISTORY = Page("views/history.py", "Versions and measurements", "📜")
WALL = Page("views/wall.py", "Wall page", "🖼️")  # read-only, opened by its own link

PAGES = (HOME, JOIN, MY_DRAFT, FACILITATOR, TEAMS, COMPARE, COMMUNICATE, EVIDENCE, HISTORY,
         WALL)
STEP_PAGES = {page.step: page for page in PAGES if page.step is not None}  # as agenda.STEPS

# What a participant (not the facilitator) moves between: their own draft stands for steps 1
# and 2, which are the facilitator's pages.
PARTICIPANT_STEPS = (MY_DRAFT, COMPARE, COMMUNICATE)


def participant_page(step: int) -> Page:
    """Where a participant follows the room to on `step`."""
    return MY_DRAFT if step <= 2 else STEP_PAGES[step]
