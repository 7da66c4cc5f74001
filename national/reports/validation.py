"""The instrument validation report (issue 16): the evidence per instrument version x form.

Assembled from the reliability and validity reports of the same snapshot (so every number is
the one the other reports publish) plus, per item, the answer distribution (floor, ceiling,
"don't know" and missing shares), measurement invariance across gender and the item review's
flags. Pure: frames and dicts in, a JSON-serialisable dict out. Pooled figures only (the report
is for the steering group and researchers); every number carries its n.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from national.reports.frames import answer_codes, answer_values, version_form_rows
from national.reports.inputs import POOLED, Json, PooledSnapshot
from national.reports.output import quiet, records, to_json
from national.reports.validation_parts import N_BOOT, response_rates, scale_extras, scale_key
from stats.invariance import measurement_invariance
from stats.item_review import item_review

INVARIANCE_MIN_N = 100


def item_distribution(snapshot: PooledSnapshot) -> pd.DataFrame:
    """Per version x form x item: ``questionnaires`` (of the form and version), ``n`` (answers
    with a value), ``floor_share`` / ``ceiling_share`` (of the answers), ``dont_know_share`` and
    ``missing_share`` (of the questionnaires). Counted by ``np.bincount`` on integer keys."""
    a = snapshot.answers
    inst = snapshot.instrument
    x = answer_values(snapshot)
    dont_know = a["dont_know"].fillna(False).to_numpy(dtype=bool)
    ic, il = answer_codes(snapshot, "item_code")
    parts: list[pd.DataFrame] = []
    for (version, form), rows in version_form_rows(snapshot).items():
        item = ic[rows]
        has_item = item >= 0
        rows, item = rows[has_item], item[has_item]
        if not len(rows):
            continue
        xs = x[rows]
        m = len(il)
        n = np.bincount(item, weights=~np.isnan(xs), minlength=m)
        floor = np.bincount(item, weights=xs == inst.scale_min, minlength=m)
        ceiling = np.bincount(item, weights=xs == inst.scale_max, minlength=m)
        dk = np.bincount(item, weights=dont_know[rows], minlength=m)
        seen = np.bincount(item, minlength=m) > 0
        questionnaires = len(pd.unique(a["response"].to_numpy()[rows]))
        parts.append(
            pd.DataFrame(
                {
                    "instrument_version": version,
                    "form_code": form,
                    "item": np.asarray(il, dtype=object)[seen],
                    "n": n[seen].astype(np.int64),
                    "floor": floor[seen],
                    "ceiling": ceiling[seen],
                    "dont_know": dk[seen].astype(np.int64),
                    "questionnaires": questionnaires,
                }
            )
        )
    columns = ["instrument_version", "form_code", "item", "n", "questionnaires"]
    if not parts:
        shares = ["floor_share", "ceiling_share", "dont_know_share", "missing_share"]
        return pd.DataFrame(columns=[*columns, *shares])
    per = pd.concat(parts, ignore_index=True)
    per = per.sort_values(["instrument_version", "form_code", "item"], ignore_index=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        per["floor_share"] = per["floor"] / per["n"]
        per["ceiling_share"] = per["ceiling"] / per["n"]
        per["dont_know_share"] = per["dont_know"] / per["questionnaires"]
        per["missing_share"] = 1 - (per["n"] + per["dont_know"]) / per["questionnaires"]
    return per.drop(columns=["floor", "ceiling", "dont_know"])


def _invariance(
    snapshot: PooledSnapshot, version: str, form: str, items: Sequence[str], by: str, min_n: int
) -> Json:
    """Configural / metric / scalar fit across ``by`` (gender or association): questionnaires
    x items scattered into a matrix by integer codes (questionnaires in ``response`` order;
    those without a group, or without any value, left out)."""
    rows = version_form_rows(snapshot).get((version, form), np.empty(0, dtype=np.int64))
    ic, il = answer_codes(snapshot, "item_code")
    gc, gl = answer_codes(snapshot, by)
    position = np.full(len(il) + 1, -1, dtype=np.int64)  # code -1 (missing) is the last slot
    wanted = {code: i for i, code in enumerate(items)}
    for code, label in enumerate(il):
        position[code] = wanted.get(label, -1)
    col = position[ic[rows]]
    group = gc[rows]
    x = answer_values(snapshot)[rows]
    keep = (col >= 0) & (group >= 0) & ~np.isnan(x)
    response, uniques = pd.factorize(snapshot.answers["response"].to_numpy()[rows][keep], sort=True)
    matrix = np.full((len(uniques), len(items)), np.nan)
    matrix[response, col[keep]] = x[keep]
    labels = np.empty(len(uniques), dtype=object)
    labels[response] = np.asarray(gl, dtype=object)[group[keep]]
    entry: Json = {"by": by, "min_n": min_n, "groups": {}, "levels": [], "non_invariant": []}
    complete = ~np.isnan(matrix).any(axis=1)
    counts = pd.Series(labels[complete]).value_counts().sort_index()
    entry["groups"] = {str(g): int(n) for g, n in counts.items()}
    try:
        with quiet():
            result = measurement_invariance(
                matrix, labels.astype(str), items=list(items), min_n=min_n
            )
    except (ValueError, np.linalg.LinAlgError) as exc:
        entry["note"] = "too_few_groups" if "need two groups" in str(exc) else "not_estimable"
        return entry
    entry["skipped"] = [str(s) for s in result.skipped]
    entry["levels"] = [
        {"level": name, "chi2": fit.chi2, "df": fit.df, "cfi": fit.cfi, "rmsea": fit.rmsea}
        for name, fit in result.fits.items()
    ]
    entry["comparison"] = records(result.comparison)
    entry["non_invariant"] = records(result.non_invariant)
    return entry


def validation_report(
    snapshot: PooledSnapshot,
    reliability: Sequence[Mapping[str, Any]],
    validity: Mapping[str, Any],
    *,
    snapshot_number: int | None = None,
    code_version: str = "",
    invariance_min_n: int = INVARIANCE_MIN_N,
    n_boot: int = N_BOOT,
) -> Json:
    """``{"snapshot", "code_version", "forms": [...], "convergent", "known_groups"}``.

    Each form entry (per version x form, pooled): ``scale`` (the reliability row of the whole
    form), ``indicators`` (its indicator rows), ``items`` (item-rest r, alpha-if-dropped and the
    distribution of :func:`item_distribution`), ``cfa`` (one-factor fit), ``invariance``
    (``gender``, ``association``) and ``flags`` (:func:`stats.item_review.item_review`, each
    with the statistic it rests on, its value, threshold and n). Scale and indicator rows add
    ``lambda6`` and the bootstrap CI of raw alpha (:func:`scale_extras`, ``n_boot`` resamples);
    ``response_rates`` are the participant forms' (:func:`response_rates`)."""
    dist = item_distribution(snapshot)
    extras = scale_extras(snapshot, reliability, n_boot=n_boot)
    cfa = {(c["instrument_version"], c["form"]): c for c in validity.get("cfa", [])}
    forms: list[Json] = []
    pooled = [r for r in reliability if r.get("scope") == POOLED]
    for scale in (r for r in pooled if r.get("indicator") is None):
        version, form = str(scale["instrument_version"]), str(scale["form"])
        d = dist[(dist["instrument_version"] == version) & (dist["form_code"] == form)]
        by_item = {row["item"]: row for row in records(d)}
        item_rows = [
            {**by_item.get(s["item"], {}), **s} for s in (scale.get("item_stats") or [])
        ] or [row for row in records(d) if row["item"] in scale["items"]]
        fit = cfa.get((version, form))
        loadings = {
            str(x["item"]): x.get("standardised") for x in (fit or {}).get("loadings") or []
        }
        items = [str(i) for i in scale["items"]]
        invariance = {
            by: _invariance(snapshot, version, form, items, by, invariance_min_n)
            for by in ("gender", "association")
        } if len(items) >= 3 else {}  # fmt: skip
        flags: list[Json] = []
        if item_rows and scale.get("alpha_raw") is not None:
            table = pd.DataFrame(item_rows)
            for column in ("r_drop", "alpha_raw_if_dropped", "sd"):
                if column not in table:
                    table[column] = np.nan
            non_invariant = pd.concat(
                [pd.DataFrame(v.get("non_invariant") or []) for v in invariance.values()]
                or [pd.DataFrame()]
            )
            review = item_review(
                table.astype({c: np.float64 for c in ("r_drop", "alpha_raw_if_dropped", "sd")}),
                alpha=float(scale["alpha_raw"]),
                loadings={k: v for k, v in loadings.items() if v is not None} or None,
                non_invariant=non_invariant if len(non_invariant) else None,
            )
            flags = records(review.flags)
        forms.append(
            {
                "instrument_version": version,
                "form": form,
                "scale": {
                    **{k: v for k, v in scale.items() if k != "item_stats"},
                    **extras.get(scale_key(scale), {}),
                },
                "indicators": [
                    {
                        **{k: v for k, v in r.items() if k != "item_stats"},
                        **extras.get(scale_key(r), {}),
                    }
                    for r in pooled
                    if r.get("indicator") is not None
                    and (str(r["instrument_version"]), str(r["form"])) == (version, form)
                ],
                "items": item_rows,
                "cfa": fit,
                "invariance": invariance,
                "flags": flags,
            }
        )
    return to_json(
        {
            "snapshot": snapshot_number,
            "code_version": code_version,
            "forms": forms,
            "convergent": [c for c in validity.get("convergent", []) if c.get("scope") == POOLED],
            "known_groups": list(validity.get("known_groups", [])),
            "response_rates": response_rates(snapshot),
        }
    )
