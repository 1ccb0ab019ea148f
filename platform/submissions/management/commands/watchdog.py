"""`manage.py watchdog`: one watchdog pass (or a loop), for operators and for deployments that run
neither Celery beat nor the in-worker watchdog thread."""

import json
import time

from django.core.management.base import BaseCommand

from submissions.watchdog import run_watchdog


class Command(BaseCommand):
    help = "Re-queue jobs whose worker stopped heartbeating, fail jobs past their deadline, re-send lost messages."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="run a pass every --interval seconds until interrupted")
        parser.add_argument("--interval", type=float, default=None, help="seconds between passes (default PODIUM_WATCHDOG_INTERVAL_S)")

    def handle(self, loop=False, interval=None, **options):
        from django.conf import settings

        interval = interval or settings.PODIUM_WATCHDOG_INTERVAL_S
        while True:
            acted = run_watchdog()
            self.stdout.write(json.dumps(acted))
            if not loop:
                return
            time.sleep(interval)
