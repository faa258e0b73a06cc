"""The shared world of named actors, one for every role (CONVENTIONS.md).

Every permission test has both the allowed and the refused actor at hand:
- `deputy` (Li Ming) and `other_deputy` (Wang Fang): district deputies of the 17th term;
- `liaison` acts for `unit` (区教委); `other_liaison` for `other_unit` (区体育局);
- `recorder` keeps `street`'s record (北下关); `other_recorder` is of `other_street` (中关村);
- `expert` and `other_expert`;
- `staff` (办公室), `deputy_affairs_staff` (代表工委), `committee_staff` (教科文卫委);
- `superuser`; and anonymous visitors use the plain `client`.
Apps add their own fixtures in tests/<app>/conftest.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from congress.models import Role, UnitKind
from tests.factories import (
    MeetingFactory,
    OfficeFactory,
    StreetFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
    WorkCommitteeFactory,
    grant,
    staff_user,
)


def pytest_configure(config):
    """Compile the translation catalogues once (pure Python), before any worker starts."""
    if hasattr(config, "workerinput"):
        return
    import django
    from django.core.management import call_command

    django.setup()
    call_command("compilemessages_pure", quiet=True)


@pytest.fixture(autouse=True)
def _isolate(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def pass_second_factor(client, user) -> None:
    """Mark `client`'s logged-in session as having passed the second factor (congress/mfa.py),
    as the code page does after a valid TOTP code. For tests that are not about the login."""
    from congress import mfa

    session = client.session
    session[mfa.VERIFIED] = user.pk
    session[mfa.ENROLLED] = True
    session.save()


@pytest.fixture(autouse=True)
def _staff_force_login_passes_second_factor(monkeypatch):
    """`client.force_login(staff_user)` also passes the second factor, so that tests of staff
    pages, the admin and the staff API log staff in as before. Tests of the second factor itself
    log in through the login form, or use the `force_login_without_second_factor` fixture."""
    from django.test import Client

    from congress import mfa

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if mfa.must_use_second_factor(user):
            pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "_force_login_without_second_factor", original, raising=False)


@pytest.fixture
def force_login_without_second_factor():
    """force_login that leaves the session at "password only": login(client, user)."""
    return lambda client, user: client._force_login_without_second_factor(user)


@pytest.fixture
def term(db):
    return TermFactory()


@pytest.fixture
def congress(term):
    return term.congress


@pytest.fixture
def session_meeting(term):
    """The first congress session of the 17th term (January 2022)."""
    from congress.models import MeetingKind

    return MeetingFactory(
        term=term, kind=MeetingKind.CONGRESS_SESSION, number=1, starts_on=dt.date(2022, 1, 5)
    )


@pytest.fixture
def chairpersons_meeting(term):
    from congress.models import MeetingKind

    return MeetingFactory(
        term=term, kind=MeetingKind.CHAIRPERSONS, number=1, starts_on=dt.date(2022, 2, 10)
    )


@pytest.fixture
def office(db):
    return OfficeFactory(name="办公室", office_role="general_office")


@pytest.fixture
def deputy_affairs_office(db):
    return OfficeFactory(name="代表工作委员会", office_role="deputy_affairs")


@pytest.fixture
def committee_office(db):
    return OfficeFactory(name="教育科学文化卫生委员会", office_role="special_committee")


@pytest.fixture
def unit(db):
    return UnitFactory(name="区教委", kind=UnitKind.DEPARTMENT)


@pytest.fixture
def other_unit(db):
    return UnitFactory(name="区体育局", kind=UnitKind.DEPARTMENT)


@pytest.fixture
def street(db):
    return StreetFactory(name="北下关")


@pytest.fixture
def other_street(db):
    return StreetFactory(name="中关村")


@pytest.fixture
def work_committee(street):
    return WorkCommitteeFactory(street=street, rotation_order=1)


@pytest.fixture
def other_work_committee(other_street):
    return WorkCommitteeFactory(street=other_street, rotation_order=2)


@pytest.fixture
def staff(office):
    return staff_user("staff", office)


@pytest.fixture
def deputy_affairs_staff(deputy_affairs_office):
    return staff_user("daffairs", deputy_affairs_office)


@pytest.fixture
def committee_staff(committee_office):
    return staff_user("committee", committee_office)


@pytest.fixture
def liaison(unit):
    user = UserFactory(username="liaison", display_name="教委联络员")
    grant(user, Role.LIAISON, unit=unit)
    return user


@pytest.fixture
def other_liaison(other_unit):
    user = UserFactory(username="otherliaison", display_name="体育局联络员")
    grant(user, Role.LIAISON, unit=other_unit)
    return user


@pytest.fixture
def recorder(work_committee):
    user = UserFactory(username="recorder", display_name="北下关记录员")
    grant(user, Role.RECORDER, street=work_committee.street)
    return user


@pytest.fixture
def other_recorder(other_work_committee):
    user = UserFactory(username="otherrecorder", display_name="中关村记录员")
    grant(user, Role.RECORDER, street=other_work_committee.street)
    return user


def _make_deputy(username: str, name: str, term, **extra):
    from congress import access
    from deputies.models import Deputy, Mandate

    user = UserFactory(username=username, display_name=name)
    deputy = Deputy.objects.create(
        user=user,
        name=name,
        gender="M",
        mobile="13912345678",
        email=f"{username}@example.test",
        **extra,
    )
    Mandate.objects.create(
        deputy=deputy, term=term, level=term.congress.level, started_on=term.starts_on
    )
    access.sync_groups(user)
    return user


@pytest.fixture
def deputy(term):
    """A district deputy with a login (user). The profile is `deputy.deputy`."""
    return _make_deputy("liming", "李明", term)


@pytest.fixture
def other_deputy(term):
    return _make_deputy("wangfang", "王芳", term)


@pytest.fixture
def make_deputy(term):
    """Factory for more deputies of the term: make_deputy("zhao", "赵强")."""
    return lambda username, name, **extra: _make_deputy(username, name, term, **extra)


def _make_expert(username: str, name: str):
    from congress import access
    from experts.models import Expert

    user = UserFactory(username=username, display_name=name)
    Expert.objects.create(
        user=user,
        name=name,
        organisation="北京大学",
        title="教授",
        appointed_on=dt.date(2022, 6, 1),
        appointment_ends_on=dt.date(2027, 5, 31),
        mobile="13800000000",
        email=f"{username}@example.test",
    )
    access.sync_groups(user)
    return user


@pytest.fixture
def expert(db):
    return _make_expert("expert", "陈教授")


@pytest.fixture
def other_expert(db):
    return _make_expert("otherexpert", "刘研究员")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)
