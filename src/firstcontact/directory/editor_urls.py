"""Directory editors' staff pages (firstcontact.directory.editor_views)."""

from django.urls import path

from firstcontact.directory import editor_views

app_name = "directory_editor"

urlpatterns = [
    path("", editor_views.index, name="index"),
    path("stale/", editor_views.stale, name="stale"),
    path("services/<str:pk>/", editor_views.service, name="service"),
    path("services/<str:pk>/assure/", editor_views.assure, name="assure"),
    path("services/<str:pk>/places/new/", editor_views.add_place, name="add_place"),
    path("services/<str:pk>/places/<str:place>/", editor_views.place, name="place"),
    path(
        "services/<str:pk>/places/<str:place>/remove/",
        editor_views.remove_place,
        name="remove_place",
    ),
    path("organisations/<str:pk>/", editor_views.organization, name="organization"),
    path("organisations/<str:pk>/new-service/", editor_views.new_service, name="new_service"),
]
