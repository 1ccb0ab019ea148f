"""Validation during training: loss and the task's metric with a bootstrap CI (see `ci.metric_with_ci`).

binary: AUC of sigmoid scores (`mlcore.eval.metrics.roc_auc` convention: ties count one half).
segmentation: mean over cases of the foreground Dice of postprocessed label maps (Dice 1 when both
reference and prediction are empty, the Metrics Reloaded convention).
"""

from __future__ import annotations

import numpy as np
import torch

from mlcore.data import sample as S

from .ci import auc_statistic, metric_with_ci
from .data_setup import FEATURES, IMAGE, LABEL, META, collate
from .inference import _postprocess, label_map, model_inputs


def dice_score(reference, prediction) -> float:
    """Dice of two masks (non-zero = foreground): 2 |R and P| / (|R| + |P|); 1.0 when both are empty."""
    r, p = np.asarray(reference) > 0, np.asarray(prediction) > 0
    try:  # the statistics engine's implementation when present, so training and scoring agree
        from mlcore.eval.segmentation.overlap import dice
    except ImportError:
        total = int(r.sum() + p.sum())
        return 1.0 if total == 0 else 2.0 * int((r & p).sum()) / total
    value = float(dice(r, p))
    return 1.0 if np.isnan(value) else value  # both empty: NaN there, the policy's value 1 here


@torch.no_grad()
def validate(model, cfg: dict, dataset, losses, device="cpu", amp: bool = False, batch_size: int = 4) -> dict:
    """``{"val_loss": float, <metric>: {value, low, high, ...}, "per_case": {case_id: value}}``."""
    model.eval()
    loss_sum, n, scores, labels, per_case = 0.0, 0, [], [], {}
    for start in range(0, len(dataset), batch_size):
        items = [dataset[i] for i in range(start, min(start + batch_size, len(dataset)))]
        batch = collate(items, [FEATURES, IMAGE, META, LABEL], device)
        x, kwargs = model_inputs(cfg, batch)
        with torch.autocast(device_type=torch.device(device).type, enabled=amp):
            logits = model(x, **kwargs)
        logits = logits.float()
        S.put(batch, "model.logits", logits)
        loss_sum += float(sum(loss(batch) for loss in losses)) * len(items)
        n += len(items)
        target = S.get(batch, LABEL).cpu().numpy()
        if cfg["task"] == "binary":
            scores += torch.sigmoid(logits[:, 0]).cpu().tolist()
            labels += target.reshape(-1).tolist()
            per_case.update({it["case_id"]: s for it, s in zip(items, scores[-len(items):], strict=True)})
        else:
            for i, item in enumerate(items):
                pred = _postprocess(cfg, label_map(logits[i:i + 1])[0])
                per_case[item["case_id"]] = dice_score(target[i, 0], pred)
    boot = cfg["validation"]["bootstrap"]
    if cfg["task"] == "binary":  # stratified by class, as the leaderboard does for classification
        ci = metric_with_ci(auc_statistic(labels, scores), **boot, strata=labels)
    else:
        ci = metric_with_ci(np.array(list(per_case.values())), **boot)
    return {"val_loss": loss_sum / max(n, 1), cfg["validation"]["metric"]: ci, "per_case": per_case}
