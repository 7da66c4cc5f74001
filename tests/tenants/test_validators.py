import pytest
from django.core.exceptions import ValidationError

from tenants.validators import (
    looks_like_personal_number,
    luhn_check_digit,
    normalise_org_number,
    refuse_personal_number,
    validate_association_slug,
)


@pytest.mark.parametrize(
    "number",
    # Published organisation numbers: Försäkringskassan, Arbetsförmedlingen, Skatteverket,
    # AB Volvo and Samordningsförbundet Skellefteå-Norsjö; and Skatteverket's example
    # personal identity number 811218-9876 (same check digit rule).
    ["202100-5521", "202100-2114", "202100-5448", "556012-5790", "222000-1578", "811218-9876"],
)
def test_luhn_matches_published_numbers(number):
    digits = number.replace("-", "")
    assert luhn_check_digit(digits[:9]) == int(digits[9])


def test_org_number_is_normalised_with_hyphen():
    assert normalise_org_number("2021005521") == "202100-5521"
    assert normalise_org_number(" 556012-5790 ") == "556012-5790"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("202100-5522", "org_number_checksum"),
        ("55661-43301", "org_number_format"),
        ("5566143", "org_number_format"),
        # A personal identity number (third digit 0/1) is not an organisation number.
        ("811218-9876", "org_number_group"),
    ],
)
def test_org_number_rejects(value, code):
    with pytest.raises(ValidationError) as err:
        normalise_org_number(value)
    assert err.value.code == code


@pytest.mark.parametrize("slug", ["ab", "Alfa", "1alfa", "alfa-", "al_fa"])
def test_slug_rejects(slug):
    with pytest.raises(ValidationError):
        validate_association_slug(slug)


@pytest.mark.parametrize(
    "text",
    [
        "811218-9876",  # Skatteverket's example personnummer
        "19811218-9876",
        "198112189876",
        "8112189876",
        "Deltagare 811218-9876 har slutat",
        "701063-2391",  # samordningsnummer: day 63 = 3 + 60 (check digit valid)
        "811218+9876",
    ],
)
def test_personal_numbers_are_detected(text):
    assert looks_like_personal_number(text)
    with pytest.raises(ValidationError) as err:
        refuse_personal_number({"answers": [{"text": text}]})
    assert err.value.code == "personal_number"


@pytest.mark.parametrize(
    "text",
    [
        "811218-9875",  # wrong check digit
        "811318-9876",  # month 13
        "P-00012-UME",
        "202100-5521",  # an organisation number (month 21) is not a person
        "2015-09-01",
        "Telefon 090-123 45 67",
    ],
)
def test_other_numbers_are_not_flagged(text):
    assert not looks_like_personal_number(text)
