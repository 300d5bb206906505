"""The dashboard served by Streamlit, opened in Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


def settled(page: Any) -> None:
    """Wait until Streamlit has no script run in progress (its status widget is gone)."""
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def shoot(page: Any, name: str, pause_ms: int = 800) -> None:
    """A screenshot once Streamlit has finished the run (no status widget) and elements settled."""
    settled(page)
    page.wait_for_timeout(pause_ms)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(workspace: Path, **env: str) -> Iterator[str]:
    """The dashboard over ``workspace`` on a free port (with extra environment ``env``), until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        streamlit_command("127.0.0.1", port),
        env={**os.environ, "THROUGHLINE_WORKSPACE": str(workspace), **env},
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


@pytest.fixture
def served(sample_workspace: Path) -> Iterator[str]:
    with serve(sample_workspace) as url:
        yield url


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
        shoot(page, "overview.png")
        page.get_by_role("link", name="Themes").click()
        page.get_by_text("At a glance").wait_for(timeout=120_000)
        page.get_by_role("tab", name="Breakdown heatmap").click()
        page.get_by_text("Break down by").wait_for(timeout=60_000)
        page.locator(".js-plotly-plot").first.wait_for(state="attached", timeout=60_000)
        page.get_by_text("Heatmap as a table").click()
        # the table alternative (a canvas grid: its text is not in the DOM)
        page.locator("[data-testid='stDataFrame']").nth(1).wait_for(timeout=60_000)
        assert page.locator(".js-plotly-plot .ytick text", has_text="Public toilets").count() == 1
        assert page.locator(".js-plotly-plot text", has_text="–").count() > 0  # suppressed cells marked
        shoot(page, "themes-heatmap.png", 1_000)
        page.get_by_role("tab", name="Trend table").click()
        page.get_by_text("Respondents per week from the date of their submission").wait_for(timeout=60_000)
        shoot(page, "themes-trend.png")
        page.get_by_role("link", name="Trace").click()
        page.get_by_text("Trace: from the public").wait_for(timeout=120_000)
        page.locator(".js-plotly-plot").first.wait_for(state="attached", timeout=120_000)
        page.locator(".js-plotly-plot .sankey").first.wait_for(state="attached", timeout=120_000)
        shoot(page, "trace.png", 2_000)
        page.get_by_role("link", name="Options").click()
        page.get_by_text("Options: who addressed each option").wait_for(timeout=120_000)
        page.locator(".js-plotly-plot").first.wait_for(state="attached", timeout=120_000)
        page.get_by_text("O3 · Market Square pedestrian zone — Rejected").click()
        page.get_by_text("following objections from market traders").first.wait_for(timeout=60_000)
        shoot(page, "options.png", 1_500)
        browser.close()
    assert (ARTIFACTS / "overview.png").stat().st_size > 10_000
    assert (ARTIFACTS / "themes-heatmap.png").stat().st_size > 10_000
    assert (ARTIFACTS / "options.png").stat().st_size > 10_000


def test_a_deep_link_opens_the_page_inside_the_app(served: str) -> None:
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(served.rstrip("/") + "/themes")
        page.get_by_text("At a glance").wait_for(timeout=120_000)
        # the app's own navigation and sidebar, not Streamlit's folder-based page list
        assert page.get_by_role("link", name="Overview").is_visible()
        assert page.get_by_text("did what the public said travel into what was decided?").is_visible()
        assert not page.get_by_role("link", name="app", exact=True).count()
        browser.close()


