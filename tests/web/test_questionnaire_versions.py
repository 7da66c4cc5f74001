"""A questionnaire link issued under v1 and saved as a draft stays answerable on v1 after v2 is
published in between (issue 16.5); links issued afterwards ask v2's questions."""

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from instrument.models import Item
from instrument.services import (
    instrument_draft_create,
    instrument_item_add,
    instrument_item_drop,
    instrument_item_reword,
    instrument_version_publish,
)
from pilot.models import Answer, Response
from pilot.services import activity_create, invitations_issue, participant_register
from tests.conftest import host_client

pytestmark = pytest.mark.django_db
V1_DURING = ["p1", "p3", "p5", "p8", "p10", "p14", "p18"]


def _issue(activity, participant):
    [inv] = invitations_issue(form_code="participant_during", occasion="during",
                              activity=activity, participants=[participant],
                              actor=None)  # fmt: skip
    return inv


def _publish_v2():
    v2 = instrument_draft_create(code="2026.1", title_sv="V2", title_en="V2", actor=None)
    instrument_item_reword(version=v2, item_code="p1", statement_sv="Stödet hjälper mig framåt.",
                           statement_en="The support helps me.", reason="Enklare",
                           actor=None)  # fmt: skip
    instrument_item_drop(version=v2, item_code="p3", reason="Överlappar", actor=None)
    instrument_item_add(version=v2, point_number=1, statement_sv="Jag blir lyssnad på.",
                        statement_en="I am listened to.", form_codes=["participant_during"],
                        reason="Saknades", actor=None)  # fmt: skip
    return instrument_version_publish(version=v2, actor=None)


def test_a_v1_draft_is_answered_on_v1_after_v2_is_published(alfa):
    with tenant_context(alfa):
        activity = activity_create(name="Webbinsats", form_codes=["participant_during"], actor=None)
        people = [
            participant_register(code=f"W-{n}", gender="woman", age_band="20-24",
                                 activity=activity, started_on=dt.date(2016, 1, 1), actor=None)
            for n in (1, 2)
        ]  # fmt: skip
        old_link = _issue(activity, people[0])
    client = host_client("alfa.localhost")
    saved = client.post(f"/q/{old_link.token}/", {"p1": "5", "p3": "2", "action": "save"},
                        HTTP_X_REQUESTED_WITH="fetch")  # fmt: skip
    assert saved.json() == {"saved": 2}

    v2 = _publish_v2()

    page = client.get(f"/q/{old_link.token}/").content.decode()
    v1_items = {i.code: i for i in Item.objects.filter(version__code="2015.1")}
    assert v1_items["p3"].statement_sv in page and v1_items["p1"].statement_sv in page
    assert "Stödet hjälper mig framåt." not in page and "Jag blir lyssnad på." not in page
    assert 'name="p3" value="2" checked' in page  # the draft is still there
    rest = {code: "4" for code in V1_DURING if code not in ("p1", "p3")}
    done = client.post(f"/q/{old_link.token}/", {**rest, "action": "submit"})
    assert done.status_code == 200 and "Tack för dina svar" in done.content.decode()
    with tenant_context(alfa):
        response = Response.objects.get(invitation=old_link)
        assert response.instrument_version.code == "2015.1"
        answers = dict(Answer.objects.filter(response=response)
                       .values_list("item__code", "value"))  # fmt: skip
        assert answers == {"p1": 5, "p3": 2, **{c: 4 for c in rest}}
        assert set(Answer.objects.filter(response=response)
                   .values_list("item__version__code", flat=True)) == {"2015.1"}  # fmt: skip
        new_link = _issue(activity, people[1])
    assert new_link.instrument_version == v2
    page = client.get(f"/q/{new_link.token}/").content.decode()
    assert "Stödet hjälper mig framåt." in page and "Jag blir lyssnad på." in page
    assert v1_items["p3"].statement_sv not in page
