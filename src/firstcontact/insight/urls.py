from django.urls import path

from firstcontact.insight.pages import (
    agreements,
    calls,
    complaints,
    dashboard,
    fcr,
    live,
    places,
    pooling,
    recharges,
    reciprocal,
    referrals,
    satisfaction,
    staffing,
    statements,
    survey,
)

app_name = "insight"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("live/", live.live, name="live"),
    path("live.json", live.live_json, name="live_json"),
    path("calls/", calls.calls_page, name="calls"),
    path("staffing/", staffing.staffing_page, name="staffing"),
    path("pooling/", pooling.pooling_page, name="pooling"),
    path("agreements/", agreements.agreements_page, name="agreements"),
    path("recharges/", recharges.recharges_page, name="recharges"),
    path("statements/", statements.statements_page, name="statements"),
    path("referrals/", referrals.referrals_page, name="referrals"),
    path("complaints/", complaints.complaints_page, name="complaints"),
    path("fcr/", fcr.fcr_page, name="fcr"),
    path("satisfaction/", satisfaction.satisfaction_page, name="satisfaction"),
    path("places/", places.places, name="places"),
    path("places/tasking/", places.tasking, name="tasking"),
    path("places/actions/", places.place_actions, name="place_actions"),
    path("places/raise/", reciprocal.reciprocal_raise, name="reciprocal_raise"),
    path("survey/<str:token>/", survey.survey, name="survey"),
]
