"""What crosses between the user's process and the dashboard runtime, in one format.

Both sides import this module: the user's (numpy 2 / pandas 3) and the runtime's (numpy
1.26 / pandas 1.5), so it uses only what both have. Frames and arrays travel as Arrow IPC
streams, which keep column names, dtypes (integers, floats, strings, booleans,
categories) and row order exactly, whichever pandas reads them; pickles could not cross
between the two pandas versions. Predictions are asked for over a loopback HTTP channel
whose requests carry a per-launch random secret in :data:`SECRET_HEADER`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "CONTENT_TYPE",
    "METHODS",
    "CounterfactualSearch",
    "SECRET_HEADER",
    "array_from_bytes",
    "error_body",
    "array_to_bytes",
    "feature_changed",
    "frame_from_bytes",
    "frame_to_bytes",
    "read_frame",
    "read_search",
    "write_frame",
    "write_search",
]

#: Header carrying the channel's secret.
SECRET_HEADER = "X-Rai-Toolkit-Secret"
#: Model methods the channel answers, one route each (``POST /predict``, ...).
METHODS = ("predict", "predict_proba")
#: Content type of Arrow IPC stream bodies.
CONTENT_TYPE = "application/vnd.apache.arrow.stream"
_NDIM_KEY = b"rai_toolkit_ndim"


def _table_bytes(table: Any) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _read_table(data: bytes) -> Any:
    import pyarrow as pa

    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def frame_to_bytes(frame: pd.DataFrame) -> bytes:
    """Encode ``frame`` (its columns and dtypes, not its index) as an Arrow IPC stream."""
    import pyarrow as pa

    return _table_bytes(pa.Table.from_pandas(frame, preserve_index=False))


def frame_from_bytes(data: bytes) -> pd.DataFrame:
    """Decode :func:`frame_to_bytes` output into a frame with a fresh ``RangeIndex``."""
    return _read_table(data).to_pandas()


def array_to_bytes(values: np.ndarray) -> bytes:
    """Encode a 1-D or 2-D array (one column per output column) as an Arrow IPC stream."""
    import pyarrow as pa

    values = np.asarray(values)
    if values.ndim not in (1, 2):
        raise ValueError(f"expected a 1-D or 2-D array, got {values.ndim} dimensions")
    columns = [values] if values.ndim == 1 else [values[:, j] for j in range(values.shape[1])]
    table = pa.table({str(j): pa.array(c) for j, c in enumerate(columns)})
    table = table.replace_schema_metadata({_NDIM_KEY: str(values.ndim).encode()})
    return _table_bytes(table)


def array_from_bytes(data: bytes) -> np.ndarray:
    """Decode :func:`array_to_bytes` output."""
    table = _read_table(data)
    columns = [table.column(j).to_numpy() for j in range(table.num_columns)]
    if (table.schema.metadata or {}).get(_NDIM_KEY) == b"1":
        return columns[0]
    return np.column_stack(columns) if columns else np.empty((table.num_rows, 0))


def write_frame(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` to ``path`` as an Arrow IPC stream."""
    Path(path).write_bytes(frame_to_bytes(frame))


def read_frame(path: str | Path) -> pd.DataFrame:
    """Read a frame written by :func:`write_frame`."""
    return frame_from_bytes(Path(path).read_bytes())


def error_body(kind: str, message: str) -> bytes:
    """JSON body of a refused or failed channel request."""
    return json.dumps({"error": kind, "message": message}).encode()


def feature_changed(a: np.ndarray, b: np.ndarray, *, categorical: bool) -> np.ndarray:
    """Where a feature's values ``a`` differ from ``b``.

    Categories differ by ``!=``, numbers beyond ``numpy.isclose``. The search's sparsity
    pass and DiCE's importances both count changed features this way.
    """
    if categorical:
        return a != b
    return ~np.isclose(a.astype(float), b.astype(float))


#: Column of the counterfactual file naming the query row a counterfactual belongs to.
_OWNER = "__rai_toolkit_owner__"
#: Column holding the model's prediction of a row.
_PRED = "__rai_toolkit_pred__"
#: Column of the query file holding the class a row's counterfactuals must reach.
_TARGET = "__rai_toolkit_target__"


