"""The phase's submit page in a real browser: upload with a method description, the row's status
updating live (polling) until a real worker has scored it, and a refused file's specific problems."""

import pytest
from django.conf import settings
from django.test import Client

from submissions.models import Submission
from tests.e2e.browser import chromium_page
from tests.e2e.workers import start_worker, stop
from tests.platform.factories import PhaseFactory
from tests.platform.submissions.helpers import GOOD_CSV, participant

pytestmark = pytest.mark.e2e


def test_submit_page_uploads_and_shows_live_status(postgres, redis_broker, live_server, tmp_path, artifacts_dir):
    phase = PhaseFactory()
    user = participant(phase.challenge)
    django_client = Client()
    django_client.force_login(user)
    session = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    good, bad = tmp_path / "predictions.csv", tmp_path / "bad.csv"
    good.write_bytes(GOOD_CSV)
    bad.write_bytes(b"case_id;score\nc1;0.5\n")
    url = f"{live_server.url}/challenges/{phase.challenge.slug}/{phase.slug}/submit/"

    worker = start_worker(f"{artifacts_dir}/worker.log")
    try:
        with chromium_page() as page:
            page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
            page.goto(url)
            page.set_input_files("input[name=file]", str(bad))
            page.click("#submit-form button[type=submit]")
            refusal = page.locator("#refusal").inner_text()
            assert "bad_delimiter" in refusal and "found ';' as the delimiter" in refusal

            page.set_input_files("input[name=file]", str(good))
            page.fill("textarea[name=method_description]", "logistic regression")
            page.click("#submit-form button[type=submit]")
            # (no ORM calls in here: Playwright's sync API runs an event loop in this thread)
            row = page.locator("#my-submissions tr[data-id]")
            row.locator(".status-succeeded").wait_for(timeout=60_000)  # the page polls until the worker is done
            text = row.inner_text()
            row.locator("button.mark-final").click()  # the team's final choice, from the same table
            row.locator("button.unmark-final").wait_for(timeout=10_000)
            page.screenshot(path=f"{artifacts_dir}/submit-page.png", full_page=True)
    finally:
        stop(worker)
    assert "auc 0.6667" in text and "logistic regression" in text  # AUC 6/9, hand count in test_scoring_task
    sub = Submission.objects.get()  # the refused file left no row
    assert text.startswith(str(sub.pk)) and sub.method_description == "logistic regression" and sub.is_final
