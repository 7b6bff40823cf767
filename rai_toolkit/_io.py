"""Shared file I/O: output paths checked up front, atomic writes, table files, JSON-safe values.

Three concepts every room and the command line share:

* **Output files.** :func:`check_output_path` is the one validator of an
  output path (type, suffix, folder, writability, existing-file policy); call it
  before any work, so a bad path fails in a second rather than after the whole
  analysis. :class:`OutputFiles` writes all outputs of one run as a single
  transaction: each goes to a temporary file beside its destination, and only
  when every one is complete are they renamed into place; on any failure the
  files of that run are removed and overwritten files restored.
  :func:`write_text_atomic`, :func:`atomic_path` and :func:`dump_json` are
  one-file shorthands.
* **Table files.** :func:`read_table` reads a ``.csv`` or ``.parquet`` file
  into a DataFrame or raises one clear error.
* **JSON-safe values.** :func:`json_safe` and :func:`frame_records` turn numpy
  and pandas values into builtins (NaN and infinity become None).

numpy and pandas are imported inside the functions that need them, so that the
command line can check its output paths without loading them.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from rai_toolkit._docstrings import shared_text
from rai_toolkit.exceptions import ArgumentError, DataValidationError, DependencyError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "HTML_SUFFIXES",
    "JSON_SUFFIXES",
    "MARKDOWN_SUFFIXES",
    "TABLE_FORMATS",
    "OutputFiles",
    "PathChecks",
    "atomic_path",
    "check_output_path",
    "dump_json",
    "frame_records",
    "json_safe",
    "read_table",
    "SCAN_ENGINES",
    "scan_table",
    "write_text_atomic",
]

#: Suffixes accepted for an HTML report.
HTML_SUFFIXES = (".html", ".htm")
#: Suffixes accepted for a JSON document.
JSON_SUFFIXES = (".json",)
#: Suffixes accepted for a Markdown document.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")

#: Longest file name assumed when the file system does not say (POSIX NAME_MAX).
_DEFAULT_NAME_MAX = 255
#: Characters of the destination's name kept in its temporary file's name.
_TMP_NAME_CHARS = 40


# ------------------------------------------------------------------ output paths
def _example_name(suffixes: Sequence[str] | None) -> str:
    return "output" + (suffixes[0] if suffixes else ".txt")


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError):
        return _DEFAULT_NAME_MAX


def _as_path(path: Any, *, argument: str, suffixes: Sequence[str] | None) -> Path:
    example = _example_name(suffixes)
    if not isinstance(path, str | os.PathLike) or isinstance(os.fspath(path), bytes):
        raise ArgumentError(
            f"{argument} must be a file path (str or pathlib.Path); received "
            f"{type(path).__name__}. Pass e.g. {example!r}."
        )
    text = os.fspath(path)
    if not text.strip():
        raise ArgumentError(f"{argument} is empty; pass a file path such as {example!r}.")
    if "\x00" in text:
        raise ArgumentError(
            f"{argument} {text!r} contains a NUL character, which no file name can hold; "
            f"pass a file path such as {example!r}."
        )
    return Path(text)


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _existing_ancestor(folder: Path) -> Path:
    """Nearest folder (or file) on the way up from ``folder`` that exists."""
    current = folder
    while not _exists(current) and current != current.parent:
        current = current.parent
    return current


def _temp_file(folder: Path, name: str, *, argument: str, path: Path) -> Path:
    """Create an empty temporary file in ``folder``; a failure names the folder, not the file."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name[:_TMP_NAME_CHARS]}.", suffix=".tmp")
    except OSError as err:
        raise ArgumentError(
            f"{argument} {str(path)!r}: cannot create files in folder {str(folder)!r} "
            f"({err.strerror or type(err).__name__}); choose a folder you can write to."
        ) from err
    os.close(fd)
    return Path(tmp)


class PathChecks(TypedDict, total=False):
    """Keyword options of :func:`check_output_path`, which every writer here passes on."""

    argument: str
    suffixes: Sequence[str] | None
    overwrite: bool
    make_parents: bool


