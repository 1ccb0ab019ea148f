"""Training from one config: seeded, CUDA when present (mixed precision there), checkpoint and resume,
progress bars, per-epoch validation metric with CI, early stopping, curves, then a baseline bundle.

Run folder layout: ``config.yaml`` (merged), ``split.json``, ``checkpoint.pt`` (last epoch: model,
optimiser, scheduler, scaler, history), ``best.pt`` (best validation weights), ``history.json``,
``curves.html``, ``cache/`` (deterministic pipeline output), ``data/`` (generated data), ``bundle/``.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import numpy as np
import torch

from mlcore.data import SampleDataset, load_split, samples_fingerprint, save_split, select, split_cases
from mlcore.data import sample as S
from mlcore.data.sampler import ClassBalancedBatchSampler

from . import config as C
from .data_setup import FEATURES, IMAGE, LABEL, META, build_pipeline, collate, load_samples
from .inference import model_inputs
from .losses import build_loss
from .models import build_model
from .plots import plot_history
from .validation import validate


def seed_everything(seed: int) -> None:
    """Seed Python's, numpy's global and torch's generators (the data pipeline has its own seeded generators)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def model_data_info(cfg: dict, train_samples: list[dict]) -> dict:
    """Sizes and statistics the data decides: for the MLP, in_features and training mean/std (float lists)."""
    if cfg["model"]["name"] != "mlp":
        return {}
    x = np.stack([S.get(s, FEATURES) for s in train_samples]).astype(np.float64)
    return {"in_features": int(x.shape[1]), "mean": x.mean(0).tolist(), "std": x.std(0).tolist()}


def _optimizer(cfg, params):
    o = dict(cfg["optimizer"])
    name = o.pop("name")
    cls = {"adamw": torch.optim.AdamW, "adam": torch.optim.Adam, "sgd": torch.optim.SGD}[name]
    return cls(params, **o)


def _scheduler(cfg, opt):
    s = dict(cfg["schedule"])
    name = s.pop("name", "none")
    if name == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=int(cfg["training"]["epochs"]), **s)
    if name == "step":
        return torch.optim.lr_scheduler.StepLR(opt, **s)
    return torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 1.0)


def _batches(cfg, ds, labels, epoch):
    t = cfg["training"]
    if t.get("balanced_sampler"):
        sampler = ClassBalancedBatchSampler(labels, t["batch_size"], seed=cfg["seed"])
        sampler.set_epoch(epoch)
        return list(sampler)
    order = np.random.default_rng([cfg["seed"], epoch]).permutation(len(ds))
    return [order[i:i + t["batch_size"]].tolist() for i in range(0, len(order), t["batch_size"])]


def tqdm(iterable, **kwargs):
    """tqdm's progress bar when tqdm is installed, else the iterable itself."""
    try:
        from tqdm.auto import tqdm as bar
    except ImportError:
        return _NoBar(iterable)
    return bar(iterable, **kwargs)


class _NoBar:
    def __init__(self, iterable):
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)

    def set_postfix(self, **_):
        pass


def _items(items):
    return items


def _load(ds, batches, num_workers: int):
    """Lists of items per batch: in this process, or with a torch DataLoader's worker processes."""
    if num_workers <= 0:
        return ([ds[i] for i in idx] for idx in batches)
    from torch.utils.data import DataLoader

    return iter(DataLoader(ds, batch_sampler=batches, collate_fn=_items, num_workers=num_workers))


def _train_epoch(cfg, model, ds, batches, losses, opt, scaler, device, amp, desc, progress) -> float:
    """One pass over ``batches`` (lists of dataset indices); returns the mean training loss per item."""
    model.train()
    total, count = 0.0, 0
    items_per_batch = _load(ds, batches, int(cfg["training"].get("num_workers") or 0))
    bar = tqdm(zip(batches, items_per_batch, strict=True), total=len(batches), desc=desc, leave=False,
               disable=None if progress is None else not progress)
    for idx, items in bar:
        batch = collate(items, [FEATURES, IMAGE, META, LABEL], device)
        x, kwargs = model_inputs(cfg, batch)
        with torch.autocast(device_type=device, enabled=amp):
            S.put(batch, "model.logits", model(x, **kwargs))
            loss = sum(fn(batch) for fn in losses)
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        total, count = total + loss.item() * len(idx), count + len(idx)
        bar.set_postfix(loss=f"{loss.item():.4f}")
    return total / max(count, 1)


