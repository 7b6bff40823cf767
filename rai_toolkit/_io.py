"""Output shared by every result object: JSON-safe values and atomic files."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit.exceptions import ArgumentError

__all__ = ["atomic_path", "dump_json", "frame_records", "json_safe", "write_text_atomic"]


@contextmanager
def atomic_path(path: str | os.PathLike, *, make_parents: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any exception the temporary file is removed and ``path`` is left as it
    was. The final file gets the usual permissions (``0o666`` less the umask)
    rather than ``mkstemp``'s private ``0o600``, since results are meant to be
    shared.

    Parameters
    ----------
    path : str or path-like
        Destination file.
    make_parents : bool, default=False
        Create missing parent folders; otherwise a missing folder is an error.

    Yields
    ------
    pathlib.Path
        The temporary file to write.

    Raises
    ------
    ArgumentError
        If the destination folder does not exist and ``make_parents`` is False.
    """
    target = Path(path)
    parent = target.parent
    if not parent.exists():
        if not make_parents:
            raise ArgumentError(
                f"Cannot write {str(target)!r}: folder {str(parent)!r} does not exist. "
                f"Create it first or choose another path."
            )
        parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike, text: str, *, make_parents: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename.

    Parameters
    ----------
    path : str or path-like
        Destination file.
    text : str
        Content.
    make_parents : bool, default=False
        Create missing parent folders.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    with atomic_path(path, make_parents=make_parents) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def dump_json(
    document: Any,
    path: str | os.PathLike | None = None,
    *,
    indent: int | None = 2,
    default: Callable[[Any], Any] | None = None,
) -> str:
    """Serialise a result's ``to_dict()`` document, optionally to a file written atomically.

    NaN or infinity in ``document`` is an error (``allow_nan=False``): documents
    carry them as null.

    Parameters
    ----------
    document : object
        JSON-compatible document.
    path : str or path-like, optional
        Where to write; see :func:`write_text_atomic`.
    indent : int or None, default=2
        JSON indentation.
    default : callable, optional
        Passed to :func:`json.dumps` for objects it cannot serialise.

    Returns
    -------
    str
        The JSON text.
    """
    text = json.dumps(document, indent=indent, default=default, allow_nan=False)
    if path is not None:
        write_text_atomic(path, text)
    return text


def json_safe(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to builtins; NaN becomes None.

    Parameters
    ----------
    value : object
        A scalar, mapping, sequence, numpy array or pandas object.

    Returns
    -------
    object
        Built from ``dict``, ``list``, ``str``, ``int``, ``float``, ``bool`` and ``None``.
    """
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, pd.Series):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray | pd.Index):
        return [json_safe(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    return str(value)


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
