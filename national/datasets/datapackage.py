"""Metadata files written with every dataset: a Frictionless ``datapackage.json`` and a
human-readable ``codebook.html``. Pure: no Django."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from national.datasets.codebook import codebook_variables
from national.datasets.spec import DONT_KNOW_CODE, BuiltDataset

_FRICTIONLESS_TYPE = {"integer": "integer", "string": "string", "boolean": "boolean"}


def _schema(dataset: BuiltDataset) -> dict[str, Any]:
    fields = []
    for v in codebook_variables(dataset):
        f: dict[str, Any] = {
            "name": v["name"],
            "type": _FRICTIONLESS_TYPE[v["type"]],
            "title": v["label_en"],
            "description": f"{v['label_sv']} / {v['label_en']}",
            "title_sv": v["label_sv"],
            "title_en": v["label_en"],
        }
        if v["type"] == "boolean":
            f["trueValues"], f["falseValues"] = ["true"], ["false"]
        if v.get("statement_sv"):
            f["statement_sv"], f["statement_en"] = v["statement_sv"], v["statement_en"]
            f["item_code"], f["point"] = v["item_code"], v["point"]
        if v.get("value_labels"):
            f["valueLabels"] = v["value_labels"]
        if v.get("missing_values"):
            f["missingValueLabels"] = v["missing_values"]
            f["constraints"] = {"minimum": 1, "maximum": 5}
        fields.append(f)
    # "-9" (don't know) is declared missing so the 1–5 constraints validate; its label is in
    # missingValueLabels on each item field.
    return {"fields": fields, "missingValues": ["", str(DONT_KNOW_CODE)]}


def datapackage(
    dataset: BuiltDataset, fmt: str, data_name: str, labels_name: str | None
) -> dict[str, Any]:
    cb = dataset.codebook
    resource: dict[str, Any] = {
        "name": "data",
        "path": data_name,
        "profile": "tabular-data-resource",
        "title": cb["title_en"],
        "description": f"{cb['title_sv']} / {cb['title_en']} ({cb['layout']} layout)",
        "format": fmt,
        "schema": _schema(dataset),
    }
    if fmt == "csv":
        resource.update(mediatype="text/csv", encoding="utf-8")
    elif fmt == "xlsx":
        resource["dialect"] = {"excel": {"sheet": "data"}}
    resources = [resource]
    if labels_name is not None:
        labels: dict[str, Any] = {
            "name": "labels",
            "path": labels_name,
            "profile": "tabular-data-resource",
            "title": "Variable, value and missing-value labels (sv/en)",
            "format": fmt,
            "schema": {
                "fields": [
                    {"name": n, "type": "string"}
                    for n in ("kind", "variable", "value", "label_sv", "label_en")
                ],
                "missingValues": [],
            },
        }
        if fmt == "csv":
            labels.update(mediatype="text/csv", encoding="utf-8")
        resources.append(labels)
    return {
        "name": f"nns-snapshot-{cb['snapshot'] or 'x'}-{cb['layout']}",
        "profile": "tabular-data-package",
        "title": cb["title_en"],
        "description": f"{cb['title_sv']} / {cb['title_en']}",
        "instrument_version": cb["instrument_version"],
        "snapshot": cb["snapshot"],
        "citation": cb["citation"],
        "k_anonymity": {"k": cb["k"], "quasi_identifiers": cb["quasi_identifiers"]},
        "disclosure_changes": cb["changes"],
        "missing_value_codes": cb["missing_values"],
        "resources": resources,
    }


def codebook_html(dataset: BuiltDataset) -> str:
    cb = dataset.codebook
    e = html.escape

    def labels_list(d: Mapping[str, Mapping[str, str]] | None) -> str:
        if not d:
            return ""
        return "<br>".join(
            f"<code>{e(str(k))}</code> {e(v['sv'])} / {e(v['en'])}" for k, v in d.items()
        )

    rows = "\n".join(
        f"<tr><td><code>{e(v['name'])}</code></td><td>{e(v['type'])}</td>"
        f"<td lang='sv'>{e(v['label_sv'])}</td><td lang='en'>{e(v['label_en'])}</td>"
        f"<td>{labels_list(v.get('value_labels'))}</td>"
        f"<td>{labels_list(v.get('missing_values'))}</td></tr>"
        for v in cb["variables"]
    )
    changes = (
        "".join(f"<li>{e(c)}</li>" for c in cb["changes"])
        or "<li>None needed / Inga ändringar behövdes</li>"
    )
    missing = "".join(
        f"<li><code>{e(k) or '(empty / NA)'}</code>: {e(v['sv'])} / {e(v['en'])}</li>"
        for k, v in cb["missing_values"].items()
    )
    return f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>{e(cb["title_sv"])}</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em;vertical-align:top}}
</style></head><body>
<h1>{e(cb["title_sv"])}</h1><p lang="en">{e(cb["title_en"])}</p>
<dl><dt>Snapshot / Ögonblicksbild</dt><dd>{e(str(cb["snapshot"]))}</dd>
<dt>Instrument version</dt><dd>{e(str(cb["instrument_version"]))}</dd>
<dt>Layout</dt><dd>{e(cb["layout"])}</dd>
<dt>Rows / Rader</dt><dd>{cb["rows"]} ({cb["questionnaires"]} questionnaires / enkätsvar)</dd>
<dt>Period</dt><dd>{e(str(cb["period_from"] or "–"))} – {e(str(cb["period_to"] or "–"))}</dd>
<dt>Associations / Förbund</dt><dd>{e(cb["association_codes"])}</dd></dl>
<h2>Missing-value codes / Koder för bortfall</h2><ul>{missing}</ul>
<h2>Disclosure control / Röjandekontroll</h2>
<p>k = {cb["k"]} on {e(", ".join(cb["quasi_identifiers"]))}, counted per questionnaire.</p>
<ul>{changes}</ul>
<h2>Variables / Variabler</h2>
<table><tr><th>Name</th><th>Type</th><th>Etikett (sv)</th><th>Label (en)</th>
<th>Value labels</th><th>Missing</th></tr>
{rows}
</table>
<h2>Citation / Citering</h2><p>{e(cb["citation"])}</p>
</body></html>
"""


def json_default(value: object) -> object:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)
