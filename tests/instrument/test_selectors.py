"""Reads of the national instrument that web/ goes through (issue 12.5)."""

import pytest

from instrument.selectors import form_get, form_items, instrument_version_current

pytestmark = pytest.mark.django_db


def test_form_get_is_the_versions_form_by_code_or_none():
    version = instrument_version_current()
    board = form_get(version=version, code="board")

    assert (board.version, board.code, board.respondent) == (version, "board", "board")
    # domain.md: the board answers p21, p24 and p25.
    assert [i.code for i in form_items(form=board)] == ["p21", "p24", "p25"]
    assert form_get(version=version, code="no_such_form") is None
    assert form_get(version=None, code="board") is None
