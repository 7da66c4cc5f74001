from django.urls import path

from api.views.associations import (
    AssociationArchiveView,
    AssociationDetailView,
    AssociationListView,
    AssociationPurgeView,
    AssociationRestoreView,
)
from api.views.datasets import DatasetDecisionView, DatasetDownloadView, DatasetListView
from api.views.health import HealthView, WorkerHealthView
from api.views.instrument import (
    InstrumentVersionDetailView,
    InstrumentVersionPublishView,
    NationalTargetListView,
)
from api.views.instrument_drafts import InstrumentDraftCreateView, InstrumentVersionChangesView
from api.views.me import MeView
from api.views.national import (
    SnapshotDetailView,
    SnapshotListView,
    SnapshotPublishView,
    SnapshotReportView,
    SnapshotResumeView,
)
from api.views.targets import NationalTargetDetailView, NationalTargetEndView

app_name = "api"
urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("national-targets/", NationalTargetListView.as_view(), name="national-target-list"),
    path(
        "national-targets/<int:pk>/",
        NationalTargetDetailView.as_view(),
        name="national-target-detail",
    ),
    path(
        "national-targets/<int:pk>/end/",
        NationalTargetEndView.as_view(),
        name="national-target-end",
    ),
    path("instrument/drafts/", InstrumentDraftCreateView.as_view(), name="instrument-draft-new"),
    path(
        "instrument/versions/<str:code>/changes/",
        InstrumentVersionChangesView.as_view(),
        name="instrument-version-changes",
    ),
    path(
        "instrument/versions/<str:code>/publish/",
        InstrumentVersionPublishView.as_view(),
        name="instrument-version-publish",
    ),
    path(
        "instrument/versions/<str:code>/",
        InstrumentVersionDetailView.as_view(),
        name="instrument-version",
    ),
    path("health/", HealthView.as_view(), name="health"),
    path("health/worker/", WorkerHealthView.as_view(), name="health-worker"),
    path("datasets/", DatasetListView.as_view(), name="dataset-list"),
    path("datasets/<int:pk>/decision/", DatasetDecisionView.as_view(), name="dataset-decision"),
    path("datasets/<int:pk>/download/", DatasetDownloadView.as_view(), name="dataset-download"),
    path("national/snapshots/", SnapshotListView.as_view(), name="snapshot-list"),
    path("national/snapshots/<int:number>/", SnapshotDetailView.as_view(), name="snapshot"),
    path(
        "national/snapshots/<int:number>/resume/",
        SnapshotResumeView.as_view(),
        name="snapshot-resume",
    ),
    path(
        "national/snapshots/<int:number>/publish/",
        SnapshotPublishView.as_view(),
        name="snapshot-publish",
    ),
    path(
        "national/snapshots/<int:number>/reports/<str:kind>/",
        SnapshotReportView.as_view(),
        name="snapshot-report",
    ),
    path("associations/", AssociationListView.as_view(), name="association-list"),
    path("associations/<slug:slug>/", AssociationDetailView.as_view(), name="association-detail"),
    path(
        "associations/<slug:slug>/archive/",
        AssociationArchiveView.as_view(),
        name="association-archive",
    ),
    path(
        "associations/<slug:slug>/restore/",
        AssociationRestoreView.as_view(),
        name="association-restore",
    ),
    path(
        "associations/<slug:slug>/purge/", AssociationPurgeView.as_view(), name="association-purge"
    ),
]
