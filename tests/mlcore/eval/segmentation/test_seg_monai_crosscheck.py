"""Cross-check against MONAI on random shapes, where the conventions agree.

Agreement: MONAI's edges are also mask minus scipy's default (face-connected) erosion, its distances
are Euclidean between edge voxel centres with spacing, HD95 is the larger of the two directed
percentiles (linear interpolation), its symmetric average surface distance is our ASSD, and its NSD
counts d <= tolerance over both edge sets. MONAI returns float32, hence the relative tolerance.

Differences (not cross-checked, tested against our policy instead): MONAI's Dice with its default
``ignore_empty=True`` is NaN when the reference is empty (so a false positive there goes unseen; ours
is 0); its Hausdorff is inf (or NaN) when a mask is empty (ours is the policy's worst value); its NSD
is NaN when both masks are empty (ours 1).
"""

import numpy as np
import pytest

from mlcore.eval.segmentation import ScoringOptions, score_case

torch = pytest.importorskip("torch")
monai_metrics = pytest.importorskip("monai.metrics")


def random_blob(rng, shape):
    grids = np.ogrid[tuple(slice(0, n) for n in shape)]
    out = np.zeros(shape, dtype=bool)
    for _ in range(rng.integers(1, 4)):
        centre = rng.uniform(0.25, 0.75, len(shape)) * np.array(shape)
        radii = rng.uniform(0.08, 0.3, len(shape)) * np.array(shape)
        out |= sum(((g - c) / r) ** 2 for g, c, r in zip(grids, centre, radii, strict=True)) < 1
    return out | (rng.random(shape) > 0.995)  # a few stray voxels: small lesions and outliers


def one_hot(mask):
    t = torch.from_numpy(mask)
    return torch.stack([~t, t]).float()[None]


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("seed", range(6))
def test_matches_monai_on_random_shapes(seed):
    rng = np.random.default_rng(seed)
    shape = tuple(int(n) for n in rng.integers(12, 40, size=3 if seed % 2 == 0 else 2))
    spacing = tuple(float(s) for s in rng.uniform(0.5, 2.5, size=len(shape)))
    ref, pred = random_blob(rng, shape), random_blob(rng, shape)
    tolerance = 1.7
    ours = score_case(ref, pred, spacing, metrics=("dice", "hausdorff", "hd95", "assd", "nsd"),
                      options=ScoringOptions(tolerance_mm=tolerance)).values
    y_pred, y = one_hot(pred), one_hot(ref)
    theirs = {
        "dice": monai_metrics.compute_dice(y_pred, y, include_background=False),
        "hausdorff": monai_metrics.compute_hausdorff_distance(y_pred, y, spacing=spacing),
        "hd95": monai_metrics.compute_hausdorff_distance(y_pred, y, percentile=95, spacing=spacing),
        "assd": monai_metrics.compute_average_surface_distance(y_pred, y, symmetric=True, spacing=spacing),
        "nsd": monai_metrics.compute_surface_dice(y_pred, y, [tolerance], spacing=spacing),
    }
    for metric, value in theirs.items():
        assert ours[metric][0] == pytest.approx(float(value[0, 0]), rel=1e-5, abs=1e-6), metric


@pytest.mark.filterwarnings("ignore")
def test_matches_monai_multi_label():
    rng = np.random.default_rng(42)
    shape, spacing = (30, 26, 18), (0.9, 1.1, 2.0)
    second = random_blob(rng, shape)
    ref = random_blob(rng, shape).astype(np.uint8)
    ref[second] = 2
    pred = random_blob(rng, shape).astype(np.uint8)
    pred[np.roll(second, 2, axis=0)] = 2
    pred[random_blob(rng, shape) & (pred == 0)] = 3
    ours = score_case(ref, pred, spacing, labels=(1, 2, 3), metrics=("dice", "hd95", "nsd"),
                      options=ScoringOptions(tolerance_mm=2.0)).values

    def multi_hot(a):
        t = torch.from_numpy(a.astype(np.int64))
        return torch.stack([t == k for k in range(4)]).float()[None]

    y_pred, y = multi_hot(pred), multi_hot(ref)
    dice = monai_metrics.compute_dice(y_pred, y, include_background=False)[0]
    hd95 = monai_metrics.compute_hausdorff_distance(y_pred, y, percentile=95, spacing=spacing)[0]
    nsd = monai_metrics.compute_surface_dice(y_pred, y, [2.0] * 3, spacing=spacing)[0]
    # label 3 is only in the prediction: MONAI's Dice ignores it (NaN), ours scores the false positive
    assert np.isnan(float(dice[2])) and ours["dice"][2] == 0.0
    np.testing.assert_allclose(ours["dice"][:2], dice[:2].numpy(), rtol=1e-5)
    np.testing.assert_allclose(ours["hd95"][:2], hd95[:2].numpy(), rtol=1e-5)
    np.testing.assert_allclose(ours["nsd"], nsd.numpy(), rtol=1e-5)  # reference empty for label 3: 0 in both


@pytest.mark.filterwarnings("ignore")
def test_where_monai_differs_empty_masks():
    ref = np.zeros((10, 10), dtype=bool)
    pred = np.zeros((10, 10), dtype=bool)
    pred[3:5, 3:5] = True
    monai_dice = monai_metrics.compute_dice(one_hot(pred), one_hot(ref), include_background=False)
    assert np.isnan(float(monai_dice[0, 0]))  # MONAI default: the false positive is invisible
    ours = score_case(ref, pred, labels=[1]).values
    assert ours["dice"][0] == 0.0
    assert ours["hausdorff"][0] == pytest.approx(np.hypot(9, 9))  # worst = field-of-view diagonal
    monai_hd = monai_metrics.compute_hausdorff_distance(one_hot(pred), one_hot(ref))
    assert np.isinf(float(monai_hd[0, 0]))
    both_empty = monai_metrics.compute_surface_dice(one_hot(ref), one_hot(ref), [1.0])
    assert np.isnan(float(both_empty[0, 0]))
    assert score_case(ref, ref, labels=[1]).values["nsd"][0] == 1.0
