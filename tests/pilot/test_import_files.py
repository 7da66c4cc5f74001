"""Imports that say everything once (issue 17, point 4): encodings, malformed files, limits."""

import io

import pytest
from django.test import override_settings
from django_tenants.utils import tenant_context
from openpyxl import Workbook, load_workbook

from pilot.models import ImportBatch, LocalItem, MunicipalityYear, Response
from pilot.services import activity_create, local_item_create, municipality_years_import
from pilot.services.imports import ImportRejected, responses_import, template_xlsx

pytestmark = pytest.mark.django_db

HEADER = "activity,occasion,answered_on,p21,p24,p25"
ROW = "Insats X,half_yearly,2016-03-01,4,5,3"
REGISTER = (
    "municipality,year,sickness_disability_fte,labour_market_fte,"
    "financial_assistance_fte,population_20_64"
)


@pytest.fixture
def in_alfa(alfa):
    with tenant_context(alfa):
        activity_create(name="Insats X", form_codes=["board", "participant_exit"], actor=None)
        yield alfa


def _import(content, filename="f.csv", form_code="board"):
    return responses_import(filename=filename, content=content, form_code=form_code, actor=None)


def _refused(content, filename="f.csv", form_code="board"):
    with pytest.raises(ImportRejected) as err:
        _import(content, filename, form_code)
    assert not Response.objects.exists() and not ImportBatch.objects.exists()
    return [(e.row, e.column, e.message) for e in err.value.cell_errors]


@pytest.mark.parametrize(
    "encoding, newline, delimiter",
    [
        ("utf-8", "\n", ","),
        ("utf-8-sig", "\r\n", ";"),  # Excel "CSV UTF-8"
        ("cp1252", "\r\n", ";"),  # Excel "CSV (semikolonavgränsad)", Swedish Windows
        ("utf-16", "\r\n", "\t"),  # Excel "Unicode-text": UTF-16 LE with BOM, tabs
        ("utf-16-le", "\r\n", "\t"),  # the same without a BOM
        ("utf-8", "\r", ","),  # CR-only line ends (old Mac Excel)
    ],
)
def test_encodings_and_line_ends_excel_writes(in_alfa, encoding, newline, delimiter):
    activity_create(name="Insats Åsele–Vännäs", form_codes=["board"], actor=None)
    rows = [HEADER, ROW, ROW.replace("Insats X", "Insats Åsele–Vännäs").replace("-01", "-02")]
    text = newline.join(r.replace(",", delimiter) for r in rows) + newline
    if encoding == "cp1252":
        text = text.replace("–", "-")  # no en dash in an 8-bit file name ... but åäö are
        activity_create(name="Insats Åsele-Vännäs", form_codes=["board"], actor=None)
    assert _import(text.encode(encoding)).created
    names = set(Response.objects.values_list("activity__name", flat=True))
    assert names == {
        "Insats X",
        "Insats Åsele–Vännäs" if encoding != "cp1252" else "Insats Åsele-Vännäs",
    }


def test_a_file_with_five_different_errors_shows_all_five_at_once(in_alfa):
    content = "\n".join(
        [
            HEADER + ",p21",  # duplicate header
            "Insats X,half_yearly,0001-01-01,4,5,3,",  # absurd date
            "Okänd insats,half_yearly,2016-03-01,4,5,3",  # unknown activity
            "Insats X,half_yearly,2016-03-01,9,5,3",  # off the scale
            "Insats X,exit,2016-03-02,4,5,3",  # occasion the form does not use
            "Insats X,half_yearly,2016-03-03,4,5,3,,extra",  # an extra cell
        ]
    ).encode()
    errors = _refused(content)
    assert (1, "p21", "Rubriken finns flera gånger (kolumn D och G).") in errors
    assert (2, "answered_on", "Orimligt datum: 0001-01-01 ligger före år 2000.") in errors
    assert (3, "activity", "Okänd insats: Okänd insats") in errors
    assert (4, "p21", "Värdet 9 ligger utanför skalan 1–5.") in errors
    assert (5, "occasion", "Formuläret används inte vid mättillfället exit.") in errors
    assert (6, "H", "Cellen ligger utanför kolumnerna i rubrikraden.") in errors
    assert len(errors) == 6


def test_header_only_and_empty_files_are_refused_in_swedish(in_alfa):
    assert _refused((HEADER + "\n").encode()) == [
        (0, "", "Filen innehåller bara rubrikraden och inga rader med uppgifter.")
    ]
    assert _refused(b"\n\n") == [(0, "", "Filen är tom.")]


@pytest.mark.parametrize(
    "cell, message",
    [
        ("x" * 10_001, "Cellen är för lång (högst 10000 tecken)."),
        ("a\x00b", "Cellen innehåller ett otillåtet tecken (NUL)."),
        ("2999-01-01", "Orimligt datum: 2999-01-01 ligger för långt fram i tiden."),
        ("1.3.2016", "Ogiltigt datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2024-03-15."),
    ],
)
def test_malformed_cells_are_row_errors(in_alfa, cell, message):
    content = f"{HEADER}\n{ROW}\nInsats X,half_yearly,{cell},4,5,3\n".encode()
    errors = _refused(content)
    assert (3, "answered_on", message) in errors


def test_a_cell_beyond_the_csv_field_limit_stops_reading_with_its_row(in_alfa):
    content = f"{HEADER}\n{ROW}\nInsats X,half_yearly,{'x' * 131_073},4,5,3\n".encode()
    assert _refused(content) == [
        (
            3,
            "",
            "Raden kan inte läsas (en cell är längre än 131072 tecken); "
            "filen lästes inte längre än hit.",
        )
    ]


