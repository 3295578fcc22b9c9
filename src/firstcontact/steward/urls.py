from django.urls import path

from firstcontact.steward import views

app_name = "steward"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("pairs/<int:pk>/", views.pair, name="pair"),
    path("pairs/<int:pk>/decide/", views.decide, name="decide"),
    path("merges/", views.merges, name="merges"),
    path("merges/<int:pk>/undo/", views.undo, name="undo"),
]
