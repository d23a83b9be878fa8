from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sign-in/security-code/", views.two_factor, name="two_factor"),
    path("sign-in/set-up-two-factor/", views.two_factor_setup, name="two_factor_setup"),
]
