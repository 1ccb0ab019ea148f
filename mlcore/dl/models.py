"""Networks: tabular MLP, a small ResNet classifier (2D/3D) with optional FiLM, MONAI UNet / SegResNet.

Inputs are channel-first: tabular (B, F); images (B, C, X, Y[, Z]). Classifiers return logits (B, K)
(K = 1 for binary); segmenters return (B, C, X, Y[, Z]) logits.
"""

from __future__ import annotations

import torch
from torch import nn

from .film import FiLM


class TabularMLP(nn.Module):
    """Standardise features with stored training mean/std, then Linear-ReLU-Dropout blocks.

    in_features: F. hidden: widths. mean, std: (F,) training-set statistics (kept as buffers, so a bundle's
    weights carry them; std 0 is replaced by 1).
    """

    def __init__(self, in_features: int, hidden=(64, 32), out_features: int = 1, dropout: float = 0.1, mean=None, std=None):
        super().__init__()
        mean = torch.zeros(in_features) if mean is None else torch.as_tensor(mean, dtype=torch.float32)
        std = torch.ones(in_features) if std is None else torch.as_tensor(std, dtype=torch.float32)
        self.register_buffer("mean", mean.clone())
        self.register_buffer("std", torch.where(std > 0, std, torch.ones_like(std)).clone())
        layers, width = [], in_features
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU(), nn.Dropout(dropout)]
            width = h
        layers.append(nn.Linear(width, out_features))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        """x: (B, F) raw features -> (B, out_features) logits."""
        return self.net((x - self.mean) / self.std)


class _ResBlock(nn.Module):
    def __init__(self, dims: int, cin: int, cout: int, stride: int):
        super().__init__()
        conv = nn.Conv3d if dims == 3 else nn.Conv2d
        norm = nn.InstanceNorm3d if dims == 3 else nn.InstanceNorm2d
        self.body = nn.Sequential(conv(cin, cout, 3, stride, 1), norm(cout, affine=True), nn.ReLU(),
                                  conv(cout, cout, 3, 1, 1), norm(cout, affine=True))
        self.skip = conv(cin, cout, 1, stride) if (stride != 1 or cin != cout) else nn.Identity()

    def forward(self, x):
        return torch.relu(self.body(x) + self.skip(x))


class SmallResNet(nn.Module):
    """Residual classifier: one stride-2 block per entry of ``channels``, global average pooling, dropout, linear.

    n_meta > 0 adds a FiLM layer after every block, conditioned on a (B, n_meta) metadata vector.
    """

    def __init__(self, spatial_dims: int = 3, in_channels: int = 1, out_features: int = 1, channels=(16, 32, 64),
                 n_meta: int = 0, dropout: float = 0.0):
        super().__init__()
        blocks, films, cin = [], [], in_channels
        for c in channels:
            blocks.append(_ResBlock(spatial_dims, cin, c, 2))
            films.append(FiLM(n_meta, c) if n_meta else nn.Identity())
            cin = c
        self.blocks, self.films, self.n_meta = nn.ModuleList(blocks), nn.ModuleList(films), n_meta
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(cin, out_features)

    def forward(self, x, meta=None):
        """x: (B, C, *spatial); meta: (B, n_meta) when FiLM is on -> (B, out_features) logits."""
        for block, film in zip(self.blocks, self.films, strict=True):
            x = block(x)
            x = film(x, meta) if self.n_meta else x
        return self.head(self.dropout(x.flatten(2).mean(-1)))


def build_model(cfg: dict, **data_info) -> nn.Module:
    """A network from ``cfg = {"name": mlp|resnet|unet|segresnet, ...}``; ``data_info`` fills sizes the data
    decides (``in_features``, ``mean``, ``std`` for the MLP)."""
    cfg = dict(cfg)
    name = cfg.pop("name")
    cfg.pop("meta_keys", None)
    if name == "mlp":
        return TabularMLP(**{**data_info, **cfg})
    if name == "resnet":
        return SmallResNet(**cfg)
    if name == "unet":
        from monai.networks.nets import UNet

        cfg.setdefault("spatial_dims", 3)
        cfg["channels"], cfg["strides"] = tuple(cfg["channels"]), tuple(cfg["strides"])
        return UNet(**cfg)
    if name == "segresnet":
        from monai.networks.nets import SegResNet

        cfg.setdefault("spatial_dims", 3)
        if "dropout" in cfg:
            cfg["dropout_prob"] = cfg.pop("dropout")
        return SegResNet(**cfg)
    raise KeyError(f"unknown model {name!r}; expected mlp, resnet, unet or segresnet")
