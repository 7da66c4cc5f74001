"""The public host: national layer and platform administration."""

from django.contrib import admin
from django.urls import include, path

from config.metrics import metrics_view
from config.urls_common import common_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", include("api.urls_public")),
    *common_urlpatterns,
]
