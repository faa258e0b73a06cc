"""Journey 5: a street recorder keeps the joint meeting entry; an expert answers a consultation."""

from __future__ import annotations


def test_street_recorder_keeps_the_joint_meeting_entry(journey):
    j = journey("5-street-recorder")
    page = j.page
    j.login("recorder")
    j.check("dashboard")
    with page.expect_navigation():
        page.locator("nav.main-nav a[href='/portal/joint-meetings/']").click()
    j.check("record-book")
    with page.expect_navigation():
        page.locator("main a[href$='/edit/']").first.click()
    j.check("entry-edit")
    form = page.locator("main form[method=post]")
    form.locator("input[name=place]").fill("北下关街道代表之家二层会议室")
    boxes = form.locator("input[name=attending]")
    for i in range(min(3, boxes.count())):
        boxes.nth(i).check()
    agenda = (
        "一、通报本季度代表建议办理情况；二、交流老旧小区综合整治经验；三、研究下次联席会议题。"
    )
    form.locator("textarea[name=agenda]").fill(agenda)
    form.locator("textarea[name=information]").fill(
        "各街道工委交流了接诉即办与代表联络站结合的做法。"
    )
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    j.check("entry-saved")
    assert "/edit/" not in page.url, f"the entry was not saved: {page.url}"
    assert page.locator("main", has_text="北下关街道代表之家二层会议室").count() == 1
    j.finish()


def test_expert_answers_a_consultation(journey):
    j = journey("5-expert")
    page = j.page
    j.login("expert")
    j.check("dashboard")
    with page.expect_navigation():
        page.locator("nav.main-nav a[href='/portal/experts/']").click()
    j.check("expert-pool")
    with page.expect_navigation():
        page.locator("main a[href^='/portal/experts/invitations/']").first.click()
    j.check("invitation")
    # Declare no conflict of interest, then answer.
    declare = page.locator("main form[action$='/declare/']")
    if declare.count():
        declare.locator("input[name=has_conflict][value=no]").check()
        with page.expect_navigation():
            declare.locator("button[type=submit]").click()
        j.check("declared")
    form = page.locator("main form").filter(has=page.locator("textarea[name=opinion]"))
    assert form.count(), f"no answer form on {page.url}"
    opinion = "建议在决定草案中明确养老服务设施配建标准和运营补贴的绩效评价机制。"
    form.locator("textarea[name=opinion]").fill(opinion)
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    j.check("answered")
    assert page.locator("main", has_text=opinion).count() >= 1
    j.finish()
