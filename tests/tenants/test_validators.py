import pytest
from django.core.exceptions import ValidationError

from tenants.validators import luhn_check_digit, normalise_org_number, validate_association_slug


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
