"""Metadata files written with every dataset: a Frictionless ``datapackage.json`` and a
human-readable ``codebook.html``. Pure: no Django."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from national.datasets.codebook import codebook_variables
from national.datasets.spec import BuiltDataset

_FRICTIONLESS_TYPE = {"integer": "integer", "string": "string", "boolean": "boolean"}


def _schema(dataset: BuiltDataset, fmt: str) -> dict[str, Any]:
    """The data resource's fields as the file has them: in csv/xlsx/parquet the answers are
    empty when missing and each has a reason column; in .sav/.dta the codes -9/-8 are kept
    (declared missing there; here listed in ``missingValues``)."""
    fields = []
    text = fmt in ("csv", "xlsx", "parquet")
    reasons = dataset.codebook.get("reason_variables", []) if text else []
    for v in [*codebook_variables(dataset), *reasons]:
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
            if text:
                f["missingReasonField"] = f"{v['name']}_missing"
        if v.get("reason_of"):
            f["constraints"] = {"enum": list(v["value_labels"])}
        if v.get("measure"):
            f["measure"] = v["measure"]
        fields.append(f)
    codes = [] if text else [c for c in dataset.codebook.get("missing_values", {}) if c]
    return {"fields": fields, "missingValues": ["", *codes]}


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
        "schema": _schema(dataset, fmt),
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
        "k_anonymity": {
            "k": cb["k"],
            "unit": cb.get("k_unit", "persons"),
            "quasi_identifiers": cb["quasi_identifiers"],
            "generalisations": cb.get("disclosure", []),
        },
        "person_link": cb.get("person_link"),
        "notes": cb.get("notes", []),
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
        f"<tr><td><code>{e(v['name'])}</code></td><td>{e(v['type'])} "
        f"({e(v.get('measure', ''))})</td>"
        f"<td lang='sv'>{e(v['label_sv'])}</td><td lang='en'>{e(v['label_en'])}</td>"
        f"<td>{labels_list(v.get('value_labels'))}</td>"
        f"<td>{labels_list(v.get('missing_values'))}</td></tr>"
        for v in [*cb["variables"], *cb.get("reason_variables", [])]
    )
    changes = (
        "".join(f"<li>{e(c)}</li>" for c in cb["changes"])
        or "<li>None needed / Inga ändringar behövdes</li>"
    )
    stata = cb.get("stata_missing", {})
    missing = "".join(
        f"<li><code>{e(k) or '(tomt / NA)'}</code>"
        f"{' = Stata <code>' + e(stata[k]) + '</code>' if k in stata else ''}: "
        f"{e(v['sv'])} / {e(v['en'])}</li>"
        for k, v in cb["missing_values"].items()
    )
    quasi = "".join(
        f"<li><code>{e(q['name'])}</code> {e(q['label_sv'])} / {e(q['label_en'])}: "
        f"{e('; '.join(q['generalisations']) or 'ingen generalisering / not generalised')}</li>"
        for q in cb.get("disclosure", [])
    )
    notes = "".join(
        f"<li>{e(n['sv'])}<br><span lang='en'>{e(n['en'])}</span></li>" for n in cb.get("notes", [])
    )
    link = cb.get("person_link") or {}
    person_link = (
        f"<h2>Personkoppling / Person link</h2><p><strong>{e(link['label_sv'])}</strong> / "
        f"<span lang='en'>{e(link['label_en'])}</span></p><p>{e(link['note_sv'])}</p>"
        f"<p lang='en'>{e(link['note_en'])}</p>"
        if link
        else ""
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
<p>SPSS: -9 och -8 är deklarerade som saknade värden (user-missing). Stata: .a och .b.
CSV, Excel och Parquet: tom cell, och kolumnen <code>&lt;fråga&gt;_missing</code> anger orsaken
(dont_know, not_answered, not_asked). / SPSS: -9 and -8 are user-missing; Stata: .a and .b;
CSV, Excel and Parquet: empty, with the reason in <code>&lt;item&gt;_missing</code>.</p>
<h2>Disclosure control / Röjandekontroll</h2>
<p>Varje kombination av bakgrundsvariablerna nedan delas av minst k = {cb["k"]} olika personer.
/ Every combination of the quasi-identifiers below is shared by at least k = {cb["k"]} distinct
persons.</p>
{person_link}
<h3>Bakgrundsvariabler och generaliseringar / Quasi-identifiers and generalisations</h3>
<ul>{quasi}</ul>
<ul>{changes}</ul>
<h2>Anmärkningar / Notes</h2><ul>{notes or "<li>–</li>"}</ul>
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
