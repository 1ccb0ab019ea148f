"""FiLM: feature-wise linear modulation of a feature map by case metadata (Perez 2018; ivadomed's use for
acquisition parameters). x: (B, C, *spatial); meta: (B, M). Output gamma(meta) * x + beta(meta), with
gamma, beta: (B, C) from a two-layer MLP whose last layer starts at zero, so an untrained FiLM is the identity.
"""

from __future__ import annotations

import torch
from torch import nn


class FiLM(nn.Module):
    """FiLM layer: n_meta metadata values condition n_channels feature maps (see the module docstring)."""

    def __init__(self, n_meta: int, n_channels: int, hidden: int = 32):
        super().__init__()
        self.n_channels = n_channels
        self.mlp = nn.Sequential(nn.Linear(n_meta, hidden), nn.ReLU(), nn.Linear(hidden, 2 * n_channels))
        nn.init.zeros_(self.mlp[-1].weight)
        nn.init.zeros_(self.mlp[-1].bias)

    def forward(self, x, meta):
        params = self.mlp(meta.to(x.dtype))
        gamma = 1.0 + params[:, : self.n_channels]
        beta = params[:, self.n_channels:]
        shape = (x.shape[0], self.n_channels) + (1,) * (x.dim() - 2)
        return gamma.reshape(shape) * x + beta.reshape(shape)


def film_parameters(film: FiLM, meta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(gamma, beta), each (B, C), that ``film`` applies for ``meta``."""
    params = film.mlp(meta)
    return 1.0 + params[:, : film.n_channels], params[:, film.n_channels:]
