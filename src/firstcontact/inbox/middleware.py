"""The inbound webhooks past the site's middleware, as the Open311 API is.

Mail gateways and SMS providers post to /inbound/… with a bearer secret: no cookies, no
signed-in user, no CSRF token (the views are exempt), no messages, no language, no htmx. The
session, locale, CSRF, authentication, two-factor, messages, htmx and lockout middleware have
nothing to do there, and on a busy mailbox they were about a third of each post's CPU. Placed
just after Open311APIMiddleware, this answers those paths through CommonMiddleware and
XFrameOptionsMiddleware only (what Open311APIMiddleware builds); every other path goes on
down the site's middleware.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, get_script_prefix, reverse

from firstcontact.open311.middleware import Open311APIMiddleware


class InboundWebhookMiddleware(Open311APIMiddleware):
    @property
    def prefix(self) -> str | None:
        """The webhooks' path prefix (path_info, without any script prefix): "/inbound/"."""
        if not hasattr(self, "_prefix"):
            try:
                url = reverse("inbox:email_webhook", args=[1])
            except NoReverseMatch:  # not in this URLconf
                self._prefix = None
            else:
                path = "/" + url.removeprefix(get_script_prefix())
                self._prefix = path[: path.index("/", 1) + 1]
        return self._prefix
