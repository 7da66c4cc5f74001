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
    assert "Personcentrerat" in page and "participant" in page
    assert host_client("alfa.localhost").get("/instrument/").status_code == 302  # login first
