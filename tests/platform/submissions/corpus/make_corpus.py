"""Writes the malformed-upload corpus (run once; the files are committed). `expected.json` lists each
file with the phase it is uploaded to and the problem code and message it must get.

    .venv/bin/python tests/platform/submissions/corpus/make_corpus.py

Phases (see test_corpus.py): binary (cases c1..c6, metrics auc and brier), multiclass (classes A, B, C),
regression, segmentation (cases c1..c3: 8 x 8 x 4 NIfTI label maps, spacing 1 x 1 x 2 mm, labels 1 and 2).
"""

import gzip
import io
import json
import os
import tarfile
import zipfile
from pathlib import Path

import nibabel as nib
import numpy as np

HERE = Path(__file__).resolve().parent
CASES = ["c1", "c2", "c3", "c4", "c5", "c6"]
SEG_CASES = ["c1", "c2", "c3"]
SHAPE, SPACING = (8, 8, 4), (1.0, 1.0, 2.0)
EXPECTED = []


def write(name, content: bytes, phase, code, message, **extra):
    path = HERE / phase / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    EXPECTED.append({"file": f"{phase}/{name}", "phase": phase, "code": code, "message": message, **extra})


def csv(header, rows) -> bytes:
    return (header + "\n" + "".join(",".join(r) + "\n" for r in rows)).encode()


GOOD = [(c, s) for c, s in zip(CASES, ["0.9", "0.8", "0.7", "0.1", "0.4", "0.5"], strict=True)]


def binary():
    p = "binary"
    write("empty.csv", b"", p, "empty_file", "the file is empty")
    write("blank_lines.csv", b"\n\n  \n", p, "empty_file", "the file is empty")
    write("header_only.csv", b"case_id,score\n", p, "no_rows", "has a header but no rows")
    write("semicolon.csv", csv("case_id;score", [(f"{c};{s}",) for c, s in GOOD]), p, "bad_delimiter", "found ';' as the delimiter")
    write("tab.csv", csv("case_id\tscore", [(f"{c}\t{s}",) for c, s in GOOD]), p, "bad_delimiter", "found '\\t' as the delimiter")
    write("latin1.csv", "case_id,score\nc1,0.9\nc2,0.8 # é\n".encode("latin-1"), p, "bad_encoding", "is not UTF-8 text")
    write("utf16.csv", csv("case_id,score", GOOD).decode().encode("utf-16"), p, "bad_encoding", "is not UTF-8 text (byte 0")
    write("wrong_score_column.csv", csv("case_id,prob", GOOD), p, "wrong_columns", "found case_id, prob (missing: score)")
    write("no_case_id_column.csv", csv("id,score", GOOD), p, "wrong_columns", "(missing: case_id)")
    write("missing_case.csv", csv("case_id,score", GOOD[:5]), p, "missing_cases", "expected 6 case ids, found 5 of them; missing: c6", case_ids=["c6"])
    write("unknown_case.csv", csv("case_id,score", [*GOOD, ("c99", "0.2")]), p, "unknown_cases", "not in this phase: c99", case_ids=["c99"])
    write("duplicate_case.csv", csv("case_id,score", [*GOOD, ("c1", "0.3")]), p, "duplicate_cases", "appear more than once: c1", case_ids=["c1"])
    write("nan.csv", csv("case_id,score", [(c, "NaN" if c == "c3" else s) for c, s in GOOD]), p, "not_finite", "is NaN for case(s) c3", case_ids=["c3"])
    write("inf.csv", csv("case_id,score", [(c, "inf" if c == "c2" else s) for c, s in GOOD]), p, "not_finite", "is infinite for case(s) c2", case_ids=["c2"])
    write("non_numeric.csv", csv("case_id,score", [(c, "high" if c == "c4" else s) for c, s in GOOD]), p, "non_numeric", "not a number for case(s) c4", case_ids=["c4"])
    write("empty_case_id.csv", csv("case_id,score", [*GOOD, ("", "0.5")]), p, "empty_case_id", "have an empty case_id (lines 8)")
    write("not_probability.csv", csv("case_id,score", [(c, "1.7" if c == "c5" else s) for c, s in GOOD]), p, "not_probability",
          "need probabilities in [0, 1]; column 'score' is outside [0, 1] for case(s) c5", case_ids=["c5"])
    write("zip_instead_of_csv.csv", _zip({"p.csv": b"\x00\xff" * 64}), p, "bad_encoding", "is not UTF-8 text")
    write("too_large.csv", csv("case_id,score", GOOD), p, "file_too_large", "the limit is 50 bytes", max_upload_bytes=50)


