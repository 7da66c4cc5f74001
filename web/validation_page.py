"""The instrument validation report as people read it: the stored payload
(:mod:`national.reports.validation`) turned into labelled rows of formatted text.

Shared by the page, its PDF and nothing else; numbers follow ``web.numbers`` (decimal comma,
non-breaking spaces, en-dash intervals). Coefficients have two decimals; RMSEA, SRMR and the
changes in fit have three (the cut-offs are 0.010 and 0.015).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

import vocabulary
from web.numbers import DASH, count_text, decimal_text, interval_text, percent_text

Json = dict[str, Any]

#: Chen (2007): a step holds when CFI falls by at most 0.010 and RMSEA rises by at most 0.015
DELTA_CFI, DELTA_RMSEA = -0.010, 0.015


def dec(value: Any, decimals: int, lang: str) -> str:
    return DASH if value is None else decimal_text(float(value), decimals, lang)


def slug(*parts: object) -> str:
    """An anchor id from codes (letters, digits and dashes)."""
    text = "-".join(str(p) for p in parts if p not in (None, ""))
    return "".join(c if c.isalnum() else "-" for c in text).strip("-").lower()


def _reason(code: Any, lang: str) -> str:
    return vocabulary.label("validation_reason", code, lang)


def _scale_row(row: Mapping[str, Any], lang: str) -> Json:
    shown = row.get("alpha_raw") is not None
    return {
        "n": count_text(row.get("n"), lang),
        "items": len(row.get("items") or []),
        "alpha_raw": dec(row.get("alpha_raw"), 2, lang),
        "alpha_std": dec(row.get("alpha_std"), 2, lang),
        "feldt": interval_text(row.get("ci_feldt_low"), row.get("ci_feldt_high"), lang=lang),
        "boot": interval_text(row.get("ci_boot_low"), row.get("ci_boot_high"), lang=lang),
        "omega": dec(row.get("omega_total"), 2, lang),
        "lambda6": dec(row.get("lambda6"), 2, lang),
        "shown": shown,
        "reason": "" if shown else _reason(row.get("reason"), lang),
    }


def _statement(item: str, ctx: Mapping[str, Any], lang: str) -> tuple[int | None, str]:
    point = ctx["item_points"].get(item)
    entry = ctx["points"].get(point) or {}
    return point, str(entry.get("statement_en" if vocabulary.english(lang) else "statement_sv", ""))


def _items(entry: Mapping[str, Any], anchor: str, ctx: Mapping[str, Any], lang: str) -> list[Json]:
    out = []
    for row in entry.get("items") or []:
        point, statement = _statement(str(row["item"]), ctx, lang)
        out.append(
            {
                "id": slug(anchor, row["item"]),
                "item": row["item"],
                "point": point,
                "statement": statement,
                "n": count_text(row.get("n"), lang),
                "questionnaires": count_text(row.get("questionnaires"), lang),
                "r_drop": dec(row.get("r_drop"), 2, lang),
                "alpha_if": dec(row.get("alpha_raw_if_dropped"), 2, lang),
                "floor": percent_text(row.get("floor_share"), lang=lang),
                "ceiling": percent_text(row.get("ceiling_share"), lang=lang),
                "dont_know": percent_text(row.get("dont_know_share"), lang=lang),
                "missing": percent_text(row.get("missing_share"), lang=lang),
            }
        )
    return out


def fit_line(fit: Mapping[str, Any], lang: str) -> str:
    """``χ² = 32,2, df = 14, CFI = 0,98, TLI = 0,97, RMSEA = 0,066 (0,036–0,097), SRMR =
    0,030`` (the RMSEA interval with three decimals)."""
    rmsea_ci = f"{dec(fit.get('rmsea_low'), 3, lang)}{DASH}{dec(fit.get('rmsea_high'), 3, lang)}"
    return (
        f"χ² = {dec(fit.get('chi2'), 1, lang)}, df = {dec(fit.get('df'), 0, lang)}, "
        f"CFI = {dec(fit.get('cfi'), 2, lang)}, TLI = {dec(fit.get('tli'), 2, lang)}, "
        f"RMSEA = {dec(fit.get('rmsea'), 3, lang)} ({rmsea_ci}), "
        f"SRMR = {dec(fit.get('srmr'), 3, lang)}"
    )


def _cfa(fit: Mapping[str, Any] | None, lang: str) -> Json | None:
    if fit is None:
        return None
    if fit.get("suppressed"):
        return {"shown": False, "n": count_text(fit.get("n"), lang),
                "reason": _reason(fit.get("reason"), lang)}  # fmt: skip
    return {
        "shown": True,
        "n": count_text(fit.get("n"), lang),
        "line": fit_line(fit, lang),
        "p": dec(fit.get("p_value"), 3, lang),
        "converged": bool(fit.get("converged")),
        "loadings": [
            {"item": x["item"], "value": dec(x.get("standardised"), 2, lang)}
            for x in fit.get("loadings") or []
        ],
    }


def _group_name(by: str, code: str, names: Mapping[str, str], lang: str) -> str:
    if by == "gender":
        return vocabulary.label("gender", code, lang)
    return names.get(code, code)


def _group_n(n: Any, k: int, lang: str) -> str:
    """A group's n, or "färre än k" below the small-cell limit."""
    if n is not None and int(n) < k:
        return _("färre än %(k)s") % {"k": k}
    return count_text(n, lang)


