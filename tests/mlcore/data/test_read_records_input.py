"""read_records: identifiers stay text, a byte-order mark is not part of a column name, short rows
give None instead of a crash."""

from mlcore.data.readers import read_records


def test_ids_bom_and_short_rows(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes("\ufeffcase_id,subject,age\n007,1e3,42\n008,sub-8\n".encode())
    rows = read_records(path)
    assert rows == [{"case_id": "007", "subject": "1e3", "age": 42}, {"case_id": "008", "subject": "sub-8", "age": None}]
