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


#: Column of the counterfactual file naming the query row a counterfactual belongs to.
_OWNER = "__rai_toolkit_owner__"
#: Column holding the model's prediction of a row.
_PRED = "__rai_toolkit_pred__"
#: Column of the query file holding the class a row's counterfactuals must reach.
_TARGET = "__rai_toolkit_target__"


@dataclass(frozen=True)
class CounterfactualSearch:
    """Counterfactuals found for a set of query rows (also as files carry them).

    Attributes
    ----------
    query : pandas.DataFrame
        The query rows (model inputs only), in training column order.
    query_pred : numpy.ndarray
        Model predictions for ``query``.
    target : numpy.ndarray
        The class each row's counterfactuals must be predicted as.
    counterfactuals : list of pandas.DataFrame
        Per query row, its counterfactuals (model inputs only).
    counterfactual_pred : list of numpy.ndarray
        Per query row, ``model.predict`` of its counterfactuals.
    total_cfs : int
        Counterfactuals requested per row.
    """

    query: pd.DataFrame
    query_pred: np.ndarray
    target: np.ndarray
    counterfactuals: list[pd.DataFrame]
    counterfactual_pred: list[np.ndarray]
    total_cfs: int

    @property
    def n_found(self) -> np.ndarray:
        """Number of counterfactuals found per query row."""
        return np.array([len(c) for c in self.counterfactuals])

    @property
    def validity(self) -> float:
        """Share of counterfactuals that ``model.predict`` assigns to the target class."""
        hits = sum(int(np.sum(p == t)) for p, t in zip(self.counterfactual_pred, self.target))
        total = int(self.n_found.sum())
        return hits / total if total else float("nan")

    @property
    def complete(self) -> float:
        """Share of query rows with all ``total_cfs`` counterfactuals."""
        return float(np.mean(self.n_found >= self.total_cfs))


def write_search(search: Any, folder: str | Path) -> None:
    """Write a :class:`CounterfactualSearch` into ``folder``."""
    folder = Path(folder)
    query = search.query.reset_index(drop=True).copy()
    query[_PRED] = np.asarray(search.query_pred)
    query[_TARGET] = np.asarray(search.target)
    parts = [
        cfs.assign(**{_OWNER: i, _PRED: np.asarray(pred)})
        for i, (cfs, pred) in enumerate(zip(search.counterfactuals, search.counterfactual_pred))
    ]
    rows = pd.concat(parts, ignore_index=True) if parts else query.iloc[:0]
    write_frame(query, folder / "cf_query.arrow")
    write_frame(rows, folder / "cf_rows.arrow")
    (folder / "cf_meta.json").write_text(json.dumps({"total_cfs": int(search.total_cfs)}))


def read_search(folder: str | Path) -> CounterfactualSearch:
    """Read what :func:`write_search` wrote."""
    folder = Path(folder)
    query = read_frame(folder / "cf_query.arrow")
    rows = read_frame(folder / "cf_rows.arrow")
    meta = json.loads((folder / "cf_meta.json").read_text(encoding="utf-8"))
    owner = rows.pop(_OWNER).to_numpy() if _OWNER in rows else np.empty(0, dtype=int)
    cf_pred = rows.pop(_PRED).to_numpy()
    query_pred = query.pop(_PRED).to_numpy()
    target = query.pop(_TARGET).to_numpy()
    rows = rows[list(query.columns)]
    cfs = [rows[owner == i].reset_index(drop=True) for i in range(len(query))]
    preds = [cf_pred[owner == i] for i in range(len(query))]
    return CounterfactualSearch(query, query_pred, target, cfs, preds, int(meta["total_cfs"]))
