"""The demo challenge: scikit-learn's breast cancer set (569 cases from fine-needle aspirate images).

Positive class = malignant, which scikit-learn codes as 0 (so label = 1 - target). A seeded,
stratified split gives 369 training cases with labels (public) and 200 test cases whose labels are the
hidden ground truth; half the test cases count for the public leaderboard, half for the private one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

DEMO_SLUG = "breast-cancer"
N_TEST = 200


def breast_cancer_frame() -> pd.DataFrame:
    """All 569 cases: case_id, the 30 features, label (1 malignant, 0 benign)."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    frame = pd.DataFrame(data.data, columns=[c.replace(" ", "_") for c in data.feature_names])
    frame.insert(0, "case_id", [f"bc-{i:03d}" for i in range(len(frame))])
    frame["label"] = 1 - data.target
    return frame


def build_bundle(dest, seed: int = 2024) -> Path:
    """Write the demo bundle (challenge.yaml, public train/test inputs, hidden truth) to `dest`."""
    from sklearn.model_selection import train_test_split

    dest = Path(dest)
    (dest / "public").mkdir(parents=True, exist_ok=True)
    (dest / "hidden").mkdir(parents=True, exist_ok=True)
    frame = breast_cancer_frame()
    train, test = train_test_split(frame, test_size=N_TEST, stratify=frame["label"], random_state=seed)
    train.to_csv(dest / "public" / "train.csv", index=False)
    test.drop(columns="label").to_csv(dest / "public" / "test_inputs.csv", index=False)
    test[["case_id", "label"]].to_csv(dest / "hidden" / "truth.csv", index=False)
    rng = np.random.default_rng(seed)
    subset = np.where(rng.permutation(len(test)) < len(test) // 2, "public", "private")
    pd.DataFrame({"case_id": test["case_id"], "subset": subset}).to_csv(dest / "hidden" / "cases.csv", index=False)
    spec = {
        "version": 1, "slug": DEMO_SLUG,
        "title": "Breast cancer diagnosis from fine-needle aspirates",
        "description": (
            "Predict whether a breast mass is malignant from 30 features of a digitised fine-needle aspirate "
            "image (Wisconsin Diagnostic Breast Cancer data, as shipped with scikit-learn).\n\n"
            f"{len(train)} training cases with labels and {len(test)} test cases; submit `case_id,score` "
            "with higher scores meaning more likely malignant."
        ),
        "terms": (
            "The data come from the UCI Wisconsin Diagnostic Breast Cancer set as shipped with scikit-learn. "
            "Use them for this challenge only and do not try to recover the hidden test labels."
        ),
        "data": [{"path": "public/train.csv", "kind": "training", "description": "369 cases with labels"}],
        "phases": [{
            "slug": "test", "title": "Test phase", "task": "binary",
            "ground_truth": "hidden/truth.csv", "cases": "hidden/cases.csv",
            "metrics": ["auc", "average_precision", "brier"], "bootstrap": {"resamples": 1000, "seed": seed},
            "limits": {"per_day": 10, "total": 100, "concurrent": 2},
            "data": [{"path": "public/test_inputs.csv", "kind": "public_input", "description": "200 test cases, no labels"}],
        }],
    }
    (dest / "challenge.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return dest


DEMO_MODELS = {
    "alice": ("logistic regression on standardised features", "logistic"),
    "bob": ("random forest, 200 trees", "forest"),
    "carol": ("Gaussian naive Bayes", "bayes"),
    "dave": ("k-nearest neighbours (k=15) on standardised features", "knn"),
}


def _model(kind: str, seed: int):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "logistic": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        "forest": lambda: RandomForestClassifier(n_estimators=200, random_state=seed),
        "bayes": GaussianNB,
        "knn": lambda: make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=15)),
    }[kind]()


def write_entries(bundle, out, seed: int = 2024) -> dict[str, Path]:
    """Train each demo participant's model on the public training set; write its test predictions CSV."""
    bundle, out = Path(bundle), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    train = pd.read_csv(bundle / "public" / "train.csv")
    test = pd.read_csv(bundle / "public" / "test_inputs.csv")
    features = [c for c in train.columns if c not in ("case_id", "label")]
    files = {}
    for user, (_, kind) in DEMO_MODELS.items():
        model = _model(kind, seed).fit(train[features], train["label"])
        scores = model.predict_proba(test[features])[:, list(model.classes_).index(1)]
        files[user] = out / f"{user}.csv"
        pd.DataFrame({"case_id": test["case_id"], "score": scores}).to_csv(files[user], index=False)
    return files


SEGMENTATION_SLUG = "synthetic-spheres"


def build_segmentation_bundle(dest, seed: int = 1, n_cases: int = 12, shape=(32, 32, 32)) -> Path:
    """A 3D segmentation demo: random ellipsoids in noise from `mlcore.data.synthetic` (seed 1, so the
    cases differ from the baseline's training cases, which use seed 0). Hidden label maps; the test
    images are the public inputs; half the cases count for the public leaderboard."""
    import shutil
    import tempfile

    from mlcore.data.synthetic import write_dataset

    dest = Path(dest)
    tmp = Path(tempfile.mkdtemp(prefix="podium-spheres-"))
    try:
        write_dataset(tmp, n_cases=n_cases, shape=tuple(shape), seed=seed)
        for src, target in (("images", "public/test_images"), ("labels", "hidden/labels")):
            shutil.rmtree(dest / target, ignore_errors=True)
            shutil.copytree(tmp / src, dest / target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    cases = sorted(p.name[: -len(".nii.gz")] for p in (dest / "hidden" / "labels").iterdir())
    rows = "".join(f"{c},{'public' if i % 2 == 0 else 'private'}\n" for i, c in enumerate(cases))
    (dest / "hidden" / "cases.csv").write_text("case_id,subset\n" + rows)
    spec = {
        "version": 1, "slug": SEGMENTATION_SLUG, "title": "Synthetic spheres: 3D segmentation",
        "description": ("Segment the ellipsoids in noisy 3D volumes (32 x 32 x 32 voxels, 1 mm). The volumes are "
                        "generated by `mlcore.data.synthetic`; submit a zip of one label map per case "
                        "(`<case_id>.nii.gz`, label 1 = object)."),
        "terms": "Synthetic data: use it freely.",
        "phases": [{
            "slug": "test", "title": "Test phase", "task": "segmentation", "task_options": {"labels": [1]},
            "ground_truth": "hidden/labels", "cases": "hidden/cases.csv",
            "metrics": ["dice", "hd95", "nsd"], "bootstrap": {"resamples": 1000, "seed": seed},
            "data": [{"path": "public/test_images", "kind": "public_input", "description": f"{n_cases} test volumes"}],
        }],
    }
    (dest / "challenge.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return dest
