"""The catalogue in the database matches the reviewed data file and the seed's Tabell 1."""

import copy
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from instrument.models import Form, Indicator, InstrumentVersion, Item, ItemLineage, Point
from instrument.selectors import form_items, instrument_version_current, item_crosswalk
from instrument.services import (
    BUNDLED_VERSION_FILE,
    instrument_data_read,
    instrument_version_load,
    instrument_version_publish,
)
from pilot.models import Answer
from pilot.services import NewParticipant, SubmissionInput, activity_create, responses_store
from tenants.models import AuditEvent

pytestmark = pytest.mark.django_db

# domain.md: "Natural questionnaire forms follow from the table".
FORMS = {
    "participant_during": ["p1", "p3", "p5", "p8", "p10", "p14", "p18"],
    "participant_exit": ["p2", "p4", "p6", "p9", "p11", "p12", "p13", "p14", "p18"],
    "staff_participant": ["p7", "p12", "p15"],
    "staff_half_yearly": ["p16a", "p16b", "p17a", "p17b", "p19", "p21", "p22", "p23"],
    "manager": ["p17a", "p17b", "p17c", "p19"],
    "board": ["p21", "p24", "p25"],
    "partner_management": ["p21", "p26"],
}


@pytest.fixture
def v1():
    return InstrumentVersion.objects.get(code="2015.1")


def test_fresh_database_holds_15_indicators_26_points_28_items(v1):
    assert v1.is_published and instrument_version_current() == v1
    assert Indicator.objects.filter(version=v1).count() == 15
    assert Point.objects.filter(version=v1).count() == 26
    assert Item.objects.filter(version=v1).count() == 28
    assert Indicator.objects.filter(version=v1, type="process").count() == 10
    register = Point.objects.get(version=v1, number=20)
    assert register.source == "register" and not register.items.exists()


def test_forms_have_the_domain_composition_in_order(v1):
    forms = {f.code: [i.code for i in form_items(form=f)] for f in Form.objects.filter(version=v1)}
    assert forms == FORMS


def test_statements_and_respondents_equal_the_data_file(v1):
    data = instrument_data_read(path=BUNDLED_VERSION_FILE)
    for p in data["points"]:
        point = Point.objects.get(version=v1, number=p["number"])
        assert point.statement_sv == p["statement_sv"]
        assert point.respondents == p["respondents"] and point.occasions == p["occasions"]
    assert Item.objects.get(version=v1, code="p17c").respondents == ["manager"]
    assert Item.objects.get(version=v1, code="p1").statement_sv == (
        "Jag får stödet på ett sätt som är till nytta för mig."
    )


def test_reloading_identical_data_is_a_no_op(v1):
    data = instrument_data_read(path=BUNDLED_VERSION_FILE)
    assert instrument_version_load(data=data) == v1
    assert InstrumentVersion.objects.count() == 1


def test_published_version_cannot_be_changed(v1):
    data = instrument_data_read(path=BUNDLED_VERSION_FILE)
    data["points"][0]["statement_sv"] = "Ändrad text"
    with pytest.raises(ValidationError, match="publicerad"):
        instrument_version_load(data=data)
    assert Point.objects.get(version=v1, number=1).statement_sv.startswith("Jag får stödet")


def test_new_version_with_crosswalk_keeps_old_version_intact(v1, alfa):
    data = copy.deepcopy(instrument_data_read(path=BUNDLED_VERSION_FILE))
    data["version"] = {**data["version"], "code": "2016.1", "previous_version": "2015.1"}
    for p in data["points"]:
        for it in p["items"]:
            it["crosswalk"] = {"from": it["code"], "change": "same"}
    point1 = data["points"][0]
    point1["items"][0]["statement_sv"] = "Jag får stöd som är till nytta för mig."
    point1["items"][0]["crosswalk"]["change"] = "reworded"
    # Drop point 26's item from the new version and from the form that used it.
    data["points"][25]["items"] = []
    data["forms"][-1]["items"] = ["p21"]
    # An answer given on version 1 before version 2 exists.
    with tenant_context(alfa):
        activity_create(name="Före v2", form_codes=["participant_during"], actor=None)
        [old] = responses_store(
            submissions=[
                SubmissionInput(
                    "participant_during",
                    "during",
                    "Före v2",
                    dt.date(2016, 1, 5),
                    {"p1": 4},
                    "P-V1",
                    NewParticipant("man", "20-24", dt.date(2015, 9, 1)),
                )
            ],
            source="api",
            actor=None,
        )
    v2 = instrument_version_load(data=data)
    assert not v2.is_published
    changes = {
        (link.previous_item.code if link.previous_item else None): link.change
        for link in ItemLineage.objects.filter(version=v2)
    }
    assert changes["p1"] == "reworded" and changes["p26"] == "dropped" and changes["p2"] == "same"
    instrument_version_publish(version=v2, actor=None)
    assert AuditEvent.objects.filter(action="instrument.published", details__version="2016.1")
    assert instrument_version_current() == v2
    # The answer stays on version 1 and maps through the crosswalk to v2's reworded p1.
    with tenant_context(alfa):
        answer = Answer.objects.select_related("item__version").get(response=old)
        assert answer.item.version == v1 and answer.value == 4
    crosswalk = item_crosswalk(version=v2)
    assert crosswalk["p1"] == "p1" and crosswalk["p26"] is None
    assert Item.objects.get(version=v2, code=crosswalk["p1"]).statement_sv.startswith(
        "Jag får stöd som"
    )
    # The old version is untouched.
    assert Item.objects.get(version=v1, code="p1").statement_sv.startswith("Jag får stödet")
    assert Item.objects.filter(version=v1).count() == 28


def test_broken_references_are_refused_and_nothing_stored():
    data = copy.deepcopy(instrument_data_read(path=BUNDLED_VERSION_FILE))
    data["version"]["code"] = "broken"
    data["forms"][0]["items"].append("p99")
    data["scale"]["labels"] = data["scale"]["labels"][:1]
    with pytest.raises(ValidationError) as err:
        instrument_version_load(data=data)
    messages = err.value.message_dict["instrument"]
    assert any("p99" in m for m in messages) and any("scale" in m for m in messages)
    assert not InstrumentVersion.objects.filter(code="broken").exists()


def test_publishing_twice_is_refused(v1):
    with pytest.raises(ValidationError):
        instrument_version_publish(version=v1, actor=None)
