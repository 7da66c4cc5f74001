"""Issue 13.1: the association's own questions placed on forms of chosen activities, asked in
the web questionnaire (scale, yes/no, number), previewed as respondents see them, stored."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from pilot.models import Answer, LocalItem, Response
from pilot.services import (
    activity_create,
    invitations_issue,
    local_item_create,
    local_item_place,
    participant_register,
)
from tenants.models import AuditEvent
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
CORE_DURING = ["p1", "p3", "p5", "p8", "p10", "p14", "p18"]


@pytest.fixture
def setup(alfa):
    with tenant_context(alfa):
        kompassen = activity_create(name="Kompassen", form_codes=["participant_during"], actor=None)
        steget = activity_create(name="Steget", form_codes=["participant_during"], actor=None)
        labels = [{"value": v, "sv": f"Steg {v}"} for v in range(1, 7)]
        items = {
            "nojd": local_item_create(
                code="nojd",
                text_sv="Jag är nöjd med stödet.",
                kind="likert",
                scale_points=6,
                scale_labels=labels,
                actor=None,
            ),
            "droger": local_item_create(
                code="droger", text_sv="Har du använt droger?", kind="yes_no", actor=None
            ),
            "timmar": local_item_create(
                code="timmar",
                text_sv="Hur många timmar i veckan?",
                kind="number",
                number_min=Decimal(0),
                number_max=Decimal(40),
                actor=None,
            ),
        }
        return {"kompassen": kompassen, "steget": steget, **items}


def _invite(activity):
    participant = participant_register(
        code=f"{activity.name}-1",
        gender="woman",
        age_band="20-24",
        activity=activity,
        started_on=dt.date(2026, 1, 1),
        actor=None,
    )
    [inv] = invitations_issue(
        form_code="participant_during",
        occasion="during",
        activity=activity,
        participants=[participant],
        actor=None,
    )
    return inv


def _legends(page: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<legend>(.*?)</legend>", page, re.S)
    ]


def test_place_through_the_page_then_answer_every_type(alfa, setup):
    admin = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    for code in ("nojd", "droger", "timmar"):
        response = admin.post(
            f"/config/local-items/{setup[code].pk}/place/",
            {"form_codes": ["participant_during"], "activities": [setup["kompassen"].pk]},
        )
        assert response.status_code == 302
    overview = admin.get("/config/").content.decode()
    assert "Deltagare – under insatsen (Kompassen)" in overview
    with tenant_context(alfa):
        inv = _invite(setup["kompassen"])
        other = _invite(setup["steget"])
        assert AuditEvent.objects.filter(action="pilot.local_item_placed").count() == 3
    client = host_client("alfa.localhost")
    page = client.get(f"/q/{inv.token}/").content.decode()
    legends = _legends(page)
    assert legends[-3:] == [
        "8. Har du använt droger?",
        "9. Jag är nöjd med stödet.",
        "10. Hur många timmar i veckan?",
    ]
    droger = page.split("Har du använt droger?")[1].split("</fieldset>")[0]
    assert re.findall(r'value="(\w+)"> ?(?:<span class="num">\d+</span> )?(\w[\w /]*)', droger)[
        :2
    ] == [("1", "Ja"), ("0", "Nej")]
    assert "Steg 6" in page and 'inputmode="decimal"' in page and "Från 0 till 40." in page
    # Steget's respondents are not asked Kompassen's questions
    assert len(_legends(client.get(f"/q/{other.token}/").content.decode())) == 7
    answers = {c: "4" for c in CORE_DURING}
    answers.update({"local:nojd": "5", "local:droger": "0", "local:timmar": "12,5"})
    done = client.post(f"/q/{inv.token}/", {**answers, "action": "submit"})
    assert "Tack för dina svar" in done.content.decode()
    with tenant_context(alfa):
        stored = {
            a.local_item.code: a
            for a in Answer.objects.filter(
                response__invitation=inv, local_item__isnull=False
            ).select_related("local_item")
        }
        assert stored["nojd"].value == 5 and stored["droger"].value == 0
        assert stored["timmar"].number == Decimal("12.5")
        assert Response.objects.count() == 1


def test_preview_shows_the_form_as_respondents_see_it_and_stores_nothing(alfa, setup):
    with tenant_context(alfa):
        local_item_place(
            item=setup["droger"],
            form_codes=["participant_during"],
            activities=[setup["kompassen"]],
            actor=None,
        )
    admin = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    listing = admin.get("/config/preview/").content.decode()
    assert "Kompassen" in listing and "Deltagare – under insatsen" in listing
    url = f"/config/preview/?activity={setup['kompassen'].pk}&form=participant_during"
    page = admin.get(url).content.decode()
    assert "Förhandsgranskning: Deltagare – under insatsen för insatsen Kompassen." in page
    assert _legends(page)[-1] == "8. Har du använt droger?"
    steget = admin.get(f"/config/preview/?activity={setup['steget'].pk}&form=participant_during")
    assert len(_legends(steget.content.decode())) == 7
    admin.post(url, {"local:droger": "1", "action": "submit"})
    with tenant_context(alfa):
        assert Response.objects.count() == 0


def test_placement_errors(alfa, setup):
    with tenant_context(alfa):
        with pytest.raises(ValidationError) as err:
            local_item_place(
                item=setup["nojd"],
                form_codes=["participant_exit"],
                activities=[setup["kompassen"]],
                actor=None,
            )
        assert err.value.message_dict["form_codes"] == [
            "Ingen av de valda insatserna använder formuläret Deltagare – vid avslut."
        ]
        good = local_item_create(
            code="exempel", text_sv="Gott exempel", kind="good_example", actor=None
        )
        with pytest.raises(ValidationError):
            local_item_place(
                item=good,
                form_codes=["participant_during"],
                activities=[setup["kompassen"]],
                actor=None,
            )
        assert LocalItem.objects.get(code="nojd").form_codes == []
