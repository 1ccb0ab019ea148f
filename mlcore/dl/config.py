"""The one YAML config that drives a baseline: defaults, deep merge, dotted overrides, checks.

Sections: name, task (binary | segmentation), seed, data, split, preprocess, augmentation, model, loss,
optimizer, schedule, training (epochs, batch_size, early_stopping, amp, num_workers, threads),
validation (metric, bootstrap), postprocess, predict, uncertainty. The merged config is written to the
run folder and to the bundle exactly as used.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

DEFAULTS = {
    "name": "baseline",
    "task": "binary",
    "seed": 0,
    "data": {"cache": True},
    "split": {"by": "subject", "stratify": None, "seed": 0, "file": None},  # fractions: see DEFAULT_FRACTIONS
    "preprocess": [],
    "augmentation": [],
    "model": {},
    "loss": {"name": "bce"},
    "optimizer": {"name": "adamw", "lr": 1e-3, "weight_decay": 1e-4},
    "schedule": {"name": "cosine"},
    "training": {"epochs": 20, "batch_size": 16, "early_stopping": {"patience": 10, "min_delta": 0.0},
                 "amp": True, "num_workers": 0, "threads": 2, "balanced_sampler": False},
    "validation": {"metric": None, "bootstrap": {"n_resamples": 1000, "seed": 0, "alpha": 0.05}},
    "postprocess": [],
    "predict": {"part": None, "inputs": None},
    "uncertainty": {"method": None, "n_samples": 8},
}
DEFAULT_FRACTIONS = {"train": 0.8, "val": 0.2}  # replaced, never merged, by a config's split.fractions
TASKS = ("binary", "segmentation")
DEFAULT_METRIC = {"binary": "auc", "segmentation": "dice"}


def merge(base: dict, update: dict) -> dict:
    """Deep merge: mappings merge key by key, anything else in ``update`` replaces."""
    out = copy.deepcopy(base)
    for k, v in (update or {}).items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def apply_override(cfg: dict, assignment: str) -> dict:
    """Apply ``"a.b.c=VALUE"`` (VALUE parsed as YAML, so numbers and lists work)."""
    key, sep, raw = assignment.partition("=")
    if not sep:
        raise ValueError(f"override {assignment!r} is not KEY=VALUE")
    node = cfg
    parts = key.strip().split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = yaml.safe_load(raw)
    return cfg


def load_config(path_or_dict, overrides=()) -> dict:
    """Defaults <- file (or dict) <- overrides; relative data paths are resolved against the config's folder."""
    if isinstance(path_or_dict, dict):
        user, base_dir = path_or_dict, Path.cwd()
    else:
        user, base_dir = yaml.safe_load(Path(path_or_dict).read_text(encoding="utf-8")) or {}, Path(path_or_dict).resolve().parent
    cfg = merge(DEFAULTS, user)
    cfg["split"].setdefault("fractions", dict(DEFAULT_FRACTIONS))
    for item in overrides:
        apply_override(cfg, item)
    check(cfg)
    for section, key in (("data", "path"), ("data", "root"), ("split", "file"), ("predict", "inputs")):
        value = cfg[section].get(key)
        if value and not Path(value).is_absolute() and (base_dir / value).exists():
            cfg[section][key] = str((base_dir / value).resolve())
    cfg["validation"]["metric"] = cfg["validation"]["metric"] or DEFAULT_METRIC[cfg["task"]]
    return cfg


def check(cfg: dict) -> None:
    """Refuse an unusable config with every problem listed."""
    problems = []
    unknown = sorted(set(cfg) - set(DEFAULTS))
    if unknown:
        problems.append(f"unknown section(s) {', '.join(unknown)}; expected {', '.join(DEFAULTS)}")
    if cfg.get("task") not in TASKS:
        problems.append(f"task must be one of {', '.join(TASKS)}; found {cfg.get('task')!r}")
    if "source" not in cfg["data"]:
        problems.append("data.source is missing (sklearn_breast_cancer, csv, synthetic_spheres, case_table or bids)")
    if "name" not in cfg["model"]:
        problems.append("model.name is missing (mlp, resnet, unet or segresnet)")
    parts = set(cfg["split"].get("fractions") or {})
    if not cfg["split"].get("file") and not {"train", "val"} <= parts:
        problems.append(f"split.fractions must name 'train' and 'val' parts; found {', '.join(sorted(parts)) or 'none'}")
    if int(cfg["training"]["epochs"]) < 1:
        problems.append("training.epochs must be >= 1")
    if problems:
        raise ValueError("invalid config:\n- " + "\n- ".join(problems))


def dump(cfg: dict, path) -> Path:
    """Write a config as YAML (key order kept)."""
    path = Path(path)
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path
