"""Generator output (pilot.synthetic) in the pooled-snapshot shape of
``national.reports.store.snapshot_frames``, without a database: for tests and benchmarks of the
national reports and researcher datasets. Pure pandas; no Django."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from pilot.synthetic import SyntheticData


def _test_pseudonym(slug: str, code: object) -> str:
    return hashlib.blake2b(f"{slug}:{code}".encode(), digest_size=8, key=b"test-key").hexdigest()


def pooled_frames_from_synthetic(
    data: Mapping[str, SyntheticData],
    *,
    version: str = "2015.1",
    county: Callable[[int, str], str] = lambda _n, _slug: "24",
    pseudonym: Callable[[str, object], str] = _test_pseudonym,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, outcomes) with unique response numbers across associations, months for dates,
    ``county(index, slug)`` per association and ``pseudonym(slug, code)`` per participant."""
    answers, outcomes = [], []
    offset = 0
    for n, (slug, d) in enumerate(data.items()):
        where = county(n, slug)
        a = d.answers
        ri = a["response_key"].cat.codes.to_numpy().astype(np.int64)
        r = d.responses.iloc[ri].reset_index(drop=True)
        codes = r["participant_code"].astype(object)
        answers.append(
            pd.DataFrame(
                {
                    "association": slug,
                    "county": where,
                    "response": ri + offset,
                    "pseudonym": [None if pd.isna(c) else pseudonym(slug, c) for c in codes],
                    "form_code": r["form_code"].astype(str),
                    "occasion": r["occasion"].astype(str),
                    "period": pd.to_datetime(r["answered_on"]).dt.to_period("M").dt.to_timestamp(),
                    "instrument_version": version,
                    "respondent": r["respondent"].astype(str),
                    "gender": r["gender"].astype(object),
                    "age_band": r["age_band"].astype(object),
                    "item_code": a["item_code"].astype(str).to_numpy(),
                    "value": a["value"].to_numpy(),
                    "dont_know": a["dont_know"].to_numpy(),
                }
            )
        )
        offset += len(d.responses)
        p = d.participants
        outcomes.append(
            pd.DataFrame(
                {
                    "association": slug,
                    "county": where,
                    "pseudonym": [pseudonym(slug, c) for c in p["code"]],
                    "exit_month": pd.to_datetime(p["exited_on"])
                    .dt.to_period("M")
                    .dt.to_timestamp(),
                    "exit_outcome": p["exit_outcome"].astype(object),
                    "subsidised_work": p["subsidised_work"].to_numpy(dtype=bool),
                    "gender": p["gender"].astype(object),
                    "age_band": p["age_band"].astype(object),
                }
            )
        )
    ans = pd.concat(answers, ignore_index=True)
    ans["value"] = ans["value"].astype("Int16")
    for col in ("gender", "age_band", "pseudonym"):
        ans[col] = ans[col].astype(object).where(ans[col].notna(), None)
    return ans, pd.concat(outcomes, ignore_index=True)