HOSTILE = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![x](http://evil.example/p.png)"


@pytest.fixture
def served_copy(workspace_copy: Path) -> Iterator[tuple[str, Path]]:
    """The sample served from a copy with a hostile quote planted, so edits touch nothing else."""
    import polars as pl

    from pipeline.store import latest_run

    workspace = workspace_copy
    run = latest_run(workspace, "harbourside-transport")
    assert run is not None
    quotes = pl.read_parquet(run / "quotes.parquet")
    quotes.with_columns(
        text=pl.when((pl.col("rank") == 1) & (pl.col("theme_id") == "T01")).then(pl.lit(HOSTILE)).otherwise("text")
    ).write_parquet(run / "quotes.parquet")
    with serve(workspace) as url:
        yield url, workspace


def test_every_page_with_a_rename_a_link_confirmation_and_the_export(
    served_copy: tuple[str, Path], tmp_path: Path
) -> None:
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    import zipfile

    import polars as pl
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import sync_playwright

    url, workspace = served_copy
    # The largest theme the options paper considered: its link is the one to confirm (found by
    # status, not by its label, which moves with the clustering).
    from pipeline.store import latest_run

    run = latest_run(workspace, "harbourside-transport")
    assert run is not None
    considered_row = (
        pl.read_parquet(run / "themes.parquet")
        .join(pl.read_parquet(run / "theme_status.parquet"), on="theme_id")
        .filter(pl.col("status") == "considered")
        .sort("n_respondents", descending=True)
        .row(0, named=True)
    )
    considered = considered_row["label"]
    renamed = next(t for t in ("T03", "T02") if t != considered_row["theme_id"])  # keep its label for the Trace step
    # cards are listed under their parent themes, in the order of theme_groups
    themes = pl.read_parquet(run / "themes.parquet")
    groups = pl.read_parquet(run / "theme_groups.parquet")
    cards = (
        [t for parent in groups["parent_id"] for t in themes.filter(pl.col("parent_id") == parent)["theme_id"]]
        if groups.height
        else themes["theme_id"].to_list()
    )
    ARTIFACTS.mkdir(exist_ok=True)
    dialogs: list[str] = []
    timings: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)

        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(url)
        page.get_by_text("Rows read").wait_for(timeout=120_000)

        def visit(name: str, marker: str) -> None:
            started = time.perf_counter()
            page.get_by_role("link", name=name, exact=True).click()
            page.get_by_text(marker).first.wait_for(timeout=120_000)
            timings[name] = time.perf_counter() - started

        # Themes: the hostile quote shows as text, nothing runs or loads
        visit("Themes", "At a glance")
        page.get_by_text("onerror=alert(1)").first.wait_for(timeout=60_000)
        assert page.locator("img[src='x']").count() == 0
        assert page.locator("img[src*='evil.example']").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
        assert page.locator("a[href*='evil.example']").count() == 0  # not even a plain link
        shoot(page, "page-themes.png")
        # rename a theme (T03 unless that is the one the Trace step confirms) from its card
        page.get_by_label("Your name (for the review log)").fill("Officer Browser")
        page.get_by_label("Your name (for the review log)").press("Enter")
        page.get_by_role("button", name="Edit theme").nth(cards.index(renamed)).click()
        dialog = page.get_by_role("dialog")
        box = dialog.get_by_label("New name")
        box.fill("Buses in the evening")
        box.press("Enter")
        dialog.get_by_role("button", name="Rename").click()
        # the card's heading (the grid's hidden cells carry the name too)
        page.get_by_role("heading", name=f"{renamed} · Buses in the evening").wait_for(timeout=60_000)
        assert not page.get_by_role("dialog").count()  # closed after the change
        # narrow the page to one ward's respondents
        settled(page)  # the rename's rerun has finished: a click now is not lost to a redraw
        page.get_by_text("Filter respondents").click()
        harbour = page.get_by_role("option", name="Harbour")
        filtered = page.get_by_text("Showing the 72 respondents who match the filters")
        for attempt in range(5):  # a click or key can land while the expander redraws: try until it takes
            try:
                page.get_by_label("Ward").click()
                page.keyboard.type("Harbour")  # typed and chosen with Enter: no click on an option being redrawn
                harbour.wait_for(timeout=5_000)
                page.keyboard.press("Enter")
                page.keyboard.press("Escape")
                filtered.wait_for(timeout=30_000)
                break
            except PlaywrightTimeoutError:
                page.keyboard.press("Escape")
                if attempt == 4:
                    raise
        shoot(page, "page-themes-filtered.png", 1_000)

        # Trace: confirm a possible link
        visit("Trace", "Largest themes not taken up")
        page.get_by_text(f"{considered} —").first.click()
        page.get_by_role("button", name="Confirm").first.click()
        page.get_by_text("Link confirmed by a reviewer.").first.wait_for(timeout=60_000)
        shoot(page, "page-trace.png", 1_500)

        visit("Scrutiny", "Scorecard: public weight against fate")
        shoot(page, "page-scrutiny.png", 1_500)

        visit("Explore", "Search passages")
        count = page.get_by_text(re.compile(r"^\d+ passages"))
        everything = int(count.first.inner_text().split()[0])
        page.get_by_label("Search passages").fill("toilets")
        page.get_by_label("Search passages").press("Enter")
        page.wait_for_function(f"!document.body.innerText.includes('{everything} passages')", timeout=60_000)
        assert 0 < int(count.first.inner_text().split()[0]) < everything
        shoot(page, "page-explore.png")

        visit("Export", "Export: the data package")
        page.get_by_role("button", name="Prepare the data package").click()
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="Download the data package (ZIP)").click()
        archive = tmp_path / "package.zip"
        download.value.save_as(archive)
        shoot(page, "page-export.png")

        visit("Runs", "Compare two runs")
        shoot(page, "page-runs.png")
        visit("Overview", "Where the public's themes went")
        shoot(page, "page-overview.png", 1_000)
        browser.close()

    assert not dialogs, f"a script ran: {dialogs}"
    with zipfile.ZipFile(archive) as package:
        names = set(package.namelist())
        assert {"datapackage.json", "manifest.json", "codebook.csv", "codebook.qdc", "throughline.xlsx"} <= names
        themes = pl.read_csv(package.read("csv/themes.csv"))
        quotes = pl.read_csv(package.read("csv/quotes.csv"))
    assert "Buses in the evening" in themes["label"].to_list()
    assert HOSTILE in quotes["text"].to_list()  # kept verbatim: it starts with "<", not a formula
    (ARTIFACTS / "page-timings.json").write_text(__import__("json").dumps(timings, indent=2))
    assert all((ARTIFACTS / f"page-{p}.png").stat().st_size > 10_000 for p in ("themes", "trace", "scrutiny", "export"))