def test_an_unreadable_quote_stops_reading_with_its_row(in_alfa):
    content = f'{HEADER}\n{ROW}\n"Insats X,half_yearly,2016-03-01,4,5,3\n'.encode()
    errors = _refused(content)
    assert all(row >= 3 or row == 0 for row, _c, _m in errors), errors


def test_bytes_that_are_no_known_encoding_are_refused(in_alfa):
    # 0x81 is undefined in Windows-1252 and invalid in UTF-8.
    errors = _refused(f"{HEADER}\n".encode() + b"Insats \x81,half_yearly,2016-03-01,4,5,3\n")
    assert (
        0,
        "",
        "Teckenkodningen känns inte igen. Spara filen som CSV UTF-8 och försök igen.",
    ) in errors


@override_settings(IMPORT_MAX_ROWS=3)
def test_row_limit_has_a_clear_message(in_alfa):
    content = (
        "\n".join([HEADER] + [ROW.replace("01", f"{i:02}", 1) for i in range(1, 5)])
    ).encode()
    assert _refused(content) == [(0, "", "Filen har fler än 3 rader. Dela upp den i flera filer.")]


@override_settings(IMPORT_MAX_BYTES=1024 * 1024)
def test_size_limit_has_a_clear_message(in_alfa):
    content = (HEADER + "\n" + (ROW + "\n") * 40_000).encode()
    assert _refused(content) == [
        (0, "", "Filen är för stor (1,4 MB). Högst 1,0 MB per fil; dela upp den.")
    ]


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_formula_without_a_cached_value_is_refused(in_alfa):
    # openpyxl, like many generators, writes formulas without computing them.
    content = _xlsx([HEADER.split(","), ["Insats X", "half_yearly", "2016-03-01", "=2+2", 5, 3]])
    errors = _refused(content, filename="f.xlsx")
    assert errors == [
        (
            2,
            "D",
            "Formeln saknar beräknat värde. Öppna och spara filen i Excel, "
            "eller klistra in värden i stället för formler.",
        )
    ]


def test_broken_xlsx_is_a_message(in_alfa):
    assert _refused(b"PK\x03\x04 not really", filename="f.xlsx") == [
        (0, "", "Filen kan inte läsas som XLSX (Excel).")
    ]


def test_xlsx_template_has_dropdowns_instructions_example_and_local_items(in_alfa):
    local_item_create(
        code="trivsel", text_sv="Jag trivs i gruppen", kind="likert", scale_points=4, actor=None
    )
    local_item_create(code="annan", text_sv="Bara exit", kind="yes_no", actor=None)
    LocalItem.objects.filter(code="annan").update(form_codes=["participant_exit"])
    book = load_workbook(io.BytesIO(template_xlsx(form_code="board")))
    assert book.sheetnames == ["Svar", "Listor", "Instruktioner"]
    header = [c.value for c in book["Svar"][1]]
    assert header == [*HEADER.split(","), "local:trivsel"]
    assert book["Svar"].max_row == 1  # no example row where it would be imported
    lists = book["Listor"]
    assert lists.sheet_state == "hidden"
    by_range = {str(v.sqref): v.formula1 for v in book["Svar"].data_validations.dataValidation}
    assert by_range["B2:B5001"] == "=Listor!$B$1:$B$1"  # occasion: the board's only one
    assert [lists.cell(row=r, column=1).value for r in (1,)] == ["Insats X"]
    assert [lists.cell(row=r, column=7).value for r in range(1, 6)] == [
        "1",
        "2",
        "3",
        "4",
        "dont_know",
    ]
    assert "C2:C5001" not in by_range  # a date has no list
    instructions = [[c.value for c in row] for row in book["Instruktioner"].iter_rows()]
    texts = [row[0] for row in instructions]
    assert "Kolumn" in texts and "local:trivsel" in texts
    trivsel = next(row for row in instructions if row[0] == "local:trivsel")
    assert trivsel[1] == "Jag trivs i gruppen (egen fråga)" and trivsel[2].startswith("Skala 1–4")
    example = instructions[-1]
    assert example[:3] == ["Insats X", "half_yearly", "2024-03-15"]


def test_register_numbers_refuse_exponents_nan_and_overflow(in_alfa):
    content = "\n".join(
        [
            REGISTER,
            "Robertsfors,2017,1e30,90,40,3600",
            "Vindeln,2017,NaN,1,1,3000",
            "Umeå,2017,1,inf,1,3000",
            "Nordmaling,2017,1000000000,1,1,3000",
            "Bjurholm,2017,1,1,1,3000.5",
            "Vännäs,1066,1,1,1,3000",
            'Vännäs,2018,"1 234,5",1,1,3000',
        ]
    ).encode()
    with pytest.raises(ImportRejected) as err:
        municipality_years_import(filename="r.csv", content=content, actor=None)
    cells = {(e.row, e.column) for e in err.value.cell_errors}
    assert cells == {
        (2, "sickness_disability_fte"),
        (3, "sickness_disability_fte"),
        (4, "labour_market_fte"),
        (5, "sickness_disability_fte"),
        (6, "population_20_64"),
        (7, "year"),
    }
    assert not MunicipalityYear.objects.exists()
    good = REGISTER + '\nVännäs,2018,"1 234,5",1,1,3000\n'
    assert municipality_years_import(filename="r.csv", content=good.encode(), actor=None) == 1
    assert str(MunicipalityYear.objects.get().sickness_disability_fte) == "1234.5"
