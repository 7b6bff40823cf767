"""The count table: per-group counts of (y, y_hat, score bin) cells, and its bootstrap.

Every classification metric of a group is a function of how many of its rows
fall in each cell ``(y, y_hat)`` -- plus, for score metrics, in which score bin
-- and of the sums of ``s`` and ``s**2`` in each cell, which keep the Brier score
and the calibration error exact. The fairness analysis and the mitigation room
compute every metric, disparity and bootstrap replicate from this table
(:mod:`rai_toolkit.fairness._metrics`), never from rows.

The table has two halves:

* **Construction** from per-row arrays, or from the per-entry counts an engine
  collected: every engine puts a score ``s`` in the fine bin
  ``min(floor(1000 * s), 999)`` (:func:`fine_bins`; the same IEEE arithmetic in
  numpy, polars, DuckDB and Spark). :func:`coarse_bins` merges the fine bins
  into at most 59 score bins (quantiles of the pooled fine histogram, refined at
  the calibration edges) and :func:`build_cells` counts the cells with one
  :func:`numpy.bincount` (``cell = ((group * 2 + y) * 2 + y_hat) * n_bins +
  score_bin``). pandas rows are counted in memory; polars, DuckDB and Spark
  count ``(groups, y, y_hat, fine bin)`` with one group-by where the data lives
  and :func:`build_cells` sums those entries (``rows=``).
* **The table itself**, :class:`CellTable`, made by :meth:`CellTable.from_counts`
  from ready counts, score sums and bin edges, whoever computed them.

A row bootstrap resamples ``n`` rows with replacement; the resulting table is a
draw from ``Multinomial(n, counts / n)`` over the cells. :func:`bootstrap_tables`
draws replicate tables that way (unconditional on group sizes, exactly like a
row bootstrap) without ever materialising ``n_boot x n_rows``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from rai_toolkit.exceptions import DataValidationError
from rai_toolkit.fairness._metrics import histogram_pairs

__all__ = [
    "CellTable",
    "CALIBRATION_EDGES",
    "CHUNK_CELLS",
    "MAX_SCORE_BINS",
    "N_CALIBRATION_BINS",
    "N_FINE_BINS",
    "N_QUANTILE_BINS",
    "bootstrap_batch",
    "bootstrap_tables",
    "build_cells",
    "coarse_bins",
    "fine_bins",
    "histogram_auc",
    "score_edges",
]

#: Number of pooled-score quantile bins of the score histogram (before adding decile edges).
N_QUANTILE_BINS = 50
#: Equal-width bins of the expected calibration error.
N_CALIBRATION_BINS = 10
#: Inner edges of the calibration bins (0.1, ..., 0.9); every score bin lies inside one.
CALIBRATION_EDGES = np.linspace(0.0, 1.0, N_CALIBRATION_BINS + 1)[1:-1]
#: Most score bins a count table can have (quantile bins refined at the calibration edges).
MAX_SCORE_BINS = N_QUANTILE_BINS + N_CALIBRATION_BINS
#: Fine score bins, computed identically by every engine: ``min(floor(N_FINE_BINS * s), N - 1)``.
N_FINE_BINS = 1000
#: Cells x replicates held in memory at once during the bootstrap (at least one table).
CHUNK_CELLS = 400_000
# significant bits kept of the score sums of a count table (see _canonical)
_SUM_BITS = 40
# fine bins per calibration bin (the calibration edges are fine-bin edges)
_FINE_PER_CALIBRATION = N_FINE_BINS // N_CALIBRATION_BINS


@dataclass(frozen=True)
class CellTable:
    """Per-group cell counts and score sums.

    Make one with :meth:`from_counts` (any engine) or :func:`build_cells` (from rows).

    Attributes
    ----------
    counts : numpy.ndarray
        Shape (n_groups, 2, 2, n_bins): rows per (group, y, y_hat, score bin);
        ``y``/``y_hat`` index 1 is the positive class. ``n_bins`` is 1 without scores.
    sum_s, sum_s2 : numpy.ndarray or None
        Same shape: sums of the score and of its square per cell.
    edges : numpy.ndarray or None
        Shape (n_bins - 1,): inner edges of the score bins (a score ``s`` is in
        bin ``searchsorted(edges, s, side="right")``).
    calibration_map : numpy.ndarray or None
        Shape (n_bins, N_CALIBRATION_BINS), 0/1: the equal-width calibration bin
        that contains each score bin.
    """

    counts: np.ndarray
    sum_s: np.ndarray | None
    sum_s2: np.ndarray | None
    edges: np.ndarray | None
    calibration_map: np.ndarray | None

    @classmethod
    def from_counts(
        cls,
        counts: np.ndarray,
        sum_s: np.ndarray | None = None,
        sum_s2: np.ndarray | None = None,
        *,
        edges: np.ndarray | None = None,
    ) -> CellTable:
        """Check a ready count table and make it a :class:`CellTable`.

        This is the interface of every table engine: whoever counts the rows
        hands over the counts per (group, y, y_hat, score bin) and, with scores,
        the score sums and the bin edges used.

        Parameters
        ----------
        counts : array-like
            Shape (n_groups, 2, 2, n_bins), non-negative whole numbers.
        sum_s, sum_s2 : array-like, optional
            Same shape: sums of the score and of its square per cell (scores in
            [0, 1]). Give both, with ``edges``, or neither.
        edges : array-like, optional
            Shape (n_bins - 1,): increasing inner bin edges in [0, 1] that include
            :data:`CALIBRATION_EDGES`, so that each bin lies in one calibration bin.

        Returns
        -------
        CellTable
            The table.

        Raises
        ------
        DataValidationError
            If a shape, a count or a sum is not what is described above.
        """
        counts = _as_float(counts, "counts")
        if counts.ndim != 4 or counts.shape[1:3] != (2, 2):
            raise DataValidationError(
                f"counts must have shape (n_groups, 2, 2, n_bins) -- group, y, y_hat, score "
                f"bin; received shape {counts.shape}."
            )
        if not (np.all(counts >= 0) and np.all(counts == np.round(counts))):
            raise DataValidationError(
                "counts must be non-negative whole numbers (rows per cell); received "
                "negative or fractional values. Pass the row counts of each cell."
            )
        given = [x is not None for x in (sum_s, sum_s2, edges)]
        if any(given) and not all(given):
            raise DataValidationError(
                "Score statistics need sum_s, sum_s2 and edges together; received only "
                + ", ".join(n for n, g in zip(("sum_s", "sum_s2", "edges"), given) if g)
                + ". Pass all three, or none for a table without scores."
            )
        if not any(given):
            if counts.shape[3] != 1:
                raise DataValidationError(
                    f"A table without scores has one score bin; counts has {counts.shape[3]}. "
                    f"Pass sum_s, sum_s2 and edges, or sum the score bins."
                )
            return cls(counts, None, None, None, None)
        sum_s, sum_s2 = _as_float(sum_s, "sum_s"), _as_float(sum_s2, "sum_s2")
        edges = _as_float(edges, "edges")
        for name, value in (("sum_s", sum_s), ("sum_s2", sum_s2)):
            if value.shape != counts.shape:
                raise DataValidationError(
                    f"{name} must have the shape of counts {counts.shape}; received "
                    f"{value.shape}."
                )
        if edges.ndim != 1 or edges.size != counts.shape[3] - 1:
            raise DataValidationError(
                f"edges must hold the {counts.shape[3] - 1} inner edges of the "
                f"{counts.shape[3]} score bins of counts; received shape {edges.shape}."
            )
        inside = edges.size == 0 or (edges[0] >= 0 and edges[-1] <= 1)
        if not (inside and np.all(np.diff(edges) > 0) and np.isin(CALIBRATION_EDGES, edges).all()):
            raise DataValidationError(
                "edges must increase strictly within [0, 1] and include the calibration "
                "edges 0.1, 0.2, ..., 0.9 (use score_edges(scores))."
            )
        slack = 1e-9 * np.maximum(counts, 1.0)
        if np.any(sum_s < -slack) or np.any(sum_s > counts + slack) or np.any(
            sum_s2 > sum_s + slack
        ):
            raise DataValidationError(
                "sum_s and sum_s2 must be sums of scores in [0, 1] and of their squares per "
                "cell (0 <= sum_s2 <= sum_s <= counts); check that the scores are "
                "probabilities of the positive class."
            )
        return cls(counts, sum_s, sum_s2, edges, _calibration_map(edges))

    @property
    def has_scores(self) -> bool:
        """Whether score statistics are present."""
        return self.sum_s is not None

    @property
    def n_groups(self) -> int:
        """Number of groups."""
        return int(self.counts.shape[0])

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


def _as_float(value: object, name: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise DataValidationError(f"{name} must be an array of numbers; {err}.") from err
    if not np.all(np.isfinite(array)):
        raise DataValidationError(f"{name} must be finite; it holds NaN or infinity.")
    return array


def _calibration_map(edges: np.ndarray) -> np.ndarray:
    """0/1 map of score bins (inner ``edges``) to the calibration bin holding each."""
    lower_edges = np.concatenate([[-np.inf], edges])
    coarse = np.searchsorted(CALIBRATION_EDGES, lower_edges, side="right")
    calibration_map = np.zeros((edges.size + 1, N_CALIBRATION_BINS))
    calibration_map[np.arange(edges.size + 1), coarse] = 1.0
    return calibration_map


def fine_bins(score: np.ndarray) -> np.ndarray:
    """Fine score bin of each score: ``min(floor(1000 * s), 999)``.

    Every engine computes this same expression in IEEE double arithmetic, so a
    score falls in the same fine bin in numpy, polars, DuckDB and Spark.

    Parameters
    ----------
    score : numpy.ndarray
        Scores in [0, 1].

    Returns
    -------
    numpy.ndarray
        Integer bins in 0..N_FINE_BINS-1.
    """
    return np.minimum(np.floor(score * N_FINE_BINS), N_FINE_BINS - 1).astype(np.intp)


def _fine_lower_edges(fine: np.ndarray) -> np.ndarray:
    """Lower edge of fine bins ``fine`` (> 0); calibration edges exactly as CALIBRATION_EDGES."""
    edges = fine / N_FINE_BINS
    on_calibration = fine % _FINE_PER_CALIBRATION == 0
    edges[on_calibration] = CALIBRATION_EDGES[fine[on_calibration] // _FINE_PER_CALIBRATION - 1]
    return edges


def coarse_bins(fine_counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge the fine bins into the score bins of the count table.

    Bins start at the fine bins holding the pooled quantiles ``j / 50`` and at
    the calibration edges 0.1, ..., 0.9, so every bin lies inside one
    calibration bin and holds about 1 / N_QUANTILE_BINS of the rows (up to the
    resolution of the fine bins). A function of the pooled fine histogram alone,
    so every engine gets the same bins.

    Parameters
    ----------
    fine_counts : numpy.ndarray
        Shape (N_FINE_BINS,): rows per fine bin, all groups and cells pooled.

    Returns
    -------
    edges : numpy.ndarray
        Strictly increasing inner edges of the score bins in (0, 1).
    coarse_of_fine : numpy.ndarray
        Shape (N_FINE_BINS,): the score bin of each fine bin.
    """
    cum = np.cumsum(fine_counts)
    targets = cum[-1] * np.arange(1, N_QUANTILE_BINS) / N_QUANTILE_BINS
    quantile_starts = np.searchsorted(cum, targets, side="right")
    calibration_starts = np.arange(1, N_CALIBRATION_BINS) * _FINE_PER_CALIBRATION
    starts = np.unique(np.concatenate([quantile_starts, calibration_starts]))
    starts = starts[(starts > 0) & (starts < N_FINE_BINS)]
    coarse_of_fine = np.searchsorted(starts, np.arange(N_FINE_BINS), side="right")
    return _fine_lower_edges(starts), coarse_of_fine


