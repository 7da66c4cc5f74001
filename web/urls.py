from django.contrib.auth import views as auth_views
from django.urls import path

from web.views import HomeView, InstrumentView

app_name = "web"
urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("instrument/", InstrumentView.as_view(), name="instrument"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
