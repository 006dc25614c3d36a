"""Responsible play: the reality check appears at its interval (a fake clock), is off by default and
says only the time spent; the cost of play is said by the game's odds and by the last strategy test."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_for_content

if TYPE_CHECKING:
    from tests.e2e.conftest import OpenDashboard, Server


def with_fake_clock(tab: Page) -> None:
    tab.clock.install()


def test_the_reality_check_comes_at_its_interval_and_is_off_by_default(
    open_dashboard: OpenDashboard, server: Server
) -> None:
    page = open_dashboard(server, before=with_fake_clock)
    reminder = page.locator("#reality-check")
    expect(page.locator("#reality-every")).to_have_value("0")
    page.clock.fast_forward("01:00:00")
    page.wait_for_timeout(300)
    expect(reminder).to_be_hidden()  # off unless the player turns it on

    page.click("#care-open")
    page.select_option("#reality-every", "15")
    page.keyboard.press("Escape")
    # Opened an hour ago (fake time): the next reminder is at 1 h 15 min.
    page.clock.fast_forward("14:00")
    page.wait_for_timeout(300)
    expect(reminder).to_be_hidden()
    page.clock.fast_forward("01:05")
    expect(reminder).to_be_visible()
    expect(reminder).to_contain_text("you have been watching for 1 hour 15 minutes")
    text = reminder.inner_text().lower()
    assert "next" not in text and "countdown" not in text  # never a hint about what comes
    page.click("#reality-ok")
    expect(reminder).to_be_hidden()
    page.clock.fast_forward("15:00")
    expect(reminder).to_contain_text("1 hour 30 minutes")
    # The choice is kept in this browser.
    assert page.evaluate("JSON.parse(localStorage.getItem('aviator.care')).every") == 15
    page.click("#reality-help")
    expect(page.locator("#care-dialog")).to_be_visible()
    page.select_option("#reality-every", "0")  # leave it off for the other tests of this context


def test_the_cost_note_says_what_play_loses(open_dashboard: OpenDashboard, server: Server) -> None:
    page = open_dashboard(server)
    wait_for_content(page)
    page.click("#care-open")
    expect(page.locator("#care-cost")).to_contain_text("every $100 staked returns $97")
    expect(page.locator("#care-lab")).to_contain_text("Run a betting rule")
    page.keyboard.press("Escape")
    page.select_option("#strat-rule", "martingale")
    page.fill("#strat-rounds", "100")
    page.click("#strat-run")
    expect(page.locator("#strat-words")).to_contain_text("lose", timeout=30_000)
    page.click("#care-open")
    expect(page.locator("#care-lab")).to_contain_text("Your last strategy test (Martingale")
    expect(page.locator("#care-lab")).to_contain_text("lost per session on average")
