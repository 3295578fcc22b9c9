"""Words for statuses and outcomes on resident pages, in the resident's language."""

from django.utils.translation import gettext_lazy as _

STATUS_LABELS = {
    "open": _("Received"),
    "acknowledged": _("Acknowledged"),
    "in_progress": _("In progress"),
    "on_hold": _("On hold"),
    "closed": _("Closed"),
}
# GOV.UK Frontend tag colours.
STATUS_COLOURS = {
    "open": "govuk-tag--blue",
    "acknowledged": "govuk-tag--light-blue",
    "in_progress": "govuk-tag--yellow",
    "on_hold": "govuk-tag--orange",
    "closed": "govuk-tag--green",
}
OUTCOME_LABELS = {
    "fixed": _("Fixed"),
    "not_our_responsibility": _("Not our responsibility"),
    "no_further_action": _("No further action"),
    "duplicate": _("Already reported"),
    "cancelled": _("Cancelled"),
}
# A complaint's own outcome, shown instead of the closure outcome ("Fixed") it is closed with.
COMPLAINT_DECISION_LABELS = {
    "upheld": _("Complaint upheld"),
    "partly_upheld": _("Complaint partly upheld"),
    "not_upheld": _("Complaint not upheld"),
}
