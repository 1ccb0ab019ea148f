import subprocess
import sys


def test_podium_cli_and_baseline_commands_import_no_torch():
    code = ("import sys, mlcore.cli, mlcore.dl.cli; mlcore.cli.build_parser(); "
            "print(sorted(m for m in ('torch', 'monai', 'nibabel') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
