"""Checks for the national instrument data file ``instrument/data/instrument_v1.yaml``.

Plain pytest + PyYAML; no Django needed::

    .venv/bin/python -m pytest tests/instrument/test_catalogue_data.py -q -p no:django -o addopts=""

Besides structural checks (counts, codes, forms), the Swedish text in the YAML is compared
with the source document (the NNS indicator report inside the board papers seed). The seed is
read from ``<repo>/../shared/seeds/`` or from the directory named by ``NNS_SEED_DIR``; if it
cannot be found the seed tests FAIL (they do not skip), so the check cannot silently vanish.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).resolve()
REPO_ROOT = HERE.parents[2]
DATA_FILE = REPO_ROOT / "instrument" / "data" / "instrument_v1.yaml"
SEED_NAME = "000_e445fcb41c2a3b07.txt"
DEFAULT_SEED_DIR = HERE.parents[3] / "shared" / "seeds"

RESPONDENTS = {"participant", "staff", "manager", "board", "partner_management"}
OCCASIONS = {"during", "exit", "periodic", "half_yearly", "yearly_register"}
LEVELS = {"participant", "staff", "organisation", "society"}

# Ordered item codes per form (domain.md).
EXPECTED_FORMS: dict[str, tuple[str, list[str]]] = {
    "participant_during": ("participant", ["p1", "p3", "p5", "p8", "p10", "p14", "p18"]),
    "participant_exit": (
        "participant",
        ["p2", "p4", "p6", "p9", "p11", "p12", "p13", "p14", "p18"],
    ),
    "staff_participant": ("staff", ["p7", "p12", "p15"]),
    "staff_half_yearly": (
        "staff",
        ["p16a", "p16b", "p17a", "p17b", "p19", "p21", "p22", "p23"],
    ),
    "manager": ("manager", ["p17a", "p17b", "p17c", "p19"]),
    "board": ("board", ["p21", "p24", "p25"]),
    "partner_management": ("partner_management", ["p21", "p26"]),
}

# (type, level) per indicator, from the "(Processindikator/Deltagare)"-style tags in the seed.
EXPECTED_INDICATORS: dict[int, tuple[str, str]] = {
    1: ("process", "participant"),
    2: ("process", "participant"),
    3: ("process", "participant"),
    4: ("process", "participant"),
    5: ("process", "participant"),
    6: ("process", "participant"),
    7: ("process", "participant"),
    8: ("process", "staff"),
    9: ("process", "organisation"),
    10: ("process", "society"),
    11: ("effect", "participant"),
    12: ("effect", "staff"),
    13: ("effect", "staff"),
    14: ("effect", "organisation"),
    15: ("effect", "society"),
}

# point -> (indicator, respondents, occasions); from Tabell 1 and the per-indicator
# "Mätpunkter" / "Mättillfällen" lines of the seed.
EXPECTED_POINTS: dict[int, tuple[int, set[str], set[str]]] = {
    1: (1, {"participant"}, {"during"}),
    2: (1, {"participant"}, {"exit"}),
    3: (2, {"participant"}, {"during"}),
    4: (2, {"participant"}, {"exit"}),
    5: (3, {"participant"}, {"during"}),
    6: (3, {"participant"}, {"exit"}),
    7: (3, {"staff"}, {"during", "exit"}),
    8: (4, {"participant"}, {"during"}),
    9: (4, {"participant"}, {"exit"}),
    10: (5, {"participant"}, {"during"}),
    11: (5, {"participant"}, {"exit"}),
    12: (6, {"participant", "staff"}, {"exit"}),
    13: (6, {"participant"}, {"exit"}),
    14: (7, {"participant"}, {"during", "exit", "periodic"}),
    15: (7, {"staff"}, {"during", "exit", "periodic"}),
    16: (8, {"staff"}, {"half_yearly"}),
    17: (9, {"staff", "manager"}, {"half_yearly"}),
    18: (9, {"participant"}, {"during", "exit"}),
    19: (10, {"staff", "manager"}, {"half_yearly"}),
    20: (11, set(), {"yearly_register"}),
    21: (12, {"staff", "board", "partner_management"}, {"half_yearly"}),
    22: (13, {"staff"}, {"half_yearly"}),
    23: (13, {"staff"}, {"half_yearly"}),
    24: (14, {"board"}, {"half_yearly"}),
    25: (14, {"board"}, {"half_yearly"}),
    26: (15, {"partner_management"}, {"half_yearly"}),
}

# The seed's per-indicator source/time matrix (published report "Tabell 2", Bilaga 1
# "Tabell 1"): respondent -> occasion -> indicator numbers. "register" stands for the SCB row.
SEED_INDICATOR_MATRIX: dict[str, dict[str, set[int]]] = {
    "participant": {
        "during": {1, 2, 3, 4, 5, 7, 9},
        "exit": {1, 2, 3, 4, 5, 6, 7, 9},
        "periodic": {7},
    },
    "staff": {
        "during": {3, 7},
        "exit": {3, 6, 7},
        "periodic": {7},
        "half_yearly": {8, 9, 10, 12, 13},
    },
    "manager": {"half_yearly": {9, 10}},
    "register": {"yearly_register": {11}},
    "board": {"half_yearly": {12, 14}},
    "partner_management": {"half_yearly": {12, 15}},
}

SEED_OCCASION_WORDS = {
    "under": {"during"},
    "vid avslut": {"exit"},
    "under och vid avslut": {"during", "exit"},
}


# --------------------------------------------------------------------------- loading


@cache
def _load() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), f"{DATA_FILE} must hold a mapping"
    return data


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return _load()


def _seed_path() -> Path:
    seed_dir = os.environ.get("NNS_SEED_DIR")
    return (Path(seed_dir) if seed_dir else DEFAULT_SEED_DIR) / SEED_NAME


def _normalise(text: str) -> str:
    """Collapse every run of whitespace (incl. page-break blank lines) to one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@cache
