"""How own results are written and judged: Swedish numbers, the rounding rule next to a
target, the signal and the gender sentence (hand-derived cases)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pilot.results.figures import gender_sentence, number_text, share_text, signal
from pilot.results.periods import ResultPeriod, period_from_params

NB = "\N{NO-BREAK SPACE}"


def test_share_text_in_the_reports_form():
    assert share_text(13, 20, "sv", 80) == f"65{NB}% (13/20)"
    assert share_text(13, 20, "en", 80) == "65% (13/20)"
    assert share_text(18, 24, "sv") == f"75{NB}% (18/24)"


def test_a_missed_target_is_never_written_as_the_target():
    # 159/200 = 79.5 % against 80 %: rounded it would read "80 %" in red
    assert share_text(159, 200, "sv", 80) == f"79,5{NB}% (159/200)"
    assert signal(159, 200, 80) == "red"
    # 1999/2500 = 79.96 %: two decimals are needed
    assert share_text(1999, 2500, "sv", 80) == f"79,96{NB}% (1999/2500)"
    # met exactly, or above: whole percent
    assert share_text(16, 20, "sv", 80) == f"80{NB}% (16/20)"
    assert signal(16, 20, Decimal("80.00")) == "green"
    # a met decimal target is never written below it: 80.6 % against 80.5 %
    assert share_text(403, 500, "sv", Decimal("80.5")) == f"81{NB}% (403/500)"


def test_swedish_numbers():
    assert number_text(8788, "sv") == f"8{NB}788"
    assert number_text(Decimal("10.95"), "sv", 1) == "11,0"
    assert number_text(803063, "en") == "803,063"


def test_gender_sentence_notable_only_from_ten_points_with_five_each():
    with translation.override("sv"):
        assert gender_sentence((8, 10), (5, 10), "sv") == (
            f"Andelen är högre bland kvinnor (80{NB}%) än bland män (50{NB}%)."
        )
        assert gender_sentence((16, 20), (15, 20), "sv") == (
            f"Ingen påtaglig skillnad mellan kvinnor (80{NB}%) och män (75{NB}%)."
        )
        # exactly ten points is notable
        assert gender_sentence((8, 10), (7, 10), "sv").startswith("Andelen är högre bland kvinnor")
        assert gender_sentence((1, 4), (9, 10), "sv").startswith("För få svar för att jämföra")
        assert gender_sentence((0, 0), (0, 0), "sv") is None


def test_periods():
    today = dt.date(2026, 5, 1)
    assert period_from_params({}, today=today) == ResultPeriod.year(2026)
    half = period_from_params({"year": "2025", "half": "2"}, today=today)
    assert (half.start, half.end) == (dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    assert half.label("sv") == "andra halvåret 2025"
    span = period_from_params({"from": "2025-03-01", "to": "2025-05-31"}, today=today)
    assert span.label("sv") == "1 mars 2025–31 maj 2025"
    with translation.override("sv"), pytest.raises(ValidationError) as exc:
        period_from_params({"from": "2025-13-01", "to": "2025-05-31"}, today=today)
    assert "ÅÅÅÅ-MM-DD" in str(exc.value.message_dict["from"])
    with pytest.raises(ValidationError):
        period_from_params({"from": "2025-06-01", "to": "2025-05-31"}, today=today)
