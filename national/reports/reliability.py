"""Report 1: reliability per instrument version x form (x indicator), pooled and per
association."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from national.reports.frames import form_answers
from national.reports.inputs import N_BELOW_K, POOLED, Json, PooledSnapshot
from national.reports.output import line_reasons, num, quiet, records, suppressed_copy, to_json
from stats import (
    reliability_grouped,
)
from stats.grouped import wide_from_long
from stats.item_review import item_review

_SCALE_KEYS = ("alpha_raw", "alpha_std", "ci_feldt_low", "ci_feldt_high", "omega_total",
               "omega_total_std", "average_r", "mean", "sd")  # fmt: skip
_ITEM_KEYS = ("n", "r_drop", "raw_r", "alpha_raw_if_dropped", "alpha_std_if_dropped", "mean", "sd")


def reliability_report(
    snapshot: PooledSnapshot, *, k: int = 5, n_boot: int = 0, seed: int = 0
) -> list[Json]:
    """Reliability per version x form (and x indicator with >= 2 items on the form), pooled and
    per association.

    Each row: ``instrument_version``, ``form``, ``indicator`` (None for the whole form),
    ``items``, ``scope`` ("pooled" or the association code), ``n`` (questionnaires with at least
    one answer), ``n_pair_min``, ``alpha_raw``, ``alpha_std``, ``ci_feldt_low/high``,
    ``omega_total``, ``omega_total_std``, ``average_r``, ``mean``, ``sd`` (and
    ``ci_boot_low/high`` when ``n_boot`` > 0), ``item_stats`` (per item ``item``, ``n``,
    ``r_drop`` (item-rest r), ``raw_r``, ``alpha_raw_if_dropped``, ``alpha_std_if_dropped``,
    ``mean``, ``sd``), ``suppressed`` and ``reason``.
    """
    inst = snapshot.instrument
    cats = list(range(inst.scale_min, inst.scale_max + 1))
    rows: list[Json] = []
    for form, form_items in inst.form_items.items():
        fa = form_answers(snapshot, form, ["instrument_version", "association"])
        if fa.empty:
            continue
        wide = wide_from_long(
            fa, questionnaire="response", item="item_code", value="x",
            keys=["instrument_version", "association"],
        )  # fmt: skip
        sets: list[tuple[int | None, list[str]]] = [(None, list(form_items))]
        by_ind: dict[int, list[str]] = {}
        for item in form_items:
            by_ind.setdefault(inst.item_indicator(item), []).append(item)
        sets += [(ind, items) for ind, items in by_ind.items() if len(items) >= 2]
        for indicator, items in sets:
            rows += _reliability_set(wide, form, indicator, items, k, cats, n_boot, seed)
    return to_json(rows)


def _reliability_set(
    wide: pd.DataFrame,
    form: str,
    indicator: int | None,
    items: list[str],
    k: int,
    cats: list[int],
    n_boot: int,
    seed: int,
) -> list[Json]:
    for item in items:
        if item not in wide.columns:
            wide = wide.assign(**{item: np.nan})
    # items present per version (a version may lack an item); one call per distinct item set
    present = wide.groupby("instrument_version")[items].count() > 0
    out: list[Json] = []
    for used, versions in _group_versions(present):
        sub = wide[wide["instrument_version"].isin(versions)]
        if len(used) < 2:
            continue
        out += _reliability_call(sub, form, indicator, list(used), k, cats, n_boot, seed)
    return out


def _group_versions(present: pd.DataFrame) -> list[tuple[tuple[str, ...], list[str]]]:
    groups: dict[tuple[str, ...], list[str]] = {}
    for version, row in present.iterrows():
        used = tuple(str(c) for c in present.columns[row.to_numpy(dtype=bool)])
        groups.setdefault(used, []).append(str(version))
    return list(groups.items())


def _reliability_call(
    sub: pd.DataFrame,
    form: str,
    indicator: int | None,
    items: list[str],
    k: int,
    cats: list[int],
    n_boot: int,
    seed: int,
) -> list[Json]:
    sub = sub[sub[items].notna().any(axis=1).to_numpy()]
    keys = ["instrument_version", "scope"]
    # per association and pooled, each from its own grouped call (no stacked copy of the data)
    by_assoc = sub.groupby(["instrument_version", "association"], sort=True, observed=True)
    group_of_row = by_assoc.ngroup().to_numpy()
    n_assoc = by_assoc.size()
    n_pooled = sub.groupby("instrument_version", sort=True, observed=True).size()
    # complementary suppression of association n against the pooled n, per version
    reasons: dict[tuple[str, str], str | None] = {}
    n_used: dict[tuple[str, str], int] = {}
    assoc_version = n_assoc.index.get_level_values(0).astype(str)
    for version, pooled_n in n_pooled.items():
        # a mask, not .loc: with several versions the level is a categorical (.loc misses)
        assoc = n_assoc[np.asarray(assoc_version == str(version))]
        if len(assoc):
            masks = line_reasons(assoc.to_numpy(), k)
            for (_, a), n, why in zip(assoc.index, assoc.to_numpy(), masks, strict=True):
                reasons[(str(version), str(a))] = why
                n_used[(str(version), str(a))] = int(n)
        reasons[(str(version), POOLED)] = N_BELOW_K if pooled_n < k else None
        n_used[(str(version), POOLED)] = int(pooled_n)
    n_used = dict(sorted(n_used.items()))  # the order of (version, scope) as text
    minimum = max(k, len(items) + 1)

    def eligible(key: tuple[str, str]) -> bool:
        return reasons[key] is None and n_used[key] >= minimum

    ok_groups = [i for i, (v, a) in enumerate(n_assoc.index) if eligible((str(v), str(a)))]
    ok_versions = [v for v in n_pooled.index if eligible((str(v), POOLED))]
    parts = []
    with quiet():
        if ok_groups:
            res = reliability_grouped(
                sub[np.isin(group_of_row, ok_groups)], items=items,
                by=["instrument_version", "association"], categories=cats, n_boot=n_boot,
                seed=seed,
            )  # fmt: skip
            parts.append(
                tuple(f.rename(columns={"association": "scope"}) for f in (res.scales, res.items))
            )
        if ok_versions:
            res = reliability_grouped(
                sub[sub["instrument_version"].isin(ok_versions).to_numpy()], items=items,
                by=["instrument_version"], categories=cats, n_boot=n_boot, seed=seed,
            )  # fmt: skip
            parts.append(tuple(f.assign(scope=POOLED) for f in (res.scales, res.items)))
    result_scales = pd.DataFrame()
    item_records: dict[tuple[str, str], list[dict[str, Any]]] = {}
    if parts:
        scales = pd.concat([p[0] for p in parts], ignore_index=True)
        scales = scales.astype({key: object for key in keys})
        result_scales = scales.set_index(keys)
        for frame in (p[1] for p in parts):
            for record in records(frame):  # one pass, grouped in Python
                group = (str(record["instrument_version"]), str(record["scope"]))
                item_records.setdefault(group, []).append(record)
    out: list[Json] = []
    for key, n in n_used.items():
        version, scope = key
        base: Json = {
            "instrument_version": version,
            "form": form,
            "indicator": indicator,
            "items": list(items),
            "scope": scope,
            "n": int(n),
            "n_pair_min": None,
            **{name: None for name in _SCALE_KEYS},
        }
        if n_boot > 0:
            base["ci_boot_low"] = None
            base["ci_boot_high"] = None
        base["item_stats"] = []
        keep = ("instrument_version", "form", "indicator", "items", "scope")
        why = reasons[key]
        if why is not None:
            out.append(suppressed_copy(base, keep, why))
            continue
        if n < minimum:
            out.append(suppressed_copy(base, (*keep, "n"), "too_few_for_items"))
            continue
        srow = result_scales.loc[key]
        base["n_pair_min"] = int(srow["n_pair_min"])
        if base["n_pair_min"] < k:
            out.append(suppressed_copy(base, (*keep, "n"), "pair_n_below_k"))
            continue
        for name in _SCALE_KEYS:
            base[name] = num(srow[name])
        if n_boot > 0:
            base["ci_boot_low"] = num(srow.get("ci_boot_low"))
            base["ci_boot_high"] = num(srow.get("ci_boot_high"))
        base["item_stats"] = [
            {"item": r["item"], **{name: num(r[name]) for name in _ITEM_KEYS}, "n": int(r["n"])}
            for r in item_records.get(key, [])
        ]
        base["suppressed"] = False
        base["reason"] = None
        out.append(base)
    return out


#: scale flags (codes of the vocabulary kind ``scale_flag``), in display order
SCALE_FLAGS = ("few_items", "negative_alpha", "low_alpha", "small_n")
MIN_ITEMS, LOW_ALPHA, SMALL_N = 3, 0.50, 30


def reliability_flags(row: Json) -> tuple[list[str], list[tuple[str, str]]]:
    """What a reader must know about one reliability row: scale flags (``few_items``: fewer
    than 3 items; ``negative_alpha``; ``low_alpha``: below 0.50; ``small_n``: fewer than 30
    questionnaires) and item flags ``(item, code)`` from :func:`stats.item_review` on the
    row's item table (``low_item_rest_r``, ``alpha_rises_if_dropped``, ...)."""
    scale: list[str] = []
    if len(row.get("items") or []) < MIN_ITEMS:
        scale.append("few_items")
    alpha = row.get("alpha_raw")
    if alpha is not None and alpha < 0:
        scale.append("negative_alpha")
    elif alpha is not None and alpha < LOW_ALPHA:
        scale.append("low_alpha")
    if row.get("n") is not None and int(row["n"]) < SMALL_N:
        scale.append("small_n")
    items: list[tuple[str, str]] = []
    stats = row.get("item_stats") or []
    if stats and alpha is not None:
        table = pd.DataFrame(stats)
        for column in ("n", "sd", "r_drop", "alpha_raw_if_dropped"):
            if column not in table.columns:
                table[column] = np.nan
        table = table.astype({c: np.float64 for c in ("sd", "r_drop", "alpha_raw_if_dropped")})
        flags = item_review(table, alpha=float(alpha)).flags
        # "few answers" is said once for the scale
        kept = flags[flags["code"] != "few_answers"]
        items = [(str(i), str(c)) for i, c in zip(kept["item"], kept["code"], strict=True)]
    return scale, items
