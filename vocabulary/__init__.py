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
    "AGE_BANDS",
    "EXIT_OUTCOMES",
    "GENDERS",
    "PARTICIPANT_FORMS",
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

# Named code sets the domain uses (a subset of a kind, in its order); generators, reports,
# datasets and the demo import these instead of typing codes out.
#: genders a person can record (``unknown``/``other_or_undisclosed`` are report/export rows)
GENDERS: tuple[str, ...] = ("woman", "man", "other", "undisclosed")
#: the age bands asked at registration (the 16–24/25–39/40–64 bands are generalisations)
AGE_BANDS: tuple[str, ...] = ("16-19", "20-24", "25-29", "30-39", "40-49", "50-64")
#: how a participation ends (``still_in`` is not an exit)
EXIT_OUTCOMES: tuple[str, ...] = ("work", "studies", "other_solution", "dropped_out")
#: forms answered by or about one participant (carry a participant code)
PARTICIPANT_FORMS: frozenset[str] = frozenset(
    {"participant_during", "participant_exit", "staff_participant"}
)


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


def _check_code_sets() -> None:
    """The named code sets hold codes of their kind (fails at import on a typo)."""
    for kind, subset in (
        ("gender", GENDERS),
        ("age_band", AGE_BANDS),
        ("exit_outcome", EXIT_OUTCOMES),
        ("form", PARTICIPANT_FORMS),
    ):
        unknown = set(subset) - {term.code for term in TERMS[kind]}
        if unknown:
            raise ValueError(f"vocabulary: {sorted(unknown)} are not {kind} codes")


_check_code_sets()
