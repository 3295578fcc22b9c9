"""The demo shows the data steward's queue with pairs to review."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from firstcontact.linkage.models import CandidatePair
from firstcontact.steward.selectors import review_queue


@pytest.mark.django_db
def test_the_demo_steward_has_pairs_to_review(client):
    call_command("load_demo", people=120, no_progress=True, calls=False, stdout=io.StringIO())
    assert CandidatePair.objects.exists()
    steward = get_user_model().objects.get(username="steward")
    pairs = list(review_queue(steward))
    assert pairs, "the county's data steward sees no pair in the demo"
    client.force_login(steward)
    response = client.get(reverse("steward:queue"))
    assert response.status_code == 200
    response = client.get(reverse("steward:pair", args=[pairs[0].pk]))
    assert response.status_code == 200 and "Are these the same person?" in response.content.decode()
