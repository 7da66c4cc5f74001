"""Report 3: convergent validity, known groups and one-factor CFA."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from national.reports.frames import (
    answers_where,
    as_objects,
    form_answers,
    prepared_answers,
    prepared_exits,
)
from national.reports.inputs import N_BELOW_K, POOLED, Json, PooledSnapshot
from national.reports.output import line_reasons, num, quiet, records, suppressed_copy, to_json
from stats import (
    cfa_one_factor,
    convergent_grouped,
    known_groups,
    polychoric,
)
from stats.grouped import wide_from_long

KNOWN_GROUP_1 = ("work", "studies")
KNOWN_GROUP_2 = ("dropped_out",)


# (name, participant item, participant occasion, staff item, staff occasion); None = any.
CONVERGENT_PAIRS: tuple[tuple[str, str, str | None, str, str | None], ...] = (
    ("p5-p7", "p5", None, "p7", None),
    ("p12-p12", "p12", "exit", "p12", "exit"),
    ("p14-p15", "p14", None, "p15", None),
)


_CONVERGENT_KEYS = ("r", "r_low", "r_high", "spearman", "icc_agreement", "icc_agreement_low",
                    "icc_agreement_high", "icc_consistency", "icc_consistency_low",
                    "icc_consistency_high")  # fmt: skip
_KNOWN_KEYS = ("mean1", "mean2", "d", "g", "se", "low", "high")
_CFA_KEYS = ("chi2", "df", "p_value", "cfi", "tli", "rmsea", "rmsea_low", "rmsea_high", "srmr")


def validity_report(
    snapshot: PooledSnapshot,
    *,
    k: int = 5,
    cfa_min_n: int = 50,
    cfa_matrix: Literal["polychoric", "covariance"] = "polychoric",
) -> Json:
    """Convergent validity, known groups and one-factor CFA.

    Returns ``{"k", "convergent", "known_groups", "cfa"}``:

    * ``convergent``: per pair ("p5-p7", "p12-p12", "p14-p15") pooled and per association:
      ``pair``, ``participant_item``, ``staff_item``, ``scope``, ``n`` (matched pairs), Pearson
      ``r`` with ``r_low/high``, ``spearman``, ``icc_agreement`` (ICC(A,1)) and
      ``icc_consistency`` (ICC(C,1)) with CIs.
    * ``known_groups``: per indicator on the participant exit form (``indicator`` None = all
      exit items): ``n``, ``n1`` (work/studies), ``n2`` (dropped_out), ``mean1``, ``mean2``,
      ``d``, ``g`` (Hedges), ``se``, ``low``, ``high``.
    * ``cfa``: per instrument version x form with >= 3 items: ``matrix``, ``n``, ``chi2``,
      ``df``, ``p_value``, ``cfi``, ``tli``, ``rmsea`` (+ 90 % CI), ``srmr``, ``converged`` and
      ``loadings`` (per item ``loading``, ``standardised``).
    """
    ans = prepared_answers(snapshot)
    return to_json(
        {
            "k": k,
            "convergent": _convergent_report(snapshot, k),
            "known_groups": _known_groups_report(snapshot, ans, k),
            "cfa": _cfa_report(snapshot, k, cfa_min_n, cfa_matrix),
        }
    )


def _month_number(month: pd.Series) -> NDArray[np.int64]:
    ts = pd.to_datetime(month)
    return (ts.dt.year * 12 + ts.dt.month - 1).to_numpy(dtype=np.int64)


def _side(ans: pd.DataFrame, item: str, respondent: str, occasion: str | None) -> pd.DataFrame:
    sel = (ans["item_code"] == item) & (ans["respondent"] == respondent)
    sel &= (ans["pseudonym"] >= 0) & ans["x"].notna()
    if occasion is not None:
        sel &= ans["occasion"] == occasion
    side = ans.loc[sel, ["association", "pseudonym", "response", "month", "x"]]
    return side.assign(m=_month_number(side["month"])).drop(columns="month")


def convergent_pairs(
    ans: pd.DataFrame, a_item: str, a_occasion: str | None, b_item: str, b_occasion: str | None
) -> pd.DataFrame:
    """Participant answers (a) matched to staff ratings (b) of the same participant: same
    association and pseudonym, same month or else nearest within +-1 month (ties: earlier);
    each staff rating used once (closest first). Columns association, pseudonym (the integer
    code of :func:`pseudonym_codes`), a, b, dist."""
    a = _side(ans, a_item, "participant", a_occasion).sort_values("m", kind="stable")
    b = _side(ans, b_item, "staff", b_occasion).sort_values("m", kind="stable")
    b = b.rename(columns={"response": "b_response", "x": "b"}).assign(b_m=b["m"])
    a = a.rename(columns={"x": "a"})
    if a.empty or b.empty:
        return pd.DataFrame(columns=["association", "pseudonym", "a", "b", "dist"])
    merged = pd.merge_asof(
        a, b, on="m", by=["association", "pseudonym"], tolerance=1, direction="nearest"
    )
    merged = merged[merged["b_response"].notna()]
    merged = merged.assign(dist=(merged["m"] - merged["b_m"]).abs())
    merged = merged.sort_values(["dist", "m"], kind="stable").drop_duplicates("b_response")
    return merged[["association", "pseudonym", "a", "b", "dist"]].reset_index(drop=True)


def _convergent_entry(
    base: Json, n: int, res: Mapping[str, Any] | None, why: str | None, k: int, keep: Sequence[str]
) -> Json:
    """One scope's entry from its row of :func:`stats.convergent_grouped` (``res``)."""
    entry: Json = {**base, "n": n, **{key: None for key in _CONVERGENT_KEYS}}
    if why is None and n < max(k, 4):
        why = N_BELOW_K if n < k else "too_few_pairs"
    if why is not None or res is None:
        return suppressed_copy(entry, keep, why or "not_estimable")
    for key in _CONVERGENT_KEYS:
        entry[key] = num(res[key])
    return {**entry, "suppressed": False, "reason": None}


