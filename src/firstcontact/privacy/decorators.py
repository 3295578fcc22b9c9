"""View guard shared by the DPO pages (firstcontact.dpo) and the erasure pages (retention)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from firstcontact.privacy.selectors import is_dpo


def dpo_required(view):
    """Data protection officers only: others 403, visitors to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_dpo(request.user):
            raise PermissionDenied("These pages are for data protection officers.")
        return view(request, *args, **kwargs)

    return wrapper
