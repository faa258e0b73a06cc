"""Who sees and does what in the portal: a deputy edits only their own drafts, a unit sees only
its assignments, staff act by office; another actor's motion answers 404."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from motions import services
from motions.models import Assignment, MotionState, ProgressUpdate, UpdateKind, UpdateState
from tests.motions.conftest import at, draft

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_log_in(client, submitted):
    for name, args in (("portal_list", []), ("portal_detail", [submitted.pk]), ("create", [])):
        response = client.get(reverse(f"motions:{name}", args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_draft_is_visible_to_its_lead_and_invitees_only(
    client, deputy, other_deputy, make_deputy, staff, liaison, session
):
    motion = draft(deputy, session)
    url = reverse("motions:portal_detail", args=[motion.pk])
    client.force_login(deputy)
    assert client.get(url).status_code == 200
    for outsider in (other_deputy, staff, liaison):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    services.invite_cosigners(motion, [other_deputy.deputy], actor=deputy, now=at("2022-01-05"))
    client.force_login(other_deputy)
    page = client.get(url).content.decode()
    assert "邀请您联名" in page


def test_a_deputy_edits_only_their_own_draft(client, deputy, other_deputy, session):
    motion = draft(deputy, session)
    services.invite_cosigners(motion, [other_deputy.deputy], actor=deputy, now=at("2022-01-05"))
    edit = reverse("motions:edit", args=[motion.pk])
    client.force_login(other_deputy)  # can see it (invited) but not edit it
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"title": "被改了"}).status_code == 403
    client.force_login(deputy)
    response = client.post(
        edit,
        {"title": "关于科学城北区路网的议案", "reasons": "理由", "grounds": "", "measures": "措施"},
    )
    assert response.status_code == 302
    motion.refresh_from_db()
    assert motion.title == "关于科学城北区路网的议案"


def test_bad_input_keeps_what_was_typed(client, deputy, session):
    motion = draft(deputy, session)
    client.force_login(deputy)
    response = client.post(
        reverse("motions:edit", args=[motion.pk]),
        {"title": "", "reasons": "我写了很长的案由", "measures": "我的方案"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "我写了很长的案由" in page and "我的方案" in page
    assert 'aria-invalid="true"' in page


def test_a_deputy_drafts_invites_by_name_and_submits_in_the_portal(
    client, deputy, session, cosigners
):
    client.force_login(deputy)
    with time_machine.travel(at("2022-01-05"), tick=False):
        response = client.post(
            reverse("motions:create"),
            {
                "session": session.pk,
                "title": "关于加快建设中关村科学城北区的议案",
                "reasons": "北区发展滞后。",
                "grounds": "",
                "measures": "加快道路建设。",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        motion = deputy.deputy.led_motions.get()
        names = " ".join(u.deputy.name for u in cosigners)
        response = client.post(reverse("motions:invite", args=[motion.pk]), {"names": names})
        assert response.status_code == 302
        unknown = client.post(reverse("motions:invite", args=[motion.pk]), {"names": "查无此人"})
        assert unknown.status_code == 400
        assert "查无此人" in unknown.content.decode()
        for user in cosigners:
            client.force_login(user)
            client.post(reverse("motions:cosign", args=[motion.pk]), {"accept": "1"})
        client.force_login(deputy)
        client.post(reverse("motions:submit", args=[motion.pk]))
    motion.refresh_from_db()
    assert (motion.state, motion.signer_count) == (MotionState.SUBMITTED, 10)


def test_a_unit_sees_only_its_assignments(client, assigned, liaison, other_liaison, make_deputy):
    from tests.factories import UnitFactory, UserFactory, grant

    stranger = UserFactory(username="courtliaison")
    grant(stranger, "liaison", unit=UnitFactory(name="区法院"))
    url = reverse("motions:portal_detail", args=[assigned.pk])
    for user in (liaison, other_liaison):  # lead and co-unit
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    listing = client.get(reverse("motions:portal_list")).content.decode()
    assert assigned.title not in listing


def test_a_unit_answers_only_its_own_assignment(client, assigned, liaison, other_liaison):
    lead = Assignment.objects.get(motion=assigned, role="lead")
    url = reverse("motions:answer_assignment", args=[assigned.pk, lead.pk])
    client.force_login(other_liaison)  # the co-unit can open the motion, not the lead's answer
    assert client.post(url, {"accept": "1"}).status_code == 404
    client.force_login(liaison)
    response = client.post(url, {"accept": "0", "reasons": ""})
    assert response.status_code == 400
    assert "请说明退回议案的理由" in response.content.decode()
    assert client.post(url, {"accept": "1"}).status_code == 302
    lead.refresh_from_db()
    assert lead.state == "accepted"


def test_review_and_assignment_pages_are_for_the_right_staff(
    client, submitted, staff, committee_staff, deputy
):
    review = reverse("motions:review", args=[submitted.pk])
    for user in (committee_staff, deputy):
        client.force_login(user)
        assert client.get(review).status_code in (403, 404)
    client.force_login(staff)
    assert client.get(review).status_code == 200
    response = client.post(review, {"decision": "refuse", "reasons": ""})
    assert response.status_code == 400
    response = client.post(review, {"decision": "register", "reasons": ""})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == MotionState.REGISTERED


def test_supervision_belongs_to_the_supervising_office(
    client, assigned, committee_staff, supervisor_elsewhere, staff, liaison
):
    url = reverse("motions:phase", args=[assigned.pk])
    for user in (supervisor_elsewhere, liaison):
        client.force_login(user)
        assert client.get(url).status_code == 403
        with pytest.raises(services.PermissionRefused):
            services.close_motion(assigned, actor=user, reason="x")
    for user in (committee_staff, staff):  # the office, and the general office (every motion)
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_units_post_updates_that_stay_private_until_staff_publish(
    client, assigned, liaison, committee_staff, supervisor_elsewhere, other_deputy
):
    update = services.post_update(
        assigned,
        actor=liaison,
        kind=UpdateKind.RESEARCH,
        title="教委调研学校周边道路",
        text="调研情况",
        happened_on=dt.date(2022, 4, 1),
        proposed_progress=10,
        now=at("2022-04-02"),
    )
    assert update.state == UpdateState.SUBMITTED
    assert update.unit.name == "区教委"
    # Not on the public page, not for other deputies; the unit and the office see it.
    assigned.refresh_from_db()
    assert "教委调研学校周边道路" not in client.get(assigned.get_absolute_url()).content.decode()
    portal = reverse("motions:portal_detail", args=[assigned.pk])
    client.force_login(other_deputy)
    assert "教委调研学校周边道路" not in client.get(portal).content.decode()
    client.force_login(liaison)
    assert "教委调研学校周边道路" in client.get(portal).content.decode()
    # Only the supervising office publishes.
    publish = reverse("motions:publish_update", args=[assigned.pk, update.pk])
    client.force_login(supervisor_elsewhere)
    assert client.post(publish, {"approved_progress": "10"}).status_code == 403
    client.force_login(committee_staff)
    assert client.post(publish, {"approved_progress": "8"}).status_code == 302
    update.refresh_from_db()
    assert (update.state, update.approved_progress) == (UpdateState.PUBLISHED, 8)
    assert "教委调研学校周边道路" in client.get(assigned.get_absolute_url()).content.decode()
    # Deputies comment on published updates in the portal; comments never reach the public.
    client.force_login(other_deputy)
    client.post(
        reverse("motions:comment", args=[assigned.pk, update.pk]), {"text": "建议增加过街天桥"}
    )
    assert update.comments.filter(text="建议增加过街天桥").exists()
    client.logout()
    assert "建议增加过街天桥" not in client.get(assigned.get_absolute_url()).content.decode()


def test_a_unit_that_is_not_assigned_cannot_post(assigned, make_deputy):
    from tests.factories import UnitFactory, UserFactory, grant

    stranger = UserFactory(username="strangerliaison")
    grant(stranger, "liaison", unit=UnitFactory(name="区水务局"))
    with pytest.raises(services.PermissionRefused):
        services.post_update(
            assigned,
            actor=stranger,
            kind="meeting",
            title="x",
            text="y",
            happened_on=dt.date(2022, 4, 1),
        )
    assert not ProgressUpdate.objects.exists()


def test_followers_hear_of_published_updates(client, assigned, other_deputy, committee_staff):
    client.force_login(other_deputy)
    client.post(reverse("motions:follow", args=[assigned.pk]), {"follow": "1"})
    services.post_update(
        assigned,
        actor=committee_staff,
        kind="inspection",
        title="代表视察北清路",
        text="视察",
        happened_on=dt.date(2022, 5, 1),
        publish=True,
        now=at("2022-05-02"),
    )
    from congress.models import Notification

    assert Notification.objects.filter(
        recipient=other_deputy, kind="motions.update_published"
    ).exists()


def test_the_dashboard_panel_tells_each_role_what_waits(client, submitted, staff, deputy, session):
    client.force_login(staff)
    assert "1件议案待审查" in client.get(reverse("portal:dashboard")).content.decode()


def test_a_closed_motion_is_still_public_with_its_years(client, assigned, committee_staff):
    services.close_motion(assigned, actor=committee_staff, reason="已解决", now=at("2022-12-01"))
    page = client.get(assigned.get_absolute_url()).content.decode()
    assert "已办结" in page and "2022-12-01" in page
    assert assigned.state == MotionState.CLOSED


@pytest.mark.parametrize("rows", [1, 20])
def test_portal_lists_cost_the_same_for_1_and_20_motions(
    client, django_assert_num_queries, session, unit, committee_office, staff, liaison, rows
):
    from tests.motions.factories import handled_motion

    for _ in range(rows):
        handled_motion(session, unit=unit, office=committee_office)
    url = reverse("motions:portal_list")
    client.force_login(staff)
    # session, user, memberships, deputy profile, review and assignment counts (one aggregate),
    # the user's and the groups' permissions, updates to publish, count, page (latest update by
    # subquery), unread badge
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    client.force_login(liaison)
    # session, user, memberships, deputy profile, assignments (with motion and unit), plans and
    # reports owed, count, page, unread badge
    with django_assert_num_queries(9):
        page = client.get(url)
    assert page.content.decode().count("接受交办") == 0  # nothing pending: all accepted


def test_anyone_logged_in_may_follow_a_registered_motion(client, assigned, expert):
    client.force_login(expert)  # no motion of theirs in the portal
    response = client.post(
        reverse("motions:follow", args=[assigned.pk]),
        {"follow": "1", "next": assigned.get_absolute_url()},
    )
    assert response.status_code == 302 and response["Location"] == assigned.get_absolute_url()
    assert assigned.followers.filter(user=expert).exists()
    assert "取消关注" in client.get(assigned.get_absolute_url()).content.decode()


def test_drafts_cannot_be_followed(client, deputy, other_deputy, session):
    motion = draft(deputy, session)
    client.force_login(other_deputy)
    assert client.post(reverse("motions:follow", args=[motion.pk])).status_code == 404