def test_behind_a_sign_in_proxy_the_header_names_the_user(sample_workspace: Path) -> None:
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with (
        serve(sample_workspace, THROUGHLINE_USER_HEADER="X-Forwarded-Email") as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        direct = browser.new_page()
        direct.goto(url)
        direct.get_by_text("carried no X-Forwarded-Email header").wait_for(timeout=120_000)
        assert not direct.get_by_text("Rows read").count()
        proxied = browser.new_page(extra_http_headers={"X-Forwarded-Email": "ann@harbourside.gov.uk"})
        proxied.goto(url)
        proxied.get_by_text("Rows read").wait_for(timeout=120_000)
        assert proxied.get_by_text("Signed in as ann@harbourside.gov.uk").is_visible()
        browser.close()


def test_the_coding_page_in_chromium(coded_sample_run: Path) -> None:
    """An analyst codes an offered passage; the decision is stored and the page refits."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    from pipeline.review import store_for

    run = coded_sample_run
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(run.parent.parent.parent) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/coding")
        page.get_by_text("Coding: teach the codebook").wait_for(timeout=120_000)
        settled(page)
        page.get_by_role("button", name="Save").first.click()
        settled(page)
        page.get_by_text("Coded on this page").wait_for(timeout=60_000)
        shoot(page, "coding.png", 1_500)
        browser.close()
    assert [r.kind for r in store_for(run).active()] == ["code"]
    assert (ARTIFACTS / "coding.png").stat().st_size > 10_000
