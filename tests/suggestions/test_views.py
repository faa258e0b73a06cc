"""Pages: who sees what (404 for others' objects), forms that keep input, the flow through pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from congress.models import ObligationState
from motions.suggestions.models import Attachment, Category, Reply, Suggestion
from tests.suggestions import factories
from tests.suggestions.conftest import pdf_letter


@pytest.fixture
def category(db):
    return Category.objects.create(name="教育")


def test_deputy_sees_only_suggestions_they_proposed_or_co_proposed(
    client, term, deputy, other_deputy, make_deputy
):
    zhao = make_deputy("zhao", "赵强")
    [mine] = factories.filed(term, deputy, title="我的建议")
    [co] = factories.filed(term, zhao, co=[deputy], title="联名建议")
    [theirs] = factories.filed(term, other_deputy, title="别人的建议")
    client.force_login(deputy)
    page = client.get(reverse("suggestions:portal_list")).content.decode()
    assert "我的建议" in page and "联名建议" in page
    assert "别人的建议" not in page
    assert client.get(reverse("suggestions:portal_detail", args=[co.pk])).status_code == 200
    assert client.get(reverse("suggestions:portal_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("suggestions:portal_detail", args=[mine.pk])).status_code == 200


def test_unit_sees_only_its_assignments(
    client, term, deputy, unit, other_unit, staff, liaison, other_liaison
):
    s1, s2 = factories.filed(term, deputy, 2)
    [mine] = factories.assigned([s1], unit, staff)
    [theirs] = factories.assigned([s2], other_unit, staff)
    client.force_login(liaison)
    page = client.get(reverse("suggestions:unit_list")).content.decode()
    assert s1.title in page and s2.title not in page
    assert client.get(reverse("suggestions:unit_detail", args=[mine.pk])).status_code == 200
    for name in ("unit_detail",):
        assert client.get(reverse(f"suggestions:{name}", args=[theirs.pk])).status_code == 404
    for name in ("unit_contact", "unit_reply", "unit_return"):
        response = client.post(reverse(f"suggestions:{name}", args=[theirs.pk]), {"reason": "x"})
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "handling"


@pytest.mark.parametrize(
    "name,args",
    [
        ("portal_list", []),
        ("portal_new", []),
        ("unit_list", []),
        ("staff_scores", []),
        ("staff_scores_xlsx", []),
    ],
)
def test_portal_pages_need_a_login(client, db, name, args):
    response = client.get(reverse(f"suggestions:{name}", args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_roles_on_portal_pages(client, term, deputy, liaison, staff, recorder, expert):
    client.force_login(recorder)
    assert client.get(reverse("suggestions:portal_list")).status_code == 403
    assert client.get(reverse("suggestions:portal_new")).status_code == 403
    assert client.get(reverse("suggestions:unit_list")).status_code == 403
    assert client.get(reverse("suggestions:staff_scores")).status_code == 403
    client.force_login(liaison)
    assert client.get(reverse("suggestions:portal_list")).url == reverse("suggestions:unit_list")
    assert client.get(reverse("suggestions:portal_new")).status_code == 403
    assert client.get(reverse("suggestions:staff_scores")).status_code == 403
    assert client.get(reverse("suggestions:staff_scores_xlsx")).status_code == 403
    client.force_login(deputy)
    assert client.get(reverse("suggestions:unit_list")).status_code == 403
    assert client.get(reverse("suggestions:staff_scores")).status_code == 403
    client.force_login(staff)
    assert client.get(reverse("suggestions:portal_list")).url == reverse("suggestions:staff_scores")
    assert client.get(reverse("suggestions:staff_scores")).status_code == 200
    assert client.get(reverse("suggestions:unit_list")).status_code == 200
    client.force_login(expert)
    assert client.get(reverse("suggestions:portal_list")).status_code == 403


def test_filing_through_the_page(client, term, deputy, other_deputy, category):
    client.force_login(deputy)
    response = client.post(
        reverse("suggestions:portal_new"),
        {
            "title": "关于增设口袋公园的建议",
            "category": category.pk,
            "content": "建议在社区增设口袋公园。",
            "co_proposers": [other_deputy.deputy.pk],
            "attachment": pdf_letter("调研报告.pdf"),
        },
    )
    s = Suggestion.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("suggestions:portal_detail", args=[s.pk])
    assert [p.deputy for p in s.proposers.all()] == [deputy.deputy, other_deputy.deputy]
    attachment = Attachment.objects.get()
    assert attachment.title == "调研报告.pdf"
    assert attachment.file.name.endswith(".pdf")


def test_filing_with_empty_content_keeps_the_input(client, term, deputy, category):
    client.force_login(deputy)
    response = client.post(
        reverse("suggestions:portal_new"),
        {"title": "我写好的标题", "category": category.pk, "content": "   "},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "我写好的标题" in page
    assert "content" in response.context["form"].errors
    assert Suggestion.objects.count() == 0


def test_filing_with_a_wrong_type_attachment_is_refused_clearly(client, term, deputy, category):
    client.force_login(deputy)
    fake = SimpleUploadedFile(
        "材料.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
    )
    response = client.post(
        reverse("suggestions:portal_new"),
        {
            "title": "保留的标题",
            "category": category.pk,
            "content": "保留的内容",
            "attachment": fake,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "attachment" in form.errors
    assert "保留的内容" in response.content.decode()
    assert Suggestion.objects.count() == 0


def test_filing_with_an_oversized_attachment_is_refused(client, term, deputy, category, settings):
    settings.UPLOAD_MAX_DOCUMENT_BYTES = 100
    client.force_login(deputy)
    response = client.post(
        reverse("suggestions:portal_new"),
        {
            "title": "标题",
            "category": category.pk,
            "content": "内容",
            "attachment": pdf_letter(),
        },
    )
    assert response.status_code == 200
    assert "attachment" in response.context["form"].errors
    assert Suggestion.objects.count() == 0


def test_unit_replies_through_the_page_only_after_contact(
    client, term, deputy, unit, staff, liaison
):
    [s] = factories.filed(term, deputy)
    [a] = factories.assigned([s], unit, staff)
    client.force_login(liaison)
    url = reverse("suggestions:unit_reply", args=[a.pk])
    response = client.post(
        url, {"reply_class": "A", "text": "我们的答复文字", "letter": pdf_letter()}
    )
    assert response.status_code == 400
    assert "我们的答复文字" in response.content.decode()
    assert response.context["reply_form"].non_field_errors()
    assert Reply.objects.count() == 0

    response = client.post(
        reverse("suggestions:unit_contact", args=[a.pk]),
        {"method": "visit", "contacted_on": timezone.localdate().isoformat(), "note": "座谈"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("suggestions:unit_detail", args=[a.pk])
    response = client.post(url, {"reply_class": "B", "text": "计划解决", "letter": pdf_letter()})
    assert response.status_code == 302
    assert response["Location"] == reverse("suggestions:unit_detail", args=[a.pk])
    reply = Reply.objects.get()
    assert reply.reply_class == "B"
    a.obligation.refresh_from_db()
    assert a.obligation.state == ObligationState.SUBMITTED
    assert reply.follow_up.obligation is not None


def test_reply_letter_must_be_a_pdf(client, term, deputy, unit, staff, liaison):
    from congress.uploads import sample_docx

    [s] = factories.filed(term, deputy)
    [a] = factories.assigned([s], unit, staff)
    client.force_login(liaison)
    client.post(
        reverse("suggestions:unit_contact", args=[a.pk]),
        {"method": "phone", "contacted_on": timezone.localdate().isoformat(), "note": "电话"},
    )
    docx = SimpleUploadedFile("答复.docx", sample_docx(), "application/octet-stream")
    response = client.post(
        reverse("suggestions:unit_reply", args=[a.pk]),
        {"reply_class": "A", "text": "保留的答复", "letter": docx},
    )
    assert response.status_code == 400
    assert "letter" in response.context["reply_form"].errors
    assert "保留的答复" in response.content.decode()


def test_contact_in_the_future_is_refused(client, term, deputy, unit, staff, liaison):
    [s] = factories.filed(term, deputy)
    [a] = factories.assigned([s], unit, staff)
    client.force_login(liaison)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("suggestions:unit_contact", args=[a.pk]),
        {"method": "phone", "contacted_on": tomorrow.isoformat(), "note": "保留的说明"},
    )
    assert response.status_code == 400
    assert "contacted_on" in response.context["contact_form"].errors
    assert "保留的说明" in response.content.decode()


def test_unit_returns_through_the_page(client, term, deputy, unit, staff, liaison):
    [s] = factories.filed(term, deputy)
    [a] = factories.assigned([s], unit, staff)
    client.force_login(liaison)
    response = client.post(reverse("suggestions:unit_return", args=[a.pk]), {"reason": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("suggestions:unit_return", args=[a.pk]), {"reason": "不属于本单位职责"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("suggestions:unit_list")  # no longer the unit's
    a.refresh_from_db()
    assert a.state == "returned"


def test_deputy_rates_through_the_page(client, term, deputy, other_deputy, unit, staff, liaison):
    [s] = factories.filed(term, deputy)
    [a] = factories.assigned([s], unit, staff)
    reply = factories.replied(a, liaison)
    url = reverse("suggestions:portal_rate", args=[reply.pk])
    client.force_login(other_deputy)  # not a proposer
    assert client.post(url, {f"r{reply.pk}-result": "satisfied"}).status_code == 404
    client.force_login(deputy)
    detail = client.get(reverse("suggestions:portal_detail", args=[s.pk]))
    assert f'id="rate-{reply.pk}"' in detail.content.decode()
    response = client.post(url, {f"r{reply.pk}-result": "unsatisfied", f"r{reply.pk}-comment": ""})
    assert response.status_code == 400
    assert reply.ratings.count() == 0
    response = client.post(url, {f"r{reply.pk}-result": "satisfied"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.state == "done"


def test_dashboard_panel_lists_replies_to_rate(client, term, deputy, unit, staff, liaison):
    [s] = factories.filed(term, deputy, title="等待评价的建议")
    [a] = factories.assigned([s], unit, staff)
    factories.replied(a, liaison)
    client.force_login(deputy)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "等待评价的建议" in page


def test_public_pages_show_only_published_texts(client, term, deputy, unit, staff, liaison):
    s1, s2 = factories.filed(term, deputy, 2)
    [a] = factories.assigned([s1], unit, staff)
    reply = factories.replied(a, liaison)
    from motions.suggestions.services import set_published

    set_published(s1, actor=staff, text=True, replies=True)
    assert client.get(reverse("suggestions:public_stats")).status_code == 200
    page = client.get(reverse("suggestions:public_list")).content.decode()
    assert s1.title in page and s2.title not in page
    detail = client.get(reverse("suggestions:public_detail", args=[s1.pk])).content.decode()
    assert reply.text in detail
    assert "13912345678" not in detail  # deputies' mobiles never appear
    assert client.get(reverse("suggestions:public_detail", args=[s2.pk])).status_code == 404


def test_withdraw_through_the_page(client, term, deputy, other_deputy):
    [s] = factories.filed(term, deputy, co=[other_deputy])
    url = reverse("suggestions:portal_withdraw", args=[s.pk])
    client.force_login(other_deputy)  # co-proposer: sees the suggestion, may not withdraw it
    assert client.post(url).status_code == 302
    s.refresh_from_db()
    assert s.state == "filed"
    client.force_login(deputy)
    detail = client.get(reverse("suggestions:portal_detail", args=[s.pk])).content.decode()
    assert f'action="{url}"' in detail
    client.post(url)
    s.refresh_from_db()
    assert s.state == "withdrawn"


def test_withdraw_someone_elses_suggestion_is_404(client, term, deputy, other_deputy):
    [s] = factories.filed(term, other_deputy)
    client.force_login(deputy)
    assert client.post(reverse("suggestions:portal_withdraw", args=[s.pk])).status_code == 404


def test_unit_list_marks_deadlines_as_time_passes(client, term, deputy, unit, staff, liaison):
    import time_machine

    [s] = factories.filed(term, deputy)
    factories.assigned([s], unit, staff)  # 15 January 2024, due 15 April 2024
    url = reverse("suggestions:unit_list")
    # Sessions expire after 30 idle minutes: log in again at each point in time.
    with time_machine.travel(timezone.make_aware(dt.datetime(2024, 4, 10, 9)), tick=False):
        client.force_login(liaison)
        page = client.get(url).content.decode()
    assert '<span class="tag warn">' in page and "2024-04-15" in page
    assert '<span class="tag danger">' not in page
    with time_machine.travel(timezone.make_aware(dt.datetime(2024, 4, 16, 9)), tick=False):
        client.force_login(liaison)
        response = client.get(url)
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    assert '<span class="tag danger">' in response.content.decode()
