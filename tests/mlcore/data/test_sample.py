import pytest

from mlcore.data import sample as S


def test_dotted_get_put_and_closest_key_error():
    s = {"case_id": "c1", "data": {"input": {"image": 1}}}
    S.put(s, "data.target.label", 7)
    assert S.get(s, "data.target.label") == 7
    assert s["data"]["input"]["image"] == 1 and s["data"]["target"] == {"label": 7}
    assert S.has(s, "data.input.image") and not S.has(s, "data.input.img")
    assert S.get(s, "data.nothing", None) is None
    with pytest.raises(S.MissingKeyError) as err:
        S.get(s, "data.input.imag")
    assert err.value.closest == "data.input.image"
    assert "did you mean 'data.input.image'" in str(err.value)
    with pytest.raises(KeyError):  # still a KeyError for callers that catch that
        S.get(s, "zzz.qqq")


def test_iter_keys_lists_inner_and_leaf_keys():
    s = {"a": {"b": 1, "c": {"d": 2}}, "e": 3}
    assert list(S.iter_keys(s)) == ["a", "a.b", "a.c", "a.c.d", "e"]


def test_import_mlcore_data_does_not_import_torch_or_image_libraries():
    import subprocess
    import sys

    code = ("import sys, mlcore.data, mlcore.data.synthetic; "
            "print(sorted(m for m in ('torch', 'monai', 'nibabel', 'SimpleITK') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
