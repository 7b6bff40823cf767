"""The count table: per-group counts of (y, y_hat, score bin) cells, and its bootstrap.

Every classification metric of a group is a function of how many of its rows
fall in each cell ``(y, y_hat)`` -- plus, for score metrics, in which score bin.
The table is built once from integer codes with :func:`numpy.bincount`
(``cell = ((group * 2 + y) * 2 + y_hat) * n_bins + score_bin``) together with the
sums of ``s`` and ``s**2`` in each cell, which keep the Brier score and the
calibration error exact.

A row bootstrap resamples ``n`` rows with replacement; the resulting table is a
draw from ``Multinomial(n, counts / n)`` over the cells. :func:`bootstrap_tables`
draws replicate tables that way (unconditional on group sizes, exactly like a
row bootstrap) without ever materialising ``n_boot x n_rows``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

__all__ = ["CellTable", "build_cells", "bootstrap_tables", "N_QUANTILE_BINS", "N_CALIBRATION_BINS"]

#: Number of pooled-score quantile bins of the score histogram (before adding decile edges).
N_QUANTILE_BINS = 50
#: Equal-width bins of the expected calibration error.
N_CALIBRATION_BINS = 10
#: Most score bins a count table can have (quantile bins refined at the calibration edges).
MAX_SCORE_BINS = N_QUANTILE_BINS + N_CALIBRATION_BINS
#: Cells x replicates held in memory at once during the bootstrap (at least one table).
CHUNK_CELLS = 400_000
# rows used to estimate the quantile edges (a regular subsample; edges need not be exact)
_EDGE_SAMPLE = 200_000


@dataclass(frozen=True)
class CellTable:
    """Per-group cell counts and score sums.

    Attributes
    ----------
    counts : numpy.ndarray
        Shape (n_groups, 2, 2, n_bins): rows per (group, y, y_hat, score bin);
        ``y``/``y_hat`` index 1 is the positive class. ``n_bins`` is 1 without scores.
    sum_s, sum_s2 : numpy.ndarray or None
        Same shape: sums of the score and of its square per cell.
    calibration_map : numpy.ndarray or None
        Shape (n_bins, N_CALIBRATION_BINS), 0/1: the equal-width calibration bin
        that contains each score bin.
    """

    counts: np.ndarray
    sum_s: np.ndarray | None
    sum_s2: np.ndarray | None
    calibration_map: np.ndarray | None

    @property
    def has_scores(self) -> bool:
        """Whether score statistics are present."""
        return self.sum_s is not None

    @property
    def n_rows(self) -> int:
        """Total number of rows."""
        return int(round(self.counts.sum()))

    def cell_means(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Mean score and mean squared score of each non-empty cell (0 where empty)."""
        if self.sum_s is None:
            return None
        with np.errstate(invalid="ignore", divide="ignore"):
            m1 = np.where(self.counts > 0, self.sum_s / self.counts, 0.0)
            m2 = np.where(self.counts > 0, self.sum_s2 / self.counts, 0.0)
        return m1, m2


def _score_bins(score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fine bin of each score and the calibration bin of each fine bin.

    Inner edges are the union of the equal-width calibration edges (0.1, ..., 0.9)
    and pooled-score quantiles, so every fine bin lies inside one calibration bin
    and holds at most about 1/N_QUANTILE_BINS of the rows (up to ties).
    """
    step = max(1, score.shape[0] // _EDGE_SAMPLE)
    sample = score[::step]
    quantiles = np.quantile(sample, np.linspace(0, 1, N_QUANTILE_BINS + 1)[1:-1])
    calibration_inner = np.linspace(0.0, 1.0, N_CALIBRATION_BINS + 1)[1:-1]
    inner = np.unique(np.concatenate([calibration_inner, quantiles]))
    fine = np.searchsorted(inner, score, side="right")
    lower_edges = np.concatenate([[-np.inf], inner])
    coarse = np.searchsorted(calibration_inner, lower_edges, side="right")
    calibration_map = np.zeros((inner.size + 1, N_CALIBRATION_BINS))
    calibration_map[np.arange(inner.size + 1), coarse] = 1.0
    return fine, calibration_map


def build_cells(
    codes: np.ndarray,
    n_groups: int,
    y: np.ndarray,
    y_hat: np.ndarray,
    score: np.ndarray | None = None,
) -> CellTable:
    """Count rows per (group, y, y_hat[, score bin]) with one bincount.

    Parameters
    ----------
    codes : numpy.ndarray
        Group code of each row, 0..n_groups-1.
    n_groups : int
        Number of groups.
    y, y_hat : numpy.ndarray of bool
        Actual and predicted membership of the positive class.
    score : numpy.ndarray, optional
        Probability of the positive class, in [0, 1].

    Returns
    -------
    CellTable
        The count table.
    """
    cell = codes * 4 + y.astype(np.intp) * 2 + y_hat.astype(np.intp)
    if score is None:
        counts = np.bincount(cell, minlength=n_groups * 4).astype(float)
        return CellTable(counts.reshape(n_groups, 2, 2, 1), None, None, None)
    score = np.asarray(score, dtype=float)
    fine, calibration_map = _score_bins(score)
    n_bins = calibration_map.shape[0]
    cell *= n_bins
    cell += fine
    del fine
    size = n_groups * 4 * n_bins
    shape = (n_groups, 2, 2, n_bins)
    counts = np.bincount(cell, minlength=size).astype(float).reshape(shape)
    sum_s = np.bincount(cell, weights=score, minlength=size).reshape(shape)
    sum_s2 = np.bincount(cell, weights=score * score, minlength=size).reshape(shape)
    return CellTable(counts, sum_s, sum_s2, calibration_map)


def bootstrap_tables(
    counts: np.ndarray, *, n_boot: int, rng: np.random.Generator
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield replicate count tables of a row bootstrap, in chunks.

    Each replicate is a draw of ``Multinomial(n, counts / n)`` over all cells of
    ``counts`` jointly (groups included), which is the distribution of the
    count table of ``n`` rows resampled with replacement.

    Parameters
    ----------
    counts : numpy.ndarray
        One count table, of any shape (see :func:`bootstrap_batch` for many).
    n_boot : int
        Number of replicates.
    rng : numpy.random.Generator
        Source of randomness.

    Yields
    ------
    start : int
        Index of the first replicate of the chunk.
    tables : numpy.ndarray
        Shape (chunk, *counts.shape), float counts.
    """
    flat = counts.ravel()
    nonzero = np.flatnonzero(flat)
    n = int(round(flat.sum()))
    probs = flat[nonzero] / flat[nonzero].sum()
    chunk = max(1, min(n_boot, CHUNK_CELLS // max(1, flat.size)))
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        draws = rng.multinomial(n, probs, size=size)
        tables = np.zeros((size, flat.size))
        tables[:, nonzero] = draws
        yield start, tables.reshape((size, *counts.shape))


def bootstrap_batch(counts: np.ndarray, *, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Replicate tables for many independent count tables at once.

    Parameters
    ----------
    counts : numpy.ndarray
        Shape (n_tables, ...): one count table per leading index (e.g. one per
        simulated data set).
    n_boot : int
        Number of replicates per table.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    numpy.ndarray
        Shape (n_boot, n_tables, ...).
    """
    flat = counts.reshape(counts.shape[0], -1)
    n = flat.sum(axis=1)
    draws = rng.multinomial(
        np.round(n).astype(np.int64), flat / n[:, None], size=(n_boot, flat.shape[0])
    )
    return draws.astype(float).reshape((n_boot, *counts.shape))
