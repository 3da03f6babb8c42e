"""Finding a widget drawn under a key of its session's own (workshop.ui.own_keys)."""
from __future__ import annotations

from workshop.ui.own_keys import MARK


def own(widgets, name: str):
    """The first of `widgets` (say `at.toggle`) drawn under `name` in its session."""
    for widget in widgets:
        if str(getattr(widget, "key", "")).partition(MARK)[0] == name:
            return widget
    raise KeyError(name)
