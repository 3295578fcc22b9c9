from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from firstcontact.admin_site import site as admin_site

urlpatterns = [
    path("admin/", admin_site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("firstcontact.desk.urls")),
    # The resident portal will own the front page; until then it leads staff to the desk.
    path("", RedirectView.as_view(pattern_name="desk:home"), name="start"),
]
