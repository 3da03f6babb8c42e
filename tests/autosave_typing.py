"""Typing into workshop/ui/autosave.py's text box from an AppTest, the way its browser code
does: the box sends {"text", "base", "seq"} as its "typed" state and the page reruns."""
from __future__ import annotations

import json
from itertools import count

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

_seq = count(1)


def autosave_box(at: AppTest, key_suffix: str) -> dict:
    """What the page sent to the box whose key ends with `key_suffix` (value, revision, …)."""
    return json.loads(_proto(at, key_suffix).json)


def _proto(at: AppTest, key_suffix: str):
    boxes = [n.proto for n in at.main if type(n).__name__ == "UnknownElement"
             and n.proto.DESCRIPTOR.name == "BidiComponent"
             and json.loads(n.proto.json or "{}").get("name", "").endswith(key_suffix)]
    assert boxes, f"no autosave box with a key ending {key_suffix!r}"
    return boxes[0]


def type_into(at: AppTest, key_suffix: str, text: str, base: int | None = None) -> AppTest:
    """Send `text` from the box (typed over the revision it shows, or `base`) and rerun."""
    proto = _proto(at, key_suffix)
    shown = json.loads(proto.json)
    states = at._tree.get_widget_states()
    typed = {"text": text, "base": shown["revision"] if base is None else base,
             "seq": shown["ack"] + next(_seq)}
    states.widgets.append(WidgetState(id=proto.id, json_value=json.dumps({"typed": typed})))
    at._run(states)
    return at
