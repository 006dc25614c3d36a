"""Accessibility: axe-core finds no serious or critical violation over the whole page, desktop and phone,
light and dark; the theme follows the system setting; colour is never the only signal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.e2e.conftest import DESKTOP, PHONE, open_every_fold, serious_violations, wait_for_content

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.e2e.conftest import OpenDashboard, Server

BACKGROUNDS = {"dark": "rgb(11, 15, 23)", "light": "rgb(243, 245, 249)"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_axe_finds_nothing_serious_and_the_theme_follows_the_system(
    open_dashboard: OpenDashboard,
    server: Server,
    screenshot: Callable[[Page, str], Path],
    scheme: Literal["light", "dark"],
    name: str,
    viewport: ViewportSize,
) -> None:
    page = open_dashboard(server, viewport=viewport, color_scheme=scheme)
    wait_for_content(page)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == BACKGROUNDS[scheme]
    # Fill the panels that load on demand, so their content is checked too.
    page.locator("#audit-card").scroll_into_view_if_needed()
    expect(page.locator("#audit-verdict")).not_to_have_attribute("data-verdict", "none")
    page.click("#strat-run")
    expect(page.locator("#strat-words")).to_contain_text("lose", timeout=30_000)
    screenshot(page, f"dashboard_{name}_{scheme}")
    open_every_fold(page)
    assert serious_violations(page) == []
    # The dialogs too, as a player opens them.
    page.click("#care-open")
    expect(page.locator("#care-dialog")).to_be_visible()
    assert serious_violations(page) == []


def test_colour_is_never_the_only_signal(page: Page) -> None:
    wait_for_content(page)
    # Each multiplier says in a shape and in words whether it reached the target.
    cell = page.locator("#rounds-table tbody tr td.mult").first
    assert cell.inner_text()[0] in "▲▼"
    expect(cell.locator(".sr-only")).to_contain_text("your target")
    # The chart's points differ in shape as well as colour.
    symbols = page.evaluate("new Set(document.getElementById('history-chart').data[0].marker.symbol).size")
    assert symbols == 2
    # Verdicts carry words and a sign, whatever their colour.
    for verdict in page.locator(
        "#models-table tbody td.verdict-none, #models-table tbody td.verdict-worse"
    ).all():
        assert verdict.inner_text().strip()[0] in "=✗…"
    # The connection state is written out, not only a coloured dot.
    expect(page.locator("#conn-text")).to_have_text("Live")


def test_every_control_works_from_the_keyboard(page: Page) -> None:
    wait_for_content(page)
    # The folds open with the keyboard.
    fold = page.locator(
        "#pred-title ~ details.how summary, section:has(#pred-title) details.how summary"
    ).first
    fold.focus()
    page.keyboard.press("Enter")
    expect(page.locator("section:has(#pred-title) details.how")).to_have_attribute("open", "")
    # The responsible-play dialog opens and closes with the keyboard.
    page.focus("#care-open")
    page.keyboard.press("Enter")
    expect(page.locator("#care-dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#care-dialog")).to_be_hidden()
    # The strategy lab runs from the keyboard.
    page.focus("#strat-rounds")
    page.keyboard.press("Enter")
    expect(page.locator("#strat-words")).to_contain_text("lose", timeout=30_000)
    # The file chooser is reachable: its input takes focus (the label shows the focus ring).
    page.focus("#file-input")
    assert page.evaluate("document.activeElement.id") == "file-input"
    # Every control can take focus, none is removed from the tab order.
    unreachable = page.evaluate(
        """[...document.querySelectorAll(
                'main button, main select, main input, main textarea, main a[href], main summary')]
            .filter(e => e.tabIndex < 0 && !e.disabled).map(e => e.id || e.outerHTML.slice(0, 60))"""
    )
    assert unreachable == []
