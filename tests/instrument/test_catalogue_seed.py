"""The instrument data file's Swedish text against the seed document (the NNS indicator report
inside the board papers seed). If the seed cannot be found these tests FAIL (they do not
skip), so the check cannot silently vanish; see ``tests/instrument/catalogue.py``."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.instrument.catalogue import (
    SEED_OCCASION_WORDS,
    _in_seed,
    _load,
    _normalise,
    _points,
    _seed,
    _seed_section,
)


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return _load()


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
