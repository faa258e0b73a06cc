"""Journey 1: the public, without logging in, in Chinese and then in English.

home → a motion's progress page → its video → its Atom feed → station directory → a station's
reception calendar (page and iCal) → evaluation results.
"""

from __future__ import annotations

import re


def _walk(j, lang: str) -> None:
    page = j.page
    suffix = f"-{lang}"
    j.visit("/", "home" + suffix)
    assert page.locator("html").get_attribute("lang") == lang

    # The motions list, from the main navigation, then the motion with a progress record.
    with page.expect_navigation():
        page.locator("nav.main-nav a[href='/motions/']").first.click()
    j.check("motions" + suffix)
    # Find the Science City North motion (the one with a supervision vlog) with the search box.
    page.locator("main form[role=search] input[name=q]").fill("科学城")
    with page.expect_navigation():
        page.locator("main form[role=search] button[type=submit]").click()
    with page.expect_navigation():
        page.locator("main a[href^='/motions/20']").first.click()
    assert re.search(r"/motions/\d{4}/\d+/$", page.url), page.url
    j.check("motion-progress" + suffix)
    assert page.locator("progress").count() >= 1, "the progress page shows no progress bar"

    # Its video: an uploaded MP4 plays in place; a link to the official video page opens another
    # site (no internet here: the link is checked, not followed).
    videos = page.locator("main video")
    if videos.count():
        videos.first.scroll_into_view_if_needed()
        played = videos.first.evaluate(
            """v => v.play().then(() => new Promise(r => setTimeout(() => r(v.currentTime), 800)))
                      .catch(e => 'error: ' + e)"""
        )
        assert not str(played).startswith("error"), played
    else:
        link = page.locator("main a[rel~=external][href*=video]").first
        assert link.count(), "the motion's progress page has neither a video nor a video link"
        assert "noopener" in link.get_attribute("rel")
        assert link.get_attribute("target") == "_blank"

    # Its Atom feed, from the page's link (the one a feed reader follows too).
    feed_href = page.locator("main a[href$='/feed/']").first.get_attribute("href")
    assert feed_href == page.locator("link[rel=alternate]").first.get_attribute("href")
    feed = page.request.get(j.url(feed_href))
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert feed.text().count("<entry>") >= 1

    # Station directory → a station → its reception calendar (page and iCal subscription).
    with page.expect_navigation():
        page.locator("nav.main-nav a[href='/deputies/stations/']").first.click()
    j.check("stations" + suffix)
    with page.expect_navigation():
        page.locator("main h2 a[href^='/deputies/stations/']").first.click()
    j.check("station" + suffix)
    assert page.locator("#days-h").count() == 1
    ical = page.request.get(
        j.url(page.locator("main a[href$='calendar.ics']").get_attribute("href"))
    )
    assert ical.status == 200 and "BEGIN:VCALENDAR" in ical.text()
    page.go_back()
    with page.expect_navigation():
        page.locator("main a[href='/deputies/reception-days/']").click()
    j.check("reception-days" + suffix)

    # Evaluation results.
    with page.expect_navigation():
        page.locator("nav.main-nav a[href='/evaluations/']").first.click()
    j.check("evaluation-results" + suffix)
    assert page.locator("main h1").count() == 1


def test_public_journey_in_chinese_then_english(journey):
    j = journey("1-public")
    _walk(j, "zh-hans")
    # Switch the language with the header's button, as a visitor does.
    with j.page.expect_navigation():
        j.page.locator("header form.lang-switch button[value=en]").click()
    assert j.page.locator("html").get_attribute("lang") == "en"
    _walk(j, "en")
    j.finish()
