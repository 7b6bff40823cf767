"""The shared I/O core: the output-path validator, the output transaction and the table reader."""

import os

import pandas as pd
import pytest

import rai_toolkit._io as io_module
from rai_toolkit._io import (
    HTML_SUFFIXES,
    OutputFiles,
    check_output_path,
    read_table,
    write_text_atomic,
)
from rai_toolkit.exceptions import ArgumentError, DataValidationError, DependencyError


def _entries(folder):
    return sorted(p.name for p in folder.iterdir())


# ------------------------------------------------------------------ check_output_path
def test_a_writable_path_passes_and_leaves_nothing(tmp_path):
    assert check_output_path(tmp_path / "r.html", suffixes=HTML_SUFFIXES) == tmp_path / "r.html"
    assert check_output_path(str(tmp_path / "R.HTM"), suffixes=HTML_SUFFIXES).name == "R.HTM"
    assert _entries(tmp_path) == []


@pytest.mark.parametrize(
    ("path", "kwargs", "match"),
    [
        (3, {}, "path must be a file path \\(str or pathlib.Path\\); received int"),
        (b"r.html", {}, "received bytes"),
        (None, {"argument": "--out"}, "--out must be a file path"),
        ("", {}, "path is empty; pass a file path such as 'output.txt'"),
        ("  ", {"suffixes": HTML_SUFFIXES}, "such as 'output.html'"),
        ("r\x00.html", {}, "contains a NUL character"),
        ("r.pdf", {"suffixes": HTML_SUFFIXES}, "should end in .html or .htm; received .pdf. "
                                               "Name the file e.g. 'r.html'"),
        ("report", {"suffixes": (".json",)}, "received no extension. Name the file e.g. "
                                             "'report.json'"),
        ("/dev/null", {}, "exists and is not a regular file"),
    ],
)  # fmt: skip
def test_refused_paths(path, kwargs, match, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ArgumentError, match=match):
        check_output_path(path, **kwargs)
    assert _entries(tmp_path) == []


def test_a_folder_is_refused_with_a_file_inside_it_as_the_fix(tmp_path):
    with pytest.raises(ArgumentError, match=r"is a folder; pass the path of a file inside it, "):
        check_output_path(tmp_path, argument="--out", suffixes=HTML_SUFFIXES)
    with pytest.raises(ArgumentError, match=f"e.g. '{tmp_path / 'output.html'}'"):
        check_output_path(tmp_path, suffixes=HTML_SUFFIXES)


def test_a_missing_folder_is_refused_unless_parents_may_be_made(tmp_path):
    target = tmp_path / "a" / "b" / "r.html"
    with pytest.raises(ArgumentError, match=f"folder '{tmp_path / 'a' / 'b'}' does not exist"):
        check_output_path(target)
    assert check_output_path(target, make_parents=True) == target
    assert _entries(tmp_path) == []  # checking creates nothing


@pytest.mark.parametrize("make_parents", [False, True])
def test_a_file_where_a_folder_should_be_is_named(tmp_path, make_parents):
    (tmp_path / "data.csv").write_text("a\n1\n")
    with pytest.raises(ArgumentError, match=f"'{tmp_path / 'data.csv'}' is a file, not a folder"):
        check_output_path(tmp_path / "data.csv" / "sub" / "r.html", make_parents=make_parents)


def test_an_unwritable_folder_is_found_by_trying(unwritable_dir):
    with pytest.raises(ArgumentError, match=f"cannot create files in folder '{unwritable_dir}'"):
        check_output_path(unwritable_dir / "r.html")
    with pytest.raises(ArgumentError, match="cannot create files in folder"):
        check_output_path(unwritable_dir / "new" / "r.html", make_parents=True)


def test_a_name_longer_than_the_file_system_allows(tmp_path):
    with pytest.raises(ArgumentError, match="the file name is 260 bytes long and this file system"):
        check_output_path(tmp_path / ("x" * 255 + ".html"))
    assert check_output_path(tmp_path / ("x" * 250 + ".html"))  # 255 bytes: allowed


