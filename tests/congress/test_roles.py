"""Roles are groups with permissions; memberships put users in them and decide admin access."""

import pytest
from django.contrib.auth.models import Group

from congress import access, roles
from congress.models import Membership, Role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_migration_creates_every_role_group():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ALL_GROUPS) <= names


@pytest.mark.django_db
def test_staff_groups_get_the_permissions_their_apps_declare():
    general = Group.objects.get(name="staff_general_office")
    codes = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in general.permissions.select_related("content_type")
    }
    assert "congress.change_regulation" in codes
    assert "congress.change_deadlinerule" in codes
    # Every declared permission exists (a typo in a roles module would silently grant nothing).
    wanted = roles.collect_permissions()
    for name, perms in wanted.items():
        group = Group.objects.get(name=name)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert perms == granted, f"{name}: declared but missing {sorted(perms - granted)}"


@pytest.mark.django_db
def test_deputies_and_liaisons_get_no_admin_access(deputy, liaison):
    deputy.refresh_from_db()
    liaison.refresh_from_db()
    assert not deputy.is_staff and not liaison.is_staff
    assert set(deputy.groups.values_list("name", flat=True)) == {"deputy"}
    assert set(liaison.groups.values_list("name", flat=True)) == {"unit_liaison"}


@pytest.mark.django_db
def test_staff_membership_gives_admin_access_and_losing_it_takes_it_away(office):
    user = UserFactory(username="clerk")
    membership = Membership.objects.create(user=user, role=Role.STAFF, unit=office)
    access.sync_groups(user)
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["staff_general_office"]
    membership.is_active = False
    membership.save()
    access.sync_groups(user)
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.groups.exists()


@pytest.mark.django_db
def test_a_user_can_hold_several_roles(office, unit, term):
    from deputies.models import Deputy

    user = UserFactory(username="multi")
    Deputy.objects.create(user=user, name="多角色", gender="F")
    Membership.objects.create(user=user, role=Role.LIAISON, unit=unit)
    Membership.objects.create(user=user, role=Role.STAFF, unit=office)
    access.sync_groups(user)
    actor = access.actor_for(user)
    assert actor.is_staff_member and actor.is_liaison
    assert set(user.groups.values_list("name", flat=True)) == {
        "deputy",
        "unit_liaison",
        "staff_general_office",
    }


@pytest.mark.django_db
def test_membership_must_target_a_unit_or_a_street_matching_its_role(unit, street):
    from django.db import IntegrityError, transaction

    user = UserFactory(username="bad")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.RECORDER, unit=unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.LIAISON, street=street)


@pytest.mark.django_db
def test_admin_is_reachable_only_by_staff(client, staff, deputy, liaison):
    assert client.get("/admin/").status_code == 302  # anonymous → login
    client.force_login(deputy)
    assert client.get("/admin/").status_code == 302
    client.force_login(liaison)
    assert client.get("/admin/").status_code == 302
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "海淀区人大常委会" in response.content.decode()


@pytest.mark.django_db
def test_inactive_user_is_nobody(liaison, unit):
    liaison.is_active = False
    liaison.save()
    access.forget(liaison)
    assert not access.can_act_for_unit(liaison, unit.pk)
