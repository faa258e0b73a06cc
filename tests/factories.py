"""factory_boy factories for the shared institution. Apps add theirs in tests/<app>/factories.py."""

from __future__ import annotations

import datetime as dt

import factory

from congress import access
from congress.models import (
    Congress,
    CongressLevel,
    Meeting,
    MeetingKind,
    Membership,
    Role,
    Street,
    StreetKind,
    Term,
    Unit,
    UnitKind,
    User,
    WorkCommittee,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.django.Password("pass-word-123")
    language = "zh-hans"


class CongressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Congress
        django_get_or_create = ("name",)

    name = "海淀区人民代表大会"
    level = CongressLevel.DISTRICT
    is_default = True


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("congress", "number")

    congress = factory.SubFactory(CongressFactory)
    number = 17
    starts_on = dt.date(2022, 1, 5)
    is_current = True


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    term = factory.SubFactory(TermFactory)
    kind = MeetingKind.STANDING_COMMITTEE
    number = factory.Sequence(lambda n: n + 1)
    starts_on = dt.date(2022, 4, 20)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"区测试局{n}")
    kind = UnitKind.DEPARTMENT


class OfficeFactory(UnitFactory):
    name = factory.Sequence(lambda n: f"测试办公室{n}")
    kind = UnitKind.OFFICE
    office_role = "general_office"


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试{n}")
    kind = StreetKind.STREET
    sort_order = factory.Sequence(lambda n: n)


class WorkCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkCommittee
        django_get_or_create = ("street",)

    street = factory.SubFactory(StreetFactory)
    rotation_order = factory.Sequence(lambda n: n + 1)
    director_name = "张主任"


def grant(
    user: User, role: str, *, unit: Unit | None = None, street: Street | None = None
) -> Membership:
    """Give `user` a membership and sync their role groups."""
    membership = Membership.objects.create(user=user, role=role, unit=unit, street=street)
    access.sync_groups(user)
    return membership


def staff_user(username: str, office: Unit) -> User:
    user = UserFactory(username=username)
    grant(user, Role.STAFF, unit=office)
    user.refresh_from_db()
    return user