def test_existing_file_policy(tmp_path):
    (tmp_path / "r.html").write_text("old")
    assert check_output_path(tmp_path / "r.html") == tmp_path / "r.html"
    with pytest.raises(ArgumentError, match="already exists; choose another path or remove"):
        check_output_path(tmp_path / "r.html", overwrite=False)
    with pytest.raises(ArgumentError, match="already exists"), OutputFiles() as files:
        files.write_text(tmp_path / "r.html", "new", overwrite=False)
    assert (tmp_path / "r.html").read_text() == "old"


# ------------------------------------------------------------------ OutputFiles
def test_outputs_appear_together_on_commit(tmp_path):
    with OutputFiles() as files:
        files.write_text(tmp_path / "a.html", "A")
        files.write_text(tmp_path / "b.json", "B")
        assert _entries(tmp_path) == sorted(
            p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")
        )  # only temporary files until the commit
    assert (tmp_path / "a.html").read_text() == "A" and (tmp_path / "b.json").read_text() == "B"
    assert files.commit() == [tmp_path / "a.html", tmp_path / "b.json"]
    assert _entries(tmp_path) == ["a.html", "b.json"]


def test_an_error_before_the_commit_writes_nothing_and_removes_made_folders(tmp_path):
    (tmp_path / "a.html").write_text("old A")
    with pytest.raises(RuntimeError, match="rendering failed"), OutputFiles() as files:
        files.write_text(tmp_path / "a.html", "new A")
        files.write_text(tmp_path / "new" / "deeper" / "b.json", "B", make_parents=True)
        raise RuntimeError("rendering failed")
    assert _entries(tmp_path) == ["a.html"]
    assert (tmp_path / "a.html").read_text() == "old A"


def test_a_second_output_refused_at_staging_discards_the_first(tmp_path):
    (tmp_path / "b.json").mkdir()
    with pytest.raises(ArgumentError, match="is a folder"), OutputFiles() as files:
        files.write_text(tmp_path / "a.html", "A")
        files.write_text(tmp_path / "b.json", "B")
    assert _entries(tmp_path) == ["b.json"]


def test_a_failed_rename_rolls_back_renamed_outputs(tmp_path, monkeypatch):
    (tmp_path / "a.html").write_text("old A")
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith("c.json"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(io_module.os, "replace", replace)
    with pytest.raises(ArgumentError, match="Could not write '.*c.json' \\(No space left"):
        with OutputFiles() as files:
            files.write_text(tmp_path / "a.html", "new A")
            files.write_text(tmp_path / "b.md", "B")
            files.write_text(tmp_path / "c.json", "C")
    assert _entries(tmp_path) == ["a.html"]
    assert (tmp_path / "a.html").read_text() == "old A"


def test_a_failed_write_of_content_names_the_file(tmp_path, monkeypatch):
    def full_disk(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(io_module.Path, "write_text", full_disk)
    with pytest.raises(ArgumentError, match="Could not write '.*r.html' \\(No space left"):
        write_text_atomic(tmp_path / "r.html", "x")
    assert _entries(tmp_path) == []


def test_the_same_destination_twice_is_refused(tmp_path):
    with pytest.raises(ArgumentError, match="is already an output of this run"), OutputFiles() as f:
        f.write_text(tmp_path / "r.json", "1")
        f.write_text(tmp_path / "." / "r.json", "2")
    assert _entries(tmp_path) == []


def test_interrupting_a_run_writes_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt), OutputFiles() as files:
        files.write_text(tmp_path / "r.html", "A")
        raise KeyboardInterrupt
    assert _entries(tmp_path) == []


def test_a_committed_transaction_cannot_be_reused(tmp_path):
    with OutputFiles() as files:
        files.write_text(tmp_path / "a.txt", "A")
    with pytest.raises(ArgumentError, match="already written; start a new OutputFiles"):
        files.stage(tmp_path / "b.txt")


# ------------------------------------------------------------------ read_table
@pytest.fixture
def frame():
    return pd.DataFrame({"g": ["a", "b", "a"], "x": [1.5, 2.0, -1.0], "y": [1, 0, 1]})


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".pq", ".CSV"])
def test_reads_csv_and_parquet_alike(frame, tmp_path, suffix):
    path = tmp_path / f"t{suffix}"
    if suffix.lower() == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    read = read_table(path)
    pd.testing.assert_frame_equal(read, frame, check_dtype=False)
    assert list(read["y"]) == [1, 0, 1]


