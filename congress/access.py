"""Who may act for which unit or street. Object-level checks in views and the API use these."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, Group

from congress import roles
from congress.models import Membership, Role, User


@dataclass(frozen=True)
class Actor:
    """What a user may act as, read once per request (cached on the user object)."""

    staff_office_ids: frozenset[int] = field(default_factory=frozenset)
    liaison_unit_ids: frozenset[int] = field(default_factory=frozenset)
    recorder_street_ids: frozenset[int] = field(default_factory=frozenset)
    is_superuser: bool = False

    @property
    def is_staff_member(self) -> bool:
        return self.is_superuser or bool(self.staff_office_ids)

    @property
    def is_liaison(self) -> bool:
        return bool(self.liaison_unit_ids)

    @property
    def is_recorder(self) -> bool:
        return bool(self.recorder_street_ids)


ANONYMOUS = Actor()


def actor_for(user: User | AnonymousUser | None) -> Actor:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_congress_actor", None)
    if cached is not None:
        return cached
    staff, liaison, recorder = set(), set(), set()
    for role, unit_id, street_id in Membership.objects.filter(
        user=user, is_active=True
    ).values_list("role", "unit_id", "street_id"):
        if role == Role.STAFF:
            staff.add(unit_id)
        elif role == Role.LIAISON:
            liaison.add(unit_id)
        elif role == Role.RECORDER:
            recorder.add(street_id)
    actor = Actor(frozenset(staff), frozenset(liaison), frozenset(recorder), user.is_superuser)
    user._congress_actor = actor
    return actor


def is_staff_member(user) -> bool:
    return actor_for(user).is_staff_member


def can_act_for_unit(user, unit_id: int | None) -> bool:
    return unit_id is not None and unit_id in actor_for(user).liaison_unit_ids


def forget(user) -> None:
    """Drop the cached actor (after memberships change within a request or test)."""
    if hasattr(user, "_congress_actor"):
        del user._congress_actor


def sync_groups(user: User) -> None:
    """Put the user in exactly the role groups their memberships and profiles imply.

    Staff memberships also give `is_staff` (admin access); removing the last one takes it away.
    """
    memberships = list(Membership.objects.filter(user=user, is_active=True).select_related("unit"))
    names: set[str] = set()
    for m in memberships:
        if m.role == Role.STAFF and m.unit and m.unit.office_role:
            names.add(roles.STAFF_GROUPS[m.unit.office_role])
        elif m.role == Role.LIAISON:
            names.add(roles.UNIT_LIAISON)
        elif m.role == Role.RECORDER:
            names.add(roles.STREET_RECORDER)
    if hasattr(user, "deputy"):
        names.add(roles.DEPUTY)
    if hasattr(user, "expert"):
        names.add(roles.EXPERT)
    managed = Group.objects.filter(name__in=roles.ALL_GROUPS)
    keep = [g for g in user.groups.all() if g.name not in roles.ALL_GROUPS]
    user.groups.set(keep + [g for g in managed if g.name in names])
    is_staff = any(m.role == Role.STAFF for m in memberships) or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    forget(user)
