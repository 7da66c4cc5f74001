"""Parts of the validation report that the other reports do not publish: lambda6 and a
bootstrap CI for raw alpha per pooled scale, and the participant forms' response rates.

Kept out of :mod:`national.reports.reliability` so the reliability report (and its stored
golden digest) stays as it is; computed on the same pooled rows with the same rules (pairwise
missing data, questionnaires with at least one answer). Pure: frames in, dicts out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from national.reports.frames import (
    answer_codes,
    form_answers,
    pseudonym_codes,
    version_form_rows,
)
from national.reports.inputs import POOLED, Json, PooledSnapshot
from national.reports.output import num, quiet
from stats import reliability_grouped
from stats.grouped import wide_from_long

#: resamples of the bootstrap CI (percentile, 95 %); seeded, so a report regenerates identically
N_BOOT = 1000
BOOT_SEED = 2016

#: participant forms and the participants they are asked of (the register's rows)
RATE_FORMS = ("participant_during", "participant_exit")


def scale_key(row: Mapping[str, Any]) -> str:
    """``version|form|indicator`` (indicator blank for the whole form): the key of extras."""
    indicator = row.get("indicator")
    return f"{row['instrument_version']}|{row['form']}|{'' if indicator is None else indicator}"


def scale_extras(
    snapshot: PooledSnapshot,
    reliability: Sequence[Mapping[str, Any]],
    *,
    n_boot: int = N_BOOT,
    seed: int = BOOT_SEED,
) -> dict[str, Json]:
    """Per pooled, shown reliability row (:func:`scale_key`): ``lambda6``, ``ci_boot_low``,
    ``ci_boot_high`` and ``n_boot``, on the row's version, form and items."""
    inst = snapshot.instrument
    cats = list(range(inst.scale_min, inst.scale_max + 1))
    wides: dict[str, pd.DataFrame] = {}
    out: dict[str, Json] = {}
    for row in reliability:
        if row.get("scope") != POOLED or row.get("alpha_raw") is None:
            continue
        form, version = str(row["form"]), str(row["instrument_version"])
        items = [str(i) for i in row["items"]]
        if form not in wides:
            fa = form_answers(snapshot, form, ["instrument_version"])
            wides[form] = wide_from_long(
                fa, questionnaire="response", item="item_code", value="x",
                keys=["instrument_version"],
            ).reset_index()  # fmt: skip
        wide = wides[form]
        if any(i not in wide.columns for i in items):
            continue
        sub = wide[(wide["instrument_version"].astype(str) == version).to_numpy()]
        sub = sub[sub[items].notna().any(axis=1).to_numpy()]
        with quiet():
            scales = reliability_grouped(
                sub, items=items, by=["instrument_version"], categories=cats, n_boot=n_boot,
                seed=seed,
            ).scales  # fmt: skip
        first = scales.iloc[0]
        out[scale_key(row)] = {
            "lambda6": num(first.get("lambda6")),
            "ci_boot_low": num(first.get("ci_boot_low")) if n_boot else None,
            "ci_boot_high": num(first.get("ci_boot_high")) if n_boot else None,
            "n_boot": int(n_boot),
        }
    return out


def response_rates(snapshot: PooledSnapshot) -> list[Json]:
    """Per version x participant form: ``participants`` (in the register: every participant
    for the form during participation, those with an exit month for the exit form),
    ``answered`` (of them, with at least one questionnaire of the form), ``rate`` and
    ``questionnaires`` (all of the form, also from participants not in the register)."""
    a = snapshot.answers
    o = snapshot.outcomes
    pseudonyms = pseudonym_codes(snapshot)  # integer codes shared by answers and exits
    ac, al = answer_codes(snapshot, "association")
    labels = pd.Index(sorted({*al, *(str(x) for x in pd.unique(o["association"].astype(object)))}))
    span = len(pseudonyms.index) + int(pseudonyms.exits.max(initial=-1)) + 2

    def who(association: NDArray[np.int64], pseudonym: NDArray[np.int64]) -> NDArray[np.int64]:
        # (association, person) as one integer; no pseudonym: no match (left out)
        key = association * span + pseudonym
        return np.unique(key[(pseudonym >= 0) & (association >= 0)])

    a_assoc = np.where(ac >= 0, labels.get_indexer(np.asarray(al, dtype=object))[ac], -1)
    o_assoc = labels.get_indexer(o["association"].astype(object).to_numpy())
    registered = who(o_assoc, pseudonyms.exits)
    exited_rows = pd.notna(o["exit_month"]).to_numpy()
    exited = who(o_assoc[exited_rows], pseudonyms.exits[exited_rows])
    responses = a["response"].to_numpy()
    rows = version_form_rows(snapshot)
    out: list[Json] = []
    for v in sorted({version for version, _form in rows}):
        for f in RATE_FORMS:
            sel = rows.get((v, f))
            if sel is None or not len(sel):
                continue
            base = exited if f == "participant_exit" else registered
            mine = who(a_assoc[sel], pseudonyms.answers[sel])
            answered = np.intersect1d(mine, base, assume_unique=True).size
            out.append(
                {
                    "instrument_version": v,
                    "form": f,
                    "participants": int(base.size),
                    "answered": int(answered),
                    "rate": answered / base.size if base.size else None,
                    "questionnaires": len(pd.unique(responses[sel])),
                }
            )
    return out
