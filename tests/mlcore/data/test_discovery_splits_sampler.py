from collections import Counter

import numpy as np
import pytest

from mlcore.data import (
    ClassBalancedBatchSampler,
    discover_bids,
    load_split,
    read_case_table,
    save_split,
    select,
    split_cases,
    write_nifti,
)
from mlcore.data.synthetic import make_volume, write_dataset


def test_discover_bids_with_sessions_labels_and_participants(tmp_path):
    img = np.zeros((2, 2, 2), np.float32)
    for rel in ["sub-01/anat/sub-01_T1w.nii.gz", "sub-02/ses-1/anat/sub-02_ses-1_T1w.nii.gz",
                "sub-02/ses-2/anat/sub-02_ses-2_T1w.nii.gz", "sub-02/ses-2/anat/sub-02_ses-2_T2w.nii.gz",
                "derivatives/labels/sub-01/anat/sub-01_T1w_seg.nii.gz"]:
        write_nifti(tmp_path / rel, img)
    (tmp_path / "participants.tsv").write_text("participant_id\tage\tsite\nsub-01\t30\tA\nsub-02\tn/a\tB\n", encoding="utf-8")
    samples = discover_bids(tmp_path, suffix="T1w", label_suffix="seg")
    assert [s["case_id"] for s in samples] == ["sub-01", "sub-02_ses-1", "sub-02_ses-2"]
    assert [s["subject"] for s in samples] == ["sub-01", "sub-02", "sub-02"]
    assert samples[0]["meta"] == {"age": 30, "site": "A"} and samples[1]["meta"] == {"age": None, "site": "B"}
    assert samples[0]["data"]["target"]["label"].endswith("sub-01_T1w_seg.nii.gz")
    assert "target" not in samples[1]["data"]
    assert samples[2]["data"]["input"]["image"].endswith("sub-02_ses-2_T1w.nii.gz")


def test_case_table_resolves_paths_and_keeps_metadata(tmp_path):
    table = write_dataset(tmp_path, n_cases=3, shape=(8, 8, 8), seed=1)
    samples = read_case_table(table)
    assert [s["case_id"] for s in samples] == ["case_000", "case_001", "case_002"]
    assert samples[1]["data"]["input"]["image"] == str((tmp_path / "images/case_001.nii.gz").resolve())
    assert samples[1]["subject"] == "sub-001" and set(samples[1]["meta"]) == {"n_voxels"}


def test_synthetic_volumes_are_seeded_and_written_faithfully(tmp_path):
    a = make_volume((16, 16, 16), np.random.default_rng([5, 0]))
    b = make_volume((16, 16, 16), np.random.default_rng([5, 0]))
    np.testing.assert_array_equal(a[0], b[0])
    image, label = a
    assert label.any() and image[label == 1].mean() - image[label == 0].mean() > 0.6
    write_dataset(tmp_path, n_cases=1, shape=(16, 16, 16), seed=5)
    import nibabel as nib

    np.testing.assert_array_equal(np.asanyarray(nib.load(tmp_path / "labels/case_000.nii.gz").dataobj), label)


def _cohort():
    # 30 subjects; subjects 0-9 have two cases each; label 1 for a third of the subjects.
    samples = []
    for s in range(30):
        for k in range(2 if s < 10 else 1):
            samples.append({"case_id": f"s{s:02d}_{k}", "subject": f"s{s:02d}", "meta": {"label": int(s % 3 == 0), "site": "AB"[s % 2]}})
    return samples


def test_split_is_subject_level_stratified_seeded_and_round_trips(tmp_path):
    samples = _cohort()
    split = split_cases(samples, {"train": 0.6, "val": 0.2, "test": 0.2}, by="subject", stratify="meta.label", seed=7)
    parts = split["splits"]
    subject_of = {s["case_id"]: s["subject"] for s in samples}
    subjects = {k: {subject_of[c] for c in v} for k, v in parts.items()}
    assert not (subjects["train"] & subjects["val"]) and not (subjects["train"] & subjects["test"]) and not (subjects["val"] & subjects["test"])
    assert sum(len(v) for v in parts.values()) == len(samples)
    # 10 positive and 20 negative subjects: 60/20/20 gives exactly 6/2/2 positive and 12/4/4 negative subjects.
    label_of = {s["subject"]: s["meta"]["label"] for s in samples}
    assert {k: sum(label_of[s] for s in v) for k, v in subjects.items()} == {"train": 6, "val": 2, "test": 2}
    assert {k: len(v) for k, v in subjects.items()} == {"train": 18, "val": 6, "test": 6}
    assert split_cases(samples, {"train": 0.6, "val": 0.2, "test": 0.2}, stratify="meta.label", seed=7) == split
    assert split_cases(samples, {"train": 0.6, "val": 0.2, "test": 0.2}, stratify="meta.label", seed=8) != split
    path = save_split(split, tmp_path / "split.json")
    assert load_split(path) == split
    assert [s["case_id"] for s in select(samples, split, "val")] == parts["val"]


def test_split_by_another_metadata_column():
    split = split_cases(_cohort(), {"train": 0.5, "val": 0.5}, by="meta.site", seed=0)
    # Site A holds the even subjects (15, five of them with two cases): 20 cases; site B likewise 20.
    assert len(split["splits"]["train"]) == len(split["splits"]["val"]) == 20
    site_of = {s["case_id"]: s["meta"]["site"] for s in _cohort()}
    assert len({site_of[c] for c in split["splits"]["train"]}) == 1
    assert len({site_of[c] for c in split["splits"]["val"]}) == 1


def test_load_split_refuses_a_case_in_two_parts(tmp_path):
    save_split({"format": "podium-split/1", "splits": {"train": ["a", "b"], "val": ["b"]}}, tmp_path / "s.json")
    with pytest.raises(ValueError, match="'b' is in both 'train' and 'val'"):
        load_split(tmp_path / "s.json")


def test_class_balanced_batches():
    labels = np.array([0] * 90 + [1] * 10)
    sampler = ClassBalancedBatchSampler(labels, batch_size=8, seed=1)
    batches = list(sampler)
    assert len(batches) == len(sampler) == 13
    for b in batches:
        assert Counter(labels[b].tolist()) == {0: 4, 1: 4}
    minority = Counter(i for b in batches for i in b if labels[i] == 1)
    # 52 minority draws from 10 items, refilling a shuffled queue: each item 5 or 6 times.
    assert set(minority.values()) <= {5, 6} and len(minority) == 10
    assert batches == list(ClassBalancedBatchSampler(labels, batch_size=8, seed=1))
    sampler.set_epoch(1)
    assert list(sampler) != batches
    three = ClassBalancedBatchSampler(np.repeat([0, 1, 2], 20), batch_size=7, seed=0)
    for b in three:
        counts = sorted(Counter(np.repeat([0, 1, 2], 20)[b].tolist()).values())
        assert counts == [2, 2, 3]
