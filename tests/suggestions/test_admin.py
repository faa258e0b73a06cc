"""Staff management in the admin: the bulk assignment action with its intermediate form."""

from __future__ import annotations

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from motions.suggestions.models import Assignment, Suggestion
from tests.suggestions import factories

URL = "admin:suggestions_suggestion_changelist"


def test_bulk_assignment_goes_through_an_intermediate_form(
    client, term, deputy, staff, unit, other_unit
):
    items = factories.filed(term, deputy, 3)
    client.force_login(staff)
    ids = [s.pk for s in items]
    page = client.post(reverse(URL), {"action": "assign_units", ACTION_CHECKBOX_NAME: ids})
    assert page.status_code == 200
    assert "suggestions/admin_assign_units.html" in [t.name for t in page.templates]
    assert Assignment.objects.count() == 0
    # The lead unit cannot also be a co-unit: the form says so and nothing is assigned.
    bad = client.post(
        reverse(URL),
        {
            "action": "assign_units",
            ACTION_CHECKBOX_NAME: ids,
            "apply": "1",
            "lead_unit": unit.pk,
            "co_units": [unit.pk],
        },
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    assert Assignment.objects.count() == 0
    done = client.post(
        reverse(URL),
        {
            "action": "assign_units",
            ACTION_CHECKBOX_NAME: ids,
            "apply": "1",
            "lead_unit": unit.pk,
            "co_units": [other_unit.pk],
        },
    )
    assert done.status_code == 302
    assert Assignment.objects.filter(unit=unit, role="lead").count() == 3
    assert Assignment.objects.filter(unit=other_unit, role="joint").count() == 3
    assert set(Suggestion.objects.values_list("state", flat=True)) == {"assigned"}


def test_admin_access_per_role(client, term, deputy, staff, committee_staff, liaison):
    [s] = factories.filed(term, deputy)
    client.force_login(committee_staff)  # view only
    assert client.get(reverse(URL)).status_code == 200
    response = client.post(reverse(URL), {"action": "assign_units", ACTION_CHECKBOX_NAME: [s.pk]})
    assert Assignment.objects.count() == 0
    assert response.status_code in (200, 302)
    assert "assign_units" not in str(client.get(reverse(URL)).context["action_form"])
    client.force_login(liaison)
    assert client.get(reverse(URL)).status_code == 302  # not staff: to the admin login
    client.force_login(deputy)
    assert client.get(reverse(URL)).status_code == 302
