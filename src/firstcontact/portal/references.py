"""Reading a reference a resident typed: tolerant of case, spaces and dashes; a typo is caught
by the check character. The same rules as servicerequests.references, with messages in the
resident's language."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from firstcontact.servicerequests.references import _INDEX as ALPHABET_INDEX
from firstcontact.servicerequests.references import (
    LENGTH,
    ReferenceError,
    parse_reference,
)


def clean_reference(text: str) -> str:
    """The stored form of the reference, or ValidationError with a translated message."""
    try:
        return parse_reference(text)
    except ReferenceError:
        pass
    compact = re.sub(r"[\s\-]", "", text or "").upper()
    if compact.startswith("FC") and len(compact) == LENGTH + 2:
        compact = compact[2:]
    if not compact:
        message = _("Enter your reference")
    elif confusable := sorted({ch for ch in compact if ch in "IO01"}):
        message = _(
            "References never contain the letters I or O or the numbers 0 or 1. "
            "Check the characters %(characters)s"
        ) % {"characters": ", ".join(confusable)}
    elif not all(ch in ALPHABET_INDEX for ch in compact):
        message = _("A reference contains only letters and numbers")
    elif len(compact) != LENGTH:
        message = _("A reference is %(length)d characters long, like ABCD-EFGH") % {
            "length": LENGTH
        }
    else:
        message = _("That reference has a mistake in it. Check each character and try again")
    raise ValidationError(message, code="reference")
