"""Journey 4: staff of the general office, in the admin and the staff pages — register and assign
a submitted motion → publish a progress update with a photo → approve an extension → export the
suggestion scoring table.

Staff must pass the second factor (congress.mfa): the login helper answers the code page with the
demo's TOTP key, or enrols the account (the key is on the enrolment page) when it has no device.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from congress.uploads import sample_jpeg


def _admin_action(j, changelist: str, row_text: str, action: str) -> None:
    page = j.page
    j.visit(changelist, f"admin-{action}")
    row = page.locator("#result_list tbody tr").filter(has_text=row_text).first
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(action)
    with page.expect_navigation():
        page.locator("button[name=index], input[name=index]").first.click()


def test_staff_register_assign_publish_approve_export(journey, tmp_path):
    j = journey("4-staff")
    page = j.page
    j.login("staff")
    j.visit("/admin/", "admin-index")

    # A motion of a delegation, entered by staff (it waits for review: submitted), then
    # registered (立案) and assigned (交办) with the admin's actions.
    j.visit("/portal/motions/new-body-motion/", "body-motion-new")
    form = page.locator("main form[method=post]")
    form.locator("select[name=session]").select_option(index=0)
    form.locator("select[name=proposer_kind]").select_option(index=1)
    form.locator("input[name=proposer_name]").fill("北下关代表团")
    title = "关于加快推进中小学体育场地开放试点的议案（浏览器测试）"
    form.locator("input[name=title]").fill(title)
    form.locator("select[name=topic]").select_option(index=1)
    form.locator("textarea[name=reasons]").fill("学校体育场地课余时间闲置，社区健身场地不足。")
    form.locator("textarea[name=measures]").fill("分批开放学校体育场地，建立预约和保险机制。")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    j.check("body-motion-entered")
    pk = re.search(r"/portal/motions/(\d+)/", page.url).group(1)
    _admin_action(j, "/admin/motions/motion/?q=" + title[:12], title, "register")
    j.check("registered")
    assert page.locator(".messagelist .success, .messagelist li").count()
    _admin_action(j, "/admin/motions/motion/?q=" + title[:12], title, "assign")
    j.check("assign-form")
    form = page.locator("#content form")
    form.locator("select[name=lead_unit]").select_option(label="区教委")
    form.locator("select[name=supervising_office]").select_option(index=1)
    with page.expect_navigation():
        form.locator("input[name=apply]").click()
    j.check("assigned")
    assert "/admin/motions/motion/" in page.url
    j.visit(f"/admin/motions/motion/{pk}/change/", "motion-change")

    # Publish a progress update with a photo (posted in the staff pages, where files are checked).
    j.visit(f"/portal/motions/{pk}/", "portal-motion")
    with page.expect_navigation():
        page.locator("main a[href$='/updates/new/']").first.click()
    j.check("update-new")
    form = page.locator("main form[method=post]")
    form.locator("select[name=kind]").select_option(index=1)
    update_title = "代表视察学校体育场地开放试点"
    form.locator("input[name=title]").fill(update_title)
    form.locator("input[name=happened_on]").fill(dt.date.today().isoformat())
    form.locator("textarea[name=text]").fill("代表实地察看试点学校的预约入口和安全管理措施。")
    photo = tmp_path / "inspection.jpg"
    photo.write_bytes(sample_jpeg((640, 480)))
    form.locator("input[name=photos]").set_input_files(str(photo))
    publish = form.locator("input[name=publish]")
    if publish.count():
        publish.check()
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    j.check("update-posted")
    # It is on the public progress page, with its photo.
    public = page.locator("a[href^='/motions/20']").first.get_attribute("href")
    j.visit(public, "public-progress")
    update = page.locator("main article.update", has_text=update_title)
    assert update.count() == 1, "the update is not on the public page"
    image = update.locator("img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )

    # Approve an extension waiting for a decision (staff deadline dashboard).
    j.visit("/portal/deadlines/", "deadlines")
    waiting = page.locator("section[aria-labelledby=dl-ext] a")
    assert waiting.count(), "no extension request is waiting in the demo data"
    with page.expect_navigation():
        waiting.first.click()
    j.check("extension-request")
    form = page.locator("main form[action*='/decide/']").first
    form.locator("input[name=decision][value=approve]").check()
    form.locator("textarea[name=note]").fill("主任会议同意延期。")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    j.check("extension-approved")
    assert page.locator("main form[action*='/decide/']").count() == 0

    # Export the suggestion scoring table.
    j.visit("/portal/suggestions/scores/", "scores")
    with page.expect_download() as download_info:
        page.locator("main a[href*='scores.xlsx']").first.click()
    path = download_info.value.path()
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    assert sheet.max_row >= 2, "the scoring table is empty"
    j.finish()
