"""Researcher datasets (issue 7): a published snapshot's pooled rows as microdata files, and
their release (request → approval by the steering group → frozen build → audited download).

The one public face of the wing; its modules:

* :mod:`~national.datasets.spec`: :class:`DatasetSpec` (what a researcher asks for),
  :class:`BuiltDataset`, the dataset's codes;
* :mod:`~national.datasets.build`: :func:`dataset_build`, with disclosure control by
  :mod:`~national.datasets.anonymise` (k-anonymity and generalisation of
  :mod:`stats.disclosure`);
* :mod:`~national.datasets.codebook` and :mod:`~national.datasets.datapackage`: metadata;
* :mod:`~national.datasets.writers`: :func:`dataset_write` (csv, xlsx, sav, dta, parquet);
* :mod:`~national.datasets.releases`: the release services (Django), imported on first use
  so that building and writing stay usable without Django (benchmarks, pure tests).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from national.datasets.build import dataset_build
from national.datasets.spec import (
    DEFAULT_QUASI_IDENTIFIERS,
    DONT_KNOW_CODE,
    FORMATS,
    OTHER_OR_UNDISCLOSED,
    REGION_UNKNOWN,
    BuiltDataset,
    DatasetSpec,
)
from national.datasets.writers import dataset_write, dataset_write_many

if TYPE_CHECKING:
    from national.datasets.releases import (
        RELEASE_DAYS,
        STAGES,
        dataset_build_failed,
        dataset_build_run,
        dataset_download_open,
        dataset_item_codes,
        dataset_progress_set,
        dataset_release_purge,
        dataset_releases_expire,
        dataset_request_check,
        dataset_request_create,
        dataset_request_decide,
        dataset_request_summary,
        releases_dir,
    )

_RELEASES = frozenset(
    {
        "RELEASE_DAYS",
        "STAGES",
        "dataset_build_failed",
        "dataset_build_run",
        "dataset_download_open",
        "dataset_progress_set",
        "dataset_release_purge",
        "dataset_releases_expire",
        "dataset_request_check",
        "dataset_item_codes",
        "dataset_request_create",
        "dataset_request_decide",
        "dataset_request_summary",
        "releases_dir",
    }
)

__all__ = [
    "DEFAULT_QUASI_IDENTIFIERS",
    "DONT_KNOW_CODE",
    "FORMATS",
    "OTHER_OR_UNDISCLOSED",
    "REGION_UNKNOWN",
    "RELEASE_DAYS",
    "STAGES",
    "BuiltDataset",
    "DatasetSpec",
    "dataset_build",
    "dataset_build_failed",
    "dataset_build_run",
    "dataset_download_open",
    "dataset_item_codes",
    "dataset_progress_set",
    "dataset_release_purge",
    "dataset_releases_expire",
    "dataset_request_check",
    "dataset_request_create",
    "dataset_request_decide",
    "dataset_request_summary",
    "dataset_write",
    "dataset_write_many",
    "releases_dir",
]


def __getattr__(name: str) -> Any:
    # The release services need Django (models, settings): loaded on first use only.
    if name in _RELEASES:
        return getattr(importlib.import_module("national.datasets.releases"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
