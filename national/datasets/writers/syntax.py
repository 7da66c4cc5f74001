"""Syntax files written beside ``data.csv`` (as REDCap does): ``data.sps`` (SPSS), ``data.do``
(Stata) and ``data.R`` read the CSV and attach the labels in the dataset's language, turn the
categorical codes into labelled numbers / factors and declare the answers' missing values the
way each tool expects (SPSS user-missing -9/-8, Stata .a/.b, R NA with the reason column as a
labelled factor). Generated from the codebook only. Pure: no Django."""

from __future__ import annotations

from typing import Any

import pandas as pd

from national.datasets.codebook import STATA_MISSING, codebook_variables, shorten
from national.datasets.missing import REASONS
from national.datasets.spec import BuiltDataset


def _lang(dataset: BuiltDataset) -> str:
    return "en" if dataset.codebook.get("language") == "en" else "sv"


def _sps_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _do_text(text: str) -> str:
    return '`"' + text.replace('"', "'") + "\"'"


def _r_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _width(frame: pd.DataFrame, name: str) -> int:
    s = frame[name]
    values = s.cat.categories if isinstance(s.dtype, pd.CategoricalDtype) else s.dropna()
    lengths = [len(str(v).encode("utf-8")) for v in values]
    return max([1, *lengths])


def _reasons(dataset: BuiltDataset) -> list[dict[str, Any]]:
    return list(dataset.codebook.get("reason_variables", []))


def sps_syntax(dataset: BuiltDataset, csv_name: str, columns: list[str]) -> str:
    """SPSS syntax reading ``csv_name`` whose header is ``columns``."""
    lang = _lang(dataset)
    frame = dataset.frame
    by_name = {v["name"]: v for v in [*codebook_variables(dataset), *_reasons(dataset)]}
    specs = []
    for name in columns:
        v = by_name[name]
        if v["type"] in ("integer", "boolean") and name in frame.columns:
            specs.append(f"  {name} F8.0" if v["type"] == "integer" else f"  {name} A5")
        elif name in frame.columns:
            specs.append(f"  {name} A{_width(frame, name)}")
        else:
            specs.append(f"  {name} A12")
    out = [
        f"* {dataset.codebook.get(f'title_{lang}', '')}.",
        "* Reads the CSV, then attaches labels and missing values.",
        "GET DATA /TYPE=TXT /FILE=" + _sps_text(csv_name) + " /ENCODING='UTF8'",
        "  /DELCASE=LINE /DELIMITERS=',' /QUALIFIER='\"' /ARRANGEMENT=DELIMITED",
        "  /FIRSTCASE=2 /VARIABLES=",
        *specs,
        ".",
    ]
    for v in codebook_variables(dataset):
        name = v["name"]
        if v["type"] == "boolean":
            out.append(f"RECODE {name} ('true'=1) ('false'=0) (ELSE=SYSMIS) INTO {name}__n.")
            out += [f"DELETE VARIABLES {name}.", f"RENAME VARIABLES ({name}__n={name}).", ""]
            continue
        numbers = v.get("numeric_codes")
        if numbers:
            pairs = " ".join(f"({_sps_text(c)}={n})" for c, n in numbers.items())
            out.append(f"RECODE {name} {pairs} (ELSE=SYSMIS) INTO {name}__n.")
            out += [f"DELETE VARIABLES {name}.", f"RENAME VARIABLES ({name}__n={name})."]
        reason = f"{name}_missing"
        if v.get("missing_values") and reason in columns:
            for code, why in ((-9, "dont_know"), (-8, "not_answered")):
                out.append(f"IF ({reason} = {_sps_text(why)}) {name} = {code}.")
            out.append(f"MISSING VALUES {name} (-9, -8).")
            out.append(f"FORMATS {name} (F2.0).")
    out.append("VARIABLE LABELS")
    names = [n for n in columns if n in by_name]
    for i, name in enumerate(names):
        end = "." if i == len(names) - 1 else ""
        out.append(
            f"  {name} {_sps_text(by_name[name].get('label_spss') or by_name[name]['label'])}{end}"
        )
    for v in [*codebook_variables(dataset), *_reasons(dataset)]:
        labels = dict(v.get("value_labels") or {})
        labels.update({k: lab for k, lab in (v.get("missing_values") or {}).items() if k})
        if not labels or v["name"] not in columns:
            continue
        numbers = v.get("numeric_codes")
        if v["type"] == "boolean":
            numbers = {"true": 1, "false": 0}
        parts = []
        for code, lab in labels.items():
            key = (
                str(numbers[code])
                if numbers
                else (code if v["type"] == "integer" else _sps_text(code))
            )
            parts.append(f"  {key} {_sps_text(lab[lang])}")
        out += [f"VALUE LABELS {v['name']}", *parts, "."]
    measures: dict[str, list[str]] = {}
    for v in codebook_variables(dataset):
        if v.get("measure"):
            measures.setdefault(v["measure"].upper(), []).append(v["name"])
    for level, names_ in measures.items():
        out.append(f"VARIABLE LEVEL {' '.join(names_)} ({level}).")
    out.append("EXECUTE.")
    return "\n".join(out) + "\n"


