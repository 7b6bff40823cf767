"""Batched counterfactual search for binary classifiers.

DiCE's ``random`` method, which ``RAIInsights`` uses, searches one test row at
a time and calls the model many times per row on a handful of candidates.
Here the same kind of search (change one random feature of the query, then
one more, ... with values drawn from the training data) runs for every test
row at once, so each round is a single ``predict_proba`` call on a large
batch. A vectorised sparsity pass then undoes changes the prediction does not
need, and rows still short of counterfactuals borrow feature values from the
nearest training rows the model already assigns to the target class.

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
from rai_toolkit.dashboard._wire import CounterfactualSearch

__all__ = ["CounterfactualSearch", "search_counterfactuals"]

#: Candidates drawn per test row and round.
DEFAULT_CANDIDATES = 64
#: Sparsity pass: number of halving steps moving a changed number back toward the query.
_HALVING_STEPS = 3


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


def _decimals(series: pd.Series) -> int:
    if pd.api.types.is_integer_dtype(series.dtype):
        return 0
    arr = series.to_numpy(dtype=float)
    for dec in range(0, 6):
        if np.allclose(arr, np.round(arr, dec)):
            return dec
    return 6


def _frame(columns: dict[Hashable, np.ndarray], space: _Space) -> pd.DataFrame:
    return pd.DataFrame({c: space.cast(c, columns[c]) for c in space.columns})


def _changed(cands: pd.DataFrame, query: pd.DataFrame, space: _Space) -> np.ndarray:
    """Boolean matrix (rows x features): where a candidate differs from its query row."""
    out = np.empty((len(cands), len(space.columns)), dtype=bool)
    for j, col in enumerate(space.columns):
        a, b = cands[col].to_numpy(), query[col].to_numpy()
        if col in space.categorical:
            out[:, j] = a != b
        else:
            out[:, j] = ~np.isclose(a.astype(float), b.astype(float))
    return out


def _distance(cands: pd.DataFrame, query: pd.DataFrame, space: _Space) -> np.ndarray:
    """Distance of each candidate from its query row: scaled L1 plus one per category change."""
    dist = np.zeros(len(cands))
    for col in space.columns:
        a, b = cands[col].to_numpy(), query[col].to_numpy()
        if col in space.categorical:
            dist += a != b
        else:
            dist += np.abs(a.astype(float) - b.astype(float)) / space.scale[col]
    return dist


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

    proba_q = call_model(model, query, "predict_proba")
    q_idx = np.argmax(proba_q, axis=1)
    target_idx = 1 - q_idx  # binary: the opposite class
    query_pred = call_model(model, query, "predict")

    pools: list[list[pd.DataFrame]] = [[] for _ in range(n)]
    counts = np.zeros(n, dtype=int)

    def collect(cands: pd.DataFrame, owner: np.ndarray) -> None:
        proba = call_model(model, cands, "predict_proba")
        ok = np.argmax(proba, axis=1) == target_idx[owner]
        if not ok.any():
            return
        good = cands[ok].assign(_owner=owner[ok])
        for i, grp in good.groupby("_owner", sort=False):
            pools[i].append(grp.drop(columns="_owner"))
            counts[i] += len(grp)

    # 1. random search: change one more random feature of every candidate per round
    active = np.arange(n)
    owner = np.repeat(active, candidates)
    cols = {c: np.repeat(query[c].to_numpy(), candidates) for c in space.columns}
    for round_ in range(1, p + 1):
        size = len(owner)
        pick = rng.integers(0, p, size)
        for j, col in enumerate(space.columns):
            rows = np.flatnonzero(pick == j)
            if rows.size:
                cols[col] = cols[col].copy()
                cols[col][rows] = space.sample(col, rows.size, rng)
        collect(_frame(cols, space), owner)
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
            cols = {c: v[keep] for c, v in cols.items()}
        if round_ >= 6 and len(np.unique(owner)) < max(1, n // 50):
            break

    # 2. rows still short: blend in the nearest training rows of the target class
    short = np.flatnonzero(counts < total_cfs)
    if short.size:
        _blend_with_neighbours(model, train_X, query, short, target_idx, space, rng, collect)

    # 3. per row: dedupe, pick sparse and diverse ones, then undo unneeded changes
    chosen = _select(pools, query, space, total_cfs)
    chosen = _sparsify(model, chosen, query, space, target_idx, total_cfs, pools)

    owner = np.concatenate([np.full(len(c), i) for i, c in enumerate(chosen)]).astype(int)
    allcf = pd.concat(chosen, ignore_index=True) if owner.size else query.iloc[:0]
    preds = call_model(model, allcf, "predict") if len(allcf) else np.array([])
    cf_pred = [preds[owner == i] for i in range(n)]
    return CounterfactualSearch(
        query=query,
        query_pred=query_pred,
        target=classes[target_idx],
        counterfactuals=[c.reset_index(drop=True) for c in chosen],
        counterfactual_pred=cf_pred,
        total_cfs=total_cfs,
    )


def _blend_with_neighbours(model, train_X, query, short, target_idx, space, rng, collect):
    """Candidates mixing each short row with its nearest target-class training rows."""
    train_X = train_X[space.columns].reset_index(drop=True)
    train_idx = np.argmax(call_model(model, train_X, "predict_proba"), axis=1)
    k = 20
    owners, parts = [], []
    for cls in np.unique(target_idx[short]):
        rows = short[target_idx[short] == cls]
        pool = train_X[train_idx == cls]
        if pool.empty:
            continue
        for i in rows:
            q = query.iloc[[i] * len(pool)].reset_index(drop=True)
            d = _distance(pool.reset_index(drop=True), q, space)
            near = pool.iloc[np.argsort(d)[:k]].reset_index(drop=True)
            # the neighbours themselves, then mixes taking each feature from q or neighbour
            mixes = []
            for _ in range(4):
                take = rng.random((len(near), len(space.columns))) < 0.5
                m = near.copy()
                for j, col in enumerate(space.columns):
                    m.loc[take[:, j], col] = query.at[i, col]
                mixes.append(m)
            block = pd.concat([near, *mixes], ignore_index=True)
            parts.append(block)
            owners.append(np.full(len(block), i))
    if parts:
        cands = pd.concat(parts, ignore_index=True)
        cands = pd.DataFrame({c: space.cast(c, cands[c].to_numpy()) for c in space.columns})
        collect(cands, np.concatenate(owners))


def _select(pools, query, space, total_cfs):
    chosen = []
    for i, parts in enumerate(pools):
        if not parts:
            chosen.append(query.iloc[:0].copy())
            continue
        cands = pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)
        q = query.iloc[[i] * len(cands)].reset_index(drop=True)
        changed = _changed(cands, q, space)
        order = np.lexsort((_distance(cands, q, space), changed.sum(axis=1)))
        picked, seen = [], set()
        for idx in order:  # first pass: distinct sets of changed features
            key = changed[idx].tobytes()
            if key not in seen:
                seen.add(key)
                picked.append(idx)
            if len(picked) == total_cfs:
                break
        for idx in order:  # fill up with the sparsest remaining ones
            if len(picked) == total_cfs:
                break
            if idx not in picked:
                picked.append(idx)
        chosen.append(cands.iloc[picked].reset_index(drop=True))
    return chosen


def _sparsify(model, chosen, query, space, target_idx, total_cfs, pools):
    """Undo each change the target prediction does not need, one feature at a time."""
    owner = np.concatenate([np.full(len(c), i) for i, c in enumerate(chosen)]).astype(int)
    if owner.size == 0:
        return chosen
    cfs = pd.concat(chosen, ignore_index=True)
    q = query.iloc[owner].reset_index(drop=True)

    def still_valid(trial: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
        proba = call_model(model, trial.iloc[rows], "predict_proba")
        return np.argmax(proba, axis=1) == target_idx[owner[rows]]

    for col in space.columns:
        rows = np.flatnonzero(_changed(cfs[[col]], q[[col]], _Sub(space, col))[:, 0])
        if rows.size == 0:
            continue
        trial = cfs.copy()
        trial.loc[rows, col] = q.loc[rows, col].to_numpy()
        ok = still_valid(trial, rows)
        cfs.loc[rows[ok], col] = q.loc[rows[ok], col].to_numpy()
        if col in space.categorical:
            continue
        rest = rows[~ok]
        for _ in range(_HALVING_STEPS):  # move part of the way back toward the query value
            if rest.size == 0:
                break
            cur = cfs.loc[rest, col].to_numpy(dtype=float)
            mid = np.round((cur + q.loc[rest, col].to_numpy(dtype=float)) / 2, space.decimals[col])
            trial = cfs.copy()
            trial[col] = trial[col].astype(float)
            trial.loc[rest, col] = mid
            trial[col] = space.cast(col, trial[col].to_numpy())
            ok = still_valid(trial, rest)
            cfs.loc[rest[ok], col] = space.cast(col, mid[ok])
            rest = rest[ok]

    out = []
    for i in range(len(chosen)):
        mine = cfs[owner == i].drop_duplicates()
        if len(mine) < min(total_cfs, len(chosen[i])) and pools[i]:
            # undoing changes made some identical: refill from the untouched candidates
            extra = pd.concat([mine, *pools[i]], ignore_index=True).drop_duplicates()
            mine = extra.iloc[: min(total_cfs, len(extra))]
        out.append(mine.reset_index(drop=True))
    return out


class _Sub:
    """A one-column view of a :class:`_Space`, for :func:`_changed`."""

    def __init__(self, space: _Space, col: Hashable):
        self.columns = [col]
        self.categorical = [col] if col in space.categorical else []
