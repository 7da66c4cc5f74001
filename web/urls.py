from django.contrib.auth import views as auth_views
from django.urls import path

from web.collection import (
    CollectionView,
    ImportPageView,
    InvitationBatchView,
    InvitationCreateView,
)
from web.dashboard_views import DashboardCellView, DashboardExportView
from web.datasets import (
    DatasetCodebookView,
    DatasetDownloadView,
    DatasetListView,
    DatasetReviewView,
)
from web.instrument_versions import VersionDraftView, VersionListView, VersionReviewView
from web.national import DashboardView
from web.national_runs import RunProgressView, RunPublishView, RunsView
from web.national_validation import ValidationLatestView, ValidationPdfView, ValidationView
from web.participants import ParticipantExitView, ParticipantListView
from web.placement import FormPreviewView, LocalItemPlaceView
from web.privacy import AuditTrailView, ExportView, ParticipantEraseView, PrivacyView
from web.questionnaire import QuestionnaireView, ShortCodeView
from web.recipients import MailboxView, RecipientsView
from web.register import RegisterRowView, RegisterView
from web.results import (
    BokslutIntroductionView,
    BokslutPdfView,
    BokslutView,
    ResultsView,
)
from web.security import LoginView, SecondFactorEnrolView, SecondFactorVerifyView
from web.targets import (
    LocalTargetEditView,
    LocalTargetEndView,
    NationalTargetEditView,
    NationalTargetEndView,
)
from web.views import (
    ActivityCreateView,
    ConfigurationView,
    GoodExampleCreateView,
    HomeView,
    InstrumentView,
    LocalItemCreateView,
    LocalTargetCreateView,
    NationalTargetsView,
)

app_name = "web"
urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("instrument/", InstrumentView.as_view(), name="instrument"),
    path("config/", ConfigurationView.as_view(), name="config"),
    path("config/activities/new/", ActivityCreateView.as_view(), name="activity-new"),
    path("config/local-items/new/", LocalItemCreateView.as_view(), name="local-item-new"),
    path("config/targets/new/", LocalTargetCreateView.as_view(), name="local-target-new"),
    path(
        "config/targets/<int:target>/edit/", LocalTargetEditView.as_view(), name="local-target-edit"
    ),
    path("config/targets/<int:target>/end/", LocalTargetEndView.as_view(), name="local-target-end"),
    path(
        "config/local-items/<int:item>/place/",
        LocalItemPlaceView.as_view(),
        name="local-item-place",
    ),
    path("config/preview/", FormPreviewView.as_view(), name="form-preview"),
    path("config/good-examples/new/", GoodExampleCreateView.as_view(), name="good-example-new"),
    path("national/", DashboardView.as_view(), name="dashboard"),
    path("national/runs/", RunsView.as_view(), name="national-runs"),
    path("national/runs/<int:number>/progress/", RunProgressView.as_view(), name="run-progress"),
    path("national/runs/<int:number>/publish/", RunPublishView.as_view(), name="run-publish"),
    path("national/validation/", ValidationLatestView.as_view(), name="validation-latest"),
    path("national/validation/<int:number>/", ValidationView.as_view(), name="validation"),
    path(
        "national/validation/<int:number>/pdf/", ValidationPdfView.as_view(), name="validation-pdf"
    ),
    path(
        "national/cell/<slug:association>/<int:point>/",
        DashboardCellView.as_view(),
        name="dashboard-cell",
    ),
    path(
        "national/export/<slug:table>.<slug:fmt>",
        DashboardExportView.as_view(),
        name="dashboard-export",
    ),
    path("datasets/", DatasetListView.as_view(), name="datasets"),
    path("datasets/review/", DatasetReviewView.as_view(), name="dataset-review"),
    path("datasets/codebook/", DatasetCodebookView.as_view(), name="dataset-codebook"),
    path("datasets/<int:pk>/download/", DatasetDownloadView.as_view(), name="dataset-download"),
    path("results/", ResultsView.as_view(), name="results"),
    path("results/bokslut/<int:year>/", BokslutView.as_view(), name="bokslut"),
    path("results/bokslut/<int:year>/pdf/", BokslutPdfView.as_view(), name="bokslut-pdf"),
    path(
        "results/bokslut/<int:year>/introduction/",
        BokslutIntroductionView.as_view(),
        name="bokslut-introduction",
    ),
    path("national/instrument/", VersionListView.as_view(), name="instrument-versions"),
    path("national/instrument/<str:version>/", VersionDraftView.as_view(), name="instrument-draft"),
    path(
        "national/instrument/<str:version>/review/",
        VersionReviewView.as_view(),
        name="instrument-review",
    ),
    path("national/targets/", NationalTargetsView.as_view(), name="national-targets"),
    path(
        "national/targets/<int:national_target>/edit/",
        NationalTargetEditView.as_view(),
        name="national-target-edit",
    ),
    path(
        "national/targets/<int:national_target>/end/",
        NationalTargetEndView.as_view(),
        name="national-target-end",
    ),
    path("collect/", CollectionView.as_view(), name="collect"),
    path("collect/invitations/new/", InvitationCreateView.as_view(), name="invitation-new"),
    path(
        "collect/invitations/<str:batch>/", InvitationBatchView.as_view(), name="invitation-batch"
    ),
    path("collect/import/", ImportPageView.as_view(), name="import"),
    path("collect/recipients/", RecipientsView.as_view(), name="recipients"),
    path("collect/mailbox/", MailboxView.as_view(), name="mailbox"),
    path("collect/register/", RegisterView.as_view(), name="register"),
    path("collect/register/<int:row>/", RegisterRowView.as_view(), name="register-row"),
    path("collect/participants/", ParticipantListView.as_view(), name="participants"),
    path(
        "collect/participants/<path:code>/exit/",
        ParticipantExitView.as_view(),
        name="participant-exit",
    ),
    path(
        "collect/participants/<path:code>/erase/",
        ParticipantEraseView.as_view(),
        name="participant-erase",
    ),
    path("privacy/", PrivacyView.as_view(), name="privacy"),
    path("privacy/export/", ExportView.as_view(), name="privacy-export"),
    path("audit/", AuditTrailView.as_view(), name="audit"),
    path("q/", ShortCodeView.as_view(), name="short-code"),
    path("q/<str:token>/", QuestionnaireView.as_view(), name="questionnaire"),
    path("login/", LoginView.as_view(), name="login"),
    path("account/2fa/enrol/", SecondFactorEnrolView.as_view(), name="otp-enrol"),
    path("account/2fa/verify/", SecondFactorVerifyView.as_view(), name="otp-verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
