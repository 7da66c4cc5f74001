import pytest

from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


def test_login_and_landing_on_association_host(alfa):
    user = user_with_role(Role.ASSOCIATION_STAFF, alfa)
    client = host_client("alfa.localhost")
    page = client.get("/")
    assert page.status_code == 200 and "Logga in" in page.content.decode()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "Samordningsförbundet Alfa" in page and "Arbetsmarknadstorget" in page
    assert 'lang="sv"' in page


def test_wrong_password_shows_error():
    client = host_client("localhost")
    response = client.post("/login/", {"username": "nobody", "password": "x"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


def test_member_of_other_association_sees_no_data(alfa, beta):
    user = user_with_role(Role.ASSOCIATION_ADMIN, alfa)
    page = host_client("beta.localhost", user).get("/").content.decode()
    assert "Arbetsmarknadstorget" not in page
    assert "ingen roll" in page


def test_public_landing_lists_associations_for_steering_group(alfa, beta):
    page = host_client("localhost", user_with_role(Role.STEERING_GROUP)).get("/").content.decode()
    assert "Samordningsförbundet Alfa" in page and "Samordningsförbundet Beta" in page
    researcher_page = host_client("localhost", user_with_role(Role.RESEARCHER)).get("/")
    assert "Samordningsförbundet Beta" not in researcher_page.content.decode()


def test_english_is_switchable():
    client = host_client("localhost")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Log in" in page and "National indicator platform" in page


def test_django_admin_only_for_platform_admins(alfa):
    admin_client = host_client("localhost", user_with_role(Role.PLATFORM_ADMIN))
    assert admin_client.get("/admin/").status_code == 200
    staff_client = host_client("localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    assert staff_client.get("/admin/").status_code == 302  # to the admin login
    # The admin does not exist on association hosts at all.
    assert admin_client.get("/admin/", HTTP_HOST="alfa.localhost").status_code == 404


def test_instrument_page_shows_points_with_indicator_and_respondents(alfa):
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    page = client.get("/instrument/").content.decode()
    assert "Jag får stödet på ett sätt som är till nytta för mig." in page
    assert page.count('class="indicator"') == 15
    assert "Personcentrerat" in page and "<td>Deltagare</td>" in page
    assert host_client("alfa.localhost").get("/instrument/").status_code == 302  # login first


def test_admin_configures_activity_local_item_and_target_through_pages(alfa, beta):
    admin = user_with_role(Role.ASSOCIATION_ADMIN, alfa)
    client = host_client("alfa.localhost", admin)
    response = client.post(
        "/config/activities/new/",
        {"name": "Stegvis", "form_codes": ["participant_during", "participant_exit"]},
    )
    assert response.status_code == 302
    labels = "\n".join(f"Steg {n}" for n in range(1, 7))
    response = client.post(
        "/config/local-items/new/",
        {
            "code": "trivsel",
            "text_sv": "Jag trivs.",
            "kind": "likert",
            "scale_points": 6,
            "scale_labels": labels,
        },
    )
    assert response.status_code == 302
    form_page = client.get("/config/targets/new/").content.decode()
    item_value = form_page.split('value="item:')[1].split('"')[0]
    response = client.post(
        "/config/targets/new/",
        {
            "subject": f"item:{item_value}",
            "kind": "share_at_least",
            "category": 4,
            "percent": "80",
            "valid_from": "2018-01-01",
        },
    )
    assert response.status_code == 302
    overview = client.get("/config/").content.decode()
    assert (
        "Stegvis" in overview and "Deltagare – under insatsen, Deltagare – vid avslut" in overview
    )
    assert "trivsel" in overview and "Minst 80\N{NO-BREAK SPACE}% svarar 4 eller högre" in overview
    assert "Svarsgrupper i bruk" in overview and ": Deltagare</p>" in overview
    # Beta's configuration page shows none of it.
    beta_page = (
        host_client("beta.localhost", user_with_role(Role.ASSOCIATION_ADMIN, beta))
        .get("/config/")
        .content.decode()
    )
    assert "trivsel" not in beta_page and "Stegvis" not in beta_page


def test_service_errors_are_shown_at_the_field(alfa):
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    page = client.post(
        "/config/local-items/new/",
        {"code": "en", "text_sv": "En", "kind": "likert", "scale_points": 1},
    ).content.decode()
    assert 'id="id_scale_points-errors"' in page and "2–11 steg" in page


def test_staff_can_read_configuration_but_not_change_it(alfa):
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    assert client.get("/config/").status_code == 200
    assert client.get("/config/activities/new/").status_code == 403


def test_steering_group_sets_national_target(db):
    steering = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    page = steering.get("/national/targets/").content.decode()
    # versions are published on their review page (tests/web/test_instrument_versions.py)
    assert "2015.1" in page and 'name="publish"' not in page
    response = steering.post(
        "/national/targets/",
        {
            "point": "1",
            "kind": "share_at_least",
            "category": 4,
            "percent": "80",
            "valid_from": "2016-01-01",
        },
    )
    assert response.status_code == 302
    targets_page = steering.get("/national/targets/").content.decode()
    assert "Minst 80\N{NO-BREAK SPACE}% svarar 4 eller högre" in targets_page
    bad = steering.post(
        "/national/targets/",
        {
            "point": "1",
            "kind": "share_at_least",
            "category": 9,
            "percent": "80",
            "valid_from": "2016-01-01",  # same start as the target in force: a clash
        },
    ).content.decode()
    assert 'id="id_category-errors"' in bad and 'id="id_valid_from-errors"' in bad
    association_host = host_client("alfa.localhost", user_with_role(Role.STEERING_GROUP))
    assert association_host.get("/national/targets/").status_code == 404


def test_good_example_page_stores_text_and_attachment(alfa, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tenants.utils import tenant_context

    from pilot.services import local_item_create

    settings.MEDIA_ROOT = tmp_path
    with tenant_context(alfa):
        item = local_item_create(
            code="gott", text_sv="Gott exempel", kind="good_example", actor=None
        )
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    form = client.get("/config/good-examples/new/").content.decode()
    assert 'enctype="multipart/form-data"' in form
    response = client.post(
        "/config/good-examples/new/",
        {
            "local_item": item.pk,
            "reported_on": "2018-04-01",
            "title": "Jobb via praktik",
            "text": "Berättelse",
            "attachment": SimpleUploadedFile("a.pdf", b"%PDF"),
        },
    )
    assert response.status_code == 302
    page = client.get("/config/").content.decode()
    assert "Jobb via praktik" in page and "bilaga" in page
