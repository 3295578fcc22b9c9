from django.contrib.auth import views as auth_views
from django.urls import include, path

from firstcontact.accounts.views import SignInView
from firstcontact.admin_site import site as admin_site
from firstcontact.portal.views import start as portal_start

urlpatterns = [
    path("admin/", admin_site.urls),
    # Staff sign-in: password, then the second factor (firstcontact.accounts).
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("firstcontact.accounts.urls")),
    path("open311/v2/", include("firstcontact.open311.urls")),
    # Open Referral UK 3.0: the directory of services, public and read-only.
    path("openreferral/v3/", include("firstcontact.directory.urls")),
    # Directory editors keep their partner's entries (firstcontact.directory.editor_views).
    path("directory-editor/", include("firstcontact.directory.editor_urls")),
    path("insight/", include("firstcontact.insight.urls")),
    path("dpo/erasure/", include("firstcontact.retention.urls")),
    path("dpo/", include("firstcontact.dpo.urls")),
    path("steward/", include("firstcontact.steward.urls")),
    path("", include("firstcontact.inbox.urls")),
    path("", include("firstcontact.desk.urls")),
    # The resident site: the start page ("start"), its pages, and its language switch.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", portal_start.start, name="start"),
    path("", include("firstcontact.portal.urls")),
]
