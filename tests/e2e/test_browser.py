"""The dashboard served by Streamlit, opened in Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.cli import streamlit_command

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(sample_workspace: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        streamlit_command("127.0.0.1", port),
        env={**os.environ, "THROUGHLINE_WORKSPACE": str(sample_workspace)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the dashboard did not become healthy in 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_dashboard_in_chromium(served: str) -> None:
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(served)
        page.get_by_text("Rows read").wait_for(timeout=120_000)
        assert page.get_by_role("heading", name="Harbourside town centre transport plan").is_visible()
        page.screenshot(path=str(ARTIFACTS / "overview.png"))
        page.get_by_role("link", name="Themes").click()
        page.get_by_text("Break down by").wait_for(timeout=120_000)
        page.get_by_text("Breakdown by Age band").first.click()
        page.get_by_text("Chi-square test across groups").first.wait_for(timeout=60_000)
        assert page.get_by_text("Public toilets").first.is_visible()
        page.screenshot(path=str(ARTIFACTS / "themes.png"), full_page=True)
        page.get_by_role("link", name="Trace").click()
        page.get_by_text("Trace: from the public").wait_for(timeout=120_000)
        page.locator(".js-plotly-plot").first.wait_for(state="attached", timeout=120_000)
        page.locator(".js-plotly-plot .sankey").first.wait_for(state="attached", timeout=120_000)
        page.wait_for_timeout(2_000)  # let the Sankey's links finish their entry animation
        page.screenshot(path=str(ARTIFACTS / "trace.png"), full_page=True)
        browser.close()
    assert (ARTIFACTS / "overview.png").stat().st_size > 10_000
    assert (ARTIFACTS / "themes.png").stat().st_size > 10_000


def test_a_deep_link_opens_the_page_inside_the_app(served: str) -> None:
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(served.rstrip("/") + "/themes")
        page.get_by_text("Break down by").wait_for(timeout=120_000)
        # the app's own navigation and sidebar, not Streamlit's folder-based page list
        assert page.get_by_role("link", name="Overview").is_visible()
        assert page.get_by_text("did what the public said travel into what was decided?").is_visible()
        assert not page.get_by_role("link", name="app", exact=True).count()
        browser.close()
