"""The rounding rule: a value is never shown equal to its target on the wrong side."""

import pytest

from web.numbers import mean_text, percent_text

NB = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("share", "met", "text"),
    [
        (0.795, False, f"79,5{NB}%"),
        (0.7999, False, f"79,9{NB}%"),
        (0.7951, False, f"79,5{NB}%"),
        (0.80, True, f"80{NB}%"),
        (0.812, True, f"81{NB}%"),
        (0.5, False, f"50{NB}%"),
    ],
)
def test_share_near_the_target(share, met, text):
    assert percent_text(share, lang="sv", target=0.8, met=met) == text


def test_english_and_missing():
    assert percent_text(0.795, lang="en", target=0.8, met=False) == "79.5%"
    assert percent_text(None, lang="sv") == "–"


def test_mean_near_the_target():
    assert mean_text(3.96, lang="sv", target=4.0, met=False) == "3,96"
    assert mean_text(3.999, lang="sv", target=4.0, met=False) == "3,99"
    assert mean_text(3.5, lang="sv", target=4.0, met=False) == "3,5"