def score_edges(score: np.ndarray) -> np.ndarray:
    """Increasing inner edges of the score bins of scores in [0, 1] (:func:`coarse_bins`)."""
    return coarse_bins(np.bincount(fine_bins(score), minlength=N_FINE_BINS))[0]


def build_cells(
    codes: np.ndarray,
    n_groups: int,
    y: np.ndarray,
    y_hat: np.ndarray,
    score: np.ndarray | None = None,
    *,
    rows: np.ndarray | None = None,
    score_sq: np.ndarray | None = None,
    fine: np.ndarray | None = None,
) -> CellTable:
    """Count rows per (group, y, y_hat[, score bin]) with one bincount.

    Each entry is one row (the in-memory engine) or, with ``rows``, a cell of a
    count table an engine collected: ``rows`` rows of one group, y, y_hat and
    fine score bin, with score sum ``score`` and sum of squares ``score_sq``.

    Parameters
    ----------
    codes : numpy.ndarray
        Group code of each entry, 0..n_groups-1.
    n_groups : int
        Number of groups.
    y, y_hat : numpy.ndarray of bool
        Actual and predicted membership of the positive class.
    score : numpy.ndarray, optional
        Probability of the positive class, in [0, 1] (with ``rows``: the sum of
        the scores of the entry).
    rows : numpy.ndarray, optional
        Rows per entry (default: one).
    score_sq : numpy.ndarray, optional
        With ``rows``: sum of the squared scores of each entry.
    fine : numpy.ndarray, optional
        With ``rows``: fine score bin of each entry (:func:`fine_bins`).

    Returns
    -------
    CellTable
        The count table.
    """
    cell = codes * 4 + y.astype(np.intp) * 2 + y_hat.astype(np.intp)
    if score is None:
        counts = np.bincount(cell, weights=rows, minlength=n_groups * 4).astype(float)
        return CellTable(counts.reshape(n_groups, 2, 2, 1), None, None, None, None)
    score = np.asarray(score, dtype=float)
    if rows is None:
        fine = fine_bins(score)
        score_sq = score * score
    edges, coarse_of_fine = coarse_bins(np.bincount(fine, weights=rows, minlength=N_FINE_BINS))
    n_bins = edges.size + 1
    cell *= n_bins
    cell += coarse_of_fine[fine]
    size = n_groups * 4 * n_bins
    shape = (n_groups, 2, 2, n_bins)
    counts = np.bincount(cell, weights=rows, minlength=size).astype(float).reshape(shape)
    sum_s = _canonical(np.bincount(cell, weights=score, minlength=size).reshape(shape))
    sum_s2 = _canonical(np.bincount(cell, weights=score_sq, minlength=size).reshape(shape))
    return CellTable(counts, sum_s, sum_s2, edges, _calibration_map(edges))


