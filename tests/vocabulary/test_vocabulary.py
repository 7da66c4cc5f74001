"""The vocabulary: complete, consistent with the instrument data and the models, Django-free."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from django.utils import translation

import vocabulary
from vocabulary import TERMS, codes, half_year_label, label, labels
from vocabulary.choices import KIND_OF, lazy_label

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENT = ROOT / "instrument" / "data" / "instrument_v1.yaml"


def test_every_code_has_a_swedish_and_an_english_label_and_is_unique_in_its_kind():
    for kind, terms in TERMS.items():
        assert len({t.code for t in terms}) == len(terms), kind
        for t in terms:
            assert t.code and t.sv.strip() and t.en.strip(), (kind, t)
            assert "_" not in t.sv and "_" not in t.en, (kind, t)  # labels are not codes


def test_label_in_both_languages_and_for_unknown_codes():
    assert label("exit_outcome", "other_solution") == "Annan behovsanpassad lösning"
    assert label("exit_outcome", "other_solution", "en-gb") == "Other adapted solution"
    assert label("funnel_position", "below_99.8") == "under nedre 99,8 %-gränsen"
    assert label("funnel_position", "below_99.8", "en") == "below the lower 99.8% limit"
    assert label("gender", None) == "" and label("gender", "") == ""
    assert label("gender", "robot") == "robot"  # new data never breaks a page
    assert labels("exit_outcome", "work, studies") == ["Arbete", "Studier"]
    assert labels("gender", ["woman", "man"], "en") == ["Woman", "Man"]
    assert half_year_label("2016H1") == "jan–jun 2016"
    assert half_year_label("2016H2", "en") == "Jul–Dec 2016"
    assert half_year_label("2016") == "2016"


def test_the_module_imports_no_django():
    code = "import sys, vocabulary; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_model_choices_come_from_the_vocabulary_in_the_active_language():
    for choices_class, kind in KIND_OF.items():
        assert set(choices_class.values) <= set(codes(kind)), choices_class
        for member in choices_class:
            with translation.override("sv"):
                assert str(member.label) == label(kind, member.value, "sv")
            with translation.override("en"):
                assert str(member.label) == label(kind, member.value, "en")
    with translation.override("en"):
        assert str(lazy_label("occasion", "half_yearly")) == "Half-yearly"


def test_forms_respondents_and_occasions_agree_with_the_instrument_data():
    data = yaml.safe_load(INSTRUMENT.read_text(encoding="utf-8"))
    forms = {f["code"]: (f["sv"], f["en"]) for f in data["forms"]}
    assert forms == {t.code: (t.sv, t.en) for t in TERMS["form"]}
    groups = {g["code"]: (g["sv"], g["en"]) for g in data["respondent_groups"]}
    assert groups == {t.code: (t.sv, t.en) for t in TERMS["respondent"]}
    assert {o["code"] for o in data["occasions"]} == set(codes("occasion"))
    assert data["scale"]["missing"]["sv"] == label("missing", "dont_know")


def test_all_codes_covers_every_kind():
    assert vocabulary.all_codes() >= {"participant_during", "below_99.8", "work", "woman"}
