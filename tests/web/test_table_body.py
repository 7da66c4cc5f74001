"""The table body filter gives the HTML of the template loop it replaced (issue 14.6), for
row headers, links, classes, screen-reader notes, escaping and the empty table."""

from __future__ import annotations

from django.template import Context, Template
from django.utils.safestring import mark_safe

from web.tables import Cell, Column, Table

LOOP = Template(
    """{% for row in table.rows %}<tr>{% for cell in row %}{% if forloop.first and table.row_headers %}<th scope="row">{{ cell.text }}</th>{% else %}<td{% if cell.css %} class="{{ cell.css }}"{% endif %}>{% if cell.href %}<a href="{{ cell.href }}">{{ cell.text }}</a>{% else %}{{ cell.text }}{% endif %}{% if cell.note %}<span class="visually-hidden"> ({{ cell.note }})</span>{% endif %}</td>{% endif %}{% endfor %}</tr>
  {% empty %}<tr><td colspan="{{ table.columns|length }}">{{ table.empty }}</td></tr>{% endfor %}"""  # noqa: E501
)
FILTER = Template("{% load data_tables %}{{ table|table_body }}")


def _both(table: Table) -> tuple[str, str]:
    context = {"table": table}
    return LOOP.render(Context(context)), FILTER.render(Context(context))


def test_rows_render_as_the_template_loop_did():
    rows = [
        [Cell("Förbund <A> & co"), Cell("Stockholms län", value="01"),
         Cell("79,6 %", value=79.6, css="cell-red", href="/national/cell/a/1/?county=01&p=\"x\"",
              note="under målnivån"),
         Cell("·", value="", css="cell-none", note="inga svar"), Cell("–")],
        [Cell(mark_safe("<b>safe</b>")), Cell(""), Cell("80 %", css="cell-green", href="/x/"),
         Cell("1 234"), Cell("x", note="n < 5")],
    ]  # fmt: skip
    table = Table(key="matrix", caption="c", columns=[Column("a")] * 5, rows=rows)
    loop, filtered = _both(table)
    assert filtered == loop
    assert "&lt;A&gt; &amp; co" in filtered and "<b>safe</b>" in filtered
    no_headers = Table(key="t", caption="c", columns=[Column("a")] * 5, rows=rows,
                       row_headers=False)  # fmt: skip
    loop, filtered = _both(no_headers)
    assert filtered == loop and '<th scope="row">' not in filtered


def test_empty_table_says_so():
    table = Table(key="t", caption="c", columns=[Column("a"), Column("b")], rows=[],
                  empty="Inga förbund med svar för de valda filtren.")  # fmt: skip
    loop, filtered = _both(table)
    assert filtered == loop
    assert filtered == '<tr><td colspan="2">Inga förbund med svar för de valda filtren.</td></tr>'
