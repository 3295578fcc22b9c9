from django.urls import path

from firstcontact.accounts import views

app_name = "accounts"
urlpatterns = [
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/verify/", views.verify, name="verify"),
    path("two-factor/set-up/", views.set_up, name="set_up"),
]