def do_syntax(dataset: BuiltDataset, csv_name: str, columns: list[str]) -> str:
    """Stata do-file reading ``csv_name``: labels, .a/.b, notes with full long labels."""
    lang = _lang(dataset)
    by_name = {v["name"]: v for v in [*codebook_variables(dataset), *_reasons(dataset)]}
    text_cols = [
        i + 1
        for i, n in enumerate(columns)
        if by_name.get(n, {}).get("type") in ("string", "boolean")
    ]
    out = [
        f"* {dataset.codebook.get(f'title_{lang}', '')}",
        "* Reads the CSV, then attaches labels and missing values.",
        f'import delimited using "{csv_name}", varnames(1) encoding("utf-8") '
        f"stringcols({' '.join(map(str, text_cols))}) clear",
    ]
    for v in codebook_variables(dataset):
        name = v["name"]
        numbers = v.get("numeric_codes")
        if v["type"] == "boolean":
            numbers = {"true": 1, "false": 0}
        if numbers:
            labels = v.get("value_labels") or {}
            defs = " ".join(
                f"{n} {_do_text(labels.get(c, {}).get(lang, c))}" for c, n in numbers.items()
            )
            out.append(f"label define {name}_lbl {defs}, replace")
            out.append(f"generate {name}__n = .")
            for code, n in numbers.items():
                out.append(f'replace {name}__n = {n} if {name} == "{code}"')
            out += [f"drop {name}", f"rename {name}__n {name}", f"label values {name} {name}_lbl"]
        reason = f"{name}_missing"
        if v.get("missing_values"):
            labels = {k: lab[lang] for k, lab in (v.get("value_labels") or {}).items()}
            for code, lab in v["missing_values"].items():
                if code:
                    labels[f".{STATA_MISSING[int(code)]}"] = lab[lang]
            defs = " ".join(f"{k} {_do_text(t)}" for k, t in labels.items())
            out.append(f"label define {name}_lbl {defs}, replace")
            if reason in columns:
                out.append(f'replace {name} = .a if {reason} == "dont_know"')
                out.append(f'replace {name} = .b if {reason} == "not_answered"')
            out.append(f"label values {name} {name}_lbl")
    for name in columns:
        variable = by_name.get(name)
        if variable is None:
            continue
        v = variable
        short = v.get("label_stata") or shorten(v["label"], chars=80)
        out.append(f"label variable {name} {_do_text(short)}")
        if short != v["label"]:
            out.append(f"notes {name}: {v['label'].replace(chr(10), ' ')}")
    out.append(f"order {' '.join(columns)}")
    return "\n".join(out) + "\n"


def r_syntax(dataset: BuiltDataset, csv_name: str, columns: list[str]) -> str:
    """R script reading ``csv_name`` into ``d``: categoricals as factors with labels, answers
    numeric (NA when missing; their reason as a labelled factor), variable labels as the
    ``label`` attribute (as haven and labelled read them)."""
    lang = _lang(dataset)
    by_name = {v["name"]: v for v in [*codebook_variables(dataset), *_reasons(dataset)]}
    kinds = {n: "integer" if by_name[n]["type"] == "integer" else "character" for n in columns}
    classes = ", ".join(f'{n} = "{kind}"' for n, kind in kinds.items())
    out = [
        f"# {dataset.codebook.get(f'title_{lang}', '')}",
        "# Reads the CSV into `d` with labels; answers are numeric, NA when missing,",
        "# and <item>_missing says why (don't know / not answered / not asked).",
        f'd <- read.csv("{csv_name}", fileEncoding = "UTF-8", na.strings = "",',
        f"              colClasses = c({classes}))",
    ]
    for name in columns:
        v = by_name.get(name)
        if v is None:
            continue
        labels = v.get("value_labels") or {}
        if v["type"] == "boolean":
            out.append(
                f"d${name} <- c(true = TRUE, false = FALSE)[d${name}]; names(d${name}) <- NULL"
            )
        elif v["type"] == "string" and labels:
            numbers = v.get("numeric_codes") or {c: i for i, c in enumerate(labels)}
            codes = sorted(numbers, key=lambda c: numbers[c])
            if v.get("reason_of"):
                codes = list(REASONS)
            lv = ", ".join(_r_text(c) for c in codes)
            lb = ", ".join(_r_text(labels.get(c, {}).get(lang, c)) for c in codes)
            ordered = ", ordered = TRUE" if v.get("measure") == "ordinal" else ""
            out.append(f"d${name} <- factor(d${name}, levels = c({lv}), labels = c({lb}){ordered})")
        elif v["type"] == "integer" and labels:
            lv = ", ".join(f"{_r_text(lab[lang])} = {code}L" for code, lab in labels.items())
            out.append(f'attr(d${name}, "labels") <- c({lv})')
        out.append(f'attr(d${name}, "label") <- {_r_text(v["label"])}')
    return "\n".join(out) + "\n"