def check_output_path(
    path: Any,
    *,
    argument: str = "path",
    suffixes: Sequence[str] | None = None,
    overwrite: bool = True,
    make_parents: bool = False,
) -> Path:
    """Check that a file can be written at ``path``, before any work is done.

    The folder must exist (or be creatable with ``make_parents``) and accept new
    files, which is tested by creating and removing an empty temporary file
    there: permission bits alone do not tell (root, read-only mounts, ACLs).

    Parameters
    ----------
    path : str or path-like
        Destination file.
    argument : str, default="path"
        How the caller names this path (``"path"``, ``"--out"``), used in messages.
    suffixes : sequence of str, optional
        Accepted file name endings, lower case with the dot (e.g. ``(".html", ".htm")``);
        compared case-insensitively. None accepts any name.
    overwrite : bool, default=True
        Whether an existing file may be replaced.
    make_parents : bool, default=False
        Accept a missing folder (it is created when the file is written),
        provided the nearest existing ancestor is a writable folder.

    Returns
    -------
    pathlib.Path
        ``path`` as a :class:`~pathlib.Path`.

    Raises
    ------
    ArgumentError
        If ``path`` is not a str/path-like, is empty, has a suffix outside
        ``suffixes``, is a folder or a special file, exists while ``overwrite``
        is False, lies under a file or a missing folder, has a name too long for
        the file system, or its folder does not accept new files.

    Examples
    --------
    >>> from rai_toolkit._io import check_output_path
    >>> check_output_path("report.html", suffixes=(".html", ".htm"))
    PosixPath('report.html')
    """
    target = _as_path(path, argument=argument, suffixes=suffixes)
    shown = str(target)
    if os.path.isdir(target):
        raise ArgumentError(
            f"{argument} {shown!r} is a folder; pass the path of a file inside it, e.g. "
            f"{str(target / _example_name(suffixes))!r}."
        )
    if suffixes is not None and target.suffix.lower() not in suffixes:
        raise ArgumentError(
            f"{argument} {shown!r} should end in {' or '.join(suffixes)}; received "
            f"{target.suffix or 'no extension'}. Name the file e.g. "
            f"{(target.stem or 'output') + suffixes[0]!r}."
        )
    if os.path.exists(target):
        if not os.path.isfile(target):
            raise ArgumentError(
                f"{argument} {shown!r} exists and is not a regular file (a device, pipe or "
                f"socket); choose the path of a regular file."
            )
        if not overwrite:
            raise ArgumentError(
                f"{argument} {shown!r} already exists; choose another path or remove the "
                f"file first."
            )
    folder = target.parent
    if not os.path.isdir(folder):
        ancestor = _existing_ancestor(folder)
        if _exists(ancestor) and not os.path.isdir(ancestor):
            raise ArgumentError(
                f"{argument} {shown!r}: {str(ancestor)!r} is a file, not a folder; choose a "
                f"path inside an existing folder."
            )
        if not make_parents:
            raise ArgumentError(
                f"{argument} {shown!r}: folder {str(folder)!r} does not exist; create it first "
                f"or choose another path."
            )
        folder = ancestor
    name_bytes = len(os.fsencode(target.name))
    limit = _name_max(folder)
    if name_bytes > limit:
        raise ArgumentError(
            f"{argument} {shown!r}: the file name is {name_bytes} bytes long and this file "
            f"system allows {limit}; choose a shorter name."
        )
    _temp_file(folder, target.name, argument=argument, path=target).unlink()
    return target


def _write_failed(target: Path, err: OSError) -> ArgumentError:
    return ArgumentError(
        f"Could not write {str(target)!r} ({err.strerror or type(err).__name__}); nothing from "
        f"this run was kept. Free some space or choose another folder, then run again."
    )


