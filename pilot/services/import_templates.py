"""Import templates per form: a CSV header, or an XLSX workbook with dropdowns, an example
row and an instruction sheet; the association's own (local) items of the form included."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from instrument.models import Form
from instrument.selectors import instrument_version_current
from pilot.models import Activity, LocalItem
from pilot.services.submission_inputs import DONT_KNOW, LOCAL_PREFIX, PARTICIPANT_FORMS
from vocabulary import label, pairs

PARTICIPANT_COLUMNS = ["participant_code", "gender", "age_band", "started_on"]
COMMON_COLUMNS = ["activity", "occasion", "answered_on"]
DATA_ROWS = 5000  # rows of the answer sheet that carry the dropdowns


def _form(form_code: str) -> Form:
    version = instrument_version_current()
    form = Form.objects.filter(version=version, code=form_code).first()
    if form is None:
        raise ValidationError({"form_code": [_("Okänt formulär: %s") % form_code]})
    return form


def _local_items(form_code: str) -> list[LocalItem]:
    return list(
        LocalItem.objects.filter(active=True)
        .filter(Q(form_codes=[]) | Q(form_codes__contains=[form_code]))
        .order_by("code")
    )


def template_columns(*, form_code: str) -> list[str]:
    form = _form(form_code)
    items = [fi.item.code for fi in form.form_items.select_related("item")]
    lead = PARTICIPANT_COLUMNS if form.code in PARTICIPANT_FORMS else []
    local = [f"{LOCAL_PREFIX}{i.code}" for i in _local_items(form.code)]
    return [*lead, *COMMON_COLUMNS, *items, *local]


def template_csv(*, form_code: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(template_columns(form_code=form_code))
    return out.getvalue().encode("utf-8-sig")  # BOM: Excel opens UTF-8 correctly


def _local_values(item: LocalItem) -> tuple[list[str], str]:
    if item.kind == LocalItem.Kind.LIKERT:
        return [str(n) for n in range(1, (item.scale_points or 0) + 1)] + [DONT_KNOW], _(
            "Skala 1–%d, dont_know eller tomt"
        ) % (item.scale_points or 0)
    if item.kind == LocalItem.Kind.YES_NO:
        return ["1", "0", DONT_KNOW], _("1 = ja, 0 = nej, dont_know eller tomt")
    if item.kind == LocalItem.Kind.NUMBER:
        return [], _("Ett tal") + (
            f" ({item.number_min}–{item.number_max})" if item.number_min is not None else ""
        )
    return [], _("Fri text (inga namn eller personnummer)")


def template_xlsx(*, form_code: str) -> bytes:
    """Sheet "Svar" (header and dropdowns), "Instruktioner" (every column explained, and an
    example row) and a hidden "Listor" holding the dropdown values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    form = _form(form_code)
    version = form.version
    columns = template_columns(form_code=form_code)
    scale = [str(n) for n in range(version.scale_min, version.scale_max + 1)]
    activities = list(
        Activity.objects.filter(form_codes__contains=[form.code]).values_list("name", flat=True)
    )
    statements = {
        fi.item.code: fi.item.statement_sv for fi in form.form_items.select_related("item")
    }
    locals_ = {f"{LOCAL_PREFIX}{i.code}": i for i in _local_items(form.code)}
    # column -> (allowed values for a dropdown, meaning, allowed text, example)
    spec: dict[str, tuple[list[str], str, str, str]] = {
        "participant_code": (
            [],
            _("Deltagarkod (aldrig namn eller personnummer)"),
            "A–Ö 0–9 . - _",
            "P-0012",
        ),
        "gender": (
            [c for c, _l in pairs("gender")],
            _("Kön (bara för ny deltagare)"),
            ", ".join(f"{c} = {s}" for c, s in pairs("gender")),
            "woman",
        ),
        "age_band": (
            [c for c, _l in pairs("age_band")],
            _("Åldersgrupp (bara för ny deltagare)"),
            ", ".join(c for c, _l in pairs("age_band")),
            "25-29",
        ),
        "started_on": ([], _("Startdatum i insatsen"), "ÅÅÅÅ-MM-DD", "2024-01-15"),
        "activity": (
            activities,
            _("Insatsens namn"),
            ", ".join(activities) or _("Ingen insats använder formuläret ännu."),
            activities[0] if activities else "",
        ),
        "occasion": (
            list(form.occasions),
            _("Mättillfälle"),
            ", ".join(f"{o} = {label('occasion', o)}" for o in form.occasions),
            form.occasions[0] if form.occasions else "",
        ),
        "answered_on": ([], _("Datum då enkäten besvarades"), "ÅÅÅÅ-MM-DD", "2024-03-15"),
    }
    scale_text = _("%(lo)s–%(hi)s, dont_know (vet ej) eller tomt (inte besvarad)") % {
        "lo": version.scale_min,
        "hi": version.scale_max,
    }
    for code, statement in statements.items():
        spec[code] = (
            [*scale, DONT_KNOW],
            statement,
            scale_text,
            scale[-2] if len(scale) > 1 else "",
        )
    for column, item in locals_.items():
        values, allowed = _local_values(item)
        spec[column] = (
            values,
            f"{item.text_sv} ({_('egen fråga')})",
            allowed,
            values[0] if values else "",
        )

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Svar"
    sheet.append(columns)
    lists = book.create_sheet("Listor")
    lists.sheet_state = "hidden"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column) + 2)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        values = spec[column][0]
        if values:
            for row, value in enumerate(values, start=1):
                lists.cell(row=row, column=index, value=value)
            validation = DataValidation(
                type="list",
                formula1=f"=Listor!${letter}$1:${letter}${len(values)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Ogiltigt värde"),
                error=_("Välj ett värde i listan."),
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
    sheet.freeze_panes = "A2"

    help_sheet = book.create_sheet("Instruktioner")
    help_sheet.append([_("Så fyller du i mallen: %s") % form.name_sv])
    help_sheet["A1"].font = Font(bold=True, size=13)
    for line in [
        _("Fyll i en rad per enkät på bladet Svar, från rad 2. Ändra inte rubrikraden."),
        _("Välj värden i listorna där det finns en. Datum skrivs ÅÅÅÅ-MM-DD."),
        _(
            "Hela filen kontrolleras först. Finns något fel visas alla fel på en gång och "
            "ingenting sparas."
        ),
        _("Skriv aldrig namn eller personnummer, varken i koder eller i fritext."),
    ]:
        help_sheet.append([line])
    help_sheet.append([])
    help_sheet.append([_("Kolumn"), _("Betydelse"), _("Tillåtna värden"), _("Exempel")])
    for column in columns:
        _values, meaning, allowed, example = spec[column]
        help_sheet.append([column, meaning, allowed, example])
    help_sheet.append([])
    help_sheet.append([_("Exempelrad (kopiera inte in den på bladet Svar om den inte stämmer):")])
    help_sheet.append(columns)
    help_sheet.append([spec[c][3] for c in columns])
    for letter, width in zip("ABCD", (22, 60, 50, 16), strict=True):
        help_sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
