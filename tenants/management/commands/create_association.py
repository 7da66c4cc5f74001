"""Provision an association from the command line (same service as the API)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import County, MemberBody
from tenants.services import MemberBodyInput, association_create, association_host


class Command(BaseCommand):
    help = "Create an association (tenant): its row, its schema and its host name, atomically."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Short name, used in the host name and the schema name.")
        parser.add_argument("--name", required=True)
        parser.add_argument("--org-number", required=True, help="Organisationsnummer NNNNNN-NNNN")
        parser.add_argument("--county", required=True, choices=[c.value for c in County])
        parser.add_argument(
            "--member",
            action="append",
            default=[],
            metavar="KIND:NAME",
            help=f"Member body, KIND one of {', '.join(MemberBody.Kind.values)}; repeatable.",
        )
        parser.add_argument("--not-nns-member", action="store_true")

    def handle(self, *args, **options):
        members = []
        for spec in options["member"]:
            kind, sep, name = spec.partition(":")
            if not sep or kind not in MemberBody.Kind.values or not name.strip():
                raise CommandError(f"--member {spec!r}: expected KIND:NAME")
            members.append(MemberBodyInput(kind=kind, name=name.strip()))
        try:
            association = association_create(
                name=options["name"],
                slug=options["slug"],
                org_number=options["org_number"],
                county=options["county"],
                member_bodies=members,
                nns_member=not options["not_nns_member"],
            )
        except ValidationError as exc:
            details = (
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
                if hasattr(exc, "error_dict")
                else " ".join(exc.messages)
            )
            raise CommandError(details) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {association.name} at http://{association_host(slug=association.slug)}/"
            )
        )
