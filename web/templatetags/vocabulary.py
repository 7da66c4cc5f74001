"""Template filters that show a code's label in the active language (ADR 0011).

{% load vocabulary %}
{{ schedule.occasion|label:"occasion" }}        -> Per halvår
{{ item.respondents|labels:"respondent" }}      -> Deltagare, Personal
{{ cell.period|half_year }}                     -> jan–jun 2016
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

import vocabulary

register = template.Library()


@register.filter
def label(code: object, kind: str) -> str:
    return vocabulary.label(kind, code, get_language())


@register.filter
def labels(codes: object, kind: str) -> str:
    """Labels of a list of codes (or a comma-separated string), joined with ", "."""
    return ", ".join(vocabulary.labels(kind, codes or [], get_language()))


@register.filter
def half_year(period: object) -> str:
    return vocabulary.half_year_label(period, get_language())
