"""A published snapshot's pooled rows as DataFrames (answers, outcomes): the input of the
reports and of researcher datasets. The reading itself lives with the reports' storage."""

from __future__ import annotations

from national.reports.store import snapshot_frames

__all__ = ["snapshot_frames"]