def _convergent_report(snapshot: PooledSnapshot, k: int) -> list[Json]:
    out: list[Json] = []
    # only the paired items' rows matter
    items = {item for _, a_item, _, b_item, _ in CONVERGENT_PAIRS for item in (a_item, b_item)}
    columns = ["association", "pseudonym", "response", "month", "x", "item_code", "respondent",
               "occasion"]  # fmt: skip
    ans = answers_where(snapshot, "item_code", sorted(items), columns)
    ans = ans[((ans["pseudonym"] >= 0) & ans["x"].notna()).to_numpy()]
    for name, a_item, a_occ, b_item, b_occ in CONVERGENT_PAIRS:
        pairs = convergent_pairs(ans, a_item, a_occ, b_item, b_occ)
        base = {"pair": name, "participant_item": a_item, "staff_item": b_item}
        keep = (*base, "scope")
        a, b = pairs["a"].to_numpy(float), pairs["b"].to_numpy(float)
        with quiet():
            pooled = convergent_grouped(a, b, np.zeros(len(pairs), dtype=np.int64))
            by_assoc = convergent_grouped(a, b, as_objects(pairs["association"]).to_numpy())
        res = records(pooled)[0] if len(pooled) else None
        why = N_BELOW_K if len(pairs) < k else None
        out.append(_convergent_entry({**base, "scope": POOLED}, len(pairs), res, why, k, keep))
        rows = {str(r["group"]): r for r in records(by_assoc)}
        sizes = pairs.groupby("association", sort=True).size()
        for assoc, n, w in zip(sizes.index, sizes, line_reasons(sizes.to_numpy(), k), strict=True):
            scope = {**base, "scope": str(assoc)}
            out.append(_convergent_entry(scope, int(n), rows.get(str(assoc)), w, k, keep))
    return out