def _invariance(
    inv: Mapping[str, Any], anchor: str, names: Mapping[str, str], k: int, lang: str
) -> list[Json]:
    out = []
    for by in ("gender", "association"):
        entry = inv.get(by)
        if not entry:
            continue
        skipped = set(entry.get("skipped") or [])
        groups = [
            f"{_group_name(by, g, names, lang)} (n = {_group_n(n, k, lang)})"
            for g, n in (entry.get("groups") or {}).items()
        ]
        used = [
            g for g, c in zip(entry.get("groups") or {}, groups, strict=True) if g not in skipped
        ]
        comparison = {c["level"]: c for c in entry.get("comparison") or []}
        levels = []
        for level in entry.get("levels") or []:
            step = comparison.get(level["level"])
            verdict = ""
            if step is not None:
                verdict = _("Håller") if step.get("invariant") else _("Håller inte")
            levels.append(
                {
                    "label": vocabulary.label("invariance_level", level["level"], lang),
                    "chi2": dec(level.get("chi2"), 1, lang),
                    "df": dec(level.get("df"), 0, lang),
                    "cfi": dec(level.get("cfi"), 3, lang),
                    "rmsea": dec(level.get("rmsea"), 3, lang),
                    "delta_cfi": dec(step.get("delta_cfi"), 3, lang) if step else DASH,
                    "delta_rmsea": dec(step.get("delta_rmsea"), 3, lang) if step else DASH,
                    "verdict": verdict,
                    "holds": bool(step and step.get("invariant")),
                }
            )
        out.append(
            {
                "id": slug(anchor, "inv", by),
                "by": vocabulary.label("invariance_by", by, lang),
                "groups": groups,
                "used": len(used),
                "min_n": count_text(entry.get("min_n"), lang),
                "skipped": [_group_name(by, g, names, lang) for g in sorted(skipped)],
                "note": vocabulary.label("invariance_note", entry.get("note"), lang),
                "levels": levels,
            }
        )
    return out


_SHARE_STATISTICS = frozenset({"floor_share", "ceiling_share", "dont_know_share", "missing_share"})


def _flag_numbers(flag: Mapping[str, Any], lang: str) -> tuple[str, str]:
    """(value, threshold) as text: shares in percent, correlations and alpha with two decimals,
    a chi-square difference with one."""
    statistic, value, limit = flag.get("statistic"), flag.get("value"), flag.get("threshold")
    if statistic in _SHARE_STATISTICS:
        return percent_text(value, lang=lang), percent_text(limit, lang=lang)
    if statistic == "chi2_diff":
        return f"Δχ² = {dec(value, 1, lang)}", DASH
    if statistic == "n":
        return count_text(value, lang), count_text(limit, lang)
    return dec(value, 2, lang), dec(limit, 2, lang)


def _flags(entry: Mapping[str, Any], anchor: str, inv_ids: list[str], lang: str) -> list[Json]:
    out = []
    for flag in entry.get("flags") or []:
        code, item = str(flag["code"]), str(flag["item"])
        if code == "low_loading":
            href = slug(anchor, "cfa")
        elif code.startswith("non_invariant"):
            href = inv_ids[0] if inv_ids else slug(anchor, "inv")
        else:
            href = slug(anchor, item)
        value, limit = _flag_numbers(flag, lang)
        out.append(
            {
                "item": item,
                "code": code,
                "reason": vocabulary.label("item_flag", code, lang),
                "value": value,
                "threshold": limit,
                "n": count_text(flag.get("n"), lang),
                "href": href,
            }
        )
    return out


def _indicator_name(number: Any, ctx: Mapping[str, Any], lang: str) -> str:
    if number is None:
        return _("Alla frågor på enkäten")
    key = "short_en" if vocabulary.english(lang) else "short_sv"
    for entry in ctx["points"].values():
        if entry.get("indicator") == number:
            return _("Indikator %(n)s: %(name)s") % {"n": number, "name": entry.get(key, "")}
    return _("Indikator %(n)s") % {"n": number}


