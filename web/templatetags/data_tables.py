"""The body of a dashboard table (web.tables.Table) rendered in Python: the matrix has 100
associations x 26 points, and the template loop's ~12,000 nodes cost more than the rest of the
page (issue 14.6). Same HTML as the loop it replaces (tests/web/test_table_body.py).

{% load data_tables %}
<tbody>{{ table|table_body }}</tbody>
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from web.tables import Cell, Table

register = template.Library()


def _text(value: Any) -> str:
    # as {{ value }} does: escaped unless marked safe (Django's escape is html.escape), other
    # types localised first (numbers, dates)
    if type(value) is str:
        return html.escape(value)
    return str(conditional_escape(value if isinstance(value, str) else localize(value)))


def _cell(cell: Cell, header: bool, esc: Callable[[Any], str]) -> str:
    text = esc(cell.text)
    if header:
        return f'<th scope="row">{text}</th>'
    css = f' class="{esc(cell.css)}"' if cell.css else ""
    inner = f'<a href="{_text(cell.href)}">{text}</a>' if cell.href else text
    if cell.note:
        return f'<td{css}>{inner}<span class="visually-hidden"> ({esc(cell.note)})</span></td>'
    return f"<td{css}>{inner}</td>"


@register.filter
def table_body(table: Table) -> SafeString:
    """The rows (a row header first when ``table.row_headers``), or one row saying
    ``table.empty``."""
    if not table.rows:
        return mark_safe(f'<tr><td colspan="{len(table.columns)}">{_text(table.empty)}</td></tr>')
    headers = table.row_headers
    memo: dict[str, str] = {}

    def esc(value: Any) -> str:
        # the same few classes, notes and texts recur in every row: each is escaped once
        # (plain str only: a safe string equal to a plain one must not share its escape)
        if type(value) is not str:
            return _text(value)
        hit = memo.get(value)
        if hit is None:
            hit = memo[value] = html.escape(value)
        return hit

    rows = [
        "<tr>" + "".join(_cell(c, headers and i == 0, esc) for i, c in enumerate(row)) + "</tr>\n  "
        for row in table.rows
    ]
    return mark_safe("".join(rows))  # every value above is escaped
