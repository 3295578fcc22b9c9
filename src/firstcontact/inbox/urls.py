from django.urls import path

from firstcontact.inbox import views, webhooks

app_name = "inbox"
urlpatterns = [
    # Staff: the messages queue and a conversation's actions.
    path("messages/", views.queue, name="queue"),
    path("messages/<int:pk>/", views.conversation_detail, name="conversation"),
    path("messages/<int:pk>/claim/", views.claim, name="claim"),
    path("messages/<int:pk>/reply/", views.reply, name="reply"),
    path("messages/<int:pk>/note/", views.note, name="note"),
    path("messages/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("messages/<int:pk>/link/", views.link, name="link"),
    path("messages/<int:pk>/customer/", views.find_customer, name="find_customer"),
    path("messages/<int:pk>/customer/new/", views.new_customer, name="new_customer"),
    path("messages/<int:pk>/raise/", views.raise_request, name="raise"),
    path("messages/attachments/<int:pk>/", views.attachment, name="attachment"),
    # Inbound webhooks (authenticated by the mailbox's secret, no session).
    path("inbound/<int:pk>/email/", webhooks.email_webhook, name="email_webhook"),
    path("inbound/<int:pk>/notify/", webhooks.notify_webhook, name="notify_webhook"),
    path(
        "inbound/<int:pk>/notify/status/",
        webhooks.notify_status_webhook,
        name="notify_status_webhook",
    ),
    path("inbound/<int:pk>/sms/", webhooks.sms_webhook, name="sms_webhook"),
]
