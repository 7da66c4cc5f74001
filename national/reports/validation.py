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

from national.reports.inputs import POOLED, Json, PooledSnapshot
from national.reports.output import quiet, records, to_json
from national.reports.validation_parts import N_BOOT, response_rates, scale_extras, scale_key
from stats.invariance import measurement_invariance
from stats.item_review import item_review

INVARIANCE_MIN_N = 100


def item_distribution(snapshot: PooledSnapshot) -> pd.DataFrame:
    """Per version x form x item: ``questionnaires`` (of the form and version), ``n`` (answers
    with a value), ``floor_share`` / ``ceiling_share`` (of the answers), ``dont_know_share`` and
    ``missing_share`` (of the questionnaires)."""
    a = snapshot.answers
    inst = snapshot.instrument
    keys = ["instrument_version", "form_code"]
    frame = pd.DataFrame(
        {
            "instrument_version": a["instrument_version"].astype(str).to_numpy(),
            "form_code": a["form_code"].astype(str).to_numpy(),
            "response": a["response"].to_numpy(),
            "item": a["item_code"].astype(str).to_numpy(),
            "x": pd.to_numeric(a["value"]).astype("Float64").to_numpy(np.float64, na_value=np.nan),
            "dont_know": a["dont_know"].fillna(False).to_numpy(dtype=bool),
        }
    )
    questionnaires = frame.groupby(keys)["response"].nunique().rename("questionnaires")
    frame = frame.assign(
        answered=~np.isnan(frame["x"]),
        floor=frame["x"] == inst.scale_min,
        ceiling=frame["x"] == inst.scale_max,
    )
    per = frame.groupby([*keys, "item"], sort=True).agg(
        n=("answered", "sum"),
        floor=("floor", "sum"),
        ceiling=("ceiling", "sum"),
        dont_know=("dont_know", "sum"),
    )
    per = per.join(questionnaires, on=keys).reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        per["floor_share"] = per["floor"] / per["n"]
        per["ceiling_share"] = per["ceiling"] / per["n"]
        per["dont_know_share"] = per["dont_know"] / per["questionnaires"]
        per["missing_share"] = 1 - (per["n"] + per["dont_know"]) / per["questionnaires"]
    return per.drop(columns=["floor", "ceiling", "dont_know"])


def _invariance(
    snapshot: PooledSnapshot, version: str, form: str, items: Sequence[str], by: str, min_n: int
) -> Json:
    """Configural / metric / scalar fit across ``by`` (gender or association)."""
    a = snapshot.answers
    sel = (a["instrument_version"].astype(str) == version) & (a["form_code"].astype(str) == form)
    rows = a.loc[sel.to_numpy()]
    group = rows[by].astype(object).where(rows[by].notna(), None)
    wide = (
        pd.DataFrame(
            {
                "response": rows["response"].to_numpy(),
                "group": group.to_numpy(),
                "item": rows["item_code"].astype(str).to_numpy(),
                "x": pd.to_numeric(rows["value"])
                .astype("Float64")
                .to_numpy(np.float64, na_value=np.nan),
            }
        )
        .pivot_table(index=["response", "group"], columns="item", values="x", aggfunc="first")
        .reindex(columns=list(items))
        .reset_index()
    )
    entry: Json = {"by": by, "min_n": min_n, "groups": {}, "levels": [], "non_invariant": []}
    complete = wide[list(items)].notna().all(axis=1)
    counts = wide.loc[complete, "group"].value_counts().sort_index()
    entry["groups"] = {str(g): int(n) for g, n in counts.items()}
    try:
        with quiet():
            result = measurement_invariance(
                wide[list(items)].to_numpy(np.float64), wide["group"].astype(str).to_numpy(),
                items=list(items), min_n=min_n,
            )  # fmt: skip
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