def multiclass():
    p = "multiclass"
    rows = [(c, "0.7", "0.2", "0.1") for c in CASES]
    write("missing_class_column.csv", csv("case_id,A,B", [r[:3] for r in rows]), p, "missing_class_column", "expected one probability column per class")
    write("rows_do_not_sum_to_one.csv", csv("case_id,A,B,C", [(c, "0.7", "0.7", "0.1") if c == "c2" else (c, a, b, d) for c, a, b, d in rows]),
          p, "rows_do_not_sum_to_one", "they do not for case(s) c2", case_ids=["c2"])
    write("negative_probability.csv", csv("case_id,A,B,C", [(c, "1.2", "-0.1", "-0.1") if c == "c6" else (c, a, b, d) for c, a, b, d in rows]),
          p, "not_probability", "must lie in [0, 1]; not so for case(s) c6", case_ids=["c6"])
    write("extra_class_column.csv", csv("case_id,A,B,C,D", [(*r, "0") for r in rows]), p, "wrong_columns", "unexpected column(s) D")
    write("missing_case.csv", csv("case_id,A,B,C", rows[1:]), p, "missing_cases", "missing: c1", case_ids=["c1"])


def regression():
    p = "regression"
    rows = [(c, str(10 + i)) for i, c in enumerate(CASES)]
    write("score_instead_of_value.csv", csv("case_id,score", rows), p, "wrong_columns", "(missing: value)")
    write("nan_value.csv", csv("case_id,value", [(c, "nan" if c == "c1" else v) for c, v in rows]), p, "not_finite", "is NaN for case(s) c1", case_ids=["c1"])
    write("text_value.csv", csv("case_id,value", [(c, "twelve" if c == "c3" else v) for c, v in rows]), p, "non_numeric", "not a number for case(s) c3", case_ids=["c3"])


def nifti(array, spacing=SPACING) -> bytes:
    img = nib.Nifti1Image(np.asarray(array, dtype=np.uint8), np.diag([*spacing, 1.0]))
    img.header.set_zooms(spacing)
    return gzip.compress(img.to_bytes(), mtime=0)


def label_map(case: str) -> np.ndarray:
    a = np.zeros(SHAPE, dtype=np.uint8)
    k = SEG_CASES.index(case)
    a[1:4 + k, 2:6, 1:3] = 1
    a[5:7, 5:7, 2] = 2
    return a


