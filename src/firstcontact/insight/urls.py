from django.urls import path

from firstcontact.insight import views

app_name = "insight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("live/", views.live, name="live"),
    path("live.json", views.live_json, name="live_json"),
    path("calls/", views.calls_page, name="calls"),
    path("staffing/", views.staffing_page, name="staffing"),
    path("pooling/", views.pooling_page, name="pooling"),
    path("recharges/", views.recharges_page, name="recharges"),
    path("satisfaction/", views.satisfaction_page, name="satisfaction"),
    path("survey/<str:token>/", views.survey, name="survey"),
]