@dataclass(frozen=True)
class CounterfactualSearch:
    """Counterfactuals found for a set of query rows (also as files carry them).

    All counterfactuals sit in one frame, grouped by the query row they belong to, so
    that neither side handles a small frame per row; :attr:`counterfactuals` gives the
    per-row view.

    Attributes
    ----------
    query : pandas.DataFrame
        The query rows (model inputs only), in training column order.
    query_pred : numpy.ndarray
        Model predictions for ``query``.
    target : numpy.ndarray
        The class each row's counterfactuals must be predicted as.
    rows : pandas.DataFrame
        Every counterfactual (model inputs only), those of query row 0 first, then row 1, ...
    owner : numpy.ndarray
        Position in ``query`` of the row each counterfactual belongs to (non-decreasing).
    rows_pred : numpy.ndarray
        ``model.predict`` of ``rows``.
    total_cfs : int
        Counterfactuals requested per row.
    """

    query: pd.DataFrame
    query_pred: np.ndarray
    target: np.ndarray
    rows: pd.DataFrame
    owner: np.ndarray
    rows_pred: np.ndarray
    total_cfs: int

    def __post_init__(self) -> None:
        owner = np.asarray(self.owner)
        if not len(owner) == len(self.rows) == len(self.rows_pred):
            raise ValueError(
                f"rows ({len(self.rows)}), owner ({len(owner)}) and rows_pred "
                f"({len(self.rows_pred)}) must have one entry per counterfactual"
            )
        if len(owner) and (np.any(np.diff(owner) < 0) or owner[0] < 0
                           or owner[-1] >= len(self.query)):
            raise ValueError("owner must name query rows in non-decreasing order")

    @cached_property
    def _bounds(self) -> np.ndarray:
        return np.searchsorted(np.asarray(self.owner), np.arange(len(self.query) + 1))

    @cached_property
    def counterfactuals(self) -> list[pd.DataFrame]:
        """Per query row, its counterfactuals (model inputs only)."""
        b = self._bounds
        return [self.rows.iloc[b[i]: b[i + 1]].reset_index(drop=True)
                for i in range(len(self.query))]

    @cached_property
    def counterfactual_pred(self) -> list[np.ndarray]:
        """Per query row, ``model.predict`` of its counterfactuals."""
        b, pred = self._bounds, np.asarray(self.rows_pred)
        return [pred[b[i]: b[i + 1]] for i in range(len(self.query))]

    @property
    def n_found(self) -> np.ndarray:
        """Number of counterfactuals found per query row."""
        return np.diff(self._bounds)

    @property
    def validity(self) -> float:
        """Share of counterfactuals that ``model.predict`` assigns to the target class."""
        if not len(self.rows):
            return float("nan")
        hits = np.asarray(self.rows_pred) == np.asarray(self.target)[np.asarray(self.owner)]
        return int(hits.sum()) / len(hits)

    @property
    def complete(self) -> float:
        """Share of query rows with all ``total_cfs`` counterfactuals."""
        return float(np.mean(self.n_found >= self.total_cfs))

    @property
    def mean_changed_features(self) -> float:
        """Features a counterfactual changes (exact inequality), averaged per row, then over rows.

        Rows without counterfactuals are left out; ``nan`` when no row has any.
        """
        found = self.n_found
        if not found.any():
            return float("nan")
        owner = np.asarray(self.owner)
        query = self.query.iloc[owner].reset_index(drop=True)
        changed = (self.rows.reset_index(drop=True)[list(query.columns)] != query).sum(axis=1)
        per_row = np.bincount(owner, weights=changed.to_numpy(dtype=float),
                              minlength=len(found))
        return float(np.mean(per_row[found > 0] / found[found > 0]))


def write_search(search: CounterfactualSearch, folder: str | Path) -> None:
    """Write a :class:`CounterfactualSearch` into ``folder``."""
    folder = Path(folder)
    query = search.query.reset_index(drop=True).copy()
    query[_PRED] = np.asarray(search.query_pred)
    query[_TARGET] = np.asarray(search.target)
    rows = search.rows.reset_index(drop=True).assign(
        **{_OWNER: np.asarray(search.owner, dtype=np.int64), _PRED: np.asarray(search.rows_pred)}
    )
    write_frame(query, folder / "cf_query.arrow")
    write_frame(rows, folder / "cf_rows.arrow")
    (folder / "cf_meta.json").write_text(json.dumps({"total_cfs": int(search.total_cfs)}))


def read_search(folder: str | Path) -> CounterfactualSearch:
    """Read what :func:`write_search` wrote."""
    folder = Path(folder)
    query = read_frame(folder / "cf_query.arrow")
    rows = read_frame(folder / "cf_rows.arrow")
    meta = json.loads((folder / "cf_meta.json").read_text(encoding="utf-8"))
    owner = rows.pop(_OWNER).to_numpy()
    rows_pred = rows.pop(_PRED).to_numpy()
    query_pred = query.pop(_PRED).to_numpy()
    target = query.pop(_TARGET).to_numpy()
    rows = rows[list(query.columns)]
    return CounterfactualSearch(
        query, query_pred, target, rows, owner, rows_pred, int(meta["total_cfs"])
    )