def _known_groups_report(snapshot: PooledSnapshot, ans: pd.DataFrame, k: int) -> list[Json]:
    inst = snapshot.instrument
    ex = ans[(ans["respondent"] == "participant") & (ans["occasion"] == "exit")]
    ex = ex[ex["pseudonym"] >= 0]
    ex = ex.assign(indicator=ex["item_code"].map(inst.item_indicator))
    exits = prepared_exits(snapshot)[["association", "pseudonym", "outcome"]].drop_duplicates(
        ["association", "pseudonym"]
    )
    indicators = sorted(int(i) for i in ex["indicator"].unique())
    out: list[Json] = []
    for ind in [None, *indicators]:
        sub = ex if ind is None else ex[ex["indicator"] == ind]
        items = [i for i in dict.fromkeys(sub["item_code"])]
        per_q = sub.groupby(["association", "pseudonym", "response"], sort=False)["x"].mean()
        score = per_q.groupby(level=[0, 1]).mean().rename("score").reset_index()
        score = score.merge(exits, on=["association", "pseudonym"], how="inner")
        score = score[score["score"].notna()]
        g1 = score.loc[score["outcome"].isin(KNOWN_GROUP_1), "score"].to_numpy(float)
        g2 = score.loc[score["outcome"].isin(KNOWN_GROUP_2), "score"].to_numpy(float)
        entry: Json = {"indicator": ind, "items": items, "group1": list(KNOWN_GROUP_1),
                       "group2": list(KNOWN_GROUP_2), "n": int(g1.size + g2.size),
                       "n1": int(g1.size), "n2": int(g2.size),
                       **{key: None for key in _KNOWN_KEYS}}  # fmt: skip
        keep = ("indicator", "items", "group1", "group2")
        why: str | None = None
        if min(g1.size, g2.size) < max(k, 2):
            why = N_BELOW_K
        else:
            try:
                with quiet():
                    res = known_groups(g1, g2)
                for key in _KNOWN_KEYS:
                    entry[key] = num(getattr(res, key))
            except (ValueError, ZeroDivisionError, FloatingPointError):
                why = "not_estimable"
        if why is not None:
            out.append(suppressed_copy(entry, keep, why))
        else:
            out.append({**entry, "suppressed": False, "reason": None})
    return out


def _cfa_report(snapshot: PooledSnapshot, k: int, min_n: int, matrix: str) -> list[Json]:
    inst = snapshot.instrument
    out: list[Json] = []
    for form, form_items in inst.form_items.items():
        if len(form_items) < 3:
            continue
        fa = form_answers(snapshot, form, ["instrument_version"])
        if fa.empty:
            continue
        wide = wide_from_long(fa, questionnaire="response", item="item_code", value="x",
                              keys=["instrument_version"])  # fmt: skip
        for version, grp in wide.groupby("instrument_version", sort=True):
            items = [i for i in form_items if i in grp.columns and grp[i].notna().any()]
            if len(items) < 3:
                continue
            out.append(_cfa_entry(str(version), form, items, grp[items], k, min_n, matrix))
    return out


def _cfa_entry(
    version: str, form: str, items: list[str], x: pd.DataFrame, k: int, min_n: int, matrix: str
) -> Json:
    entry: Json = {"instrument_version": version, "form": form, "items": items,
                   "matrix": matrix, "n": None, **{key: None for key in _CFA_KEYS},
                   "converged": None, "loadings": []}  # fmt: skip
    keep = ("instrument_version", "form", "items", "matrix")
    present = x.notna().to_numpy(dtype=np.float64)
    pair_n = present.T @ present
    n = int(pair_n.min())
    entry["n"] = n
    if n < k:
        return suppressed_copy(entry, keep, N_BELOW_K)
    if n < min_n:
        return suppressed_copy(entry, (*keep, "n"), "n_below_cfa_minimum")
    try:
        with quiet():
            if matrix == "polychoric":
                s = polychoric(x.to_numpy(dtype=np.float64), missing="pairwise").matrix
            else:
                s = x.cov(min_periods=2).to_numpy(dtype=np.float64)
            if not np.isfinite(s).all() or np.linalg.eigvalsh(s).min() <= 1e-8:
                return suppressed_copy(entry, (*keep, "n"), "not_positive_definite")
            fit = cfa_one_factor(s, n)
    except (ValueError, np.linalg.LinAlgError, FloatingPointError):
        return suppressed_copy(entry, (*keep, "n"), "not_estimable")
    for key in _CFA_KEYS:
        entry[key] = num(getattr(fit, key))
    entry["converged"] = bool(fit.converged)
    entry["loadings"] = [
        {"item": item, "loading": num(lo), "standardised": num(st)}
        for item, lo, st in zip(items, fit.loadings, fit.standardised_loadings, strict=True)
    ]
    return {**entry, "suppressed": False, "reason": None}