def _seed_variants_cached(path: str) -> tuple[str, str]:
    raw = Path(path).read_text(encoding="utf-8")
    # A hyphen at a line wrap is either part of the text ("funktions-\noch/eller" ->
    # "funktions-och/eller") or a word break ("mät-\ntillfällen" -> "mättillfällen").
    keep_hyphen = re.sub(r"-[ \t]*\r?\n\s*", "-", raw)
    drop_hyphen = re.sub(r"(?<=\w)-[ \t]*\r?\n\s*(?=[a-zåäö])", "", raw)
    return _normalise(keep_hyphen), _normalise(drop_hyphen)


def _seed() -> tuple[str, str]:
    path = _seed_path()
    if not path.is_file():
        pytest.fail(
            f"Seed document not found at {path}. The instrument data is checked against it; "
            "set NNS_SEED_DIR to the directory holding "
            f"{SEED_NAME} (default: {DEFAULT_SEED_DIR}).",
            pytrace=False,
        )
    return _seed_variants_cached(str(path))


def _in_seed(text: str) -> bool:
    needle = _normalise(text)
    return any(needle in variant for variant in _seed())


def _seed_section(start: str, end: str) -> str:
    text = _seed()[0]
    i = text.find(start)
    assert i >= 0, f"seed has no {start!r}"
    j = text.find(end, i + len(start))
    assert j >= 0, f"seed has no {end!r} after {start!r}"
    return text[i:j]


def _points(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["points"]


def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for point in _points(data) for item in point["items"]]


def _items_by_code(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["code"]: item for item in _items(data)}


def _point(data: dict[str, Any], number: int) -> dict[str, Any]:
    (point,) = [p for p in _points(data) if p["number"] == number]
    return point


def _point_of_item(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["code"]: point for point in _points(data) for item in point["items"]}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


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


# --------------------------------------------------------------------------- against the seed


def test_seed_file_is_present() -> None:
    normalised, _ = _seed()
    assert "Kärnindikatorrubrik" in normalised
    assert "Tabell 1. Sammanställning av mätpunkter" in normalised


def test_point_statements_occur_in_seed(data: dict[str, Any]) -> None:
    missing = []
    for point in _points(data):
        texts = [point["statement_sv"]]
        if "stem_sv" in point:
            texts.append(point["stem_sv"])
        texts += [item["sub_statement_sv"] for item in point["items"] if "sub_statement_sv" in item]
        if point["source"] == "register":
            texts.append(point["note_sv"])
        missing += [(point["number"], text) for text in texts if not _in_seed(text)]
    assert not missing, missing


