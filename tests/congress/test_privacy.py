"""Personal data (congress/privacy.py): every read logged, erasure on request, retention by a
scheduled job (with time travel), the log read-only for the general office."""

# ruff: noqa: F811  (the fixtures imported from tests.deputies.conftest are test arguments)
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from congress import privacy
from congress.models import PersonalDataAccess, PersonalDataErasure
from deputies import services
from deputies.models import Mandate, OpinionAccessLog, VoterOpinion
from experts.models import Expert
from tests.deputies.conftest import (  # noqa: F401  (fixtures)
    DEPUTY_MOBILE,
    VOTER_MOBILE,
    VOTER_NAME,
    opinion,
    station,
    station_deputy,
)

pytestmark = pytest.mark.django_db
CLOSED_AT = timezone.make_aware(dt.datetime(2026, 11, 20, 10, 0))


def closed(opinion, deputy):  # noqa: F811
    services.answer_on_spot(opinion, answer="已现场解答", actor=deputy)
    services.close_opinion(opinion, feedback="已电话反馈", actor=deputy, now=CLOSED_AT)
    opinion.refresh_from_db()
    return opinion


# --- The access log -------------------------------------------------------------------------


def test_voter_contact_shown_on_the_opinion_page_is_logged_who_when_what_where(
    client,
    opinion,  # noqa: F811
    deputy,
):
    client.force_login(deputy)
    url = reverse("deputies:opinion", args=[opinion.pk])
    assert VOTER_MOBILE in client.get(url).content.decode()
    row = PersonalDataAccess.objects.get()
    assert (row.user, row.username, row.object_id) == (deputy, deputy.username, opinion.pk)
    assert row.content_type.model == "voteropinion"
    assert row.fields == "voter_name,voter_contact"
    assert (row.channel, row.path, row.address) == ("page", url, "127.0.0.1")
    assert row.at is not None


def test_voter_contact_read_through_the_api_is_logged(client, opinion, deputy):  # noqa: F811
    client.force_login(deputy)
    data = client.get(f"/api/voter-opinions/{opinion.pk}/").json()
    assert data["voter_contact"] == VOTER_MOBILE
    row = PersonalDataAccess.objects.get()
    assert (row.channel, row.path) == ("api", f"/api/voter-opinions/{opinion.pk}/")


def test_a_refused_reader_sees_nothing_and_leaves_no_log(client, opinion, other_deputy):  # noqa: F811
    client.force_login(other_deputy)
    assert client.get(reverse("deputies:opinion", args=[opinion.pk])).status_code == 404
    assert client.get(f"/api/voter-opinions/{opinion.pk}/").status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_staff_deputy_directory_logs_every_deputy_shown_in_one_insert(
    client, deputy, other_deputy, deputy_affairs_staff, django_assert_max_num_queries
):
    client.force_login(deputy_affairs_staff)
    response = client.get("/api/deputies/")
    assert DEPUTY_MOBILE in response.content.decode()
    rows = PersonalDataAccess.objects.filter(content_type__model="deputy")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(
        [deputy.deputy.pk, other_deputy.deputy.pk]
    )
    assert {r.channel for r in rows} == {"api"} and "mobile" in rows[0].fields
    # The public directory shows no contacts: nothing to log.
    PersonalDataAccess.objects.all().delete()
    client.logout()
    assert DEPUTY_MOBILE not in client.get("/api/deputies/").content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_expert_contacts_on_the_record_page_and_staff_api_are_logged(
    client, expert, staff, committee_staff
):
    Expert.objects.filter(user=expert).update(mobile="13600000000", email="chen@example.test")
    client.force_login(staff)
    record = reverse("experts:expert_record", args=[expert.expert.pk])
    assert "13600000000" in client.get(record).content.decode()
    row = PersonalDataAccess.objects.get()
    assert (row.channel, row.fields, row.path) == ("page", "mobile,email", record)
    # The expert sees their own record: not the contacts block, nothing logged.
    client.force_login(expert)
    client.get(record)
    assert PersonalDataAccess.objects.count() == 1


def test_admin_change_page_with_contacts_is_logged(client, deputy, deputy_affairs_staff):
    client.force_login(deputy_affairs_staff)
    url = reverse("admin:deputies_deputy_change", args=[deputy.deputy.pk])
    assert client.get(url).status_code == 200
    row = PersonalDataAccess.objects.get()
    assert row.channel == "admin" and row.fields.startswith("mobile")


