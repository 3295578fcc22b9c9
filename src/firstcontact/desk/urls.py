from django.urls import path

from firstcontact.desk import (
    casework_views,
    customer_edit_views,
    directory_views,
    map_views,
    tell_us_once,
    views,
    work_views,
)

app_name = "desk"
urlpatterns = [
    # The adviser desktop.
    path("desk/", views.home, name="home"),
    path("desk/contact/start/", views.contact_start, name="contact_start"),
    path("desk/contact/end/", views.contact_end, name="contact_end"),
    path("desk/customers/new/", views.customer_new, name="customer_new"),
    path("desk/customers/<int:pk>/", views.customer_detail, name="customer"),
    path("desk/customers/<int:pk>/attach/", views.contact_attach, name="contact_attach"),
    path("desk/customers/<int:pk>/callback/", views.callback_book, name="callback_book"),
    # Keeping the record right: its details with their history, and its consents.
    path("desk/customers/<int:pk>/edit/", customer_edit_views.customer_edit, name="customer_edit"),
    path(
        "desk/customers/<int:pk>/history/",
        customer_edit_views.customer_history,
        name="customer_history",
    ),
    path("desk/customers/<int:pk>/consents/", customer_edit_views.consents, name="consents"),
    path(
        "desk/customers/<int:pk>/consents/new/",
        customer_edit_views.consent_new,
        name="consent_new",
    ),
    path(
        "desk/customers/<int:pk>/consents/<int:consent>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("desk/callbacks/", views.callbacks, name="callbacks"),
    path("desk/callbacks/<int:pk>/", views.callback_detail, name="callback"),
    path("desk/knowledge/", views.knowledge, name="knowledge"),
    path("desk/knowledge/<slug:code>/", views.knowledge_article, name="knowledge_article"),
    # The directory of services beside the customer, and signposting to it.
    path("desk/directory/", directory_views.directory, name="directory"),
    path("desk/directory/signpost/", directory_views.directory_signpost, name="directory_signpost"),
    path("desk/raise/", views.raise_pick, name="raise_pick"),
    path("desk/raise/done/<str:reference>/", views.raise_done, name="raise_done"),
    path("desk/raise/<slug:code>/", views.raise_form, name="raise_form"),
    # Tell us once from the desk (a death, a move): the resident site's journey on one page.
    path("desk/tell-us-once/", tell_us_once.choose, name="tuo_pick"),
    path("desk/tell-us-once/done/<str:reference>/", tell_us_once.done, name="tuo_done"),
    path("desk/tell-us-once/<slug:slug>/", tell_us_once.journey, name="tuo_form"),
    # The request page is the same for advisers and officers (actions only for the latter).
    path("desk/requests/<str:reference>/", work_views.request_detail, name="request"),
    # The back office.
    path("work/", work_views.queue, name="work_queue"),
    path("work/assign/", work_views.queue_assign, name="work_assign"),
    path("work/map/", map_views.request_map, name="work_map"),
    path("work/notifications/", work_views.notifications, name="work_notifications"),
    path(
        "work/notifications/<int:pk>/retry/",
        work_views.notification_retry,
        name="work_notification_retry",
    ),
    path("work/requests/<str:reference>/", work_views.request_detail, name="work_request"),
    # A request's photos and files, for staff only (the public Open311 photo is another).
    path("work/photos/<int:pk>/", work_views.photo_file, name="work_photo"),
    path("work/attachments/<int:pk>/", work_views.attachment_file, name="work_attachment"),
    path(
        "work/requests/<str:reference>/referrals/<int:pk>/",
        work_views.referral_respond,
        name="work_referral",
    ),
    # Case work staples: canned replies, saved views of the queue, bulk status changes.
    path("work/replies/", casework_views.replies, name="canned_replies"),
    path("work/replies/new/", casework_views.reply_new, name="canned_reply_new"),
    path("work/replies/<int:pk>/", casework_views.reply_edit, name="canned_reply"),
    path("work/replies/<int:pk>/retire/", casework_views.reply_retire, name="canned_reply_retire"),
    path("work/views/", casework_views.saved_views, name="saved_views"),
    path("work/views/<int:pk>/", casework_views.saved_view, name="saved_view"),
    path("work/bulk/", casework_views.bulk, name="work_bulk"),
    path(
        "work/requests/<str:reference>/insert-reply/",
        casework_views.insert_reply,
        name="work_insert_reply",
    ),
    path(
        "work/requests/<str:reference>/<slug:action>/",
        work_views.request_action,
        name="work_action",
    ),
]
