"""Debian's Chromium driven by Playwright (never `playwright install`)."""

import os
import shutil
from contextlib import contextmanager

from tests.conftest import require_service

CHROMIUM = os.environ.get("PODIUM_CHROMIUM", "/usr/lib/chromium/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@contextmanager
def chromium_page(viewport=(1400, 1000)):
    require_service("Chromium", os.path.exists(CHROMIUM) or bool(shutil.which("chromium")),
                    f"{CHROMIUM} not found: apt-get install chromium (scripts/test.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            yield page
        finally:
            browser.close()
