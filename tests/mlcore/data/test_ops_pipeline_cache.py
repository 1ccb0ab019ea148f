import numpy as np
import pytest

from mlcore.data import (
    AddChannel,
    ArrayOp,
    CenterCropOrPad,
    NormalizeIntensity,
    Pipeline,
    RandomFlip,
    SampleDataset,
    ScaleIntensityRange,
)


class CountingScale(ArrayOp):
    """x * factor; counts how often it ran (class attribute, shared by instances)."""

    calls = 0

    def __init__(self, key_in, factor=2.0, key_out=None):
        super().__init__(key_in, key_out)
        self.factor = factor

    def fn(self, array):
        type(self).calls += 1
        return np.asarray(array) * self.factor


def test_array_ops_against_hand_computation():
    s = {"x": np.array([[1.0, 2.0, 3.0, 6.0]])}
    out = NormalizeIntensity("x", key_out="z")(dict(s))
    # mean 3, population std sqrt((4 + 1 + 0 + 9) / 4) = sqrt(3.5)
    np.testing.assert_allclose(out["z"], (np.array([[1, 2, 3, 6]]) - 3) / np.sqrt(3.5), rtol=1e-6)
    out = ScaleIntensityRange("x", a_min=2, a_max=4)(dict(s))
    np.testing.assert_allclose(out["x"], [[0.0, 0.0, 0.5, 1.0]])
    a = np.arange(5 * 4).reshape(5, 4)
    out = CenterCropOrPad("a", shape=(3, 6))({"a": a})["a"]
    assert out.shape == (3, 6)
    np.testing.assert_array_equal(out[:, 1:5], a[1:4])
    assert (out[:, 0] == 0).all() and (out[:, 5] == 0).all()
    assert AddChannel("a")({"a": a})["a"].shape == (1, 5, 4)


def test_spec_records_constructor_arguments():
    assert CountingScale("x", factor=3.0).spec()["params"] == {"key_in": "x", "factor": 3.0, "key_out": None}


def test_random_op_refused_in_deterministic_part():
    with pytest.raises(ValueError, match="random part"):
        Pipeline([RandomFlip(["x"])])


def _samples(n=4):
    return [{"case_id": f"c{i}", "x": np.full((2, 3), float(i))} for i in range(n)]


def test_cache_reused_when_unchanged_and_invalidated_by_a_parameter_change(tmp_path):
    CountingScale.calls = 0
    ds = SampleDataset(_samples(), Pipeline([CountingScale("x", factor=2.0)]), cache_dir=tmp_path)
    first = [ds[i]["x"] for i in range(4)]
    assert CountingScale.calls == 4
    np.testing.assert_array_equal(first[3], np.full((2, 3), 6.0))

    # A new dataset with an identical pipeline: every item comes from disk, the op never runs.
    ds2 = SampleDataset(_samples(), Pipeline([CountingScale("x", factor=2.0)]), cache_dir=tmp_path)
    again = [ds2[i]["x"] for i in range(4)]
    assert CountingScale.calls == 4 and ds2.cache.hits == 4 and ds2.cache.misses == 0
    assert ds2.cache.folder == ds.cache.folder
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)

    # One parameter changed: a new folder, the op runs again, and the values follow the new parameter.
    ds3 = SampleDataset(_samples(), Pipeline([CountingScale("x", factor=3.0)]), cache_dir=tmp_path)
    assert ds3.cache.folder != ds.cache.folder
    assert ds3[2]["x"][0, 0] == 6.0 and CountingScale.calls == 5

    # Same pipeline, changed input content: also a new folder.
    changed = _samples()
    changed[0]["x"] = changed[0]["x"] + 1
    ds4 = SampleDataset(changed, Pipeline([CountingScale("x", factor=2.0)]), cache_dir=tmp_path)
    assert ds4.cache.folder not in (ds.cache.folder, ds3.cache.folder)
    assert len({p.name for p in tmp_path.iterdir()}) == 3


def test_cache_key_follows_file_content_not_path(tmp_path):
    a, b = tmp_path / "a.bin", tmp_path / "b.bin"
    a.write_bytes(b"same")
    b.write_bytes(b"same")
    pipe = Pipeline([])
    key_a = SampleDataset([{"case_id": "c", "f": str(a)}], pipe, cache_dir=tmp_path / "c").cache.key
    key_b = SampleDataset([{"case_id": "c", "f": str(b)}], pipe, cache_dir=tmp_path / "c").cache.key
    assert key_a == key_b
    b.write_bytes(b"different")
    assert SampleDataset([{"case_id": "c", "f": str(b)}], pipe, cache_dir=tmp_path / "c").cache.key != key_a


def test_random_part_is_seeded_per_epoch_and_index_and_flips_image_and_label_together():
    x = np.arange(8, dtype=float).reshape(1, 8, 1, 1)
    samples = [{"case_id": "c", "img": x, "lbl": x.copy()}]
    pipe = Pipeline([], [RandomFlip(["img", "lbl"], axes=(0,), prob=0.5)])
    ds = SampleDataset(samples, pipe, seed=3)
    seen = []
    for epoch in range(12):
        ds.set_epoch(epoch)
        out = ds[0]
        np.testing.assert_array_equal(out["img"], out["lbl"])
        # Independent check: the op's first draw from default_rng([seed, epoch, index]) decides the flip.
        flipped = np.random.default_rng([3, epoch, 0]).random() < 0.5
        np.testing.assert_array_equal(out["img"].ravel(), np.arange(8)[::-1] if flipped else np.arange(8))
        seen.append(flipped)
    assert 0 < sum(seen) < 12
    np.testing.assert_array_equal(samples[0]["img"].ravel(), np.arange(8))  # inputs untouched
