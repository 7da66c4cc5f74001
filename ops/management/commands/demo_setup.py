from django.conf import settings
from django.core.management.base import BaseCommand

from ops.demo import DEMO_ASSOCIATIONS, DEMO_PASSWORD, demo_platform_build


class Command(BaseCommand):
    help = "Create the demo associations, activities and one demo user per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")

    def handle(self, *args, **options):
        logins = demo_platform_build()
        port = options["port"]
        base = settings.NNS_BASE_DOMAIN
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo ready. Open:"))
        self.stdout.write(f"  National site        http://{base}:{port}/")
        for demo in DEMO_ASSOCIATIONS:
            self.stdout.write(f"  {demo.name:<40} http://{demo.slug}.{base}:{port}/")
        self.stdout.write(f"  API docs             http://{base}:{port}/api/docs/")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, where in logins:
            self.stdout.write(f"  {username:<28} {role!s:<28} {where}")
        self.stdout.write(
            "\n*.localhost resolves to 127.0.0.1 in browsers; for curl use "
            f"-H 'Host: <slug>.{base}'.\n"
        )
