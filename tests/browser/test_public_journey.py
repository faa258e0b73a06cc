"""Journey 1: the public, without logging in, in Chinese and then in English.

home → a motion's progress page → its video → its Atom feed → station directory → a station's
reception calendar (page and iCal) → evaluation results.
"""

from __future__ import annotations

import re

# Plays a <video> (a script call, as the play button does; the demo video has no sound track)
# and reports within 8 s: whether 'playing' fired, how far currentTime advanced, the decoded
# size, the number of decoded frames and any media error.
PLAY = """v => new Promise(resolve => {
  const result = {playing: false, advanced: 0, error: null, width: 0, height: 0, frames: 0};
  const started = performance.now();
  let start = null;
  const done = () => {
    result.advanced = start === null ? 0 : v.currentTime - start;
    result.width = v.videoWidth;
    result.height = v.videoHeight;
    const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : null;
    result.frames = q ? q.totalVideoFrames : 0;
    if (v.error) result.error = `media error ${v.error.code}: ${v.error.message}`;
    resolve(result);
  };
  v.addEventListener('playing', () => { result.playing = true; }, {once: true});
  v.addEventListener('error', done, {once: true});
  const tick = () => {
    if (result.playing && start === null) start = v.currentTime;
    if (start !== null && v.currentTime - start >= 1) return done();
    if (performance.now() - started > 8000) return done();
    setTimeout(tick, 100);
  };
  v.muted = true;
  v.play().then(tick, e => { result.error = 'play() refused: ' + e; done(); });
})"""


# The evaluation results chart: every label and value lies inside the viewport, none overlaps
# another or a bar, none is cut (its text wider than its box) and each is rendered at least 12
# CSS px tall with a font of at least 12 px (an SVG scaled down to a phone fails this).
CHART = """() => {
  const texts = [...document.querySelectorAll(
    'main figure .bar-label, main figure .bar-value, main figure svg text')];
  const bars = [...document.querySelectorAll('main figure .bar')];
  const width = document.documentElement.clientWidth;
  const box = el => {
    const r = el.getBoundingClientRect();
    return {el, text: (el.textContent || '').trim() || el.tagName, l: r.left, r: r.right,
            t: r.top, b: r.bottom, h: r.height};
  };
  const problems = [];
  const tb = texts.map(box), bb = bars.map(box);
  for (const x of tb) {
    if (x.l < -0.5 || x.r > width + 0.5) problems.push(`outside the viewport: ${x.text}`);
    if (x.el.scrollWidth > x.el.clientWidth + 1 && x.el.clientWidth)
      problems.push(`cut: ${x.text} (${x.el.scrollWidth} > ${x.el.clientWidth})`);
    const font = parseFloat(getComputedStyle(x.el).fontSize);
    if (x.h < 12 || font < 12) problems.push(`too small: ${x.text} (${x.h.toFixed(1)}px)`);
  }
  const overlap = (a, c) => a.l < c.r - 0.5 && c.l < a.r - 0.5 && a.t < c.b - 0.5 && c.t < a.b - 0.5;
  for (let i = 0; i < tb.length; i++) {
    for (let k = i + 1; k < tb.length; k++)
      if (overlap(tb[i], tb[k])) problems.push(`overlap: ${tb[i].text} / ${tb[k].text}`);
    for (const c of bb) if (overlap(tb[i], c)) problems.push(`over a bar: ${tb[i].text}`);
  }
  return {labels: texts.length, bars: bars.length, problems};
}"""


def _chart_is_legible(j) -> None:
    for width in (375, 1280):
        j.page.set_viewport_size({"width": width, "height": j.viewport["height"]})
        result = j.page.evaluate(CHART)
        assert result["bars"] >= 3, f"the results chart has {result['bars']} bars at {width}px"
        assert result["labels"] == 2 * result["bars"], result  # a label and a value per bar
        assert not result["problems"], f"chart at {width}px: {result['problems']}"
    j.page.set_viewport_size(j.viewport)


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

    # Its video: the demo's uploaded MP4 (motions/demo_assets/vlog-sample.mp4, H.264, which
    # Debian's chromium decodes) must really play in place: the 'playing' event fires, the
    # clock advances and frames are decoded. No fallback: if the video is gone, this fails.
    videos = page.locator("main video")
    assert videos.count() >= 1, "the motion's progress page shows no uploaded video"
    video = videos.first
    video.scroll_into_view_if_needed()
    assert video.get_attribute("controls") is not None
    assert video.get_attribute("aria-label"), "the video has no accessible name"
    played = video.evaluate(PLAY)
    assert played["error"] is None, played
    assert played["playing"], f"the 'playing' event never fired: {played}"
    assert played["advanced"] >= 0.5, f"the video's clock did not advance: {played}"
    assert played["width"] == 320 and played["height"] == 180, played  # frames decoded
    assert played["frames"] > 0, played
    j.shots += 1
    video.screenshot(path=str(j.folder / f"{j.shots:02d}-video-playing{suffix}.png"))
    video.evaluate("v => v.pause()")
    # The same update also links the official video page: checked, not followed (no internet).
    link = page.locator("main a[rel~=external][href*=video]").first
    assert link.count(), "the motion's progress page has no link to the official video page"
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

    # Evaluation results: the latest year, then the year with the most departments (the
    # first evaluation year, 2022 in the demo), whose chart must be legible on a phone.
    with page.expect_navigation():
        page.locator("nav.main-nav a[href='/evaluations/']").first.click()
    j.check("evaluation-results" + suffix)
    assert page.locator("main h1").count() == 1
    with page.expect_navigation():
        page.locator("main .year-tabs a").last.click()
    j.check("evaluation-results-first-year" + suffix)
    _chart_is_legible(j)


def test_public_journey_in_chinese_then_english(journey):
    j = journey("1-public")
    _walk(j, "zh-hans")
    # Switch the language with the header's button, as a visitor does.
    with j.page.expect_navigation():
        j.page.locator("header form.lang-switch button[value=en]").click()
    assert j.page.locator("html").get_attribute("lang") == "en"
    _walk(j, "en")
    j.finish()
