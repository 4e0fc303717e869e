"""Reading and checking a source file's rows: pure, no database."""

import hashlib
import io

import pytest

from casework.risk import importing
from casework.risk.importing import CheckedRow, FileUnreadable, check_row, mapping_problems, raw_rows
from casework.risk.tests.conftest import CTR_MAPPING, FIXTURES


def _checked(path, file_format, mapping, fixed=None):
    with open(path, "rb") as handle:
        return [
            check_row(line, values, file_format=file_format, fixed_values=fixed or {})
            for line, values in raw_rows(handle, file_format, mapping)
        ]


def test_the_savvi_csv_gives_each_good_row_in_normal_form_and_each_bad_row_its_line_and_reason():
    rows = _checked(FIXTURES / "savvi_attributes.csv", "savvi_csv", importing.SAVVI_COLUMNS)
    good = [row for row in rows if isinstance(row, CheckedRow)]
    assert [(row.line, row.person_reference, row.scheme, row.term) for row in good] == [
        (2, "CTR-001", "council_tax_reduction", "arrears"),
        (3, "CTR-001", "council_tax_reduction", "single_person_discount"),
        (4, "CTR-002", "council_tax_reduction", "arrears"),
    ]
    first, _, second = good
    assert (first.nhs_number, first.uprn, first.birth_date, first.gender) == (
        "9990000018",
        100060001001,
        "1944-05-02",
        "female",
    )
    assert first.address == "1 Mill Lane, Kingsbere"
    assert first.attribute_date.isoformat() == "2025-01-10"
    assert first.extracted_on.isoformat() == "2025-02-01"
    assert (second.postcode, second.birth_date, second.attribute_type) == ("RG40 1AB", "1950-11", "risk")
    problems = {problem.line: problem for row in rows if isinstance(row, list) for problem in row}
    assert sorted(problems) == [5, 6, 7, 8, 9]
    assert problems[5].field == "nhs_number" and "check digit" in problems[5].reason
    assert problems[6].field == "postcode"
    assert problems[7].field == "birth_date"
    assert problems[8].reason == "Person reference is missing"
    bad_row = next(row for row in rows if isinstance(row, list) and row[0].line == 9)
    assert {problem.field for problem in bad_row} == {"uprn", "attribute"}


def test_a_problem_never_repeats_the_value_it_refused():
    rows = _checked(FIXTURES / "savvi_attributes.csv", "savvi_csv", importing.SAVVI_COLUMNS)
    reasons = " ".join(problem.reason for row in rows if isinstance(row, list) for problem in row)
    for value in ("9990000019", "NOT A CODE", "1960-02-30", "Bad-"):
        assert value not in reasons


def test_a_mapped_csv_extract_reads_the_councils_columns_and_fixed_values():
    rows = _checked(
        FIXTURES / "ctr_extract.csv", "csv", CTR_MAPPING, {"attribute_scheme": "council_tax_reduction"}
    )
    assert isinstance(rows[0], CheckedRow)
    assert (rows[0].nhs_number, rows[0].birth_date, rows[0].scheme) == (
        "9990000018",
        "1944-05-02",
        "council_tax_reduction",
    )
    assert rows[1].birth_date == "1939-07-14"
    assert [problem.field for problem in rows[2]] == ["nhs_number"]


def test_json_lines_give_a_line_that_is_not_an_object_as_a_problem_and_skip_blank_lines():
    rows = _checked(
        FIXTURES / "ctr_extract.jsonl", "jsonl", CTR_MAPPING, {"attribute_scheme": "council_tax_reduction"}
    )
    assert [row.line if isinstance(row, CheckedRow) else row[0].line for row in rows] == [1, 2, 3, 5]
    assert rows[1].nhs_number == "9990000085"  # a number in JSON is read as its digits
    assert rows[2][0].reason == rows[3][0].reason == "The line is not a JSON object"


def test_a_csv_without_a_required_column_cannot_be_read_at_all():
    data = b"PersonReference,UPRN,Attribute\nA,1,x\n"
    with pytest.raises(FileUnreadable, match="AttributeType"):
        list(raw_rows(io.BytesIO(data), "savvi_csv", importing.SAVVI_COLUMNS))
    with pytest.raises(FileUnreadable, match="empty"):
        list(raw_rows(io.BytesIO(b""), "csv", CTR_MAPPING))


def test_a_row_with_a_different_number_of_columns_or_bytes_that_are_not_text_is_refused_alone():
    data = "PersonReference,UPRN,AttributeType,AttributeScheme,Attribute\nA,1,Risk,s,t,extra\nB,2,Risk,s,t\n"
    rows = list(raw_rows(io.BytesIO(data.encode()), "savvi_csv", importing.SAVVI_COLUMNS))
    assert "columns" in rows[0][1]["__error__"]
    assert rows[1] == (3, {"person_reference": "B", "uprn": "2", "attribute_type": "Risk",
                           "attribute_scheme": "s", "attribute": "t"})  # fmt: skip
    broken = b"PersonReference,UPRN,AttributeType,AttributeScheme,Attribute\nA\xff,1,Risk,s,t\n"
    ((line, values),) = raw_rows(io.BytesIO(broken), "savvi_csv", importing.SAVVI_COLUMNS)
    (problem,) = check_row(line, values, file_format="savvi_csv", fixed_values={})
    assert "not text" in problem.reason


def test_schemes_and_terms_are_put_in_normal_form_and_a_slash_is_refused():
    values = {"person_reference": "A", "attribute_scheme": "Council Tax", "attribute": " Arrears "}
    row = check_row(2, values, file_format="csv", fixed_values={})
    assert (row.scheme, row.term) == ("council_tax", "arrears")
    (problem,) = check_row(2, {**values, "attribute": "a/b"}, file_format="csv", fixed_values={})
    assert problem.field == "attribute"


def test_a_date_of_birth_in_the_future_or_before_1890_is_refused():
    for value in ("2999-01-01", "1850", "1950-13"):
        values = {"person_reference": "A", "attribute_scheme": "s", "attribute": "t", "birth_date": value}
        (problem,) = check_row(2, values, file_format="csv", fixed_values={})
        assert problem.field == "birth_date", value


def test_a_mapping_must_say_where_each_required_field_comes_from():
    assert mapping_problems("csv", CTR_MAPPING, {"attribute_scheme": "council_tax_reduction"}) == {}
    problems = mapping_problems(
        "csv", {"person_reference": "ref", "nonsense": "x"}, {"attribute_type": "Bad"}
    )
    assert set(problems) == {"nonsense", "attribute_scheme", "attribute", "attribute_type"}
    assert mapping_problems("savvi_csv", {}, {}) == {}


def test_the_file_hash_and_line_count_are_read_in_chunks(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"a\nb\n")
    sha, size = importing.file_sha256(path)
    assert (sha, size) == (hashlib.sha256(b"a\nb\n").hexdigest(), 4)
    assert importing.count_lines(path) == 2
    copied = io.BytesIO()
    assert importing.hashing_copy(io.BytesIO(b"a\nb\n"), copied) == (sha, 4)
    assert copied.getvalue() == b"a\nb\n"
