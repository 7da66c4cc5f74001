from django.apps import AppConfig


class InstrumentConfig(AppConfig):
    name = "instrument"
    verbose_name = "National instrument"