class OutputFiles:
    """The output files of one run, written as one transaction.

    Each :meth:`stage` checks a destination with :func:`check_output_path` and
    returns a temporary file beside it to write. :meth:`commit` renames every
    temporary file onto its destination; if anything fails before or during
    the commit, every file of the run is removed and any file it replaced is
    restored, so a run leaves either all of its outputs or none. Used as a
    context manager it commits on success and rolls back on an exception.

    Examples
    --------
    >>> from rai_toolkit._io import OutputFiles
    >>> with OutputFiles() as files:  # doctest: +SKIP
    ...     files.write_text("report.html", html, suffixes=(".html",))
    ...     files.write_text("report.json", text, suffixes=(".json",))
    """

    def __init__(self) -> None:
        self._staged: dict[str, tuple[Path, Path]] = {}  # key -> (destination, temporary)
        self._created_folders: list[Path] = []
        self._committed: list[Path] | None = None

    def __enter__(self) -> OutputFiles:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()

    def stage(self, path: Any, **check: Unpack[PathChecks]) -> Path:
        """Check ``path`` and return the temporary file to write its content to.

        ``check`` (:class:`PathChecks`) is passed on to :func:`check_output_path`.

        Returns
        -------
        pathlib.Path
            An empty temporary file in the destination's folder.

        Raises
        ------
        ArgumentError
            If the path is refused by :func:`check_output_path` or is already
            an output of this run.
        """
        return self._stage(path, **check)[1]

    def _stage(self, path: Any, **check: Unpack[PathChecks]) -> tuple[Path, Path]:
        if self._committed is not None:
            raise ArgumentError("These output files were already written; start a new OutputFiles.")
        target = check_output_path(path, **check)
        argument = check.get("argument", "path")
        key = os.path.normcase(os.path.abspath(target))
        if key in self._staged:
            raise ArgumentError(
                f"{argument} {str(target)!r} is already an output of this run; give each output "
                f"its own path."
            )
        self._make_folders(target.parent)
        tmp = _temp_file(target.parent, target.name, argument=argument, path=target)
        self._staged[key] = (target, tmp)
        return target, tmp

    def _make_folders(self, folder: Path) -> None:
        missing = []
        current = folder
        while not _exists(current) and current != current.parent:
            missing.append(current)
            current = current.parent
        for new in reversed(missing):
            try:
                new.mkdir()
            except FileExistsError:
                continue
            except OSError as err:
                raise _write_failed(folder, err) from err
            self._created_folders.append(new)

    def write_text(self, path: Any, text: str, **check: Unpack[PathChecks]) -> Path:
        """Stage ``path`` and write ``text`` (UTF-8) to its temporary file.

        ``check`` (:class:`PathChecks`) is passed on to :func:`check_output_path`.

        Returns
        -------
        pathlib.Path
            The destination (written on :meth:`commit`).
        """
        target, tmp = self._stage(path, **check)
        try:
            tmp.write_text(text, encoding="utf-8")
        except OSError as err:
            raise _write_failed(target, err) from err
        return target

    def commit(self) -> list[Path]:
        """Rename every staged file onto its destination, or none of them.

        Returns
        -------
        list of pathlib.Path
            The destinations, in the order they were staged.

        Raises
        ------
        ArgumentError
            If a rename fails; the files of this run are removed and replaced
            files restored first.
        """
        if self._committed is not None:
            return list(self._committed)
        umask = os.umask(0)
        os.umask(umask)
        done: list[tuple[Path, Path | None]] = []  # (destination, backup of what it replaced)
        failing = None
        try:
            for target, tmp in self._staged.values():
                failing = target
                os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0o600 is for the temporary file only
                backup = None
                if _exists(target):
                    backup = _temp_file(target.parent, target.name, argument="path", path=target)
                    os.replace(target, backup)
                try:
                    os.replace(tmp, target)
                except BaseException:
                    if backup is not None:
                        os.replace(backup, target)
                    raise
                done.append((target, backup))
        except BaseException as err:
            for written, backup in reversed(done):
                if backup is None:
                    written.unlink(missing_ok=True)
                else:
                    os.replace(backup, written)
            self.discard()
            if isinstance(err, OSError) and failing is not None:
                raise _write_failed(failing, err) from err
            raise
        for _, backup in done:
            if backup is not None:
                backup.unlink(missing_ok=True)
        self._committed = [target for target, _ in self._staged.values()]
        self._staged.clear()
        return list(self._committed)

    def discard(self) -> None:
        """Remove the temporary files and the folders this run created; write nothing."""
        for _, tmp in self._staged.values():
            tmp.unlink(missing_ok=True)
        self._staged.clear()
        for folder in reversed(self._created_folders):
            try:
                folder.rmdir()
            except OSError:  # not empty: something else wrote there meanwhile
                break
        self._created_folders.clear()


