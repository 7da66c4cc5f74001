"""One vocabulary: every domain code the platform shows to people, with Swedish and English
labels (ADR 0011).

Pure Python, no Django: national report modules, generators and bench scripts import it as
they are. Django models take their ``choices`` from :mod:`vocabulary.choices`; templates label
codes with the ``label`` filter of ``web.templatetags.vocabulary``.

    >>> label("exit_outcome", "other_solution")
    'Annan behovsanpassad lösning'
    >>> label("funnel_position", "below_99.8", "en")
    'below the lower 99.8% limit'
"""

from __future__ import annotations

from functools import cache

from vocabulary.terms import TERMS, Term

__all__ = [
    "TERMS",
    "Term",
    "all_codes",
    "codes",
    "english",
    "half_year_label",
    "kinds",
    "label",
    "labels",
    "pairs",
]

DEFAULT_LANGUAGE = "sv"


def english(lang: str | None) -> bool:
    """Whether a language code (``"en"``, ``"en-gb"``; None means the default) is English."""
    return bool(lang) and str(lang).lower().startswith("en")


@cache
def _index(kind: str) -> dict[str, Term]:
    return {t.code: t for t in TERMS[kind]}


def kinds() -> tuple[str, ...]:
    return tuple(TERMS)


def codes(kind: str) -> tuple[str, ...]:
    """The codes of one kind, in their display order. Unknown kind: KeyError."""
    return tuple(t.code for t in TERMS[kind])


def label(kind: str, code: object, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """The label of ``code`` in ``lang`` (Swedish unless English). An unknown kind raises
    KeyError; an unknown code comes back as its own text so a page never fails on new data
    (the raw-code page test catches it instead). None and "" give ""."""
    if code is None or code == "":
        return ""
    term = _index(kind).get(str(code))
    if term is None:
        return str(code)
    return term.en if english(lang) else term.sv


def labels(kind: str, values: object, lang: str | None = DEFAULT_LANGUAGE) -> list[str]:
    """Labels of several codes (a list, or one comma-separated string)."""
    items = values.split(",") if isinstance(values, str) else list(values or [])  # type: ignore[call-overload]
    return [label(kind, str(v).strip(), lang) for v in items if str(v).strip()]


def pairs(kind: str, lang: str | None = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
    """``[(code, label), ...]`` of one kind in one language (plain choices)."""
    return [(t.code, t.en if english(lang) else t.sv) for t in TERMS[kind]]


@cache
def all_codes() -> frozenset[str]:
    """Every code of every kind (for checks that no page shows one raw)."""
    return frozenset(t.code for terms in TERMS.values() for t in terms)


def half_year_label(period: object, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """``"2016H1"`` as people write it in tables: ``jan–jun 2016`` (``Jan–Jun 2016``).
    Anything else comes back unchanged."""
    text = "" if period is None else str(period)
    year, sep, half = text.partition("H")
    if not (sep and year.isdigit() and half in {"1", "2"}):
        return text
    months = ("jan–jun", "jul–dec")[int(half) - 1]
    return f"{months.title() if english(lang) else months} {year}"
