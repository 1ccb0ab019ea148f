"""The source root is not a package: the standard library's `platform` module still works, and the
web process does not import torch."""

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_python(code: str) -> str:
    """Run `code` in a fresh interpreter with the platform on sys.path and an empty SQLite database."""
    var = tempfile.mkdtemp(prefix="podium-imports-")
    env = {"PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}", "DJANGO_SETTINGS_MODULE": "podium.settings",
           "PATH": "/usr/bin:/bin", "PODIUM_VAR_DIR": var}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_stdlib_platform_module_is_not_shadowed():
    code = (
        "import django; django.setup(); import platform, os, sysconfig;"
        "print(platform.system(), os.uname().sysname, platform.__file__.startswith(sysconfig.get_paths()['stdlib']))"
    )
    system, uname, from_stdlib = run_python(code).split()
    assert system == uname and from_stdlib == "True"
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_web_process_and_scoring_worker_do_not_import_torch():
    code = (
        "import sys, django; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "import podium.urls, submissions.tasks, leaderboard.views, mlcore.eval, mlcore.cli;"
        "from django.test import Client; Client().get('/');"
        "print(sorted(m for m in ('torch', 'monai') if m in sys.modules))"
    )
    assert run_python(code) == "[]"


def test_mlcore_imports_without_django():
    assert run_python("import sys, mlcore.eval, mlcore.cli; print('django' in sys.modules)") == "False"
