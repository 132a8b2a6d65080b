"""Headless Chromium (Debian's package) driven by Playwright against a live server."""
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
# Milliseconds Playwright waits for an element or a navigation before the test fails.
TIMEOUT_MS = 20_000
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        # CI must run the browser tests; a missing browser is a broken setup.
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing; install Debian's chromium package (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing and CI is set; install Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def context(browser, live_server):
    ctx = browser.new_context(viewport=LAPTOP, base_url=live_server.url)
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


def sign_in(page, username="owner", password="password"):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.fixture
def page(context, owner):
    tab = context.new_page()
    sign_in(tab)
    return tab
