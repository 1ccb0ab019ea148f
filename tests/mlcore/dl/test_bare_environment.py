"""The segmentation trainer runs from the working tree on a machine with torch and only a few pure-Python
packages (MONAI, nibabel, PyYAML): a GPU machine's stock environment, where mlcore.eval's dependencies
(pandas, scipy, numba), plotly, tqdm and scikit-learn are absent.

The test builds that environment for real: a folder of links to the allowed distributions only, and an
interpreter started with ``-S`` (no site-packages) whose path is the working tree plus that folder.
"""

import importlib.metadata as md
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[3]
ALLOWED = ("torch", "numpy", "monai", "nibabel", "PyYAML", "packaging", "typing_extensions", "sympy", "mpmath",
           "networkx", "Jinja2", "MarkupSafe", "filelock", "fsspec", "importlib_resources")
ABSENT = ("pandas", "scipy", "plotly", "tqdm", "sklearn", "SimpleITK", "numba", "django", "requests")

SCRIPT = """
import sys
sys.path[:0] = [{root!r}, {env!r}]
from mlcore.dl.cli import main
code = main(["train", {config!r}, "--out", {out!r}, "--quiet", "--set", "training.epochs=2",
             "--set", "data.n_cases=8", "--set", "data.shape=[16, 16, 16]", "--set", "postprocess=[]",
             "--set", "validation.bootstrap.n_resamples=50"])
code = code or main(["verify", {out!r} + "/bundle"])
print("loaded:", sorted(m for m in {absent!r} if m in sys.modules))
sys.exit(code)
"""


def _bare_env(folder: Path) -> Path:
    folder.mkdir()
    for name in ALLOWED:
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        for top in {Path(str(f)).parts[0] for f in dist.files or []}:
            src = Path(dist.locate_file(top))
            if src.exists() and top != "__pycache__" and not top.endswith(".pth") and not (folder / top).exists():
                os.symlink(src, folder / top)
    return folder


def test_segmentation_baseline_trains_and_verifies_with_torch_monai_nibabel_yaml_only(tmp_path):
    env = _bare_env(tmp_path / "site")
    assert not any((env / m).exists() for m in ABSENT)
    script = SCRIPT.format(root=str(ROOT), env=str(env), config=str(ROOT / "configs/baselines/synthetic_spheres_unet.yaml"),
                           out=str(tmp_path / "run"), absent=ABSENT)
    proc = subprocess.run([sys.executable, "-S", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "verify: OK" in proc.stdout and "loaded: []" in proc.stdout
    meta = json.loads((tmp_path / "run" / "bundle" / "metadata.json").read_text(encoding="utf-8"))
    assert meta["validation"]["engine"] == "numpy multinomial"  # mlcore.eval needs pandas/scipy: fallback CI
    assert not (tmp_path / "run" / "curves.html").exists()  # no plotly: history.json only
    history = json.loads((tmp_path / "run" / "history.json").read_text(encoding="utf-8"))
    assert [h["epoch"] for h in history] == [1, 2]
