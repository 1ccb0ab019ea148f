"""Surface distances against brute force (all pairwise distances between boundary voxel centres)."""

import numpy as np
import pytest
from scipy import ndimage
from scipy.spatial.distance import cdist

from mlcore.eval.segmentation import ScoringOptions, score_case, surface_distances
from mlcore.eval.segmentation.distances import assd, hausdorff, hausdorff_percentile, masd, nsd


def brute_force(ref, pred, spacing):
    rb = ref & ~ndimage.binary_erosion(ref)
    pb = pred & ~ndimage.binary_erosion(pred)
    r = np.argwhere(rb) * np.asarray(spacing)
    p = np.argwhere(pb) * np.asarray(spacing)
    d = cdist(p, r)
    return d.min(axis=1), d.min(axis=0)  # pred->ref, ref->pred


@pytest.mark.parametrize("method", ["kdtree", "edt", "auto"])
@pytest.mark.parametrize("density", [0.3, 0.8])
def test_methods_equal_brute_force(method, density):
    rng = np.random.default_rng(int(density * 10))
    shape, spacing = (15, 12, 9), (0.7, 1.3, 2.1)
    ref = rng.random(shape) < density * 0.5  # noise-like masks: boundaries fill the box
    pred = ndimage.binary_dilation(rng.random(shape) < density * 0.2)
    p2r, r2p = brute_force(ref, pred, spacing)
    sd = surface_distances(ref, pred, spacing, method=method)
    np.testing.assert_allclose(np.sort(sd.pred_to_ref), np.sort(p2r), rtol=1e-12)
    np.testing.assert_allclose(np.sort(sd.ref_to_pred), np.sort(r2p), rtol=1e-12)
    both = np.concatenate([p2r, r2p])
    assert hausdorff(sd) == pytest.approx(both.max())
    assert hausdorff_percentile(sd, 90) == pytest.approx(max(np.percentile(p2r, 90), np.percentile(r2p, 90)))
    assert assd(sd) == pytest.approx(both.mean())
    assert masd(sd) == pytest.approx((p2r.mean() + r2p.mean()) / 2)
    assert nsd(sd, 1.5) == pytest.approx(np.mean(both <= 1.5))


def test_configured_percentile_is_used():
    rng = np.random.default_rng(5)
    ref, pred = rng.random((20, 20)) < 0.3, rng.random((20, 20)) < 0.3
    p2r, r2p = brute_force(ref, pred, (1.0, 1.0))
    value = score_case(ref, pred, metrics=["hd95"], options=ScoringOptions(hd_percentile=50)).values["hd95"][0]
    assert value == pytest.approx(max(np.median(p2r), np.median(r2p)))


def test_single_slice_volume_scores_as_2d():
    rng = np.random.default_rng(6)
    ref2d = ndimage.binary_opening(rng.random((30, 25)) < 0.6)
    pred2d = ndimage.binary_opening(rng.random((30, 25)) < 0.6)
    flat = score_case(ref2d, pred2d, (0.5, 0.7))
    stacked = score_case(ref2d[:, :, None], pred2d[:, :, None], (0.5, 0.7, 3.0))
    for m in flat.values:
        np.testing.assert_allclose(stacked.values[m], flat.values[m], err_msg=m)
