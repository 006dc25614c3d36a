"""Phone first: at 360 px no panel scrolls sideways or pushes anything past its edge, tables become
cards, and the responsible-play bar is one compact line that never hides a control."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_every_fold, wait_for_content

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.e2e.conftest import ConsoleLog, OpenDashboard, Server

NARROW = {"width": 360, "height": 740}

# Every element of every panel (not the insides of a chart's SVG) within its panel, and no panel or
# element that scrolls sideways.
OVERFLOWS = """() => {
    const out = [];
    for (const card of document.querySelectorAll('main .card, .responsible')) {
        const box = card.getBoundingClientRect();
        const name = card.querySelector('h2')?.textContent || card.className;
        if (card.scrollWidth > card.clientWidth + 1) out.push(`${name}: scrolls sideways`);
        for (const el of card.querySelectorAll('*')) {
            if (el.closest('svg') && el.tagName !== 'svg') continue;
            if (el.closest('.sr-only') || el.classList.contains('visually-hidden-input')) continue;
            const head = el.closest('thead');  // a card table's header row: clipped, for screen readers
            if (head && getComputedStyle(head).position === 'absolute') continue;
            const r = el.getBoundingClientRect();
            if (!r.width || !r.height) continue;
            if (r.right > box.right + 1 || r.left < box.left - 1)
                out.push(`${name}: <${el.tagName.toLowerCase()} id=${el.id} class=${el.className}> `
                    + `${r.left}-${r.right} outside ${box.left}-${box.right}`);
            const style = getComputedStyle(el);
            if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
                out.push(`${name}: <${el.tagName.toLowerCase()} id=${el.id}> scrolls sideways`);
        }
    }
    return out.slice(0, 20);
}"""


def test_no_panel_overflows_at_360_px(
    open_dashboard: OpenDashboard,
    server: Server,
    screenshot: Callable[[Page, str], Path],
    console: ConsoleLog,
) -> None:
    console.allow(r"status of 422")  # the refused values of the manual entry
    page = open_dashboard(server, viewport=NARROW)
    wait_for_content(page)
    page.locator("#audit-card").scroll_into_view_if_needed()
    expect(page.locator("#audit-verdict")).not_to_have_attribute("data-verdict", "none")
    page.select_option("#strat-rule", "two-bet")
    page.click("#strat-run")
    expect(page.locator("#strat-words")).to_contain_text("lose", timeout=30_000)
    page.fill("#manual-values", "1.5 abc 0.2")
    page.click("#manual-submit")
    expect(page.locator("#manual-errors li")).to_have_count(2)
    open_every_fold(page)
    page.wait_for_timeout(500)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert page.evaluate(OVERFLOWS) == []
    # The models table is one card per model: its header row is not shown, each cell says its name.
    assert page.locator("#models-table thead").bounding_box() is None or page.evaluate(
        "document.querySelector('#models-table thead').getBoundingClientRect().height <= 1"
    )
    label = page.evaluate(
        "getComputedStyle(document.querySelector('#models-table tbody td:nth-child(2)'), '::before').content"
    )
    assert "Verdict" in label
    screenshot(page, "dashboard_360_every_fold_open")


def test_the_responsible_bar_is_compact_and_never_hides_a_control(
    open_dashboard: OpenDashboard, server: Server
) -> None:
    page = open_dashboard(server, viewport={"width": 390, "height": 844})
    wait_for_content(page)
    bar = page.locator(".responsible")
    box = bar.bounding_box()
    assert box is not None and box["height"] <= 48, box
    expect(bar).to_be_in_viewport()
    # Its full text is one tap away.
    page.click("#care-open")
    dialog = page.locator("#care-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("independent of the ones before it")
    expect(dialog.locator("a[href^='https://']").first).to_be_visible()
    page.keyboard.press("Escape")
    # A control scrolled into view is never under the bar.
    for selector in ("#settings-apply", "#manual-submit", "#strat-run", "#verify-submit", "#reset-btn"):
        page.locator(selector).scroll_into_view_if_needed()
        on_top = page.evaluate(
            """sel => { const el = document.querySelector(sel); const r = el.getBoundingClientRect();
                const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                return el.contains(hit); }""",
            selector,
        )
        assert on_top, f"{selector} is covered"
