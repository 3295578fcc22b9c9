"""Issue 18: the work queue downloads as CSV, exactly the filtered, scoped queue the page shows."""

import csv
import io

from firstcontact.privacy.models import AuditEvent
from tests.work import test_work_queue as queue_tests

# The queue tests' fixtures: Highways' known queue and a South waste request, at a fixed time.
frozen = queue_tests.frozen
known_queue = queue_tests.known_queue


def download(client, query: str):
    response = client.get(f"/work/?{query}&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith('attachment; filename="work-queue-')
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_the_csv_holds_the_filtered_rows(client, partnership, known_queue):
    client.force_login(partnership.highways_officer)
    rows = download(client, "sla=due_today")
    assert [r["Reference"] for r in rows] == [
        known_queue[k].formatted_reference for k in ("today_1", "today_2", "today_3")
    ]
    first = rows[0]
    assert first["Service"] == known_queue["today_1"].service.name
    assert first["Partner"] == known_queue["today_1"].responsible_partner.name
    assert first["Team"] == "Highways"
    assert first["SLA state"] == "Due today"
    assert first["Status"] and first["Priority"] and first["Created"] and first["SLA due"]
    assert set(first) == {
        "Reference",
        "Service",
        "Status",
        "Priority",
        "Partner",
        "Team",
        "Assigned to",
        "Created",
        "SLA due",
        "SLA state",
    }
    # The default "not closed" filter applies as on the page: 7 open, not the closed one.
    everything = download(client, "")
    assert len(everything) == 7
    assert known_queue["closed"].formatted_reference not in {r["Reference"] for r in everything}
    assert AuditEvent.objects.filter(
        user=partnership.highways_officer,
        action=AuditEvent.Action.EXPORT,
        object_type="work_queue",
    ).exists()


def test_no_customer_address_in_the_csv(client, partnership, known_queue):
    client.force_login(partnership.highways_officer)
    response = client.get("/work/?format=csv")
    body = b"".join(response.streaming_content).decode()
    assert "WX2 1AA" not in body


def test_the_page_links_to_its_own_filters_as_csv(client, partnership, known_queue):
    client.force_login(partnership.highways_officer)
    page = client.get("/work/?sla=overdue").content.decode()
    link = page.split("Download as CSV")[0].rsplit('href="', 1)[1].split('"')[0]
    assert "sla=overdue" in link and "format=csv" in link
    assert client.get(link.replace("&amp;", "&"))["Content-Type"].startswith("text/csv")


def test_another_partners_requests_never_appear(client, partnership, known_queue):
    south_ref = known_queue["south"].formatted_reference
    client.force_login(partnership.highways_officer)
    # "All my partners' teams" is still only the officer's own partners.
    refs = {r["Reference"] for r in download(client, "team=&status=")}
    assert south_ref not in refs
    assert known_queue["overdue"].formatted_reference in refs

    client.force_login(partnership.south_caseworker)
    refs = {r["Reference"] for r in download(client, "team=")}
    assert refs == {south_ref}
    # Asking for another partner's team is a bad filter: the page, with its error, no CSV.
    highways_team = known_queue["overdue"].team_id
    response = client.get(f"/work/?team={highways_team}&format=csv")
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert known_queue["overdue"].formatted_reference not in page


def test_a_bad_filter_gives_the_pages_error_not_a_500(client, partnership, known_queue):
    client.force_login(partnership.highways_officer)
    for query in ("sla=nonsense", "priority=99", "assignee=%00", "service=abc", "sort=evil"):
        response = client.get(f"/work/?{query}&format=csv")
        assert response.status_code == 200, query
        assert response["Content-Type"].startswith("text/html"), query
        assert "Select a valid choice" in response.content.decode(), query
