from django.urls import path

from api.views.activities import ActivityDetailView, ActivityListView
from api.views.association import ConsentView, CurrentAssociationView, ResultsView
from api.views.collection import (
    ImportTemplateView,
    ImportView,
    InvitationListView,
    MunicipalityYearImportView,
    MunicipalityYearListView,
    ParticipantExitView,
    ParticipantListView,
    ResponseListView,
    ResponseRateView,
)
from api.views.configuration import (
    ActivityFormsView,
    ActivityScheduleListView,
    GoodExampleListView,
    LocalItemListView,
    LocalItemPlacementView,
    LocalTargetListView,
)
from api.views.health import HealthView, WorkerHealthView
from api.views.instrument import (
    InstrumentVersionDetailView,
    NationalTargetListView,
)
from api.views.me import MeView
from api.views.privacy import ParticipantEraseView
from api.views.register import MunicipalityYearDetailView
from api.views.results import BokslutPdfView, BokslutView, OwnResultsView
from api.views.targets import LocalTargetDetailView, LocalTargetEndView

app_name = "api"
urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("national-targets/", NationalTargetListView.as_view(), name="national-target-list"),
    path("activities/<int:pk>/forms/", ActivityFormsView.as_view(), name="activity-forms"),
    path(
        "activities/<int:pk>/schedules/",
        ActivityScheduleListView.as_view(),
        name="activity-schedules",
    ),
    path("local-items/", LocalItemListView.as_view(), name="local-item-list"),
    path(
        "local-items/<int:pk>/placement/",
        LocalItemPlacementView.as_view(),
        name="local-item-placement",
    ),
    path("local-targets/", LocalTargetListView.as_view(), name="local-target-list"),
    path("local-targets/<int:pk>/", LocalTargetDetailView.as_view(), name="local-target-detail"),
    path("local-targets/<int:pk>/end/", LocalTargetEndView.as_view(), name="local-target-end"),
    path("responses/", ResponseListView.as_view(), name="response-list"),
    path("response-rates/", ResponseRateView.as_view(), name="response-rates"),
    path("participants/", ParticipantListView.as_view(), name="participant-list"),
    path("participants/<path:code>/exit/", ParticipantExitView.as_view(), name="participant-exit"),
    path(
        "participants/<path:code>/erase/", ParticipantEraseView.as_view(), name="participant-erase"
    ),
    path(
        "register/municipality-years/",
        MunicipalityYearListView.as_view(),
        name="municipality-year-list",
    ),
    path(
        "register/municipality-years/<int:pk>/",
        MunicipalityYearDetailView.as_view(),
        name="municipality-year-detail",
    ),
    path(
        "register/municipality-years/import/",
        MunicipalityYearImportView.as_view(),
        name="municipality-year-import",
    ),
    path("invitations/", InvitationListView.as_view(), name="invitation-list"),
    path("imports/", ImportView.as_view(), name="import"),
    path("imports/template/", ImportTemplateView.as_view(), name="import-template"),
    path("good-examples/", GoodExampleListView.as_view(), name="good-example-list"),
    path(
        "instrument/versions/<str:code>/",
        InstrumentVersionDetailView.as_view(),
        name="instrument-version",
    ),
    path("health/", HealthView.as_view(), name="health"),
    path("health/worker/", WorkerHealthView.as_view(), name="health-worker"),
    path("association/", CurrentAssociationView.as_view(), name="association"),
    path("association/consent/", ConsentView.as_view(), name="association-consent"),
    path("results/", ResultsView.as_view(), name="results"),
    path("results/own/", OwnResultsView.as_view(), name="results-own"),
    path("results/bokslut/<int:year>/", BokslutView.as_view(), name="bokslut"),
    path("results/bokslut/<int:year>/pdf/", BokslutPdfView.as_view(), name="bokslut-pdf"),
    path("activities/", ActivityListView.as_view(), name="activity-list"),
    path("activities/<int:pk>/", ActivityDetailView.as_view(), name="activity-detail"),
]
