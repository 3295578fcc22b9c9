"""The queue's and the request page's casework parts: saved views, the bulk form and the
canned-reply picker, each scoped to the signed-in user (casework.selectors)."""

from __future__ import annotations

from django import template

from firstcontact.casework.forms import BulkForm
from firstcontact.casework.selectors import (
    bulk_replies,
    managed_partner_ids,
    my_views,
    replies_for_request,
)

register = template.Library()


@register.inclusion_tag("casework/includes/saved_views_bar.html", takes_context=True)
def saved_views_bar(context):
    user = context["request"].user
    current = context.get("query_string", "")
    return {
        "views": list(my_views(user)),
        "current": current,
        "keeps_replies": bool(managed_partner_ids(user)),
    }


@register.inclusion_tag("casework/includes/bulk_actions.html", takes_context=True)
def bulk_actions(context):
    user = context["request"].user
    return {"form": BulkForm(replies=bulk_replies(user))}


@register.inclusion_tag("casework/includes/reply_picker.html", takes_context=True)
def reply_picker(context, sr, name):
    user = context["request"].user
    # The request page shows a picker in up to five action forms: the replies are worked out
    # once per page (the render's shared cache, as {% include %} keeps its templates).
    cache = context.render_context.dicts[0].setdefault("casework.replies_for_request", {})
    key = (user.pk, sr.pk)
    if key not in cache:
        cache[key] = list(replies_for_request(user, sr))
    return {
        "replies": cache[key],
        "sr": sr,
        "name": name,
        "inserted": context.get("inserted") if context.get("inserted_into") == name else None,
    }