def _zip(members: dict, links=(), absolute=False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in links:
                info.external_attr = (0o120777 << 16)
            z.writestr(info, data)
    return buffer.getvalue()


def good_seg() -> dict:
    return {f"{c}.nii.gz": nifti(label_map(c)) for c in SEG_CASES}


def tar_gz(members: dict) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def segmentation():
    p = "segmentation"
    (HERE / p).mkdir(parents=True, exist_ok=True)
    (HERE / p / "truth.zip").write_bytes(_zip(good_seg()))
    good = good_seg()
    write("not_a_zip.zip", b"this is not a zip archive\n", p, "not_a_zip", "the upload is not a zip archive")
    write("empty.zip", _zip({}), p, "empty_zip", "holds no files")
    write("absolute_path.zip", _zip({**good, "/tmp/c1.nii.gz": good["c1.nii.gz"]}), p, "zip_absolute_path", "absolute paths: /tmp/c1.nii.gz")
    write("zip_slip.zip", _zip({"c1.nii.gz": good["c1.nii.gz"], "../../c2.nii.gz": good["c2.nii.gz"], "c3.nii.gz": good["c3.nii.gz"]}),
          p, "zip_slip", "'..' in their path (zip slip): ../../c2.nii.gz")
    write("symlink.zip", _zip({**good, "c4.nii.gz": b"/etc/passwd"}, links=("c4.nii.gz",)), p, "zip_link", "symbolic links: c4.nii.gz")
    write("nested_zip.zip", _zip({"c1.nii.gz": good["c1.nii.gz"], "more.zip": _zip({"c2.nii.gz": good["c2.nii.gz"]}), "c3.nii.gz": good["c3.nii.gz"]}),
          p, "nested_archive", "more.zip (zip)")
    write("nested_tar_gz.zip", _zip({"c1.nii.gz": good["c1.nii.gz"], "c2.tar.gz": tar_gz({"c2.nii.gz": good["c2.nii.gz"]}), "c3.nii.gz": good["c3.nii.gz"]}),
          p, "nested_archive", "c2.tar.gz")
    write("nii_gz_holding_zip.zip", _zip({**good, "c2.nii.gz": gzip.compress(_zip({"c2.nii": b"x" * 400}), mtime=0)}),
          p, "nested_archive", "c2.nii.gz (a gzip file holding a zip archive)")
    write("nii_gz_holding_tar.zip", _zip({**good, "c3.nii.gz": tar_gz({"c3.nii": b"x" * 400})}),
          p, "nested_archive", "c3.nii.gz (a gzip file holding a tar archive)")
    # 8 x 8 x 4 voxels x 8 bytes + 1 MiB slack per case: 3 cases need at most 3,154,944 bytes (+1 MiB for the archive).
    write("zip_bomb_member.zip", _zip({**good, "c1.nii": b"\x00" * (8 << 20)}), p, "zip_bomb", "c1.nii (8,388,608 bytes)")
    write("zip_bomb_total.zip", _zip({**good, **{f"c{i}.npy": b"\x00" * 1_048_000 for i in range(4, 9)}}), p, "zip_bomb",
          "the zip archive decompresses to")
    bomb_header = nib.Nifti1Image(label_map("c1"), np.diag([*SPACING, 1.0])).to_bytes()
    write("gzip_bomb.zip", _zip({**good, "c1.nii.gz": gzip.compress(bomb_header + b"\x00" * (16 << 20), mtime=0)}), p, "zip_bomb",
          "c1.nii.gz (over 1,050,624 bytes once decompressed)")
    write("mha_bomb.zip", _zip({**{k: v for k, v in good.items() if k != "c2.nii.gz"},
                                "c2.mha": b"ObjectType = Image\nNDims = 3\nDimSize = 4000 4000 4000\nElementType = MET_UCHAR\n"
                                          b"CompressedData = True\nElementDataFile = LOCAL\n" + b"x\x9c\x03\x00\x00\x00\x00\x01"}),
          p, "zip_bomb", "c2.mha (its header declares 64,000,000,000 voxels)")
    bad_label = label_map("c2")
    bad_label[0, 0, 0] = 3
    write("unknown_label.zip", _zip({**good, "c2.nii.gz": nifti(bad_label)}), p, "unknown_labels", "has label value(s) [3]; expected [1, 2]",
          case_ids=["c2"])
    write("wrong_shape.zip", _zip({**good, "c1.nii.gz": nifti(np.zeros((8, 8, 5)))}), p, "geometry_mismatch",
          "prediction c1.nii.gz does not match its reference (shape)", case_ids=["c1"])
    write("wrong_spacing.zip", _zip({**good, "c3.nii.gz": nifti(label_map("c3"), (1.0, 1.0, 3.0))}), p, "geometry_mismatch",
          "(spacing): prediction shape (8, 8, 4), spacing (1, 1, 3) mm", case_ids=["c3"])
    write("missing_case.zip", _zip({k: v for k, v in good.items() if k != "c3.nii.gz"}), p, "missing_cases",
          "expected 3 predicted label maps, found 2; missing: c3", case_ids=["c3"])
    write("extra_case.zip", _zip({**good, "c9.nii.gz": good["c1.nii.gz"]}), p, "extra_cases", "name no case of this phase: c9", case_ids=["c9"])
    write("unsupported_file.zip", _zip({**good, "notes.txt": b"hello"}), p, "unsupported_file", "notes.txt")
    write("duplicate_case.zip", _zip({**good, "sub/c1.nii.gz": good["c1.nii.gz"]}), p, "duplicate_cases", "case c1 has 2 files", case_ids=["c1"])
    write("unreadable.zip", _zip({**good, "c2.nii.gz": b"\x1f\x8bnot really gzip"}), p, "unreadable_file", "c2.nii.gz cannot be read", case_ids=["c2"])


if __name__ == "__main__":
    binary()
    multiclass()
    regression()
    segmentation()
    (HERE / "expected.json").write_text(json.dumps(EXPECTED, indent=1) + "\n")
    print(f"{len(EXPECTED)} malformed uploads written under {os.path.relpath(HERE)}")
