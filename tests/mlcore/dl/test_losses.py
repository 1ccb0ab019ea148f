import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlcore.data import MissingKeyError
from mlcore.dl.losses import KeyedLoss, dice_ce_loss, dice_loss, focal_loss, generalized_dice_loss


def _case():
    # One case, 2 classes, 4 voxels. Logits chosen so softmax foreground probabilities are known.
    p_fg = torch.tensor([0.9, 0.8, 0.3, 0.1])
    logits = torch.stack([torch.zeros(4), torch.log(p_fg / (1 - p_fg))])[None]  # (1, 2, 4)
    target = torch.tensor([[1, 1, 0, 1]])
    return logits, target, p_fg


def test_dice_loss_by_hand():
    logits, target, p = _case()
    # foreground: |P.G| = 0.9 + 0.8 + 0.1 = 1.8, |P| = 2.1, |G| = 3 -> Dice = 3.6 / 5.1
    assert float(dice_loss(logits, target)) == pytest.approx(1 - (3.6 + 1e-5) / (5.1 + 1e-5), abs=1e-6)
    # with background: |P0.G0| = 0.7, |P0| = 1.9, |G0| = 1 -> Dice0 = 1.4 / 2.9
    both = 1 - ((3.6 + 1e-5) / (5.1 + 1e-5) + (1.4 + 1e-5) / (2.9 + 1e-5)) / 2
    assert float(dice_loss(logits, target, include_background=True)) == pytest.approx(both, abs=1e-6)
    # one sigmoid channel gives the same foreground Dice
    assert float(dice_loss(logits[:, 1:] , target)) == pytest.approx(1 - (3.6 + 1e-5) / (5.1 + 1e-5), abs=1e-6)


def test_generalized_dice_matches_monai():
    from monai.losses import GeneralizedDiceLoss

    g = torch.Generator().manual_seed(0)
    logits = torch.randn(3, 3, 6, 5, 4, generator=g)
    target = torch.randint(0, 3, (3, 1, 6, 5, 4), generator=g)
    target[1][target[1] == 2] = 0  # class 2 absent from case 1: exercises the infinite-weight rule
    ref = GeneralizedDiceLoss(include_background=True, to_onehot_y=True, softmax=True)(logits, target)
    assert float(generalized_dice_loss(logits, target, include_background=True)) == pytest.approx(float(ref), abs=1e-5)


def test_focal_reduces_to_cross_entropy_and_matches_hand_value():
    logits, target, p = _case()
    assert float(focal_loss(logits, target, gamma=0.0)) == pytest.approx(float(F.cross_entropy(logits, target)), abs=1e-6)
    p_t = np.array([0.9, 0.8, 0.7, 0.1])  # probability of the true class per voxel
    expected = np.mean(-((1 - p_t) ** 2) * np.log(p_t))
    assert float(focal_loss(logits, target, gamma=2.0)) == pytest.approx(expected, abs=1e-6)
    # binary logits (B, 1) with (B,) labels: the sigmoid form
    z, y = torch.tensor([[2.0], [-1.0]]), torch.tensor([1, 1])
    q = 1 / (1 + np.exp(-np.array([2.0, -1.0])))
    assert float(focal_loss(z, y, gamma=1.0, alpha=0.25)) == pytest.approx(np.mean(-0.25 * (1 - q) * np.log(q)), abs=1e-6)


def test_dice_ce_is_the_weighted_sum():
    logits, target, _ = _case()
    expected = 0.5 * float(dice_loss(logits, target)) + 2.0 * float(F.cross_entropy(logits, target))
    assert float(dice_ce_loss(logits, target, lambda_dice=0.5, lambda_ce=2.0)) == pytest.approx(expected, abs=1e-6)


def test_keyed_loss_reads_its_keys():
    logits, target, _ = _case()
    loss = KeyedLoss("dice", key_pred="out.seg", key_target="data.target.mask", weight=2.0)
    assert float(loss({"out": {"seg": logits}, "data": {"target": {"mask": target}}})) == pytest.approx(2 * float(dice_loss(logits, target)))
    with pytest.raises(MissingKeyError, match="did you mean 'data.target.mask'"):
        KeyedLoss("dice", key_pred="out.seg", key_target="data.target.msk")({"out": {"seg": logits}, "data": {"target": {"mask": target}}})
    with pytest.raises(KeyError, match="unknown loss 'dise'"):
        KeyedLoss("dise")