def test_indicator_texts_occur_in_seed(data: dict[str, Any]) -> None:
    missing = []
    for indicator in data["indicators"]:
        number = indicator["number"]
        texts = [indicator["title_sv"]]
        if indicator["description_sv"]:
            texts.append(indicator["description_sv"])
        for definition in indicator["definitions"]:
            texts += [definition["term_sv"], definition["text_sv"]]
        missing += [(number, text) for text in texts if not _in_seed(text)]
        # The title is followed by its "(Processindikator/Deltagare)"-style tag in the seed.
        kind = {"process": "Processindikator", "effect": "Effektindikator"}[indicator["type"]]
        level = {
            "participant": "Deltagare",
            "staff": "Personal",
            "organisation": "Organisation",
            "society": "Samhälle",
        }[indicator["level"]]
        tagged = f"{_normalise(indicator['title_sv'])} ({kind}/{level})"
        if not _in_seed(tagged):
            missing.append((number, tagged))
    assert not missing, missing


def test_indicator_measurement_lines_occur_in_seed(data: dict[str, Any]) -> None:
    missing = []
    for indicator in data["indicators"]:
        number = indicator["number"]
        if indicator["scale_text_sv"] is not None:
            line = f"Skala: {indicator['scale_text_sv']}"
            if not _in_seed(line):
                missing.append((number, line))
        for occasion_line in indicator["occasions_text_sv"].split("\n"):
            candidates = [f"Mättillfällen: {occasion_line}", f"Mättillfälle: {occasion_line}"]
            if not any(_in_seed(c) for c in candidates):
                missing.append((number, occasion_line))
        line = f"Datainsamlingsmetod: {indicator['method_text_sv']}"
        if not _in_seed(line):
            missing.append((number, line))
    assert not missing, missing


def test_scale_anchors_occur_in_seed(data: dict[str, Any]) -> None:
    labels = data["scale"]["labels"]
    assert _in_seed(f"Skala: 1-5 {labels[0]['sv']}-{labels[-1]['sv']}")


def test_respondents_match_seed_table_1(data: dict[str, Any]) -> None:
    """Each statement in Tabell 1 is followed by "(who)"; that must match our respondents."""
    table = _seed_section("Tabell 1. Sammanställning av mätpunkter", "Tabell 2.")
    words: dict[str, str] = {}
    for group in data["respondent_groups"]:
        for word in [group["sv"], *group.get("aliases_sv", [])]:
            words[word.lower()] = group["code"]

    def who_after(text: str) -> set[str] | None:
        pattern = re.escape(_normalise(text)) + r"[\s\"\u201d]*\(([^)]*)\)"
        match = re.search(pattern, table)
        if match is None:
            return None
        return {words[w.strip().lower()] for w in match.group(1).split(",")}

    problems = []
    for point in _points(data):
        if point["source"] == "register":
            continue
        stem_who = who_after(point.get("stem_sv", point["statement_sv"]))
        for item in point["items"]:
            who = who_after(item["sub_statement_sv"]) if "sub_statement_sv" in item else None
            who = who or stem_who
            if who is None:
                problems.append((item["code"], "not found in Tabell 1"))
            elif who != set(item["respondents"]):
                problems.append((item["code"], who, item["respondents"]))
    assert not problems, problems


def test_occasions_match_seed_measurement_point_lines(data: dict[str, Any]) -> None:
    """Where the seed tags a statement with "(under)"/"(vid avslut)", the occasions agree."""
    seed = _seed()[0]
    checked = 0
    for point in _points(data):
        if point["source"] == "register":
            continue
        pattern = re.escape(_normalise(point["statement_sv"])) + (
            r"[\s\"\u201d]*\([^)]*\)\s*\(([^)]*)\)"
        )
        for match in re.finditer(pattern, seed):
            tag = match.group(1).strip().lower()
            if tag in SEED_OCCASION_WORDS:
                checked += 1
                assert set(point["occasions"]) == SEED_OCCASION_WORDS[tag], point["number"]
    assert checked >= 11, "expected the seed's (under)/(vid avslut) tags to be found"
