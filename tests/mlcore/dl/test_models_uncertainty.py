import numpy as np
import pytest
import torch

from mlcore.dl.film import FiLM, film_parameters
from mlcore.dl.models import SmallResNet, TabularMLP, build_model
from mlcore.dl.uncertainty import flip_transforms, mc_dropout, tta


def test_film_starts_as_identity_and_applies_gamma_beta_per_channel():
    film = FiLM(n_meta=2, n_channels=3)
    x = torch.randn(2, 3, 4, 4)
    meta = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    torch.testing.assert_close(film(x, meta), x)
    with torch.no_grad():  # make gamma - 1 = meta[0] and beta = meta[1] for every channel (through a ReLU of meta >= 0)
        film.mlp[0].weight.zero_()
        film.mlp[0].weight[0, 0] = 1.0
        film.mlp[0].weight[1, 1] = 1.0
        film.mlp[0].bias.zero_()
        film.mlp[2].weight.zero_()
        film.mlp[2].weight[:3, 0] = 1.0
        film.mlp[2].weight[3:, 1] = 1.0
    out = film(x, meta)
    torch.testing.assert_close(out[0], 2.0 * x[0])  # gamma 2, beta 0
    torch.testing.assert_close(out[1], x[1] + 2.0)  # gamma 1, beta 2
    gamma, beta = film_parameters(film, meta)
    torch.testing.assert_close(gamma, torch.tensor([[2.0] * 3, [1.0] * 3]))


def test_mlp_standardises_with_stored_statistics():
    torch.manual_seed(0)
    mean, std = torch.tensor([1.0, 10.0]), torch.tensor([2.0, 0.0])
    mlp = TabularMLP(2, hidden=(), mean=mean, std=std)  # a single linear layer
    x = torch.tensor([[3.0, 12.0]])
    w, b = mlp.net[0].weight[0].detach(), mlp.net[0].bias[0].detach()
    expected = w[0] * (3 - 1) / 2 + w[1] * (12 - 10) / 1 + b  # std 0 is replaced by 1
    assert float(mlp(x)[0, 0].detach()) == pytest.approx(float(expected), abs=1e-6)
    assert "mean" in mlp.state_dict()


def test_model_shapes():
    assert SmallResNet(3, 1, 1, (4, 8), n_meta=2)(torch.randn(2, 1, 16, 16, 16), torch.randn(2, 2)).shape == (2, 1)
    assert SmallResNet(2, 3, 4, (4,))(torch.randn(2, 3, 8, 8)).shape == (2, 4)
    unet = build_model({"name": "unet", "in_channels": 1, "out_channels": 2, "channels": [4, 8], "strides": [2]})
    assert unet(torch.randn(1, 1, 16, 16, 16)).shape == (1, 2, 16, 16, 16)
    seg = build_model({"name": "segresnet", "in_channels": 1, "out_channels": 2, "init_filters": 8, "dropout": 0.1})
    assert seg(torch.randn(1, 1, 16, 16, 16)).shape == (1, 2, 16, 16, 16)
    with pytest.raises(KeyError, match="unknown model"):
        build_model({"name": "vit"})


class _Dropper(torch.nn.Module):
    def __init__(self, p):
        super().__init__()
        self.drop = torch.nn.Dropout(p)

    def forward(self, x):
        return self.drop(x)


def test_mc_dropout_variance_zero_without_dropout_and_matches_manual_stack():
    x = torch.tensor([[0.5], [-1.0]])
    out = mc_dropout(_Dropper(0.0), x, n_samples=5)
    assert float(out["per_case"]["variance"].abs().max()) == 0.0
    torch.testing.assert_close(out["mean"], torch.sigmoid(x))
    out = mc_dropout(_Dropper(0.5), x, n_samples=200, seed=1)
    # Each pass gives sigmoid(0) = 0.5 (dropped) or sigmoid(2x) (kept, scaled by 1/(1-p)), each with probability 1/2.
    kept = torch.sigmoid(2 * x)
    stack = out["samples"]
    assert set(np.round(stack[:, 0, 0].double().numpy(), 5).tolist()) == {0.5, round(float(kept[0, 0]), 5)}
    torch.testing.assert_close(out["mean"], stack.mean(0))
    p_kept = (stack[:, 0, 0] != 0.5).float().mean()
    assert 0.35 < float(p_kept) < 0.65
    # entropy of the mean probability, by hand
    m = out["mean"][:, 0]
    torch.testing.assert_close(out["per_case"]["entropy"], -(m * m.log() + (1 - m) * (1 - m).log()))


def test_tta_flips_back_dense_outputs():
    x = torch.randn(1, 1, 4, 5, 6)
    identity = torch.nn.Conv3d(1, 1, 1, bias=False)
    torch.nn.init.ones_(identity.weight)
    out = tta(identity, x)
    assert len(flip_transforms(3)) == 5
    torch.testing.assert_close(out["mean"], torch.sigmoid(x))  # every flipped pass realigned before averaging
    assert float(out["per_voxel"]["variance"].max()) < 1e-12
    shift = torch.nn.Conv3d(1, 1, (3, 1, 1), padding=(1, 0, 0), bias=False)  # not flip-equivariant along x
    with torch.no_grad():
        shift.weight.copy_(torch.tensor([1.0, 0.0, 0.0]).reshape(1, 1, 3, 1, 1))
    assert float(tta(shift, x)["per_voxel"]["variance"].max()) > 0
