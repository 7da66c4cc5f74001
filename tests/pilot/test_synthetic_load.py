"""Generated data lands in the association's schema intact, and only there."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django_tenants.utils import tenant_context

from instrument.models import FormItem
from pilot.models import Answer, Participant, Response
from pilot.services.synthetic_load import synthetic_data_load, synthetic_generate
from pilot.synthetic import AssociationSpec

pytestmark = pytest.mark.django_db


def test_frames_are_loaded_completely(alfa, beta):
    spec = AssociationSpec(slug="alfa", n_participants=60, activity_names=("A1", "A2"), n_staff=4)
    data = synthetic_generate(specs=[spec], seed=7)["alfa"]
    with tenant_context(alfa):
        counts = synthetic_data_load(data=data, actor=None)
        assert counts.participants == len(data.participants) == Participant.objects.count()
        assert counts.responses == len(data.responses) == Response.objects.count()
        assert counts.answers == len(data.answers) == Answer.objects.count()
        # Every stored answer's item is on its response's form.
        on_form = set(FormItem.objects.values_list("form__code", "item_id"))
        stored = set(Answer.objects.values_list("response__form_code", "item_id"))
        assert stored <= on_form
        # dont_know is stored as missing.
        assert not Answer.objects.filter(dont_know=True, value__isnull=False).exists()
        assert Answer.objects.filter(dont_know=True).count() == int(data.answers["dont_know"].sum())
        # Answers per response match the frames.
        per_key = data.answers.groupby("response_key", observed=True).size()
        stored_per_key = dict(Response.objects.annotate(n=Count("answers")).values_list("key", "n"))
        assert all(stored_per_key[k] == n for k, n in per_key.items())
    with tenant_context(beta):
        assert not Response.objects.filter(source="synthetic").exists()


def test_command_is_idempotent(alfa):
    call_command("generate_pilot_data", slug=["alfa"], participants=20, staff=2, seed=3)
    with tenant_context(alfa):
        first = Response.objects.count()
    call_command("generate_pilot_data", slug=["alfa"], participants=20, staff=2, seed=3)
    with tenant_context(alfa):
        assert Response.objects.count() == first > 0
