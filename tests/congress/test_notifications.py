"""The notification service: one row per recipient, idempotent keys, e-mail claimed once."""

import pytest
from django.core import mail
from django.utils.translation import gettext_lazy as _

from congress import notifications
from congress.models import Notification
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_notify_creates_one_row_per_distinct_recipient_and_emails_them():
    a = UserFactory(username="a", email="a@example.test")
    b = UserFactory(username="b", email="")
    created = notifications.notify(
        [a, a, b], kind="test", title="标题", body="正文", url="/portal/"
    )
    assert created == 2
    assert Notification.objects.count() == 2
    # b has no e-mail address: skipped, not pending forever.
    assert Notification.objects.get(recipient=b).email_state == "skipped"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.test"]
    assert Notification.objects.get(recipient=a).email_state == "sent"


@pytest.mark.django_db
def test_notify_with_the_same_key_twice_delivers_once():
    user = UserFactory(username="k")
    assert notifications.notify([user], kind="test", title="一", key="once") == 1
    assert notifications.notify([user], kind="test", title="二", key="once") == 0
    assert Notification.objects.filter(recipient=user).count() == 1


@pytest.mark.django_db
def test_titles_are_rendered_in_each_recipients_language():
    zh = UserFactory(username="zh", language="zh-hans")
    en = UserFactory(username="en", language="en")
    notifications.notify([zh, en], kind="test", title=_("Dashboard"))
    assert Notification.objects.get(recipient=zh).title == "工作台"
    assert Notification.objects.get(recipient=en).title == "Dashboard"


@pytest.mark.django_db
def test_inactive_users_are_not_notified():
    user = UserFactory(username="gone", is_active=False)
    assert notifications.notify([user], kind="test", title="x") == 0


@pytest.mark.django_db
def test_pending_email_is_sent_once_even_when_the_sender_runs_twice():
    user = UserFactory(username="twice", email="twice@example.test")
    Notification.objects.create(recipient=user, kind="t", title="x", email_state="pending")
    assert notifications.send_pending_emails() == 1
    assert notifications.send_pending_emails() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_failed_email_stays_pending_for_the_next_run(monkeypatch):
    user = UserFactory(username="fail", email="fail@example.test")
    n = Notification.objects.create(recipient=user, kind="t", title="x", email_state="pending")

    def boom(_n):
        raise OSError("smtp down")

    monkeypatch.setattr(notifications, "_send_email", boom)
    assert notifications.send_pending_emails() == 0
    n.refresh_from_db()
    assert n.email_state == "pending"


@pytest.mark.django_db
def test_inbox_shows_only_my_notifications_and_marks_them_read(client):
    me = UserFactory(username="me")
    other = UserFactory(username="other")
    notifications.notify([me], kind="t", title="给我的消息", url="/portal/")
    notifications.notify([other], kind="t", title="别人的消息")
    client.force_login(me)
    html = client.get("/portal/inbox/").content.decode()
    assert "给我的消息" in html and "别人的消息" not in html
    theirs = Notification.objects.get(recipient=other)
    assert client.post(f"/portal/inbox/{theirs.pk}/open/").status_code == 404
    mine = Notification.objects.get(recipient=me)
    response = client.post(f"/portal/inbox/{mine.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/portal/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_open_notification_never_redirects_off_site(client):
    me = UserFactory(username="me2")
    notifications.notify([me], kind="t", title="x", url="//evil.example/")
    client.force_login(me)
    n = Notification.objects.get(recipient=me)
    assert client.post(f"/portal/inbox/{n.pk}/open/")["Location"] == "/portal/inbox/"


@pytest.mark.django_db
def test_inbox_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    me = UserFactory(username="counter")
    client.force_login(me)
    for i in range(1):
        notifications.notify([me], kind="t", title=f"n{i}")

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/portal/inbox/").status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for i in range(1, 20):
        notifications.notify([me], kind="t", title=f"n{i}")
    # session, user, memberships (actor), unread count (badge), page count, page rows
    assert count() == one


@pytest.mark.django_db
def test_many_notices_in_one_transaction_schedule_one_delivery(django_capture_on_commit_callbacks):
    users = [UserFactory(username=f"bulk{i}") for i in range(5)]
    with django_capture_on_commit_callbacks() as callbacks:
        for user in users:
            notifications.notify([user], kind="t", title="x")
    assert len(callbacks) == 1
