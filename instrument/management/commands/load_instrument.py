from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from instrument.services import (
    BUNDLED_VERSION_FILE,
    instrument_data_read,
    instrument_version_load,
    instrument_version_publish,
)


class Command(BaseCommand):
    help = "Load an instrument version from its YAML data file (as a draft, or --publish)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(BUNDLED_VERSION_FILE))
        parser.add_argument("--publish", action="store_true")

    def handle(self, *args, **options):
        try:
            version = instrument_version_load(data=instrument_data_read(path=Path(options["path"])))
            if options["publish"] and not version.is_published:
                version = instrument_version_publish(version=version, actor=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Instrument {version.code}: {version.status}"))
