"""/open311/v2/: GeoReport v2, every resource in .xml and .json."""

from django.urls import path, re_path

from firstcontact.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    path("", views.not_found, name="root"),
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/(?P<code>[^/]{1,200}?)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests_collection, name="requests"),
    re_path(
        r"^requests?/(?P<service_request_id>[^/]{1,200}?)" + FMT,
        views.request_detail,
        name="request",
    ),
    re_path(r"^tokens/(?P<token>[^/]{1,200}?)" + FMT, views.token_detail, name="token"),
    re_path(r"^servicerequestupdates" + FMT, views.service_request_updates, name="updates"),
    path("photos/<int:pk>.<slug:ext>", views.photo, name="photo"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
