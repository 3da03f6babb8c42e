"""A restarted server's new session, as the browser meets it: the page opened afresh, then the
reruns the browser asks for with the widget values its old page still holds."""
from __future__ import annotations

from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from tests.test_own_devices import APP


def restarted(params: dict, page: str, handed: WidgetStates, reruns: int = 1) -> AppTest:
    after = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        after.query_params[name] = value
    after.run()
    after.switch_page(page)
    for _ in range(reruns):
        after._run(handed)
    assert not after.exception, after.exception
    return after
