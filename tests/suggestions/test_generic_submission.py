"""A suggestion reply can only be given on the assignment page (contact first, a reply class):
the engine's generic report page and API refuse it and point there."""

import pytest

from congress.models import Obligation, ObligationState


@pytest.fixture
def reply_obligation(assigned):
    return Obligation.objects.get(kind="suggestions.reply", unit=assigned.unit)


@pytest.mark.django_db
def test_generic_page_refuses_a_suggestion_reply_and_links_to_the_assignment(
    client, liaison, reply_obligation
):
    client.force_login(liaison)
    page = client.get(f"/portal/obligations/{reply_obligation.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/portal/suggestions/assignments/{reply_obligation.subject_id}/" in html
    response = client.post(
        f"/portal/obligations/{reply_obligation.pk}/submit/", {"title": "答复", "text": "已办理"}
    )
    assert response.status_code == 409
    reply_obligation.refresh_from_db()
    assert reply_obligation.state == ObligationState.OPEN


@pytest.mark.django_db
def test_generic_api_refuses_a_suggestion_reply(client, liaison, reply_obligation):
    client.force_login(liaison)
    response = client.post(
        f"/api/obligations/{reply_obligation.pk}/submit/",
        {"title": "答复", "text": "已办理"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "submit_elsewhere"
    reply_obligation.refresh_from_db()
    assert reply_obligation.state == ObligationState.OPEN
