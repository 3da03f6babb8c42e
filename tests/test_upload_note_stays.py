"""What an upload said ("Read 400 leads from fresh.csv with the mapping used last time …;
“Industry” is not in this export") stays on the evidence page while that upload is the
workshop's leads. It was drawn only on the run that read the file, and the room's live poll
reruns the page right after an upload: the one sentence saying what changed was gone within a
second."""
from __future__ import annotations

import io

import pandas as pd

from tests.test_upload_same_name_and_size import export, open_evidence, revealed


def _without_industry(data: bytes) -> bytes:
    frame = pd.read_csv(io.BytesIO(data), dtype=str)
    return frame.drop(columns=["Industry"]).to_csv(index=False).encode()


def successes(at) -> list[str]:
    return [s.value for s in at.success]


def test_the_upload_note_survives_the_reruns_after_it(database):
    params = revealed(database)
    at = open_evidence(params)
    first = export(1)
    at.file_uploader(key="evidence:file").set_value(("first.csv", first, "text/csv")).run()
    assert any(s.startswith("Read 400 leads from first.csv") for s in successes(at))
    fresh = _without_industry(export(2))
    at.file_uploader(key="evidence:file").set_value(("fresh.csv", fresh, "text/csv")).run()
    for _ in range(2):  # the live poll's reruns
        said = [s for s in successes(at) if s.startswith("Read 400 leads from fresh.csv")]
        assert len(said) == 1, successes(at)
        assert "“Industry” is not in this export" in said[0]
        assert not any("first.csv" in s for s in successes(at))
        at.run()
        assert not at.exception, [e.value for e in at.exception]
