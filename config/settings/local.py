"""Development: the README's main-job command uses these settings."""

from config.settings.base import *  # noqa: F403

DEBUG = True
