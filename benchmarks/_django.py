"""Set up Django for a benchmark: a fresh SQLite database in a temporary folder unless DATABASE_URL is set."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup() -> Path:
    sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
    var = Path(os.environ.setdefault("PODIUM_VAR_DIR", tempfile.mkdtemp(prefix="podium-bench-")))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podium.settings")
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return var
