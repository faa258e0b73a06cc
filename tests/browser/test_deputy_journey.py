"""Journey 2: a deputy on a phone (375 × 812), once with pointer taps and once by keyboard only.

log in (second factor when asked) → dashboard → draft a motion → invite a co-signer; the other
deputy co-signs → file a suggestion → rate a reply → cast an evaluation ballot → record a voter
opinion at a reception day → publish a duty record entry (and see it on the public deputy page).

The same journey code runs twice through an `Actor`: with taps (`fill`, `click`; screenshots and
axe at 375 px and 1280 px on every page), and keyboard-only (every control reached with Tab from
the previous one and operated with the keyboard: typing, arrow keys, Space, Enter), as `deputy2`
(the keyboard run has no reply to rate in the demo data: that step is taken only when the
dashboard offers one).
"""

from __future__ import annotations

import re
import time

from tests.browser.support import PHONE

STAMP = time.strftime("%H%M%S")


class Actor:
    """Operates controls with the pointer, or with the keyboard only (Tab until focused)."""

    def __init__(self, journey, keyboard: bool):
        self.j = journey
        self.page = journey.page
        self.keyboard = keyboard

    def _tab_to(self, locator) -> None:
        handle = locator.element_handle()
        assert handle is not None, f"nothing to reach: {locator}"
        for _ in range(400):
            if self.page.evaluate("el => document.activeElement === el", handle):
                # Focus must be visible (WCAG 2.4.7): an outline or a box shadow.
                visible = self.page.evaluate(
                    """el => { const s = getComputedStyle(el);
                        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                            || s.boxShadow !== 'none'; }""",
                    handle,
                )
                assert visible, f"no visible focus on {locator}"
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {locator}")

    def click(self, locator) -> None:
        """Follows a link or presses a submit button: a navigation follows."""
        with self.page.expect_navigation():
            if self.keyboard:
                self._tab_to(locator)
                self.page.keyboard.press("Enter")
            else:
                locator.click()

    def fill(self, locator, text: str) -> None:
        if self.keyboard:
            self._tab_to(locator)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.insert_text(text)  # IME-like input of Chinese text
        else:
            locator.fill(text)

    def choose(self, select, index: int = 1) -> str:
        """Picks the option at `index` of a <select>; returns its text."""
        if self.keyboard:
            self._tab_to(select)
            self.page.keyboard.press("Home")
            for _ in range(index):
                self.page.keyboard.press("ArrowDown")
            selected = select.evaluate("s => s.selectedIndex")
            assert selected == index, f"keyboard selection landed on {selected}"
        else:
            select.select_option(index=index)
        return select.evaluate("s => s.options[s.selectedIndex].text")

    def check(self, box) -> None:
        if self.keyboard:
            self._tab_to(box)
            self.page.keyboard.press("Space")
        else:
            box.check()
        assert box.is_checked()

    def date(self, locator, iso: str) -> None:
        if self.keyboard:
            self._tab_to(locator)
            # A date field takes its parts in the browser's order: headless chromium uses
            # month/day/year whatever the page's language; year/month/day is tried next.
            year, month, day = iso.split("-")
            keys = self.page.keyboard
            keys.type(month), keys.type(day), keys.type(year)
            if locator.input_value() != iso:
                keys.press("Shift+Tab"), keys.press("Shift+Tab")
                keys.type(year), keys.press("ArrowRight"), keys.type(month), keys.type(day)
            assert locator.input_value() == iso, locator.input_value()
        else:
            locator.fill(iso)

    def submit(self, form) -> None:
        self.click(form.locator("button[type=submit], button:not([type])").first)


def _deputy_name(j) -> str:
    """The name in the dashboard's greeting ("Hello, 李明" / "李明，您好")."""
    h1 = j.page.locator("main h1").first.inner_text()
    return re.sub(r"Hello|您好|[,，!！\s]", "", h1)


