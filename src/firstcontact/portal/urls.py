"""The resident site. The start page is the project's `start` (firstcontact/urls.py)."""

from django.urls import path

from firstcontact.portal.views import (
    consents,
    directory,
    feedback,
    journey,
    pin,
    privacy,
    reopen,
    start,
    tell_us_once,
    track,
)

app_name = "portal"
urlpatterns = [
    path("search/", start.search_page, name="search"),
    path("services/<slug:code>/", start.service_page, name="service"),
    path("report/", start.report_category, name="report"),
    path("places/pin/", pin.pin_place, name="pin_place"),
    path("report/<slug:code>/", journey.journey_start, {"flow": "report"}, name="report_start"),
    path(
        "report/<slug:code>/<slug:step>/",
        journey.journey_step,
        {"flow": "report"},
        name="report_step",
    ),
    path("apply/", start.apply_list, name="apply"),
    path("apply/<slug:code>/", journey.journey_start, {"flow": "apply"}, name="apply_start"),
    path(
        "apply/<slug:code>/<slug:step>/",
        journey.journey_step,
        {"flow": "apply"},
        name="apply_step",
    ),
    path("complain/", start.complain, name="complain"),
    path("done/<str:reference>/", journey.done, name="done"),
    path("track/", track.track, name="track"),
    path("track/not-fixed/", reopen.reopen, name="track_reopen"),
    path("tell-us-once/", tell_us_once.tell_us_once, name="tell_us_once"),
    path("tell-us-once/bundles/<str:reference>/", tell_us_once.bundle_page, name="bundle"),
    path("tell-us-once/<slug:slug>/", tell_us_once.life_event, name="life_event"),
    path(
        "tell-us-once/<slug:slug>/<slug:step>/",
        tell_us_once.life_event_step,
        name="life_event_step",
    ),
    # Find a service: the directory (Open Referral UK) for residents.
    path("find-a-service/", directory.find_service, name="find_service"),
    path("find-a-service/list/", directory.service_list, name="service_list"),
    path("find-a-service/<str:id>/", directory.service_page, name="directory_service"),
    # A new resident's welcome pack (tell us once, moving in): an unguessable link.
    path("welcome/<str:token>/", directory.welcome_pack, name="welcome_pack"),
    # Your consents: see and withdraw them after a one-time code (views/consents.py).
    path("your-consents/", consents.start, name="consents_start"),
    path("your-consents/code/", consents.code, name="consents_code"),
    path("your-consents/list/", consents.consents, name="consents"),
    path("feedback/", feedback.feedback, name="feedback"),
    path("feedback/thanks/", feedback.feedback_thanks, name="feedback_thanks"),
    path("accessibility/", start.accessibility, name="accessibility"),
    path("privacy/", privacy.privacy, name="privacy"),
]
