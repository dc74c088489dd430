"""Playwright driving Debian's Chromium against pytest-django's live server (or, where a
module overrides `site` with tests.asgi_server's fixture, against uvicorn)."""

import os

import pytest

from conftest import CHROMIUM

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server):
    """The server the pages come from: pytest-django's WSGI live server by default."""
    return live_server


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def login(page, username, password):
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


@pytest.fixture
def open_as(browser, site):
    """open_as(user, width=1280, height=800): a logged-in page in a context of its own
    (several people at once, or a phone's viewport); user None stays logged out."""
    from tests.factories import PASSWORD

    contexts, native = [], []

    def refuse(dialog):
        native.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open_page(user=None, width=1280, height=800):
        context = browser.new_context(
            base_url=site.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        # Every confirmation is in the page: a native dialog fails the test.
        page.on("dialog", refuse)
        if user is not None:
            login(page, user.username, PASSWORD)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert native == [], "window.alert/confirm/prompt was used"