def test_the_log_is_read_only_for_the_general_office_and_hidden_from_others(
    client,
    opinion,
    deputy,
    staff,
    deputy_affairs_staff,  # noqa: F811
):
    client.force_login(deputy)
    client.get(reverse("deputies:opinion", args=[opinion.pk]))
    row = PersonalDataAccess.objects.get()
    client.force_login(staff)  # 办公室
    changelist = reverse("admin:congress_personaldataaccess_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:congress_personaldataaccess_add")).status_code == 403
    detail = client.get(reverse("admin:congress_personaldataaccess_change", args=[row.pk]))
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    delete = reverse("admin:congress_personaldataaccess_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert PersonalDataAccess.objects.count() == 1
    client.force_login(deputy_affairs_staff)
    assert client.get(changelist).status_code == 403


# --- Erasure on request ---------------------------------------------------------------------


def test_erasing_a_voter_keeps_the_opinion_and_its_handling(opinion, deputy, staff):  # noqa: F811
    opinion = closed(opinion, deputy)
    assert privacy.erase_voter_data(opinion, actor=staff, note="本人来电要求删除") is True
    opinion.refresh_from_db()
    assert (opinion.voter_name, opinion.voter_contact) == (privacy.ERASED_NAME, "")
    assert opinion.content.startswith("小区停车难") and opinion.state == "closed"
    assert opinion.answer == "已现场解答" and opinion.feedback == "已电话反馈"
    erasure = PersonalDataErasure.objects.get()
    assert (erasure.reason, erasure.by, erasure.fields) == (
        "request",
        staff,
        "voter_name,voter_contact",
    )
    assert VOTER_MOBILE not in str(erasure.__dict__)
    # The opinion's history never held them (excluded fields of simple-history).
    assert not {f.name for f in opinion.history.model._meta.fields} & {"voter_contact"}
    assert privacy.erase_voter_data(opinion, actor=staff) is False  # idempotent
    assert PersonalDataErasure.objects.count() == 1


def test_staff_admin_action_erases_the_voter(client, opinion, deputy_affairs_staff):  # noqa: F811
    client.force_login(deputy_affairs_staff)
    response = client.post(
        reverse("admin:deputies_voteropinion_changelist"),
        {"action": "erase_voter_personal_data", "_selected_action": [opinion.pk]},
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.voter_contact == "" and opinion.voter_name == privacy.ERASED_NAME
    assert PersonalDataErasure.objects.get().by == deputy_affairs_staff


def test_the_erase_action_is_refused_to_staff_without_the_voter_permission(
    client,
    opinion,  # noqa: F811
    staff,
):
    client.force_login(staff)  # 办公室: sees opinions, not voters' contacts
    client.post(
        reverse("admin:deputies_voteropinion_changelist"),
        {"action": "erase_voter_personal_data", "_selected_action": [opinion.pk]},
    )
    opinion.refresh_from_db()
    assert opinion.voter_contact == VOTER_MOBILE
    assert not PersonalDataErasure.objects.exists()


def test_erasing_a_deputy_or_expert_empties_contacts_and_keeps_the_record(deputy, expert, staff):
    assert privacy.erase_contacts(deputy.deputy, actor=staff) is True
    deputy.deputy.refresh_from_db()
    assert (deputy.deputy.mobile, deputy.deputy.email, deputy.deputy.address) == ("", "", "")
    assert deputy.deputy.name == "李明"
    Expert.objects.filter(pk=expert.expert.pk).update(mobile="13600000000")
    expert.expert.refresh_from_db()
    assert privacy.erase_contacts(expert.expert, actor=staff) is True
    assert privacy.erase_contacts(expert.expert, actor=staff) is False
    assert PersonalDataErasure.objects.count() == 2


# --- Retention (time travel) ----------------------------------------------------------------


def test_voter_data_is_erased_only_after_its_retention_period(opinion, deputy, settings):  # noqa: F811
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "voter_contact": 730}
    opinion = closed(opinion, deputy)
    with time_machine.travel(CLOSED_AT + dt.timedelta(days=729), tick=False):
        assert privacy.enforce_retention()["voter_contact"] == 0
    opinion.refresh_from_db()
    assert opinion.voter_contact == VOTER_MOBILE
    with time_machine.travel(CLOSED_AT + dt.timedelta(days=731), tick=False):
        assert privacy.enforce_retention()["voter_contact"] == 1
        assert privacy.enforce_retention()["voter_contact"] == 0  # idempotent
    opinion.refresh_from_db()
    assert (opinion.voter_name, opinion.voter_contact) == (privacy.ERASED_NAME, "")
    assert opinion.content and opinion.state == "closed"
    assert PersonalDataErasure.objects.get().reason == "retention"


def test_open_opinions_keep_their_voter_data_however_old(opinion):  # noqa: F811
    with time_machine.travel(dt.datetime(2040, 1, 1, tzinfo=dt.UTC), tick=False):
        assert privacy.enforce_retention()["voter_contact"] == 0
    opinion.refresh_from_db()
    assert opinion.voter_contact == VOTER_MOBILE


def test_deputy_and_expert_contacts_expire_after_the_mandate_or_appointment(
    deputy, other_deputy, expert
):
    Mandate.objects.filter(deputy=deputy.deputy).update(
        ended_on=dt.date(2022, 1, 4), status="ended"
    )
    Expert.objects.filter(pk=expert.expert.pk).update(
        mobile="13600000000", appointment_ends_on=dt.date(2022, 1, 4), status="expired"
    )
    before = timezone.make_aware(dt.datetime(2022, 1, 4) + dt.timedelta(days=1824))
    after = timezone.make_aware(dt.datetime(2022, 1, 4) + dt.timedelta(days=1827))
    with time_machine.travel(before, tick=False):
        done = privacy.enforce_retention()
        assert (done["deputy_contact"], done["expert_contact"]) == (0, 0)
    with time_machine.travel(after, tick=False):
        done = privacy.enforce_retention()
        assert (done["deputy_contact"], done["expert_contact"]) == (1, 1)
        assert privacy.enforce_retention()["deputy_contact"] == 0
    deputy.deputy.refresh_from_db()
    other_deputy.deputy.refresh_from_db()
    assert deputy.deputy.mobile == "" and other_deputy.deputy.mobile == DEPUTY_MOBILE
    assert Expert.objects.get(pk=expert.expert.pk).mobile == ""


def test_the_access_log_itself_is_kept_for_its_period(opinion, deputy):  # noqa: F811
    services.reveal_voter_data(opinion, user=deputy, channel="page")
    read_at = PersonalDataAccess.objects.get().at
    with time_machine.travel(read_at + dt.timedelta(days=1094), tick=False):
        assert privacy.enforce_retention()["access_log"] == 0
    with time_machine.travel(read_at + dt.timedelta(days=1096), tick=False):
        assert privacy.enforce_retention()["access_log"] == 2  # ours and the deputies' log
    assert not PersonalDataAccess.objects.exists() and not OpinionAccessLog.objects.exists()


def test_the_retention_job_is_scheduled_daily_and_registered():
    from django_celery_beat.models import PeriodicTask

    from congress.celery import app

    task = PeriodicTask.objects.get(name="privacy-retention")
    assert task.task == "congress.enforce_privacy_retention" and task.crontab.hour == "3"
    app.loader.import_default_modules()
    assert "congress.enforce_privacy_retention" in app.tasks
    assert app.tasks["congress.enforce_privacy_retention"].run() == {
        "voter_contact": 0,
        "deputy_contact": 0,
        "expert_contact": 0,
        "access_log": 0,
    }
    assert VoterOpinion.objects.count() == 0


def test_roster_export_logs_every_deputy_exported(
    client, deputy, other_deputy, deputy_affairs_staff
):
    client.force_login(deputy_affairs_staff)
    response = client.get(reverse("deputies:roster_export"))
    assert response.status_code == 200
    rows = PersonalDataAccess.objects.filter(channel="export")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(
        [deputy.deputy.pk, other_deputy.deputy.pk]
    )


def test_expert_contacts_api_logs_each_expert_shown(client, expert, other_expert, committee_staff):
    client.force_login(committee_staff)
    data = client.get("/api/expert-contacts/").json()
    assert {e["mobile"] for e in data["results"]} == {"13800000000"}
    rows = PersonalDataAccess.objects.filter(channel="api", content_type__model="expert")
    assert rows.count() == 2 and {r.fields for r in rows} == {"mobile,email"}


def test_voter_opinion_admin_page_is_logged(client, opinion, deputy_affairs_staff):  # noqa: F811
    client.force_login(deputy_affairs_staff)
    url = reverse("admin:deputies_voteropinion_change", args=[opinion.pk])
    assert VOTER_MOBILE in client.get(url).content.decode()
    row = PersonalDataAccess.objects.get()
    assert (row.channel, row.fields) == ("admin", "voter_name,voter_contact")