def test_a_utf8_bom_is_not_part_of_the_first_name(frame, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + frame.to_csv(index=False).encode())
    assert list(read_table(path).columns) == ["g", "x", "y"]


def test_named_parquet_index_comes_back_as_columns(frame, tmp_path):
    path = tmp_path / "i.parquet"
    frame.set_index(["g", "x"]).to_parquet(path)
    assert sorted(read_table(path).columns) == ["g", "x", "y"]
    frame.iloc[[2, 0]].to_parquet(path)  # an unnamed index is row labels, kept as the index
    read = read_table(path)
    assert list(read.columns) == ["g", "x", "y"] and list(read.index) == [2, 0]


@pytest.mark.parametrize(
    ("write", "name", "match"),
    [
        (None, "missing.csv", "--data file '.*missing.csv' does not exist; pass the path of a "
                              ".csv or .parquet file"),
        (lambda p: p.write_text("a\n1\n"), "t.xlsx", "has extension '.xlsx'; expected .csv, "
                                                     ".parquet, .pq"),
        (lambda p: p.write_text("a\n1\n"), "t", "has extension '\\(none\\)'"),
        (lambda p: p.write_text(""), "t.csv", "is empty; pass a CSV file"),
        (lambda p: p.write_text("\n\n"), "t.csv", "has no columns"),
        (lambda p: p.write_text("a,b\n"), "t.csv", "has a header but no data rows"),
        (lambda p: p.write_text("a,b,a\n1,2,3\n"), "t.csv", "names column\\(s\\) 'a' more than "
                                                            "once"),
        (lambda p: p.write_bytes(b"a,b\n\xff\xfe,1\n"), "t.csv", "is not UTF-8 text"),
        (lambda p: p.write_text('a,b\n"1,2\n'), "t.csv", "could not be read as CSV"),
        (lambda p: p.write_bytes(b"PAR1 not really"), "t.parquet", "could not be read as Parquet "
                                                                   "\\(ArrowInvalid"),
        (lambda p: pd.DataFrame({"a": []}).to_parquet(p), "t.parquet", "no data rows"),
    ],
)  # fmt: skip
def test_unreadable_tables_give_one_clear_error(tmp_path, write, name, match):
    path = tmp_path / name
    if write is not None:
        write(path)
    with pytest.raises(DataValidationError, match=match):
        read_table(path, argument="--data")


def test_repeated_parquet_columns_are_refused(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "dup.parquet"
    pq.write_table(pa.table([[1], [2]], names=["a", "a"]), path)
    with pytest.raises(DataValidationError, match="names column\\(s\\) 'a' more than once"):
        read_table(path)


def test_folders_special_files_and_non_paths_are_refused(tmp_path):
    with pytest.raises(DataValidationError, match="is a folder; pass the path of a .csv or"):
        read_table(tmp_path, argument="data")
    os.mkfifo(tmp_path / "pipe.csv")  # reading a pipe would block forever
    with pytest.raises(DataValidationError, match="is not a regular file \\(a device, pipe"):
        read_table(tmp_path / "pipe.csv")
    with pytest.raises(DataValidationError, match="data must be the path of a .csv or .parquet"):
        read_table(pd.DataFrame(), argument="data")


def test_parquet_without_pyarrow_is_a_dependency_error(frame, tmp_path, monkeypatch):
    import sys

    path = tmp_path / "t.parquet"
    frame.to_parquet(path)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(DependencyError, match="needs pyarrow.*pip install pyarrow"):
        read_table(path)