def _form(entry: Mapping[str, Any], ctx: Mapping[str, Any], lang: str) -> Json:
    version, form = str(entry["instrument_version"]), str(entry["form"])
    anchor = slug(form, version)
    invariance = _invariance(
        entry.get("invariance") or {}, anchor, ctx.get("names", {}), int(ctx.get("k", 5)), lang
    )
    return {
        "id": anchor,
        "version": version,
        "form": form,
        "label": vocabulary.label("form", form, lang),
        "scale": _scale_row(entry["scale"], lang),
        "indicators": [
            {"name": _indicator_name(r.get("indicator"), ctx, lang), **_scale_row(r, lang)}
            for r in entry.get("indicators") or []
        ],
        "items": _items(entry, anchor, ctx, lang),
        "cfa_id": slug(anchor, "cfa"),
        "cfa": _cfa(entry.get("cfa"), lang),
        "invariance": invariance,
        "flags": _flags(entry, anchor, [i["id"] for i in invariance], lang),
    }


def _pair_label(row: Mapping[str, Any], ctx: Mapping[str, Any], lang: str) -> str:
    a, _s = _statement(str(row["participant_item"]), ctx, lang)
    b, _t = _statement(str(row["staff_item"]), ctx, lang)
    return _("Mätpunkt %(a)s (deltagare) och mätpunkt %(b)s (personal)") % {
        "a": a if a is not None else row["participant_item"],
        "b": b if b is not None else row["staff_item"],
    }


def _convergent(rows: list[Mapping[str, Any]], ctx: Mapping[str, Any], lang: str) -> list[Json]:
    return [
        {
            "label": _pair_label(r, ctx, lang),
            "n": count_text(r.get("n"), lang),
            "shown": not r.get("suppressed"),
            "reason": _reason(r.get("reason"), lang),
            "r": dec(r.get("r"), 2, lang),
            "r_ci": interval_text(r.get("r_low"), r.get("r_high"), lang=lang),
            "icc": dec(r.get("icc_agreement"), 2, lang),
            "icc_ci": interval_text(
                r.get("icc_agreement_low"), r.get("icc_agreement_high"), lang=lang
            ),
        }
        for r in rows
    ]


def _known_groups(rows: list[Mapping[str, Any]], ctx: Mapping[str, Any], lang: str) -> list[Json]:
    return [
        {
            "name": _indicator_name(r.get("indicator"), ctx, lang),
            "group1": ", ".join(vocabulary.labels("exit_outcome", r.get("group1"), lang)),
            "group2": ", ".join(vocabulary.labels("exit_outcome", r.get("group2"), lang)),
            "n1": count_text(r.get("n1"), lang),
            "n2": count_text(r.get("n2"), lang),
            "shown": not r.get("suppressed"),
            "reason": _reason(r.get("reason"), lang),
            "mean1": dec(r.get("mean1"), 2, lang),
            "mean2": dec(r.get("mean2"), 2, lang),
            "g": dec(r.get("g"), 2, lang),
            "g_ci": interval_text(r.get("low"), r.get("high"), lang=lang),
        }
        for r in rows
    ]


def _rates(rows: list[Mapping[str, Any]], lang: str) -> list[Json]:
    return [
        {
            "form": vocabulary.label("form", r["form"], lang),
            "version": r["instrument_version"],
            "participants": count_text(r.get("participants"), lang),
            "answered": count_text(r.get("answered"), lang),
            "rate": percent_text(r.get("rate"), lang=lang),
            "questionnaires": count_text(r.get("questionnaires"), lang),
        }
        for r in rows
    ]


def validation_page(ctx: Mapping[str, Any], *, lang: str, version: str = "") -> Json:
    """The page's content from :func:`national.selectors.validation_read` (plus ``names``,
    association slug -> name), optionally one instrument version's forms only."""
    report = ctx["report"]
    forms = report.get("forms") or []
    versions = sorted({str(f["instrument_version"]) for f in forms})
    chosen = [f for f in forms if not version or str(f["instrument_version"]) == version]
    rates = [r for r in report.get("response_rates") or []
             if not version or r["instrument_version"] == version]  # fmt: skip
    return {
        "snapshot": report.get("snapshot"),
        "code_version": report.get("code_version") or DASH,
        "versions": versions,
        "version": version,
        "forms": [_form(f, ctx, lang) for f in chosen],
        "convergent": _convergent(report.get("convergent") or [], ctx, lang),
        "known_groups": _known_groups(report.get("known_groups") or [], ctx, lang),
        "rates": rates,
        "rate_rows": _rates(rates, lang),
        "has_rates": "response_rates" in report,
        "has_boot": any("ci_boot_low" in f.get("scale", {}) for f in forms),
    }
