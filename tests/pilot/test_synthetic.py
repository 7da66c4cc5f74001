"""Synthetic pilot data (pilot/synthetic/): schema, determinism, consistency and realism.

References are independent of the generator: the form and indicator lists are copied by hand
from docs/domain.md's table, the item occasions are read from the raw instrument file, Cronbach's
alpha comes from pingouin, the ANOVA from scipy, the personal-number pattern is written out
here, and the realism bounds are the brief's.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import yaml
from scipy import stats

from pilot.synthetic import (
    AssociationSpec,
    FormSpec,
    SyntheticData,
    forms_from_instrument,
    pilot_data_generate,
)

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENT_FILE = ROOT / "instrument" / "data" / "instrument_v1.yaml"
START, END = date(2015, 9, 1), date(2016, 12, 31)

# domain.md: "Natural questionnaire forms follow from the table".
DOMAIN_FORMS = {
    "participant_during": ["p1", "p3", "p5", "p8", "p10", "p14", "p18"],
    "participant_exit": ["p2", "p4", "p6", "p9", "p11", "p12", "p13", "p14", "p18"],
    "staff_participant": ["p7", "p12", "p15"],
    "staff_half_yearly": ["p16a", "p16b", "p17a", "p17b", "p19", "p21", "p22", "p23"],
    "manager": ["p17a", "p17b", "p17c", "p19"],
    "board": ["p21", "p24", "p25"],
    "partner_management": ["p21", "p26"],
}
# domain.md: point -> indicator column of the instrument table.
DOMAIN_INDICATOR = {
    "p1": 1, "p2": 1, "p3": 2, "p4": 2, "p5": 3, "p6": 3, "p7": 3, "p8": 4, "p9": 4,
    "p10": 5, "p11": 5, "p12": 6, "p13": 6, "p14": 7, "p15": 7, "p16a": 8, "p16b": 8,
    "p17a": 9, "p17b": 9, "p17c": 9, "p18": 9, "p19": 10, "p21": 12, "p22": 13, "p23": 13,
    "p24": 14, "p25": 14, "p26": 15,
}  # fmt: skip
PARTICIPANT_LINKED = {"participant_during", "participant_exit", "staff_participant"}
# Swedish personal identity number: YYMMDD or YYYYMMDD, optional - or +, four digits.
PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{6}|\d{8})[-+]?\d{4}(?!\d)")


@pytest.fixture(scope="module")
def instrument() -> dict:
    return yaml.safe_load(INSTRUMENT_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def forms(instrument) -> list[FormSpec]:
    return forms_from_instrument(instrument)


def _specs(n: int = 5, participants: int = 800, staff: int = 10) -> list[AssociationSpec]:
    return [
        AssociationSpec(
            slug=f"forbund-{chr(ord('a') + i)}",
            n_participants=participants,
            activity_names=("Arbetsmarknadstorget", "Samordningsteamet", "Unga vuxna"),
            n_staff=staff,
        )
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def data(forms) -> dict[str, SyntheticData]:
    return pilot_data_generate(associations=_specs(staff=150), forms=forms, seed=20150901)


def _long(d: SyntheticData) -> pd.DataFrame:
    """Answers joined to their responses through the key strings (not the category codes)."""
    keys = d.answers["response_key"].astype(str)
    resp = d.responses.assign(response_key=d.responses["response_key"].astype(str))
    return d.answers.assign(response_key=keys).merge(
        resp, on="response_key", how="left", validate="many_to_one"
    )


@pytest.fixture(scope="module")
def long(data) -> pd.DataFrame:
    return pd.concat([_long(d).assign(association=slug) for slug, d in data.items()])


def _wide(long: pd.DataFrame, form: str) -> pd.DataFrame:
    sub = long[long["form_code"] == form]
    return sub.pivot(index="response_key", columns="item_code", values="value").astype(float)


# --- forms ------------------------------------------------------------------------------------


def test_forms_from_instrument_match_domain_table(forms):
    assert {f.code: list(f.item_codes) for f in forms} == DOMAIN_FORMS
    for f in forms:
        assert list(f.item_indicators) == [DOMAIN_INDICATOR[c] for c in f.item_codes]
    by_code = {f.code: f for f in forms}
    assert by_code["staff_participant"].respondent == "staff"
    assert set(by_code["staff_participant"].occasions) == {"during", "exit", "periodic"}
    assert by_code["participant_exit"].occasions == ("exit",)
    assert by_code["manager"].occasions == ("half_yearly",)


def test_item_occasions_follow_the_points(forms, instrument):
    point_occasions = {
        item["code"]: set(point["occasions"])
        for point in instrument["points"]
        for item in point["items"]
    }
    for f in forms:
        for code, occ in zip(f.item_codes, f.item_occasions, strict=True):
            assert set(occ) == set(f.occasions) & point_occasions[code], (f.code, code)


# --- determinism ------------------------------------------------------------------------------


def _assert_same(a: dict[str, SyntheticData], b: dict[str, SyntheticData]) -> None:
    assert a.keys() == b.keys()
    for slug in a:
        for name in ("participants", "responses", "answers"):
            pd.testing.assert_frame_equal(getattr(a[slug], name), getattr(b[slug], name))


def test_same_seed_gives_identical_frames(forms):
    specs = _specs(n=2, participants=150)
    _assert_same(
        pilot_data_generate(associations=specs, forms=forms, seed=7),
        pilot_data_generate(associations=specs, forms=forms, seed=7),
    )


def test_different_seed_gives_different_frames(forms):
    specs = _specs(n=1, participants=150)
    a = pilot_data_generate(associations=specs, forms=forms, seed=7)[specs[0].slug]
    b = pilot_data_generate(associations=specs, forms=forms, seed=8)[specs[0].slug]
    assert not np.array_equal(a.participants["theta"], b.participants["theta"])
    assert not a.answers["value"].equals(b.answers["value"])


def test_association_does_not_depend_on_its_companions(forms):
    specs = _specs(n=3, participants=120)
    together = pilot_data_generate(associations=specs, forms=forms, seed=3)
    alone = pilot_data_generate(associations=specs[2:], forms=forms, seed=3)
    _assert_same({specs[2].slug: together[specs[2].slug]}, alone)


# --- schema -----------------------------------------------------------------------------------


def test_dtypes(data):
    d = next(iter(data.values()))
    p, r, a = d.participants, d.responses, d.answers
    assert list(p.columns) == [
        "code", "gender", "age_band", "activity", "started_on", "exited_on", "exit_outcome",
        "subsidised_work", "followup_status", "theta",
    ]  # fmt: skip
    assert list(r.columns) == [
        "response_key", "participant_code", "form_code", "occasion", "activity", "respondent",
        "answered_on", "gender", "age_band",
    ]  # fmt: skip
    assert list(a.columns) == ["response_key", "item_code", "value", "dont_know"]
    for frame, col in [(p, "code"), (r, "response_key")]:
        assert pd.api.types.is_string_dtype(frame[col].dtype)
    for col in ("started_on", "exited_on"):
        assert pd.api.types.is_datetime64_dtype(p[col].dtype)
    assert pd.api.types.is_datetime64_dtype(r["answered_on"].dtype)
    assert p["subsidised_work"].dtype == bool and a["dont_know"].dtype == bool
    assert p["theta"].dtype == np.float64
    assert a["value"].dtype == pd.Int16Dtype()
    for frame, cols in [
        (p, ["gender", "age_band", "activity", "exit_outcome", "followup_status"]),
        (r, ["participant_code", "form_code", "occasion", "activity", "respondent"]),
        (a, ["response_key", "item_code"]),
    ]:
        for col in cols:
            assert isinstance(frame[col].dtype, pd.CategoricalDtype), col


def test_value_ranges_and_vocabularies(data, long):
    for d in data.values():
        p, r, a = d.participants, d.responses, d.answers
        assert set(p["gender"]) <= {"woman", "man", "other", "undisclosed"}
        assert set(p["age_band"]) <= {"16-19", "20-24", "25-29", "30-39", "40-49", "50-64"}
        assert set(p["activity"]) <= set(_specs()[0].activity_names)
        assert set(p["exit_outcome"].dropna()) <= {"work", "studies", "other_solution",
                                                   "dropped_out"}  # fmt: skip
        assert set(p["followup_status"].dropna()) <= set(p["exit_outcome"].cat.categories)
        assert set(r["respondent"]) <= {"participant", "staff", "manager", "board",
                                        "partner_management"}  # fmt: skip
        assert set(r["occasion"]) <= {"during", "periodic", "exit", "half_yearly"}
        values = a["value"].dropna()
        assert values.between(1, 5).all()
        assert a.loc[a["dont_know"], "value"].isna().all()
    assert set(long["value"].dropna().unique()) == {1, 2, 3, 4, 5}


def test_every_answer_item_belongs_to_its_form(long):
    allowed = {(form, item) for form, items in DOMAIN_FORMS.items() for item in items}
    pairs = set(zip(long["form_code"].astype(str), long["item_code"].astype(str), strict=True))
    assert pairs <= allowed
    assert long["form_code"].notna().all()  # every answer has its response
    assert not long.duplicated(["association", "response_key", "item_code"]).any()


def test_items_that_do_not_apply_have_no_rows(long, instrument):
    point_occasions = {
        item["code"]: set(point["occasions"])
        for point in instrument["points"]
        for item in point["items"]
    }
    staff = long[long["form_code"] == "staff_participant"]
    for item, occasion in zip(staff["item_code"], staff["occasion"], strict=True):
        assert occasion in point_occasions[item]
    assert set(staff.loc[staff["occasion"] == "periodic", "item_code"]) == {"p15"}


def test_keys_are_unique_and_consistent(data):
    for d in data.values():
        r, a = d.responses, d.answers
        assert r["response_key"].is_unique
        assert list(a["response_key"].cat.categories) == list(r["response_key"])
        assert set(a["response_key"].astype(str)) <= set(r["response_key"])
        assert d.participants["code"].is_unique


def test_codes_are_pseudonymous(data):
    assert PERSONNUMMER.search("19850101-1234") and PERSONNUMMER.search("8501011234")
    for slug, d in data.items():
        codes = d.participants["code"].astype(str)
        assert not codes.str.contains(PERSONNUMMER).any()
        assert not d.responses["response_key"].astype(str).str.contains(PERSONNUMMER).any()
        assert codes.str.fullmatch(rf"P-\d{{5}}-{slug.upper()[:3]}").all()


def test_participant_linked_responses_carry_the_participant(data):
    for d in data.values():
        r = d.responses
        linked = r["form_code"].isin(PARTICIPANT_LINKED)
        assert r.loc[linked, "participant_code"].notna().all()
        assert r.loc[~linked, ["participant_code", "gender", "age_band"]].isna().all().all()
        assert set(r.loc[linked, "participant_code"].astype(str)) <= set(d.participants["code"])
        m = r[linked].merge(
            d.participants.astype({"code": str}),
            left_on=r.loc[linked, "participant_code"].astype(str),
            right_on="code",
            suffixes=("", "_p"),
        )
        assert (m["gender"].astype(str) == m["gender_p"].astype(str)).all()
        assert (m["age_band"].astype(str) == m["age_band_p"].astype(str)).all()
        assert (m["activity"].astype(str) == m["activity_p"].astype(str)).all()
        expected_respondent = np.where(
            m["form_code"] == "staff_participant", "staff", "participant"
        )
        assert (m["respondent"].astype(str) == expected_respondent).all()


# --- dates and flow ---------------------------------------------------------------------------


def test_dates_are_consistent(data):
    start, end = pd.Timestamp(START), pd.Timestamp(END)
    for d in data.values():
        p, r = d.participants, d.responses
        assert r["answered_on"].between(start, end).all()
        assert p["started_on"].between(start, end).all()
        exited = p["exited_on"].notna()
        assert (p.loc[exited, "exited_on"] >= p.loc[exited, "started_on"]).all()
        assert (p.loc[exited, "exited_on"] <= end).all()
        assert (p["exit_outcome"].notna() == exited).all()
        m = r.merge(p.astype({"code": str}), left_on="participant_code", right_on="code")
        stop = m["exited_on"].fillna(end)
        during = m["occasion"].isin(["during", "periodic"])
        assert (m.loc[during, "answered_on"] >= m.loc[during, "started_on"]).all()
        assert (m.loc[during, "answered_on"] <= stop[during]).all()
        at_exit = m["occasion"] == "exit"
        assert m.loc[at_exit, "exited_on"].notna().all()
        assert (m.loc[at_exit, "answered_on"] >= m.loc[at_exit, "started_on"]).all()
        gap = (m.loc[at_exit, "answered_on"] - m.loc[at_exit, "exited_on"]).dt.days
        assert gap.between(-14, 14).all()


def test_questionnaire_volumes_are_realistic(data, forms):
    for d in data.values():
        p, r = d.participants, d.responses
        during = r[r["form_code"] == "participant_during"]
        per = during["participant_code"].value_counts().reindex(p["code"], fill_value=0)
        assert per.between(1, 3).all()  # everyone answers during once or more, at most 3
        exits = (r["form_code"] == "participant_exit").sum()
        assert 0.65 < exits / p["exited_on"].notna().sum() < 0.85  # ~75 % response at exit
        staff_rated = r.loc[r["form_code"] == "staff_participant", "participant_code"]
        assert staff_rated.nunique() > 0.9 * len(p)
        for form in ("staff_half_yearly", "manager", "board", "partner_management"):
            sub = r[r["form_code"] == form]
            assert len(sub) > 0
            half = sub["answered_on"].dt.year * 2 + (sub["answered_on"].dt.month > 6)
            assert half.nunique() == 3  # 2015H2, 2016H1, 2016H2
        staff = r[r["form_code"] == "staff_half_yearly"]
        half = staff["answered_on"].dt.year * 2 + (staff["answered_on"].dt.month > 6)
        per_half = staff.groupby(half).size()
        assert (per_half <= 150).all()  # each of the 150 staff answers at most once a half-year
        assert per_half.mean() > 0.6 * 150  # ~80 % response


def test_participant_register_data(data):
    p = pd.concat([d.participants for d in data.values()])
    assert 0.6 < p["exited_on"].notna().mean() < 0.8
    shares = p["gender"].value_counts(normalize=True)
    assert abs(shares["woman"] - 0.52) < 0.03 and abs(shares["man"] - 0.45) < 0.03
    outcome = p["exit_outcome"].value_counts(normalize=True)
    for k, share in {"work": 0.25, "studies": 0.12, "other_solution": 0.38,
                     "dropped_out": 0.25}.items():  # fmt: skip
        assert abs(outcome[k] - share) < 0.05, k
    assert not p.loc[p["exit_outcome"] != "work", "subsidised_work"].any()
    assert 0.1 < p.loc[p["exit_outcome"] == "work", "subsidised_work"].mean() < 0.6
    has_followup = p["followup_status"].notna()
    due = p["exited_on"] + pd.DateOffset(months=6) <= pd.Timestamp(END) + pd.Timedelta(days=3)
    assert (~has_followup | due).all()
    followed_long_enough = p["exited_on"] + pd.Timedelta(days=183) <= pd.Timestamp(END)
    assert has_followup[followed_long_enough].all() and followed_long_enough.sum() > 100


# --- missing data -----------------------------------------------------------------------------


def test_dont_know_and_item_missing_rates(long):
    n = len(long)
    remote = long["item_code"].isin(["p12", "p13", "p17c", "p26"])
    dk = long["dont_know"]
    skipped = long["value"].isna() & ~dk
    assert abs(skipped.mean() - 0.02) < 4 * np.sqrt(0.02 * 0.98 / n)
    assert abs(dk[~remote].mean() - 0.03) < 4 * np.sqrt(0.03 * 0.97 / (~remote).sum())
    assert dk[remote].mean() > 2 * dk[~remote].mean()


def test_no_missing_when_rates_are_zero(forms):
    out = pilot_data_generate(
        associations=_specs(n=1, participants=100),
        forms=forms,
        seed=1,
        dont_know_rate=0.0,
        item_missing_rate=0.0,
    )
    a = next(iter(out.values())).answers
    assert a["value"].notna().all() and not a["dont_know"].any()


# --- realism ----------------------------------------------------------------------------------


def test_cronbach_alpha_of_the_exit_form(long):
    wide = _wide(long, "participant_exit")
    assert len(wide.dropna()) > 1000
    alpha, _ = pg.cronbach_alpha(data=wide, nan_policy="listwise")
    assert 0.7 < alpha < 0.95


def test_within_indicator_correlations_exceed_between(long):
    within: list[float] = []
    between: list[float] = []
    for form in ("participant_exit", "staff_half_yearly"):
        corr = _wide(long, form).corr()
        items = list(corr.columns)
        for i, x in enumerate(items):
            for y in items[i + 1 :]:
                same = DOMAIN_INDICATOR[x] == DOMAIN_INDICATOR[y]
                (within if same else between).append(corr.loc[x, y])
    assert len(within) >= 4 and np.mean(within) > np.mean(between) > 0


def test_answers_are_skewed_positive(long):
    values = long["value"].dropna()
    top = values.isin([4, 5]).mean()
    assert 0.5 < top < 0.85
    assert values.isin([1, 2]).mean() < 0.25
    assert (values == 5).mean() > (values == 1).mean()


def test_associations_differ(long):
    during = long[long["form_code"] == "participant_during"]
    means = during.groupby(["association", "response_key"])["value"].mean().dropna()
    groups = [g.to_numpy() for _, g in means.groupby(level="association")]
    assert len(groups) == 5
    assert stats.f_oneway(*groups).pvalue < 0.001


def test_staff_and_participant_views_converge(long):
    linked = long[long["participant_code"].notna()].assign(
        who=lambda x: x["association"] + "/" + x["participant_code"].astype(str)
    )

    def per_participant(form: str, item: str) -> pd.Series:
        sub = linked[(linked["form_code"] == form) & (linked["item_code"] == item)]
        return sub.groupby("who")["value"].mean().dropna()

    pairs = pd.concat(
        [per_participant("participant_during", "p5"), per_participant("staff_participant", "p7")],
        axis=1,
        join="inner",
    )
    assert len(pairs) > 1000
    r = stats.pearsonr(pairs.iloc[:, 0], pairs.iloc[:, 1]).statistic
    assert 0.2 < r < 0.8


def test_exit_outcome_follows_the_latent_trait(data):
    p = pd.concat([d.participants for d in data.values()])
    good = p.loc[p["exit_outcome"].isin(["work", "studies"]), "theta"]
    dropped = p.loc[p["exit_outcome"] == "dropped_out", "theta"]
    assert good.mean() > dropped.mean()
    assert stats.ttest_ind(good, dropped, equal_var=False).pvalue < 0.001


def test_answers_follow_the_latent_trait(data):
    d = next(iter(data.values()))
    long = _long(d)
    exit_means = (
        long[long["form_code"] == "participant_exit"]
        .groupby(long["participant_code"].astype(str))["value"]
        .mean()
    )
    theta = d.participants.set_index(d.participants["code"].astype(str))["theta"]
    joined = pd.concat([exit_means, theta], axis=1, join="inner").dropna()
    assert stats.spearmanr(joined.iloc[:, 0], joined.iloc[:, 1]).statistic > 0.5
