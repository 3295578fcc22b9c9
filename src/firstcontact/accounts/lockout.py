"""axes' database handler with a second, higher limit for an address.

axes compares one count with one limit (AXES_FAILURE_LIMIT, per login here). A contact
centre's staff share one public address, so a handful of typos there must not lock them all
out: failures from an address count against FIRSTCONTACT["SIGN_IN_FAILURES_PER_ADDRESS"]
instead, scaled onto the per-login limit.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum

from firstcontact.accounts import conf


class AxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        login_limit = get_failure_limit(request, credentials)
        address_limit = max(conf.address_failure_limit(), 1)
        counts = []
        attempts_per_parameter = self.get_user_attempts(request, credentials)
        for parameter, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS, attempts_per_parameter, strict=True
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if parameter == "ip_address":
                # n failures from an address reach the login limit when n reaches its own.
                failures = failures * login_limit // address_limit
            counts.append(failures)
        return max(counts, default=0)
