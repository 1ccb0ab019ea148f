"""Uncertainty by Monte Carlo dropout and by test-time augmentation (flips).

Both run a model T times on one batch x (B, C_in, *spatial) and return the mean probability (B, K, ...)
and, per case and per voxel, the predictive variance across runs and the entropy of the mean
probability (nats). For segmentation ``per_voxel`` keeps the spatial axes; ``per_case`` averages them.
Probabilities: softmax over K >= 2 channels, sigmoid for one channel.
"""

from __future__ import annotations

import torch


def _probs(logits):
    return torch.sigmoid(logits) if logits.shape[1] == 1 else torch.softmax(logits, dim=1)


def _summary(stack) -> dict:
    """stack: (T, B, K, ...) probabilities."""
    mean = stack.mean(0)
    var = stack.var(0, unbiased=False)
    full = torch.cat([1 - mean, mean], 1) if mean.shape[1] == 1 else mean
    entropy = -(full.clamp_min(1e-12).log() * full).sum(1)  # (B, ...)
    var_voxel = var.mean(1)  # mean over channels: (B, ...)
    dims = tuple(range(1, entropy.dim()))
    per_case = {"variance": var_voxel.mean(dims) if dims else var_voxel, "entropy": entropy.mean(dims) if dims else entropy}
    return {"mean": mean, "per_voxel": {"variance": var_voxel, "entropy": entropy}, "per_case": per_case, "samples": stack}


def _enable_dropout(model) -> list:
    switched = []
    for m in model.modules():
        if isinstance(m, torch.nn.modules.dropout._DropoutNd) and not m.training:
            m.train()
            switched.append(m)
    return switched


@torch.no_grad()
def mc_dropout(model, x, n_samples: int = 10, seed: int = 0, **forward_kwargs) -> dict:
    """Run with dropout active (everything else in eval mode) ``n_samples`` times, seeded."""
    model.eval()
    switched = _enable_dropout(model)
    gen_state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        stack = torch.stack([_probs(model(x, **forward_kwargs)) for _ in range(n_samples)])
    finally:
        torch.random.set_rng_state(gen_state)
        for m in switched:
            m.eval()
    return _summary(stack)


def flip_transforms(spatial_dims: int) -> list[tuple[int, ...]]:
    """Identity plus each single-axis flip and the all-axes flip, as tuples of tensor axes to flip."""
    axes = [d + 2 for d in range(spatial_dims)]
    return [()] + [(a,) for a in axes] + ([tuple(axes)] if spatial_dims > 1 else [])


@torch.no_grad()
def tta(model, x, flips: list[tuple[int, ...]] | None = None, dense: bool = True, **forward_kwargs) -> dict:
    """Average over flipped inputs; dense outputs (segmentation) are flipped back before averaging."""
    model.eval()
    flips = flip_transforms(x.dim() - 2) if flips is None else flips
    outs = []
    for f in flips:
        y = _probs(model(torch.flip(x, f) if f else x, **forward_kwargs))
        outs.append(torch.flip(y, f) if (f and dense) else y)
    return _summary(torch.stack(outs))
