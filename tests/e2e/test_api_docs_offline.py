"""The API docs work with the network blocked: their assets come from an installed package."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import Browser, Route, expect

if TYPE_CHECKING:
    from tests.e2e.conftest import Server


def test_docs_and_redoc_render_with_the_network_blocked(browser: Browser, server: Server) -> None:
    context = browser.new_context()
    outside: list[str] = []

    def block(route: Route) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(f"{route.request.resource_type} {route.request.url}")
            route.abort()

    context.route("**/*", block)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Aviator Predictor")
        expect(page.locator(".opblock-summary-path", has_text="/api/rounds").first).to_be_visible()
        page.goto(f"{server.url}/redoc")
        expect(page.locator("h1", has_text="Aviator Predictor")).to_be_visible()
    finally:
        context.close()
    # Nothing the docs need comes from outside: at most Redoc's "powered by" logo is asked for.
    assert all(request.startswith("image ") for request in outside), outside