def train(cfg: dict, out, resume: bool = True, progress: bool | None = None, log=print) -> dict:
    """Train per ``cfg`` (a merged config, see `config.load_config`) into run folder ``out``; write the
    bundle to ``out/bundle``. Returns ``{"bundle", "best_epoch", "validation", "device", "seconds"}``."""
    from .bundle import write_bundle

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    C.dump(cfg, out / "config.yaml")
    t0 = time.perf_counter()
    torch.set_num_threads(int(cfg["training"].get("threads") or torch.get_num_threads()))
    seed_everything(cfg["seed"])
    device = "cuda" if torch.cuda.is_available() else "cpu"
    amp = bool(cfg["training"]["amp"]) and device == "cuda"
    samples, data_info = load_samples(cfg, out)
    sp = cfg["split"]
    split = load_split(sp["file"]) if sp.get("file") else split_cases(samples, sp["fractions"], sp["by"], sp["stratify"], sp["seed"])
    save_split(split, out / "split.json")
    train_s, val_s = select(samples, split, "train"), select(samples, split, "val")
    cache = (out / "cache") if cfg["data"].get("cache") else None
    train_ds = SampleDataset(train_s, build_pipeline(cfg, train=True), cache, seed=cfg["seed"])
    val_ds = SampleDataset(val_s, build_pipeline(cfg, train=False), cache, seed=cfg["seed"])
    model_args = model_data_info(cfg, train_s)
    model = build_model(cfg["model"], **model_args).to(device)
    losses = build_loss(cfg["loss"])
    opt = _optimizer(cfg, model.parameters())
    sched = _scheduler(cfg, opt)
    scaler = torch.amp.GradScaler(device, enabled=amp)
    metric = cfg["validation"]["metric"]
    state = {"epoch": -1, "history": [], "best": -np.inf, "best_epoch": -1, "stale": 0, "stopped": False}
    ckpt = out / "checkpoint.pt"
    if resume and ckpt.exists():
        saved = torch.load(ckpt, map_location=device, weights_only=False)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optimizer"])
        sched.load_state_dict(saved["scheduler"])
        scaler.load_state_dict(saved["scaler"])
        state = saved["state"]
        log(f"resuming after epoch {state['epoch'] + 1} from {ckpt}")
    labels = [S.get(s, LABEL) for s in train_s] if cfg["training"].get("balanced_sampler") else None
    es = cfg["training"]["early_stopping"]
    epochs = int(cfg["training"]["epochs"])
    for epoch in range(state["epoch"] + 1, epochs):
        if state["stopped"]:
            break
        te = time.perf_counter()
        train_ds.set_epoch(epoch)
        torch.manual_seed(cfg["seed"] * 100003 + epoch)
        train_loss = _train_epoch(cfg, model, train_ds, _batches(cfg, train_ds, labels, epoch), losses, opt, scaler, device, amp,
                                  desc=f"epoch {epoch + 1}/{epochs}", progress=progress)
        lr = opt.param_groups[0]["lr"]
        sched.step()
        val = validate(model, cfg, val_ds, losses, device, amp)
        entry = {"epoch": epoch + 1, "train_loss": train_loss, "val_loss": val["val_loss"], metric: val[metric],
                 "lr": lr, "seconds": time.perf_counter() - te}
        state["history"].append(entry)
        value = val[metric]["value"]
        score = value if np.isfinite(value) else -np.inf  # an undefined metric (one class only) never wins
        if state["best_epoch"] < 0 or score > state["best"] + float(es.get("min_delta", 0.0)):
            state.update(best=score, best_epoch=epoch + 1, stale=0)
            torch.save(model.state_dict(), out / "best.pt")
        else:
            state["stale"] += 1
        state["stopped"] = state["stale"] >= int(es.get("patience", epochs))
        state["epoch"] = epoch
        log(f"epoch {epoch + 1}/{epochs} train loss {entry['train_loss']:.4f} val loss {val['val_loss']:.4f} "
            f"{metric} {value:.4f} [{val[metric]['low']:.4f}, {val[metric]['high']:.4f}] ({entry['seconds']:.1f} s)")
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
                    "scaler": scaler.state_dict(), "state": state}, ckpt)
        (out / "history.json").write_text(json.dumps(state["history"], indent=1), encoding="utf-8")
        if (epoch + 1) % 10 == 0:  # the HTML embeds plotly.js (about 4 MB): not rewritten every epoch
            plot_history(state["history"], metric, out / "curves.html")
        if state["stopped"]:
            log(f"early stopping: no {metric} gain for {es['patience']} epochs")
    plot_history(state["history"], metric, out / "curves.html")
    model.load_state_dict(torch.load(out / "best.pt", map_location=device))
    best = next(h for h in state["history"] if h["epoch"] == state["best_epoch"])
    validation = {"metric": metric, "best_epoch": state["best_epoch"], **best[metric]}
    bundle = write_bundle(out / "bundle", cfg, model.cpu(), model_args, split, data_info,
                          data_hash=samples_fingerprint(samples), validation=validation, run_dir=out, samples=samples)
    seconds = time.perf_counter() - t0
    log(f"bundle written to {bundle} ({seconds:.1f} s, device {device})")
    return {"bundle": bundle, "best_epoch": state["best_epoch"], "validation": validation, "device": device, "seconds": seconds}