def _run(journey, me: str, other: str, keyboard: bool):
    tag = "keyboard" if keyboard else "taps"
    j = journey(f"2-deputy-{tag}", viewport=PHONE, audit=not keyboard)
    me_ = Actor(j, keyboard)
    page = j.page
    j.login(me, keyboard=keyboard)
    assert page.url.endswith("/portal/")
    j.check("dashboard")
    my_name = _deputy_name(j)

    # Draft a motion.
    me_.click(page.locator("nav.main-nav a[href='/portal/motions/']"))
    j.check("motions")
    me_.click(page.locator("main a[href='/portal/motions/new/']"))
    j.check("motion-new")
    form = page.locator("main form[method=post]")
    me_.choose(form.locator("select[name=session]"), 0)
    title = f"关于完善社区老年助餐服务网络的议案（{tag} {STAMP}）"
    me_.fill(form.locator("input[name=title]"), title)
    me_.choose(form.locator("select[name=topic]"), 1)
    me_.fill(form.locator("textarea[name=reasons]"), "辖区老年人口持续增长，社区助餐点分布不均。")
    me_.fill(
        form.locator("textarea[name=grounds]"), "《北京市居家养老服务条例》对助餐服务作了规定。"
    )
    me_.fill(form.locator("textarea[name=measures]"), "按十五分钟生活圈补齐助餐点，完善补贴机制。")
    me_.submit(form)
    assert re.search(r"/portal/motions/\d+/$", page.url), page.url
    motion_path = j.path()
    assert page.locator("main h1").inner_text() == title
    j.check("motion-draft")

    # Invite the other deputy as a co-signer (the other deputy's name from their own dashboard).
    other_j = journey(f"2-deputy-{tag}-cosigner", viewport=PHONE, audit=not keyboard)
    them = Actor(other_j, keyboard)
    other_j.login(other, keyboard=keyboard)
    other_name = _deputy_name(other_j)
    me_.click(page.locator("main a[href$='/invite/']"))
    j.check("invite")
    me_.fill(page.locator("main input[name=q]"), other_name)
    me_.submit(page.locator("main form[role=search]"))
    j.check("invite-found")
    found = page.locator("main form[method=post] label", has_text=other_name)
    if found.count():  # ticked in the search results
        me_.check(found.first.locator("input[type=checkbox]"))
    else:  # or typed by name
        me_.fill(page.locator("main textarea[name=names]"), other_name)
    me_.submit(page.locator("main form[method=post]"))
    assert j.path() == motion_path, page.url
    assert page.locator("main", has_text=other_name).count()
    j.check("invited")

    # The other deputy co-signs from their portal.
    other_j.visit(motion_path, "cosign")
    them.click(other_j.page.locator("main button[name=accept][value='1']"))
    assert other_j.page.locator("main form[action$='/cosign/'] button[value='0']").count()
    other_j.check("cosigned")
    other_j.finish()

    # File a suggestion.
    me_.click(page.locator("nav.main-nav a[href='/portal/suggestions/']"))
    j.check("suggestions")
    me_.click(page.locator("main a[href='/portal/suggestions/new/']"))
    j.check("suggestion-new")
    form = page.locator("main form[method=post]")
    suggestion = f"关于增设学校周边护学岗的建议（{tag} {STAMP}）"
    me_.fill(form.locator("input[name=title]"), suggestion)
    me_.choose(form.locator("select[name=category]"), 2)
    me_.fill(
        form.locator("textarea[name=content]"),
        "上下学高峰时段学校周边车流量大，建议增设护学岗并施划临时停车区。",
    )
    me_.submit(form)
    assert re.search(r"/portal/suggestions/\d+/$", page.url), page.url
    assert suggestion in page.locator("main h1").inner_text()
    j.check("suggestion-filed")

    # Rate a reply, when the dashboard offers one.
    j.visit("/portal/", "dashboard-again", audit=False)
    to_rate = page.locator("main a[href*='#rate-']")
    if to_rate.count():
        me_.click(to_rate.first)
        j.check("rate-reply")
        form = page.locator("main form[action*='/rate/']")
        me_.check(form.locator("input[type=radio]").first)
        me_.fill(form.locator("textarea"), "答复具体，措施可行，感谢承办单位。")
        me_.submit(form)
        assert page.locator("main form[action*='/rate/']").count() == 0
        j.check("reply-rated")
    else:
        assert keyboard, "the demo deputy has a reply to rate"

    # Cast an evaluation ballot.
    j.visit("/portal/", "dashboard-ballots", audit=False)
    me_.click(page.locator("main a[href='/portal/evaluations/ballots/']"))
    j.check("ballots")
    form = page.locator("main form[action$='/cast/']").first
    action = form.get_attribute("action")
    me_.check(form.locator("input[type=radio]").first)
    me_.submit(form)
    assert page.locator(f"main form[action='{action}']").count() == 0, "the ballot is still open"
    j.check("ballot-cast")

    # Record a voter opinion at a reception day.
    j.visit("/portal/deputies/", "deputy-page")
    me_.click(page.locator("main a[href='/portal/deputies/opinions/new/']"))
    j.check("opinion-new")
    form = page.locator("main form[method=post]")
    me_.choose(form.locator("select[name=station]"), 1)
    day = me_.choose(form.locator("select[name=reception_day]"), 1)
    received = re.search(r"\d{4}-\d{2}-\d{2}", day).group(0)
    me_.date(form.locator("input[name=received_on]"), received)
    me_.choose(form.locator("select[name=category]"), 1)
    me_.fill(form.locator("textarea[name=content]"), f"小区路灯损坏多日无人维修（{tag}）。")
    me_.submit(form)
    assert re.search(r"/portal/deputies/opinions/\d+/$", page.url), page.url
    j.check("opinion-recorded")

    # Publish a duty record entry, then find it on the public deputy page.
    j.visit("/portal/deputies/record/new/", "duty-new")
    form = page.locator("main form[method=post]")
    me_.choose(form.locator("select[name=kind]"), 0)
    activity = f"参加学校周边交通安全专题调研（{tag} {STAMP}）"
    me_.fill(form.locator("input[name=title]"), activity)
    me_.date(form.locator("input[name=date]"), time.strftime("%Y-%m-%d"))
    me_.fill(form.locator("textarea[name=note]"), "实地察看三所学校周边道路。")
    me_.submit(form)
    assert j.path().startswith("/portal/deputies/record/"), page.url
    row = page.locator("main tr").filter(has_text=activity).first
    assert row.locator(".tag.ok").count() == 0  # private until published
    me_.check(row.locator("input[type=checkbox]"))
    me_.click(page.locator("main button[name=publish][value='1']"))
    j.check("duty-published")
    assert page.locator("main tr").filter(has_text=activity).locator(".tag.ok").count() == 1
    # The public deputy page shows it, found through the directory's search.
    j.visit(f"/deputies/?q={my_name}", "deputy-directory")
    with page.expect_navigation():
        page.locator("main a", has_text=my_name).first.click()
    j.check("public-deputy-page")
    assert page.locator("main section[aria-labelledby=duty-h]", has_text=activity).count() == 1
    j.finish()
    return my_name, activity


def test_deputy_journey_on_a_phone(journey):
    _run(journey, "deputy", "deputy2", keyboard=False)


def test_deputy_journey_keyboard_only(journey):
    _run(journey, "deputy2", "deputy", keyboard=True)
