"""Segmentation and classification losses: plain tensor functions first, then a keyed wrapper.

logits: (B, C, *spatial) raw network outputs; C = 1 means one sigmoid channel (binary), C >= 2 softmax.
target: (B, *spatial) or (B, 1, *spatial) integer labels in 0..C-1 (0..1 when C = 1).
Dice-type losses are computed per (case, class) and averaged, with ``smooth`` (1e-5) added to numerator
and denominator so a class absent from both prediction and reference scores Dice 1 (loss 0).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mlcore.data import sample as S


def _probs_onehot(logits, target, include_background: bool):
    if target.dim() == logits.dim():
        target = target[:, 0]
    target = target.long()
    if logits.shape[1] == 1:
        probs = torch.sigmoid(logits)
        onehot = target[:, None].to(probs.dtype)
        return probs, onehot  # the single channel is the foreground
    probs = torch.softmax(logits, dim=1)
    onehot = F.one_hot(target, logits.shape[1]).movedim(-1, 1).to(probs.dtype)
    if not include_background:
        probs, onehot = probs[:, 1:], onehot[:, 1:]
    return probs, onehot


def dice_loss(logits, target, include_background: bool = False, smooth: float = 1e-5):
    """1 - mean over cases and classes of (2 |P.G| + s) / (|P| + |G| + s), soft P."""
    probs, onehot = _probs_onehot(logits, target, include_background)
    dims = tuple(range(2, probs.dim()))
    inter = (probs * onehot).sum(dims)
    denom = probs.sum(dims) + onehot.sum(dims)
    return 1.0 - ((2 * inter + smooth) / (denom + smooth)).mean()


def generalized_dice_loss(logits, target, include_background: bool = False, smooth: float = 1e-5):
    """Generalised Dice (Crum 2006, Sudre 2017): class weights w_c = 1 / |G_c|^2 (inf -> largest finite),
    loss = 1 - (2 sum_c w_c |P_c.G_c| + s) / (sum_c w_c (|P_c| + |G_c|) + s), per case, then averaged."""
    probs, onehot = _probs_onehot(logits, target, include_background)
    dims = tuple(range(2, probs.dim()))
    ground = onehot.sum(dims)
    w = 1.0 / ground.clamp_min(0) ** 2
    finite = torch.isfinite(w)
    w = torch.where(finite, w, torch.zeros_like(w))
    w = torch.where(finite, w, w.max(dim=1, keepdim=True).values.expand_as(w))
    inter = (w * (probs * onehot).sum(dims)).sum(1)
    denom = (w * (probs.sum(dims) + ground)).sum(1)
    return 1.0 - ((2 * inter + smooth) / (denom + smooth)).mean()


def focal_loss(logits, target, gamma: float = 2.0, alpha: float | None = None):
    """Focal loss (Lin 2017): mean of -alpha_t (1 - p_t)^gamma log p_t. gamma = 0, alpha = None is cross-entropy.

    logits (B, C, ...) with labels (B, ...), or (B,) / (B, 1) binary logits with 0/1 labels (sigmoid).
    alpha: weight of the positive class (binary) or of every non-background class.
    """
    if logits.dim() == 1 or (logits.shape[1] == 1 and target.dim() < logits.dim()) or logits.shape == target.shape:
        z, y = logits.reshape(-1), target.reshape(-1).to(logits.dtype)
        logp_t = -F.binary_cross_entropy_with_logits(z, y, reduction="none")
        is_pos = y > 0.5
    else:
        if target.dim() == logits.dim():
            target = target[:, 0]
        logp = torch.log_softmax(logits, dim=1)
        logp_t = logp.gather(1, target.long()[:, None])[:, 0]
        is_pos = target > 0
    loss = -((1 - logp_t.exp()) ** gamma) * logp_t
    if alpha is not None:
        loss = loss * torch.where(is_pos, torch.full_like(loss, alpha), torch.full_like(loss, 1 - alpha))
    return loss.mean()


def cross_entropy(logits, target):
    """Cross-entropy: softmax over C >= 2 channels, or binary (sigmoid) for one channel / 1D logits."""
    return focal_loss(logits, target, gamma=0.0)


def dice_ce_loss(logits, target, include_background: bool = False, lambda_dice: float = 1.0, lambda_ce: float = 1.0):
    """lambda_dice * Dice loss + lambda_ce * cross-entropy (nnU-Net's default pairing)."""
    return lambda_dice * dice_loss(logits, target, include_background) + lambda_ce * cross_entropy(logits, target)


LOSSES = {"dice": dice_loss, "generalized_dice": generalized_dice_loss, "focal": focal_loss,
          "dice_ce": dice_ce_loss, "ce": cross_entropy, "bce": cross_entropy}


class KeyedLoss:
    """A loss reading its inputs from a batch dict: ``loss(batch) = weight * fn(batch[key_pred], batch[key_target])``."""

    def __init__(self, name: str, key_pred: str = "model.logits", key_target: str = "data.target.label",
                 weight: float = 1.0, **params):
        if name not in LOSSES:
            raise KeyError(f"unknown loss {name!r}; expected one of {', '.join(LOSSES)}")
        self.name, self.fn, self.key_pred, self.key_target, self.weight, self.params = name, LOSSES[name], key_pred, key_target, weight, params

    def __call__(self, batch: dict):
        return self.weight * self.fn(S.get(batch, self.key_pred), S.get(batch, self.key_target), **self.params)


def build_loss(cfg) -> list[KeyedLoss]:
    """From a config: one mapping ``{name, ...}`` or a list of them (their weighted sum is the loss)."""
    items = cfg if isinstance(cfg, list) else [cfg]
    return [KeyedLoss(**dict(item)) for item in items]
