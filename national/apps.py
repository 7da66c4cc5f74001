from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "national"
    verbose_name = "National layer (pooled snapshots and reports)"

    def ready(self) -> None:
        # Registers the Celery tasks by name: services queue them by name (national.tasking).
        from national import tasks  # noqa: F401
