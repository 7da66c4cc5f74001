from django.urls import path

from api.views.activities import ActivityDetailView, ActivityListView
from api.views.association import ConsentView, CurrentAssociationView
from api.views.health import WorkerHealthView
from api.views.instrument import InstrumentVersionDetailView
from api.views.me import MeView

app_name = "api"
urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path(
        "instrument/versions/<str:code>/",
        InstrumentVersionDetailView.as_view(),
        name="instrument-version",
    ),
    path("health/worker/", WorkerHealthView.as_view(), name="health-worker"),
    path("association/", CurrentAssociationView.as_view(), name="association"),
    path("association/consent/", ConsentView.as_view(), name="association-consent"),
    path("activities/", ActivityListView.as_view(), name="activity-list"),
    path("activities/<int:pk>/", ActivityDetailView.as_view(), name="activity-detail"),
]
