"""Checks for the national instrument data file ``instrument/data/instrument_v1.yaml``.

Plain pytest + PyYAML; no Django needed::

    .venv/bin/python -m pytest tests/instrument/test_catalogue_data.py -q -p no:django -o addopts=""

Besides structural checks (counts, codes, forms), the Swedish text in the YAML is compared
with the source document (the NNS indicator report inside the board papers seed). The seed is
read from ``<repo>/../shared/seeds/`` or from the directory named by ``NNS_SEED_DIR``; if it
cannot be found the seed tests FAIL (they do not skip), so the check cannot silently vanish.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

import pytest

from tests.instrument.catalogue import (
    EXPECTED_FORMS,
    EXPECTED_INDICATORS,
    EXPECTED_POINTS,
    LEVELS,
    OCCASIONS,
    RESPONDENTS,
    SEED_INDICATOR_MATRIX,
    SEED_NAME,
    _items,
    _items_by_code,
    _load,
    _lower_first,
    _normalise,
    _point,
    _point_of_item,
    _points,
)


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return _load()


# --------------------------------------------------------------------------- structure


def test_top_level_keys(data: dict[str, Any]) -> None:
    expected = {
        "version",
        "scale",
        "respondent_groups",
        "occasions",
        "indicators",
        "points",
        "forms",
        "national_default_targets",
    }
    assert expected <= set(data)


def test_version(data: dict[str, Any]) -> None:
    version = data["version"]
    assert version["code"] == "2015.1"
    assert version["title_sv"] and version["title_en"]
    assert version["source"].startswith("NNS indikatorrapport")
    assert f"(seed {SEED_NAME})" in version["source"]


def test_scale(data: dict[str, Any]) -> None:
    scale = data["scale"]
    assert scale["code"] == "agree5"
    assert (scale["min"], scale["max"]) == (1, 5)
    labels = scale["labels"]
    assert [label["value"] for label in labels] == [1, 2, 3, 4, 5]
    assert all(label["sv"] and label["en"] for label in labels)
    assert labels[0]["sv"] == "Instämmer inte alls"
    assert labels[-1]["sv"] == "Instämmer helt"
    assert len({label["sv"] for label in labels}) == 5
    assert len({label["en"] for label in labels}) == 5
    missing = scale["missing"]
    assert missing["code"] == "dont_know"
    assert missing["sv"] and missing["en"]
    assert "value" not in missing, "the missing option is stored as missing, not a number"


def test_respondent_groups_and_occasions_declared(data: dict[str, Any]) -> None:
    groups = [g["code"] for g in data["respondent_groups"]]
    occasions = [o["code"] for o in data["occasions"]]
    assert len(groups) == len(set(groups))
    assert len(occasions) == len(set(occasions))
    assert set(groups) == RESPONDENTS
    assert set(occasions) == OCCASIONS
    for entry in [*data["respondent_groups"], *data["occasions"]]:
        assert entry["sv"] and entry["en"], entry


def test_fifteen_indicators(data: dict[str, Any]) -> None:
    indicators = data["indicators"]
    assert [i["number"] for i in indicators] == list(range(1, 16))
    assert Counter(i["type"] for i in indicators) == {"process": 10, "effect": 5}
    for indicator in indicators:
        number = indicator["number"]
        assert (indicator["type"], indicator["level"]) == EXPECTED_INDICATORS[number]
        assert indicator["level"] in LEVELS
        for key in ("title_sv", "title_en", "short_sv", "short_en", "method_text_sv"):
            assert indicator[key], f"indicator {number}: {key} is empty"
        # Indicator 7 has no description paragraph in the seed (see README).
        if number != 7:
            assert indicator["description_sv"] and indicator["description_en"], number
        assert indicator["definitions"], f"indicator {number} has no definitions"
        for definition in indicator["definitions"]:
            for key in ("term_sv", "term_en", "text_sv", "text_en"):
                assert definition[key], f"indicator {number}: definition {definition}"
        if number == 11:
            assert indicator["scale_text_sv"] is None
        else:
            assert indicator["scale_text_sv"] and indicator["occasions_text_sv"]


def test_twenty_six_points_in_table_order(data: dict[str, Any]) -> None:
    points = _points(data)
    assert [p["number"] for p in points] == list(range(1, 27))
    for point in points:
        indicator, respondents, occasions = EXPECTED_POINTS[point["number"]]
        assert point["indicator"] == indicator, point["number"]
        assert set(point["respondents"]) == respondents, point["number"]
        assert set(point["occasions"]) == occasions, point["number"]
        assert len(point["respondents"]) == len(set(point["respondents"]))
        assert point["source"] in {"survey", "register"}
        assert point["statement_sv"] and point["statement_en"]
    assert {p["indicator"] for p in points} == set(range(1, 16))


def test_twenty_eight_scored_items_with_unique_codes(data: dict[str, Any]) -> None:
    items = _items(data)
    codes = [item["code"] for item in items]
    assert len(items) == 28
    assert len(codes) == len(set(codes)), [c for c, n in Counter(codes).items() if n > 1]
    for point in _points(data):
        number = point["number"]
        for item in point["items"]:
            assert re.fullmatch(rf"p{number}[a-z]?", item["code"]), item["code"]
            assert item["statement_sv"] and item["statement_en"]
            assert item["respondents"], item["code"]
            assert set(item["respondents"]) <= set(point["respondents"]), item["code"]
        if number not in (16, 17, 20):
            (item,) = point["items"]
            assert item["code"] == f"p{number}"
            assert item["label"] is None
            assert item["statement_sv"] == point["statement_sv"]
            assert item["statement_en"] == point["statement_en"]
            assert item["respondents"] == point["respondents"]


def test_every_code_is_declared(data: dict[str, Any]) -> None:
    for point in _points(data):
        assert set(point["respondents"]) <= RESPONDENTS, point["number"]
        assert set(point["occasions"]) <= OCCASIONS, point["number"]
        for item in point["items"]:
            assert set(item["respondents"]) <= RESPONDENTS, item["code"]
    for form in data["forms"]:
        assert form["respondent"] in RESPONDENTS, form["code"]
        assert set(form["occasions"]) <= OCCASIONS, form["code"]
        assert form["occasion"] is None or form["occasion"] in form["occasions"]


def test_point_12_is_answered_by_participant_and_staff_at_exit(data: dict[str, Any]) -> None:
    point = _point(data, 12)
    assert set(point["respondents"]) == {"participant", "staff"}
    assert point["occasions"] == ["exit"]
    forms = {form["code"]: form["items"] for form in data["forms"]}
    assert "p12" in forms["participant_exit"]
    assert "p12" in forms["staff_participant"]


def test_point_14_occasions(data: dict[str, Any]) -> None:
    assert set(_point(data, 14)["occasions"]) == {"during", "exit", "periodic"}


def test_point_16_sub_statements(data: dict[str, Any]) -> None:
    point = _point(data, 16)
    assert [item["code"] for item in point["items"]] == ["p16a", "p16b"]
    assert [item["sub_statement_sv"] for item in point["items"]] == [
        "Lyssnar på mig",
        "Vet vad jag kan tillföra",
    ]
    for item in point["items"]:
        assert item["respondents"] == ["staff"]


def test_point_17_respondents_and_17c_manager_only(data: dict[str, Any]) -> None:
    point = _point(data, 17)
    items = {item["code"]: item for item in point["items"]}
    assert list(items) == ["p17a", "p17b", "p17c"]
    assert set(items["p17a"]["respondents"]) == {"staff", "manager"}
    assert set(items["p17b"]["respondents"]) == {"staff", "manager"}
    assert items["p17c"]["respondents"] == ["manager"]
    for form in data["forms"]:
        if "p17c" in form["items"]:
            assert form["respondent"] == "manager", form["code"]


@pytest.mark.parametrize("number", [16, 17])
def test_composed_statements(data: dict[str, Any], number: int) -> None:
    point = _point(data, number)
    assert point["statement_sv"] == point["stem_sv"]
    assert point["statement_en"] == point["stem_en"]
    labels = [item["label"] for item in point["items"]]
    assert labels == ["a", "b", "c"][: len(labels)]
    for item in point["items"]:
        for lang in ("sv", "en"):
            composed = f"{point[f'stem_{lang}']} {_lower_first(item[f'sub_statement_{lang}'])}"
            assert _normalise(item[f"statement_{lang}"]) == composed, item["code"]


def test_point_20_is_register_data_without_items(data: dict[str, Any]) -> None:
    point = _point(data, 20)
    assert point["indicator"] == 11
    assert point["source"] == "register"
    assert point["items"] == []
    assert point["respondents"] == []
    assert point["occasions"] == ["yearly_register"]
    assert "SCB" in point["statement_sv"] and "SUS" in point["statement_sv"]
    others = [p["number"] for p in _points(data) if p["source"] == "register"]
    assert others == [20]


def test_form_composition(data: dict[str, Any]) -> None:
    forms = data["forms"]
    codes = [form["code"] for form in forms]
    assert codes == list(EXPECTED_FORMS)
    for form in forms:
        respondent, items = EXPECTED_FORMS[form["code"]]
        assert form["respondent"] == respondent, form["code"]
        assert form["items"] == items, form["code"]
        assert form["sv"] and form["en"], form["code"]
    staff_participant = next(f for f in forms if f["code"] == "staff_participant")
    assert set(staff_participant["occasions"]) == {"during", "exit", "periodic"}


def test_form_items_exist_and_fit_the_form(data: dict[str, Any]) -> None:
    items = _items_by_code(data)
    point_of = _point_of_item(data)
    for form in data["forms"]:
        assert len(form["items"]) == len(set(form["items"])), form["code"]
        for code in form["items"]:
            assert code in items, f"{form['code']}: unknown item {code}"
            assert form["respondent"] in items[code]["respondents"], (form["code"], code)
            assert set(form["occasions"]) & set(point_of[code]["occasions"]), (form["code"], code)


def test_every_item_and_respondent_is_on_a_form(data: dict[str, Any]) -> None:
    covered = {(code, form["respondent"]) for form in data["forms"] for code in form["items"]}
    for item in _items(data):
        for respondent in item["respondents"]:
            assert (item["code"], respondent) in covered, (item["code"], respondent)


def test_points_reproduce_the_seed_indicator_matrix(data: dict[str, Any]) -> None:
    matrix: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for point in _points(data):
        respondents = point["respondents"] or ["register"]
        for respondent in respondents:
            for occasion in point["occasions"]:
                matrix[respondent][occasion].add(point["indicator"])
    as_plain = {r: {o: set(s) for o, s in occ.items()} for r, occ in matrix.items()}
    assert as_plain == SEED_INDICATOR_MATRIX


def test_no_national_default_targets(data: dict[str, Any]) -> None:
    assert data["national_default_targets"] == []
