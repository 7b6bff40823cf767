"""Batched counterfactual search for binary classifiers.

DiCE's ``random`` method, which ``RAIInsights`` uses, searches one test row at
a time and calls the model many times per row on a handful of candidates.
Here the same kind of search (change one random feature of the query, then
one more, ... with values drawn from the training data) runs for every test
row at once, so each round is a single ``predict_proba`` call on a large
batch. A vectorised sparsity pass then undoes changes the prediction does not
need, and rows still short of counterfactuals borrow feature values from the
nearest training rows the model already assigns to the target class.

Candidates live in one numpy array per feature, with a parallel ``owner``
array naming the query row each belongs to; every step (deduplication,
ranking, selection, sparsity) works on all rows at once, and a DataFrame is
built only for a model call. Work per query row on small frames would cost
more than the model calls themselves, most of all on pandas 3, where each
operation on a string column goes through pyarrow.

The search runs in the user's process, next to the model. Its result crosses to
the dashboard runtime as files (``_wire.write_search``), where
``_worker._dice`` packs it into dice-ml's ``CounterfactualExplanations``
(schema 2.0), the object ``RAIInsights``' counterfactual manager stores and the
dashboard reads.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._validation import call_model
from rai_toolkit.dashboard._wire import CounterfactualSearch, feature_changed

__all__ = ["CounterfactualSearch", "search_counterfactuals"]

#: Candidates drawn per test row and round.
DEFAULT_CANDIDATES = 64
#: Sparsity pass: number of halving steps moving a changed number back toward the query.
_HALVING_STEPS = 3
#: Nearest target-class training rows a short query row borrows values from.
_NEIGHBOURS = 20
#: Mixes of a query row and each neighbour (each feature from one or the other).
_MIXES = 4
#: Bound on the (query rows x training rows) distance matrix computed at once.
_DISTANCE_CELLS = 2_000_000

#: Candidates: one array per feature (training column order), all the same length.
Columns = dict[Hashable, np.ndarray]


class _Space:
    """Where each feature may move: training values, ranges and precisions."""

    def __init__(self, train_X: pd.DataFrame, categorical: Sequence[Hashable]):
        self.columns = list(train_X.columns)
        self.categorical = [c for c in self.columns if c in set(categorical)]
        self.continuous = [c for c in self.columns if c not in set(categorical)]
        self.dtypes = train_X.dtypes
        self.values: dict[Hashable, np.ndarray] = {}
        self.low: dict[Hashable, float] = {}
        self.high: dict[Hashable, float] = {}
        self.decimals: dict[Hashable, int] = {}
        self.scale: dict[Hashable, float] = {}
        for col in self.columns:
            series = train_X[col].dropna()
            if col in self.categorical:
                self.values[col] = pd.unique(series.to_numpy())
                continue
            arr = series.to_numpy(dtype=float)
            self.values[col] = arr
            self.low[col], self.high[col] = float(arr.min()), float(arr.max())
            self.decimals[col] = _decimals(series)
            mad = float(np.median(np.abs(arr - np.median(arr))))
            self.scale[col] = mad if mad > 0 else (float(arr.std()) or 1.0)

    def sample(self, col: Hashable, size: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``size`` values of ``col``: half from the training values, half uniform."""
        vals = self.values[col]
        if col in self.categorical:
            return vals[rng.integers(0, len(vals), size)]
        out = vals[rng.integers(0, len(vals), size)].astype(float)
        uniform = rng.random(size) < 0.5
        lo, hi, dec = self.low[col], self.high[col], self.decimals[col]
        draw = rng.uniform(lo, hi, int(uniform.sum()))
        out[uniform] = np.clip(np.round(draw, dec), lo, hi)
        return out

    def cast(self, col: Hashable, values: np.ndarray) -> np.ndarray:
        """Return ``values`` in the training dtype of ``col``."""
        if col in self.categorical:
            return values
        dtype = self.dtypes[col]
        if pd.api.types.is_integer_dtype(dtype):
            return np.round(values.astype(float)).astype(dtype)
        return values.astype(dtype)

    def cast_all(self, columns: Columns) -> Columns:
        """:meth:`cast` for every column."""
        return {c: self.cast(c, columns[c]) for c in self.columns}

    def changed(self, col: Hashable, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Where values ``a`` of ``col`` differ from ``b`` (numbers: beyond ``isclose``)."""
        return feature_changed(a, b, categorical=col in self.categorical)

    def distance(self, cands: Columns, query: Columns) -> np.ndarray:
        """Scaled L1 plus one per category change; ``query`` broadcasts against ``cands``."""
        dist: Any = 0.0
        for col in self.columns:
            a, b = cands[col], query[col]
            if col in self.categorical:
                dist = dist + (a != b)
            else:
                dist = dist + np.abs(a.astype(float) - b.astype(float)) / self.scale[col]
        return dist


def _decimals(series: pd.Series) -> int:
    if pd.api.types.is_integer_dtype(series.dtype):
        return 0
    arr = series.to_numpy(dtype=float)
    for dec in range(0, 6):
        if np.allclose(arr, np.round(arr, dec)):
            return dec
    return 6


def _take(columns: Columns, index: np.ndarray) -> Columns:
    return {c: v[index] for c, v in columns.items()}


def _concat(parts: Sequence[Columns]) -> Columns:
    return {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}


def _duplicated(columns: Columns, owner: np.ndarray) -> np.ndarray:
    """Rows repeating an earlier row of the same owner (pandas' equality of values)."""
    frame = pd.DataFrame({0: owner, **{j + 1: v for j, v in enumerate(columns.values())}})
    return frame.duplicated(keep="first").to_numpy()


def _rank_in_group(group: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """For sorted ``group`` labels: how many ``mask`` rows precede each row in its group."""
    before = np.cumsum(mask) - mask
    return before - before[np.searchsorted(group, group, side="left")]


def search_counterfactuals(
    model: Any,
    train_X: pd.DataFrame,
    query: pd.DataFrame,
    *,
    categorical_features: Sequence[Hashable],
    total_cfs: int = 10,
    candidates: int = DEFAULT_CANDIDATES,
    random_state: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> CounterfactualSearch:
    """Find ``total_cfs`` counterfactuals of the opposite class for every query row.

    Parameters
    ----------
    model : object
        Fitted binary classifier with ``predict`` and ``predict_proba`` (and ``classes_``).
    train_X : pandas.DataFrame
        Training inputs; they bound the values a counterfactual may take.
    query : pandas.DataFrame
        Rows to explain, same columns as ``train_X``.
    categorical_features : sequence of hashable
        Columns treated as categories (values drawn from training categories).
    total_cfs : int, default=10
        Counterfactuals wanted per row.
    candidates : int, default=64
        Candidates proposed per row and round.
    random_state : int, optional
        Seed.
    progress : callable, optional
        Called with a short status line per round.

    Returns
    -------
    CounterfactualSearch
        The counterfactuals; every one is checked with ``model.predict``.
    """
    rng = np.random.default_rng(random_state)
    space = _Space(train_X, categorical_features)
    query = query[space.columns].reset_index(drop=True)
    n, p = len(query), len(space.columns)
    classes = np.asarray(getattr(model, "classes_", [0, 1]))
    q_cols = {c: query[c].to_numpy() for c in space.columns}

    proba_q = call_model(model, query, "predict_proba")
    target_idx = 1 - np.argmax(proba_q, axis=1)  # binary: the opposite class
    query_pred = call_model(model, query, "predict")

    found: list[tuple[Columns, np.ndarray]] = []  # valid candidates, in the order found
    counts = np.zeros(n, dtype=int)

    def collect(cands: Columns, owner: np.ndarray) -> None:
        """Keep the candidates (already in training dtypes) the model puts in the target class."""
        proba = call_model(model, pd.DataFrame(cands), "predict_proba")
        ok = np.argmax(proba, axis=1) == target_idx[owner]
        if ok.any():
            found.append((_take(cands, ok), owner[ok]))
            counts[:] += np.bincount(owner[ok], minlength=n)

    # 1. random search: change one more random feature of every candidate per round
    owner = np.repeat(np.arange(n), candidates)
    cols = {c: np.repeat(q_cols[c], candidates) for c in space.columns}
    for round_ in range(1, p + 1):
        pick = rng.integers(0, p, len(owner))
        for j, col in enumerate(space.columns):
            rows = np.flatnonzero(pick == j)
            if rows.size:
                cols[col] = cols[col].copy()
                cols[col][rows] = space.sample(col, rows.size, rng)
        collect(space.cast_all(cols), owner)
        if progress is not None:
            progress(
                f"round {round_}: {int(np.sum(counts >= 3 * total_cfs))}/{n} rows have "
                f"{3 * total_cfs}+ candidates"
            )
        # a row is settled once it has plenty of valid candidates after >= 2 changes
        if round_ >= 2:
            keep = counts[owner] < 3 * total_cfs
            if not keep.any():
                break
            owner = owner[keep]
            cols = _take(cols, keep)
        if round_ >= 6 and len(np.unique(owner)) < max(1, n // 50):
            break

    # 2. rows still short: blend in the nearest training rows of the target class
    short = np.flatnonzero(counts < total_cfs)
    if short.size:
        _blend_with_neighbours(model, train_X, q_cols, short, target_idx, space, rng, collect)

    # 3. dedupe, pick sparse and diverse ones per row, then undo unneeded changes
    if found:
        pool, pool_owner = _concat([c for c, _ in found]), np.concatenate([o for _, o in found])
        by_row = np.argsort(pool_owner, kind="stable")  # each row's candidates in found order
        pool, pool_owner = _take(pool, by_row), pool_owner[by_row]
        cfs, owner = _select(pool, pool_owner, q_cols, space, total_cfs, n)
        cfs, owner = _sparsify(model, cfs, owner, q_cols, space, target_idx)
        cfs, owner = _refill(cfs, owner, pool, pool_owner, total_cfs)
        rows = pd.DataFrame(cfs)
        rows_pred = call_model(model, rows, "predict")
    else:
        rows, owner, rows_pred = query.iloc[:0], np.zeros(0, dtype=int), np.array([])
    return CounterfactualSearch(
        query=query,
        query_pred=query_pred,
        target=classes[target_idx],
        rows=rows,
        owner=owner,
        rows_pred=rows_pred,
        total_cfs=total_cfs,
    )


def _blend_with_neighbours(model, train_X, q_cols, short, target_idx, space, rng, collect):
    """Candidates mixing each short row with its nearest target-class training rows.

    Per short row (by target class, then row order): its nearest ``_NEIGHBOURS``
    training rows of that class, then ``_MIXES`` copies of them taking each feature
    from the query row or the neighbour at random.
    """
    train_X = train_X[space.columns].reset_index(drop=True)
    train_idx = np.argmax(call_model(model, train_X, "predict_proba"), axis=1)
    train = {c: train_X[c].to_numpy() for c in space.columns}
    owners, parts = [], []
    for cls in np.unique(target_idx[short]):
        rows = short[target_idx[short] == cls]
        in_class = train_idx == cls
        size = int(in_class.sum())
        if size == 0:
            continue
        pool = _take(train, in_class)
        k = min(_NEIGHBOURS, size)
        step = max(1, _DISTANCE_CELLS // size)
        for start in range(0, len(rows), step):
            chunk = rows[start: start + step]
            q = {c: v[chunk][:, None] for c, v in q_cols.items()}
            dist = space.distance({c: v[None, :] for c, v in pool.items()}, q)
            near = np.stack([np.argsort(d)[:k] for d in dist])  # (rows, k)
            take = rng.random((len(chunk), _MIXES, k, len(space.columns))) < 0.5
            block = {}
            for j, col in enumerate(space.columns):
                neighbour = pool[col][near][:, None, :]  # (rows, 1, k)
                mixed = np.where(take[..., j], q[col][:, :, None], neighbour)
                block[col] = np.concatenate([neighbour, mixed], axis=1).reshape(-1)
            parts.append(block)
            owners.append(np.repeat(chunk, (1 + _MIXES) * k))
    if parts:
        collect(space.cast_all(_concat(parts)), np.concatenate(owners))


def _select(pool, pool_owner, q_cols, space, total_cfs, n):
    """Per row: up to ``total_cfs`` distinct candidates, fewest changes and nearest first.

    The first pass takes one candidate per distinct set of changed features, the
    second fills up with the sparsest remaining ones. ``pool`` is grouped by row.
    """
    keep = ~_duplicated(pool, pool_owner)
    cands, owner = _take(pool, keep), pool_owner[keep]
    q = _take(q_cols, owner)
    changed = np.column_stack([space.changed(c, cands[c], q[c]) for c in space.columns])
    order = np.lexsort((space.distance(cands, q), changed.sum(axis=1), owner))
    group = owner[order]
    pattern = np.unique(changed, axis=0, return_inverse=True)[1].reshape(-1)[order]
    first = np.zeros(len(order), dtype=bool)
    first[np.unique(group * (pattern.max() + 1) + pattern, return_index=True)[1]] = True
    distinct = first & (_rank_in_group(group, first) < total_cfs)
    room = total_cfs - np.bincount(group[distinct], minlength=n)[group]
    fill = ~distinct & (_rank_in_group(group, ~distinct) < room)
    picked = np.flatnonzero(distinct | fill)
    picked = picked[np.lexsort((picked, fill[picked], group[picked]))]
    return _take(cands, order[picked]), group[picked]


def _sparsify(model, cfs, owner, q_cols, space, target_idx):
    """Undo each change the target prediction does not need, one feature at a time."""
    cfs = {c: v.copy() for c, v in cfs.items()}
    q = _take(q_cols, owner)

    def still_valid(col: Hashable, values: np.ndarray, rows: np.ndarray) -> np.ndarray:
        trial = {c: (values if c == col else v[rows]) for c, v in cfs.items()}
        proba = call_model(model, pd.DataFrame(trial), "predict_proba")
        return np.argmax(proba, axis=1) == target_idx[owner[rows]]

    for col in space.columns:
        rows = np.flatnonzero(space.changed(col, cfs[col], q[col]))
        if rows.size == 0:
            continue
        undone = cfs[col][rows]  # the column's dtype, holding the query's values
        undone[:] = q[col][rows]
        ok = still_valid(col, undone, rows)
        cfs[col][rows[ok]] = undone[ok]
        if col in space.categorical:
            continue
        rest = rows[~ok]
        for _ in range(_HALVING_STEPS):  # move part of the way back toward the query value
            if rest.size == 0:
                break
            cur = cfs[col][rest].astype(float)
            mid = np.round((cur + q[col][rest].astype(float)) / 2, space.decimals[col])
            mid = space.cast(col, mid)
            ok = still_valid(col, mid, rest)
            cfs[col][rest[ok]] = mid[ok]
            rest = rest[ok]
    return cfs, owner


def _refill(cfs, owner, pool, pool_owner, total_cfs):
    """Drop repeats the sparsity pass made; top such rows up from their untouched candidates."""
    dup = _duplicated(cfs, owner)
    if not dup.any():
        return cfs, owner
    redo = np.isin(owner, owner[dup])
    fine = ~redo & ~dup
    # rows with repeats: their remaining counterfactuals, then their candidate pool
    mine = np.flatnonzero(redo & ~dup)
    theirs = np.flatnonzero(np.isin(pool_owner, owner[dup]))
    extra = _concat([_take(cfs, mine), _take(pool, theirs)])
    extra_owner = np.concatenate([owner[mine], pool_owner[theirs]])
    order = np.argsort(extra_owner, kind="stable")
    extra, extra_owner = _take(extra, order), extra_owner[order]
    keep = ~_duplicated(extra, extra_owner)
    keep &= _rank_in_group(extra_owner, keep) < total_cfs
    out = _concat([_take(cfs, fine), _take(extra, keep)])
    out_owner = np.concatenate([owner[fine], extra_owner[keep]])
    order = np.argsort(out_owner, kind="stable")
    return _take(out, order), out_owner[order]
