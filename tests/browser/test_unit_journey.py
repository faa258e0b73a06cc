"""Journey 3: a unit liaison (区教委) — what is owed → a handling report with an attachment →
an extension asked for another report."""

from __future__ import annotations

import datetime as dt
import re

from congress.uploads import sample_pdf


def test_unit_liaison_reports_and_asks_for_an_extension(journey, tmp_path):
    j = journey("3-unit-liaison")
    page = j.page
    j.login("liaison")
    j.check("dashboard")

    # What is owed: the unit's "reports owed" page, from the portal navigation.
    with page.expect_navigation():
        page.locator("nav.main-nav a[href='/portal/obligations/']").click()
    j.check("reports-owed")
    owed = page.locator("main a[href^='/portal/obligations/']")
    assert owed.count() >= 2

    # A motion's handling plan (办理方案) with a PDF attached.
    with page.expect_navigation():
        owed.filter(has_text="办理方案").first.click()
    j.check("obligation")
    obligation_path = j.path()
    form = page.locator("main form[action$='/submit/']")
    form.locator("input[name=title]").fill("区教委关于推进中小学体育场地开放议案的办理方案")
    form.locator("textarea[name=text]").fill(
        "一、成立工作专班；二、首批开放二十所学校体育场地；三、建立预约与保险机制。"
    )
    attachment = tmp_path / "办理方案.pdf"
    attachment.write_bytes(sample_pdf("Handling plan"))
    form.locator("input[type=file]").set_input_files(str(attachment))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    j.check("report-submitted")
    assert j.path().startswith(obligation_path), page.url
    assert page.locator("main form[action$='/submit/']").count() == 0, "still asks for the report"
    document = page.locator("main a[href*='/documents/']").first
    assert document.count(), "the attachment is not listed"
    download = page.request.get(j.url(document.get_attribute("href")))
    assert download.status == 200 and download.body().startswith(b"%PDF")

    # Another report owed: ask for an extension.
    j.visit("/portal/obligations/?state=open", "reports-open")
    candidates = page.locator("main a[href^='/portal/obligations/']").filter(has_text="报告")
    with page.expect_navigation():
        candidates.first.click()
    form = page.locator("main form[action$='/extension/']")
    assert form.count(), f"no extension form on {page.url}"
    # Later than the current due date (the latest date in the obligation's facts).
    facts = page.locator("main dl").first.inner_text()
    due = max(dt.date.fromisoformat(d) for d in re.findall(r"\d{4}-\d{2}-\d{2}", facts))
    later = (due + dt.timedelta(days=30)).isoformat()
    form.locator("input[name=requested_due_date]").fill(later)
    form.locator("textarea[name=reason]").fill("涉及多部门协调，需延期三十日报送。")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    j.check("extension-asked")
    assert page.locator("main form[action$='/extension/withdraw/']").count() == 1
    j.finish()