def _canonical(sums: np.ndarray) -> np.ndarray:
    """Round sums to 40 significant bits, so that every engine's sums are the same numbers.

    Engines add the same scores in different orders, which changes the last bits
    of a sum; downstream random draws (the consistency draws of the debiased
    calibration error) depend on them discontinuously (a binomial with p = 0.5 vs
    0.5 - 1e-16). Rounding to 40 bits (relative 1e-12) removes those last bits.
    """
    mantissa, exponent = np.frexp(sums)
    return np.ldexp(np.round(np.ldexp(mantissa, _SUM_BITS)), exponent - _SUM_BITS)


def histogram_auc(
    codes: np.ndarray,
    n_groups: int,
    y: np.ndarray,
    fine: np.ndarray,
    rows: np.ndarray,
    pure: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """ROC AUC per group from the fine score histogram, and a bound on its error.

    Pairs of a positive and a negative in different fine bins are ordered by the
    bins; pairs in one bin count one half. That is the exact AUC (ties one half)
    when every fine bin holds a single distinct score (``pure``); otherwise the
    error is at most half the share of (positive, negative) pairs that share an
    impure bin.

    Parameters
    ----------
    codes : numpy.ndarray
        Group code of each entry.
    n_groups : int
        Number of groups.
    y : numpy.ndarray of bool
        Positive class membership of each entry.
    fine : numpy.ndarray
        Fine bin of each entry.
    rows : numpy.ndarray
        Rows per entry.
    pure : numpy.ndarray of bool
        Shape (N_FINE_BINS,): whether all scores of a fine bin (pooled) are equal.

    Returns
    -------
    auc : numpy.ndarray
        Shape (n_groups,); NaN for a group without positives or negatives.
    bound : numpy.ndarray
        Shape (n_groups,): bound on ``|auc - exact AUC|`` (0 when exact; NaN with the AUC).
    """
    size = n_groups * N_FINE_BINS
    index = codes * N_FINE_BINS + fine
    pos = np.bincount(index[y], weights=rows[y], minlength=size).reshape(n_groups, -1)
    neg = np.bincount(index[~y], weights=rows[~y], minlength=size).reshape(n_groups, -1)
    u, pairs = histogram_pairs(np.stack([neg, pos], axis=-2))
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = u / pairs
        bound = 0.5 * (pos * neg)[:, ~pure].sum(axis=1) / pairs
    return auc, bound


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
