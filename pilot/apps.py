from django.apps import AppConfig


class PilotConfig(AppConfig):
    name = "pilot"
    verbose_name = "Association data (per tenant schema)"

    def ready(self) -> None:
        # Register the tasks services queue by name (pilot.services.invitations).
        from pilot import tasks  # noqa: F401
