"""Published and hand-computed values: Metrics Reloaded Fig. SN 2.10, the FuseMedML Hausdorff defect."""

import numpy as np
import pytest
from scipy import ndimage

from mlcore.eval.segmentation import boundary, score_case, surface_distances
from mlcore.eval.segmentation.boundary import boundary_face_areas
from mlcore.eval.segmentation.distances import assd, hausdorff, hausdorff_percentile, masd, nsd

# Metrics Reloaded (Maier-Hein et al., Nature Methods 2024), Fig. SN 2.10: 14x14 grid, unit spacing,
# reference 4x4 square at rows/cols 5..8; prediction 1 a 2x2 square at 6..7, prediction 2 a 6x6 at 4..9.
MR_EXPECTED = {
    "small": {"dice": 0.4, "hausdorff": 1.4142, "hd95": 1.4142, "assd": 1.1036, "masd": 1.0690, "nsd": 0.75},
    "large": {"dice": 0.6154, "hausdorff": 1.4142, "hd95": 1.4142, "assd": 1.0518, "masd": 1.0414, "nsd": 0.875},
}


def square(lo, hi, n=14):
    m = np.zeros((n, n), dtype=np.uint8)
    m[lo:hi + 1, lo:hi + 1] = 1
    return m


@pytest.mark.parametrize("name,pred", [("small", square(6, 7)), ("large", square(4, 9))])
def test_metrics_reloaded_figure_values(name, pred):
    scores = score_case(square(5, 8), pred, spacing=(1.0, 1.0), metrics=tuple(MR_EXPECTED[name]),
                        options=None)
    for metric, expected in MR_EXPECTED[name].items():
        assert scores.values[metric][0] == pytest.approx(expected, abs=5e-5), metric


def test_metrics_reloaded_distances_written_out():
    # Prediction 1 by hand: its 4 pixels are all boundary, each 1 from the reference ring; the ring's
    # 4 corners are sqrt(2) from the prediction and its 8 edge pixels 1.
    sd = surface_distances(square(5, 8).astype(bool), square(6, 7).astype(bool))
    assert sorted(sd.pred_to_ref) == [1.0] * 4
    assert sorted(sd.ref_to_pred) == pytest.approx([1.0] * 8 + [np.sqrt(2)] * 4)
    assert assd(sd) == pytest.approx((12 + 4 * np.sqrt(2)) / 16)
    assert masd(sd) == pytest.approx((1 + (8 + 4 * np.sqrt(2)) / 12) / 2)


def test_fusemedml_single_pixel_hausdorff_defect():
    # FuseMedML passes masks to a point-set distance and reports 1.0; the pixel centres are 5*sqrt(2) apart.
    a = np.zeros((10, 10), dtype=bool)
    b = np.zeros((10, 10), dtype=bool)
    a[2, 2] = True
    b[7, 7] = True
    sd = surface_distances(a, b)
    assert hausdorff(sd) == pytest.approx(7.0710678, abs=1e-6)
    assert hausdorff_percentile(sd, 95) == pytest.approx(5 * np.sqrt(2))
    assert score_case(a, b).values["hausdorff"][0] == pytest.approx(5 * np.sqrt(2))


def test_boundary_is_mask_minus_face_connected_erosion():
    rng = np.random.default_rng(0)
    for shape in [(9, 11), (7, 8, 9), (1, 5, 6)]:
        m = ndimage.binary_opening(rng.random(shape) > 0.4) | (rng.random(shape) > 0.9)
        expected = m & ~ndimage.binary_erosion(m)  # scipy default: cross structure, border_value 0
        assert np.array_equal(boundary(m), expected)


def test_spacing_is_used_per_axis():
    # Two single voxels 3 apart along axis 0 and 4 apart along axis 2, spacing (2, 1, 0.5) mm:
    # sqrt((3*2)^2 + (4*0.5)^2) = sqrt(40).
    a = np.zeros((8, 3, 9), dtype=bool)
    b = np.zeros((8, 3, 9), dtype=bool)
    a[1, 1, 2] = True
    b[4, 1, 6] = True
    sd = surface_distances(a, b, spacing=(2.0, 1.0, 0.5))
    assert hausdorff(sd) == pytest.approx(np.sqrt(40))
    assert nsd(sd, tolerance_mm=6.3) == 0.0
    assert nsd(sd, tolerance_mm=6.33) == 1.0


def test_nsd_tolerance_is_inclusive_despite_rounding():
    # 3 voxels of 0.1 mm = 0.30000000000000004 in floating point; a 0.3 mm tolerance must admit it.
    a = np.zeros((1, 10), dtype=bool)
    b = np.zeros((1, 10), dtype=bool)
    a[0, 2] = True
    b[0, 5] = True
    assert nsd(surface_distances(a, b, spacing=(0.1, 0.1)), 0.3) == 1.0


def test_area_weighting_by_hand():
    # 2D, spacing (2, 1): a 1x2 bar (rows 1, cols 1..2) vs a single pixel at (1, 1).
    ref = np.zeros((4, 5), dtype=bool)
    ref[1, 1:3] = True
    pred = np.zeros((4, 5), dtype=bool)
    pred[1, 1] = True
    # each bar pixel exposes 2 faces normal to axis 0 (length 1 each) and 1 normal to axis 1 (length 2): 4
    areas = boundary_face_areas(ref, (2.0, 1.0))
    assert areas[1, 1] == 4.0 and areas[1, 2] == 4.0 and areas.sum() == 8.0
    sd = surface_distances(ref, pred, spacing=(2.0, 1.0), area_weighted=True)
    # ref pixels at distance 0 and 1 (weights 4, 4); the pred pixel exposes 4 faces (6 mm) at distance 0
    assert assd(sd) == pytest.approx((4 * 0 + 4 * 1 + 6 * 0) / 14)
    assert masd(sd) == pytest.approx((0 + 0.5) / 2)


def test_face_areas_of_a_box_sum_to_its_surface():
    # 3 x 4 x 5 voxels of 1 x 2 x 3 mm: a 3 x 8 x 15 mm box, surface 2 (3*8 + 3*15 + 8*15) = 378 mm²
    m = np.zeros((5, 6, 7), dtype=bool)
    m[1:4, 1:5, 1:6] = True
    areas = boundary_face_areas(m, (1.0, 2.0, 3.0))
    assert areas.sum() == pytest.approx(378.0)
    assert np.array_equal(areas > 0, boundary(m))


def test_area_weighted_percentile_is_the_first_distance_reaching_the_area_fraction():
    from mlcore.eval.segmentation import SurfaceDistances

    d = np.array([0.0, 1.0, 2.0, 3.0])
    sd = SurfaceDistances(d, d, np.array([3.0, 1.0, 0.5, 0.5]), np.ones(4), area_weighted=True)
    # prediction side: cumulative area fractions 0.6, 0.8, 0.9, 1.0; reference side 0.25, 0.5, 0.75, 1
    assert hausdorff_percentile(sd, 50) == 1.0   # max(0 (pred side), 1 (ref side))
    assert hausdorff_percentile(sd, 85) == 3.0   # max(2, 3)
    assert assd(sd) == pytest.approx((3 * 0 + 1 + 1 + 1.5 + 0 + 1 + 2 + 3) / 9)
