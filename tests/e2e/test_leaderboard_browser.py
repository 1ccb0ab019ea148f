"""The demo challenge's leaderboard in a real browser: CIs in the table, every plot rendered, sorting
by a secondary metric; screenshots are kept as test artifacts."""

import pytest

from leaderboard.refresh import recompute
from tests.e2e.browser import chromium_page
from tests.platform.leaderboard.helpers import scored_demo_phase

pytestmark = pytest.mark.e2e


def test_leaderboard_page_in_chromium(transactional_db, live_server, tmp_path, artifacts_dir):
    phase, _, _, subs = scored_demo_phase(tmp_path)  # the demo's breast-cancer phase, auc + average_precision + brier
    recompute(phase)
    url = f"{live_server.url}/challenges/{phase.challenge.slug}/{phase.slug}/leaderboard/"
    with chromium_page() as page:
        page.goto(url)
        table = page.locator("table#leaderboard")
        assert table.locator("tbody tr").count() == 4
        first_auc = table.locator("tbody tr").first.locator("td.ci").first.inner_text()
        assert "[" in first_auc and "]" in first_auc  # estimate [ci_low, ci_high]
        figures = page.locator("div.figure")
        n_figures = figures.count()
        assert n_figures >= 3 * 3  # forest, rank blob and significance map per metric
        page.wait_for_function(f"document.querySelectorAll('div.figure[data-rendered=true]').length === {n_figures}", timeout=30000)
        assert page.locator("div.figure .main-svg").count() >= n_figures
        page.screenshot(path=f"{artifacts_dir}/leaderboard.png", full_page=True)

        # sort by the secondary metric brier (lower is better): ascending on the first click
        header = table.locator("th[data-metric=brier]")
        assert "↓" in header.inner_text()
        header.click()
        values = [float(v) for v in table.locator("tbody tr").evaluate_all(
            "rows => rows.map(r => r.cells[5].dataset.value)")]
        assert values == sorted(values) and len(values) == 4
        header.click()
        descending = [float(v) for v in table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.cells[5].dataset.value)")]
        assert descending == sorted(values, reverse=True)
        table.screenshot(path=f"{artifacts_dir}/leaderboard-sorted-by-brier.png")
