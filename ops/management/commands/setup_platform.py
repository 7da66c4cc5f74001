"""Migrate everything and prepare the platform: public host, tenant template, all schemas."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from instrument.services import instrument_bundled_ensure
from tenants.services import public_tenant_ensure, template_schema_ensure


class Command(BaseCommand):
    help = "Migrate the public schema, the tenant template and every association's schema."

    def add_arguments(self, parser):
        parser.add_argument(
            "--domain", action="append", default=[], help="Extra host name for the public site."
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        public_tenant_ensure(extra_domains=options["domain"])
        instrument_bundled_ensure()
        template_schema_ensure(verbosity=verbosity)
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS("Platform ready."))
