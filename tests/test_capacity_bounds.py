"""The capacity sentence rounds its share of capacity to whole percent; at a verdict's bound
that showed the same "110% of capacity" once as too loose and once as fitting, and "50%" once as
too tight. A share past a bound says so ("just over 110%"), one on it says it plainly."""
from __future__ import annotations

import pytest

from workshop.preview import FITS, LOOSE_ABOVE, TIGHT_BELOW, TOO_LOOSE, TOO_TIGHT, capacity_verdict


@pytest.mark.parametrize(("per_month", "verdict", "share"), [
    (66.2, TOO_LOOSE, "just over 110% of capacity"),  # 110.3% of 3 × 20
    (66.0, FITS, "110% of capacity"),
    (66.4, TOO_LOOSE, "111% of capacity"),
    (29.9, TOO_TIGHT, "just under 50% of capacity"),  # 49.8%
    (30.0, FITS, "50% of capacity"),
    (29.6, TOO_TIGHT, "49% of capacity"),
    (60.0, FITS, "100% of capacity"),
    (0.2, TOO_TIGHT, "under 1% of capacity"),
])
def test_the_share_said_agrees_with_the_verdict(per_month, verdict, share):
    result = capacity_verdict(per_month, 3, 20)
    assert result.verdict == verdict
    assert f": {share} — {verdict}" in result.sentence
    # the verdict follows the bounds, read independently of the app's rounding
    ratio = per_month / 60
    assert (ratio > LOOSE_ABOVE) == (verdict == TOO_LOOSE)
    assert (ratio < TIGHT_BELOW) == (verdict == TOO_TIGHT)