@contextmanager
def atomic_path(path: str | os.PathLike, **check: Unpack[PathChecks]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    A one-file :class:`OutputFiles`: on any exception the temporary file is
    removed and ``path`` is left as it was. The final file gets the usual
    permissions (``0o666`` less the umask) rather than ``mkstemp``'s private
    ``0o600``, since results are meant to be shared.

    ``check`` (:class:`PathChecks`) is passed on to :func:`check_output_path`.

    Yields
    ------
    pathlib.Path
        The temporary file to write.

    Raises
    ------
    ArgumentError
        If :func:`check_output_path` refuses the path.
    """
    with OutputFiles() as files:
        yield files.stage(path, **check)


def write_text_atomic(path: str | os.PathLike, text: str, **check: Unpack[PathChecks]) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename.

    A one-file :meth:`OutputFiles.write_text`; ``check`` (:class:`PathChecks`) is passed
    on to :func:`check_output_path`.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    with OutputFiles() as files:
        target = files.write_text(path, text, **check)
    return target


#: Widest JSON indentation accepted (json.dumps repeats it on every line and level).
MAX_INDENT = 16

#: Docstring text of writing JSON, alike in :func:`dump_json` and every ``to_json``.
documented_json = shared_text(
    {
        "json_path": (
            "path : str or path-like, optional\n    Where to write; must end in ``.json``."
        ),
        "json_indent": (
            "indent : int, str or None, default=2\n"
            f"    JSON indentation: at most {MAX_INDENT} spaces (or that many whitespace\n"
            "    characters); None writes one line."
        ),
        "json_returns": (
            "Returns\n-------\nstr\n    The JSON text.\n\n"
            "Raises\n------\nArgumentError\n"
            "    If ``indent`` is out of range, or ``path`` does not end in ``.json``, is a\n"
            "    folder or cannot be written."
        ),
    }
)


def _check_indent(indent: Any) -> int | str | None:
    """Return ``indent`` if it is None, an int in ``[0, MAX_INDENT]`` or that much whitespace."""
    if isinstance(indent, str) and len(indent) <= MAX_INDENT and not indent.strip():
        return indent
    from rai_toolkit._scalars import check_int  # numpy: not on the CLI's fast path

    return check_int(
        indent,
        argument="indent",
        low=0,
        high=MAX_INDENT,
        allow_none=True,
        expected=f"None, an integer in [0, {MAX_INDENT}] or up to {MAX_INDENT} whitespace "
        f"characters",
        hint="Pass indent=2 (the default) or indent=None for one line.",
    )


@documented_json
def dump_json(
    document: Any,
    path: str | os.PathLike | None = None,
    *,
    indent: int | None = 2,
    default: Callable[[Any], Any] | None = None,
) -> str:
    """Serialise a result's ``to_dict()`` document, optionally to a ``.json`` file.

    NaN or infinity in ``document`` is an error (``allow_nan=False``): documents
    carry them as null. ``path`` is checked (:func:`check_output_path`, suffix
    ``.json``) before serialising.

    Parameters
    ----------
    document : object
        JSON-compatible document.
    {json_path}
    {json_indent}
    default : callable, optional
        Passed to :func:`json.dumps` for objects it cannot serialise.

    {json_returns}
    """
    indent = _check_indent(indent)
    if path is not None:
        check_output_path(path, suffixes=JSON_SUFFIXES)
    text = json.dumps(document, indent=indent, default=default, allow_nan=False)
    if path is not None:
        write_text_atomic(path, text, suffixes=JSON_SUFFIXES)
    return text


# ------------------------------------------------------------------ table files
def _unreadable(path: Path, kind: str, argument: str, err: BaseException) -> DataValidationError:
    if isinstance(err, UnicodeDecodeError):
        return DataValidationError(
            f"{argument} file {str(path)!r} is not UTF-8 text (byte {err.start}: {err.reason}); "
            f"save it as UTF-8 (or as Parquet) and try again."
        )
    detail = " ".join(str(err).split())[:200]
    return DataValidationError(
        f"{argument} file {str(path)!r} could not be read as {kind} ({type(err).__name__}: "
        f"{detail}). Check that it is a valid {kind} file."
    )


def _refuse_duplicates(path: Path, names: Sequence[Any], argument: str) -> None:
    duplicated = sorted({str(c) for c in names if names.count(c) > 1})
    if duplicated:
        raise DataValidationError(
            f"{argument} file {str(path)!r} names column(s) {', '.join(map(repr, duplicated))} "
            f"more than once; give every column a unique name."
        )


def _read_csv(path: Path, *, argument: str) -> pd.DataFrame:
    import csv

    import pandas as pd

    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
        # pandas would rename a repeated header name ("a", "a.1"): refuse it instead
        _refuse_duplicates(path, header, argument)
        return pd.read_csv(path, encoding="utf-8", low_memory=False)
    except pd.errors.EmptyDataError as err:
        raise DataValidationError(
            f"{argument} file {str(path)!r} has no columns; pass a CSV with a header row and "
            f"data rows."
        ) from err
    except (ValueError, OSError, csv.Error) as err:  # ParserError and UnicodeError are ValueErrors
        if isinstance(err, DataValidationError):
            raise
        raise _unreadable(path, "CSV", argument, err) from err


def _read_parquet(path: Path, *, argument: str) -> pd.DataFrame:
    import pandas as pd

    try:
        import pyarrow
        import pyarrow.parquet as pq
    except Exception as err:  # absent, or built against another numpy
        raise DependencyError(
            f"Reading {argument} file {str(path)!r} needs pyarrow, which could not be imported "
            f"({type(err).__name__}: {err}). Install it with `pip install pyarrow`, or pass a "
            f".csv file."
        ) from err
    try:
        _refuse_duplicates(path, list(pq.read_schema(path).names), argument)
        frame = pd.read_parquet(path, engine="pyarrow")
    except (pyarrow.ArrowException, ValueError, OSError) as err:
        if isinstance(err, DataValidationError):
            raise
        raise _unreadable(path, "Parquet", argument, err) from err
    if any(name is not None for name in frame.index.names):
        # A named index (e.g. written by DataFrame.set_index(...).to_parquet) is data:
        # keep it as columns rather than drop it. An unnamed index stays as row labels.
        frame = frame.reset_index()
    return frame


#: Table formats :func:`read_table` reads: suffix -> (format name, reader).
TABLE_FORMATS: dict[str, tuple[str, Callable[..., Any]]] = {
    ".csv": ("CSV", _read_csv),
    ".parquet": ("Parquet", _read_parquet),
    ".pq": ("Parquet", _read_parquet),
}


def read_table(path: Any, *, argument: str = "path") -> pd.DataFrame:
    """Read a table file (``.csv`` or ``.parquet``) into a DataFrame, or raise one clear error.

    The format comes from the suffix (:data:`TABLE_FORMATS`). A CSV is read as
    UTF-8 with a header row; a header naming a column twice is refused rather
    than renamed. A Parquet file is read with pyarrow; named index levels
    stored in it come back as columns. A file with no data rows is refused.

    Extension point: other formats go into :data:`TABLE_FORMATS`; other
    engines (polars, DuckDB) or folder/glob scans belong here too, as keyword
    arguments of this one function, so that every caller gets them.

    Parameters
    ----------
    path : str or path-like
        The file.
    argument : str, default="path"
        How the caller names the file (``"data"``, ``"--data"``), used in messages.

    Returns
    -------
    pandas.DataFrame
        The table, with at least one row.

    Raises
    ------
    DataValidationError
        If the file is missing, is a folder or a special file, has an unknown
        suffix, is empty, unreadable or malformed, or has no data rows.
    DependencyError
        If a Parquet file is given and pyarrow cannot be imported.

    Examples
    --------
    >>> from rai_toolkit._io import read_table
    >>> frame = read_table("test.parquet", argument="--data")  # doctest: +SKIP
    """
    first_suffix: dict[str, str] = {}
    for suffix, (kind, _) in TABLE_FORMATS.items():
        first_suffix.setdefault(kind, suffix)
    accepted = " or ".join(first_suffix.values())  # ".csv or .parquet"
    if not isinstance(path, str | os.PathLike) or isinstance(os.fspath(path), bytes):
        raise DataValidationError(
            f"{argument} must be the path of a {accepted} file (str or pathlib.Path); "
            f"received {type(path).__name__}."
        )
    p = Path(path)
    if not str(path).strip():
        raise DataValidationError(f"{argument} is empty; pass the path of a {accepted} file.")
    if os.path.isdir(p):
        raise DataValidationError(
            f"{argument} {str(p)!r} is a folder; pass the path of a {accepted} file."
        )
    suffix = p.suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise DataValidationError(
            f"{argument} file {str(p)!r} has extension {suffix or '(none)'!r}; expected "
            f"{', '.join(TABLE_FORMATS)}. Save the table as {' or '.join(first_suffix)}."
        )
    if not os.path.exists(p):
        raise DataValidationError(
            f"{argument} file {str(p)!r} does not exist; pass the path of a {accepted} file."
        )
    if not os.path.isfile(p):
        raise DataValidationError(
            f"{argument} {str(p)!r} is not a regular file (a device, pipe or socket); pass the "
            f"path of a {accepted} file."
        )
    kind, reader = TABLE_FORMATS[suffix]
    if os.path.getsize(p) == 0:
        raise DataValidationError(
            f"{argument} file {str(p)!r} is empty; pass a {kind} file with a header and data rows."
        )
    frame = reader(p, argument=argument)
    if frame.shape[0] == 0:
        raise DataValidationError(
            f"{argument} file {str(p)!r} has a header but no data rows; pass a file with rows."
        )
    return frame


#: Engines :func:`scan_table` scans a Parquet file, folder or glob with.
SCAN_ENGINES = ("polars", "duckdb", "spark")


def _parquet_files(path: str, argument: str) -> list[str]:
    """Return the Parquet files of a file, a folder (recursively) or a glob; refuse none."""
    import glob

    if os.path.isdir(path):
        files = sorted(glob.glob(os.path.join(path, "**", "*.parquet"), recursive=True))
        where = f"folder {path!r}"
    elif glob.has_magic(path):
        files = sorted(f for f in glob.glob(path, recursive=True) if os.path.isfile(f))
        where = f"glob {path!r}"
    else:
        files = [path] if os.path.isfile(path) else []
        where = f"file {path!r}"
    if not files:
        raise DataValidationError(
            f"{argument} {where} matches no Parquet file; pass a .parquet file, a folder of "
            f"them, or a glob such as 'logs/*.parquet'."
        )
    return files


def scan_table(path: Any, *, engine: str, argument: str = "path", spark: Any = None) -> Any:
    """Scan Parquet data lazily with an engine: nothing is read until a query runs.

    Parameters
    ----------
    path : str or path-like
        A ``.parquet`` file, a folder of them (searched recursively) or a glob.
    engine : {"polars", "duckdb", "spark"}
        The engine that scans: a polars LazyFrame, a DuckDB relation, or a Spark
        DataFrame (of ``spark``, else of ``SparkSession.builder.getOrCreate()``).
    argument : str, default="path"
        How the caller names the path, used in messages.
    spark : pyspark.sql.SparkSession, optional
        Session for ``engine="spark"``.

    Returns
    -------
    table
        The lazy table, for :func:`rai_toolkit.analyze_fairness`.

    Raises
    ------
    DataValidationError
        If nothing matches the path, or the engine cannot read the schema.
    DependencyError
        If the engine's package is not installed (the message names the extra).
    ArgumentError
        If ``engine`` is not one of :data:`SCAN_ENGINES`.

    Examples
    --------
    >>> from rai_toolkit._io import scan_table
    >>> logs = scan_table("logs/*.parquet", engine="duckdb")  # doctest: +SKIP
    """
    from rai_toolkit._scalars import check_choice
    from rai_toolkit.engines import require

    engine = check_choice(engine, argument="engine", choices=SCAN_ENGINES)
    if not isinstance(path, str | os.PathLike) or isinstance(os.fspath(path), bytes):
        raise DataValidationError(
            f"{argument} must be a path (str or pathlib.Path); received {type(path).__name__}."
        )
    path = os.fspath(path)
    files = _parquet_files(path, argument)
    module = require(engine)
    try:
        if engine == "polars":
            table = module.scan_parquet(files)
            table.collect_schema()
        elif engine == "duckdb":
            table = module.read_parquet(files)
        else:
            from pyspark.sql import SparkSession

            session = spark or SparkSession.builder.appName("rai-toolkit").getOrCreate()
            table = session.read.parquet(*files)
    except Exception as err:  # the engine's own error types
        detail = " ".join(str(err).split())[:200]
        raise DataValidationError(
            f"{argument} {path!r} could not be scanned by {engine} ({type(err).__name__}: "
            f"{detail}). Check that the files are valid Parquet with one schema."
        ) from err
    return table


# ------------------------------------------------------------------ JSON-safe values
def json_safe(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to builtins; NaN and infinity become None.

    Parameters
    ----------
    value : object
        A scalar, mapping, sequence, numpy array or pandas object.

    Returns
    -------
    object
        Built from ``dict``, ``list``, ``str``, ``int``, ``float``, ``bool`` and ``None``.
    """
    import numpy as np
    import pandas as pd

    def convert(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, pd.Series):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, list | tuple | np.ndarray | pd.Index):
            return [convert(v) for v in value]
        if isinstance(value, bool | np.bool_):
            return bool(value)
        if isinstance(value, int | np.integer):
            return int(value)
        if isinstance(value, float | np.floating):
            return float(value) if math.isfinite(value) else None
        if value is None or value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, str):
            return value
        return str(value)

    return convert(value)


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the rows of ``frame`` (index reset into columns) as JSON-safe dicts.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.

    Returns
    -------
    list of dict
        One dict per row.
    """
    return [json_safe(row) for row in frame.to_dict(orient="records")]
