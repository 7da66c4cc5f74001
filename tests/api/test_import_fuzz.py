"""Fuzzed and malformed import files never give a 5xx and never store part of a file."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from pilot.models import MunicipalityYear, Response
from pilot.services import activity_create
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

HEADER = b"activity,occasion,answered_on,p21,p24,p25\n"
GOOD = HEADER + b"Fuzz,half_yearly,2016-03-01,4,5,3\nFuzz,half_yearly,2016-03-02,1,2,3\n"
REGISTER = (
    b"municipality,year,sickness_disability_fte,labour_market_fte,"
    b"financial_assistance_fte,population_20_64\nUme\xc3\xa5,2017,1,2,3,4000\n"
)


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD_XLSX = _xlsx(
    [
        ["activity", "occasion", "answered_on", "p21", "p24", "p25"],
        ["Fuzz", "half_yearly", "2016-03-01", 4, 5, 3],
    ]
)


def _truncated_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<x")
    return buffer.getvalue()


CORPUS = [
    ("empty.csv", b""),
    ("blank.csv", b"\n\r\n  \n"),
    ("header.csv", HEADER),
    ("cr.csv", GOOD.replace(b"\n", b"\r")),
    ("nul.csv", GOOD.replace(b"Fuzz,half", b"Fu\x00zz,half", 1)),
    ("long.csv", HEADER + b"Fuzz,half_yearly,2016-03-01," + b"9" * 131_073 + b",5,3\n"),
    ("quote.csv", HEADER + b'"Fuzz,half_yearly,2016-03-01,4,5,3\n'),
    ("bom16.csv", b"\xff\xfe" + GOOD.decode().encode("utf-16-le")[:-1]),  # odd length
    ("utf16-odd.csv", GOOD.decode().encode("utf-16-le") + b"\x00"),
    ("nan.csv", HEADER + b"Fuzz,half_yearly,2016-03-01,NaN,1e30,-0\n"),
    (
        "dates.csv",
        HEADER + b"Fuzz,half_yearly,0001-01-01,4,5,3\nFuzz,half_yearly,9999-12-31,4,5,3\n",
    ),
    ("huge-int.csv", HEADER + b"Fuzz,half_yearly,2016-03-01," + b"9" * 5000 + b",5,3\n"),
    ("binary.csv", bytes(range(256)) * 8),
    ("not.xlsx", b"PK\x03\x04garbage"),
    ("zip.xlsx", _truncated_zip()),
    ("csv-as.xlsx", GOOD),
    ("trunc.xlsx", GOOD_XLSX[: len(GOOD_XLSX) // 2]),
    (
        "formula.xlsx",
        _xlsx(
            [
                ["activity", "occasion", "answered_on", "p21"],
                ["Fuzz", "half_yearly", "=TODAY()", "=1/0"],
            ]
        ),
    ),
    ("weird.xlsx", _xlsx([[None, None], [1e308, float("nan")], ["=A2", True]])),
    ("x.exe", b"MZ"),
]


@pytest.fixture
def setup(alfa):
    with tenant_context(alfa):
        activity_create(name="Fuzz", form_codes=["board"], actor=None)
    return host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa)), alfa


def _counts(alfa):
    with tenant_context(alfa):
        return Response.objects.count(), MunicipalityYear.objects.count()


def _upload(client, name, content):
    responses = client.post(
        "/api/v1/imports/",
        {"form_code": "board", "file": SimpleUploadedFile(name, content)},
    )
    register = client.post(
        "/api/v1/register/municipality-years/import/", {"file": SimpleUploadedFile(name, content)}
    )
    return responses, register


def _check(client, alfa, name, content):
    before = _counts(alfa)
    responses, register = _upload(client, name, content)
    after = _counts(alfa)
    assert responses.status_code in {200, 201, 400}, (name, responses.content[:300])
    assert register.status_code in {201, 400}, (name, register.content[:300])
    if responses.status_code == 400:
        body = responses.json()
        assert body["errors"]
        assert all({"row", "column", "message"} <= set(r) for r in body.get("rows", []))
        assert after[0] == before[0]
    elif responses.status_code == 201:
        assert after[0] == before[0] + responses.json()["rows"]
    if register.status_code == 400:
        assert after[1] == before[1]


@pytest.mark.parametrize("name, content", CORPUS, ids=[n for n, _c in CORPUS])
def test_malformed_corpus_is_a_4xx_and_stores_nothing(setup, name, content):
    client, alfa = setup
    _check(client, alfa, name, content)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    base=st.sampled_from([("f.csv", GOOD), ("f.csv", REGISTER), ("f.xlsx", GOOD_XLSX)]),
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=4000), st.binary(min_size=0, max_size=6)),
        max_size=4,
    ),
    cut=st.integers(min_value=0, max_value=4000),
)
def test_fuzzed_files_never_give_a_5xx_nor_a_partial_store(setup, base, edits, cut):
    client, alfa = setup
    name, content = base
    data = bytearray(content)
    for position, replacement in edits:
        at = position % (len(data) + 1)
        data[at : at + len(replacement)] = replacement
    if cut < len(data) and cut % 3 == 0:
        data = data[: max(cut, 1)]
    _check(client, alfa, name, bytes(data))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), max_size=8),
        min_size=1,
        max_size=5,
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_fuzzed_csv_text_never_gives_a_5xx(setup, cells, delimiter, encoding):
    client, alfa = setup
    text = HEADER.decode() + "\n".join(delimiter.join(row) for row in cells)
    _check(client, alfa, "f.csv", text.encode(encoding, errors="replace"))
