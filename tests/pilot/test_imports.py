"""Paper/bulk import: whole-file validation, atomic storage, re-upload detection."""

import io

import pytest
from django_tenants.utils import tenant_context
from openpyxl import Workbook, load_workbook

from pilot.models import ImportBatch, Participant, Response
from pilot.services import activity_create
from pilot.services.imports import (
    ImportRejected,
    responses_import,
    template_columns,
    template_csv,
    template_xlsx,
)

pytestmark = pytest.mark.django_db

HEADER = (
    "participant_code,gender,age_band,started_on,activity,occasion,answered_on,"
    "p2,p4,p6,p9,p11,p12,p13,p14,p18"
)
GOOD_ROWS = [
    "P-10,woman,25-29,2015-09-01,Insats X,exit,2016-03-01,4,5,dont_know,3,4,2,,5,4",
    "P-11,man,30-39,2015-10-01,Insats X,exit,2016-03-02,3,3,3,3,3,3,3,3,3",
]


@pytest.fixture
def in_alfa(alfa):
    with tenant_context(alfa):
        activity_create(name="Insats X", form_codes=["participant_exit"], actor=None)
        yield alfa


def _csv(*rows, header=HEADER):
    return ("\n".join([header, *rows]) + "\n").encode()


def test_template_columns_follow_the_form(in_alfa):
    assert template_columns(form_code="participant_exit") == HEADER.split(",")
    assert template_csv(form_code="board").decode("utf-8-sig").strip() == (
        "activity,occasion,answered_on,p21,p24,p25"
    )
    book = load_workbook(io.BytesIO(template_xlsx(form_code="participant_exit")))
    assert [c.value for c in book["Svar"][1]] == HEADER.split(",")
    assert "Instruktioner" in book.sheetnames


def test_valid_csv_is_stored_once(in_alfa):
    content = _csv(*GOOD_ROWS)
    result = responses_import(
        filename="exit.csv", content=content, form_code="participant_exit", actor=None
    )
    assert result.created and Response.objects.count() == 2
    assert Participant.objects.filter(code__in=["P-10", "P-11"]).count() == 2
    again = responses_import(
        filename="exit.csv", content=content, form_code="participant_exit", actor=None
    )
    assert not again.created and again.batch == result.batch
    assert Response.objects.count() == 2 and ImportBatch.objects.count() == 1


def test_semicolon_csv_from_swedish_excel(in_alfa):
    content = _csv(*(r.replace(",", ";") for r in GOOD_ROWS), header=HEADER.replace(",", ";"))
    assert responses_import(
        filename="x.csv", content=content, form_code="participant_exit", actor=None
    ).created


def test_xlsx_upload(in_alfa):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in GOOD_ROWS:
        sheet.append([int(v) if v.isdigit() else v for v in row.split(",")])
    buffer = io.BytesIO()
    book.save(buffer)
    responses_import(
        filename="exit.xlsx", content=buffer.getvalue(), form_code="participant_exit", actor=None
    )
    assert Response.objects.count() == 2


@pytest.mark.parametrize(
    ("rows", "header", "expected"),
    [
        ([GOOD_ROWS[0].replace(",4,5,", ",7,5,")], HEADER, (2, "p2")),  # outside the scale
        ([GOOD_ROWS[0].replace("2016-03-01", "2016-13-01")], HEADER, (2, "answered_on")),
        ([GOOD_ROWS[0].replace(",exit,", ",during,")], HEADER, (2, "occasion")),
        ([GOOD_ROWS[0], GOOD_ROWS[0]], HEADER, (3, "participant_code")),  # duplicate row
        ([GOOD_ROWS[0] + ",4"], HEADER + ",p99", (1, "p99")),  # unknown item column
        ([GOOD_ROWS[0].replace("Insats X", "Okänd")], HEADER, (2, "activity")),
        ([GOOD_ROWS[0].replace("P-10", "811218-9876")], HEADER, (2, "participant_code")),
    ],
)
def test_invalid_file_is_rejected_whole_with_row_and_column(in_alfa, rows, header, expected):
    content = _csv(GOOD_ROWS[1], *rows, header=header)
    with pytest.raises(ImportRejected) as err:
        responses_import(
            filename="bad.csv", content=content, form_code="participant_exit", actor=None
        )
    cells = {(e.row, e.column) for e in err.value.cell_errors}
    row, column = expected
    assert (row + 1 if row > 1 else row, column) in cells, cells  # +1: a good row comes first
    assert not Response.objects.exists() and not ImportBatch.objects.exists()
    assert not Participant.objects.exists()


def test_wrong_file_type_is_refused(in_alfa):
    with pytest.raises(ImportRejected) as err:
        responses_import(filename="x.pdf", content=b"a", form_code="participant_exit", actor=None)
    assert [e.message for e in err.value.cell_errors] == ["Filen ska vara .csv eller .xlsx."]
