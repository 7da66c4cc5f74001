"""An association's host: everything runs inside that association's schema."""

from django.urls import include, path

from config.urls_common import common_urlpatterns

urlpatterns = [
    path("api/v1/", include("api.urls_tenant")),
    *common_urlpatterns,
]
