"""Generate realistic synthetic pilot data (graded-response model) and load it by COPY."""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from pilot.bulk import tables_analyze
from pilot.models import Response
from pilot.services.synthetic_load import (
    SYNTHETIC_TABLES,
    synthetic_data_load,
    synthetic_generate,
)
from pilot.synthetic import AssociationSpec
from tenants.db import public_schema_use
from tenants.models import Association, County
from tenants.services import association_consent_set, association_create
from tenants.validators import luhn_check_digit

ACTIVITY_NAMES = ("Arbetsmarknadstorget", "Samordningsteamet", "Unga vuxna", "Steg till arbete")


class Command(BaseCommand):
    help = (
        "Create N synthetic associations (or use --slug for existing ones) and load "
        "deterministic synthetic participants, questionnaires and answers. Idempotent: an "
        "association that already has responses is skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--associations", type=int, default=0)
        parser.add_argument("--participants", type=int, default=500)
        parser.add_argument("--staff", type=int, default=10)
        parser.add_argument("--seed", type=int, default=2015)
        parser.add_argument("--prefix", default="synt")
        parser.add_argument("--slug", action="append", default=[], help="existing association")

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        slugs = list(options["slug"])
        for i in range(options["associations"]):
            slug = f"{options['prefix']}-{i + 1:03d}"
            slugs.append(slug)
            if not Association.objects.filter(slug=slug).exists():
                prefix = f"2220{rng.randrange(10**5):05d}"
                while Association.objects.filter(
                    org_number__startswith=prefix[:6] + "-" + prefix[6:]
                ).exists():
                    prefix = f"2220{rng.randrange(10**5):05d}"
                association = association_create(
                    name=f"Syntetiskt samordningsförbund {i + 1}",
                    slug=slug,
                    org_number=f"{prefix[:6]}-{prefix[6:]}{luhn_check_digit(prefix)}",
                    county=rng.choice(County.values),
                )
                if rng.random() < 0.8:
                    association_consent_set(
                        association=association,
                        consent=True,
                        given_by="Styrelsebeslut (syntetiskt)",
                        actor=None,
                    )
        missing = [s for s in slugs if not Association.objects.filter(slug=s).exists()]
        if missing:
            raise CommandError(f"Unknown association(s): {', '.join(missing)}")
        specs = [
            AssociationSpec(
                slug=s,
                n_participants=options["participants"],
                activity_names=ACTIVITY_NAMES[: 2 + (k % 3)],
                n_staff=options["staff"],
            )
            for k, s in enumerate(slugs)
        ]
        started = time.perf_counter()
        data = synthetic_generate(specs=specs, seed=options["seed"])
        total = 0
        for slug in slugs:
            association = Association.objects.get(slug=slug)
            with tenant_context(association):
                if Response.objects.exists():
                    self.stdout.write(f"{slug}: has data, skipped")
                    continue
                counts = synthetic_data_load(data=data[slug], actor=None)
                tables_analyze(tables=SYNTHETIC_TABLES)
                total += counts.responses
                self.stdout.write(
                    f"{slug}: {counts.participants} participants, "
                    f"{counts.responses} questionnaires, {counts.answers} answers"
                )
            public_schema_use()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Loaded {total} questionnaires in {elapsed:.1f} s"))
