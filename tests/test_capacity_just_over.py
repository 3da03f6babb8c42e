"""A definition handing sales a little more than it can work still fits (up to 110%), but
its sentence says it is over: "107% of capacity — fits: sales can work what this definition
hands over" contradicted itself."""
import pytest

from workshop.preview import FITS, capacity_verdict


@pytest.mark.parametrize("per_month", [203.0, 214.0, 220.0])
def test_over_capacity_within_the_margin_says_it_is_over(per_month):
    verdict = capacity_verdict(per_month, 4, 50)
    assert verdict.verdict == FITS
    assert "a little more than sales can work" in verdict.sentence
    assert "sales can work what this definition hands over" not in verdict.sentence
    assert f"{per_month / 200:.0%} of capacity" in verdict.sentence


@pytest.mark.parametrize("per_month", [100.0, 150.0, 200.0, 200.4])
def test_at_or_under_capacity_fits_plainly(per_month):
    verdict = capacity_verdict(per_month, 4, 50)
    assert verdict.verdict == FITS
    assert "sales can work what this definition hands over" in verdict.sentence
