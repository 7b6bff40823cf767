"""Memory needed by a fairness analysis, checked before anything large is allocated.

The bootstrap keeps ``n_boot`` replicates of every metric of every group of
every grouping (intersectional groups, each feature's groups, overall), and the
count table has one cell per group, label, prediction and score bin. A huge
``n_boot`` or an ID-like sensitive column (thousands of groups) multiplies
these; :func:`check_memory` refuses such a call up front, saying what to change,
instead of failing with a MemoryError half-way.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from rai_toolkit.exceptions import ArgumentError

__all__ = ["available_bytes", "check_memory", "estimate_bytes"]

#: Bytes of one float64.
_FLOAT = 8
#: Working copies of the largest grouping's replicate array while it is summarised
#: (sorted copy for the percentile bounds, per-metric deviations and row bounds).
_WORKING_COPIES = 3
#: Arrays of one bootstrap chunk of the count table (replicate tables, score sums,
#: and their sums per grouping).
_CHUNK_COPIES = 8
#: Share of the available memory an analysis may plan to use.
_USABLE_SHARE = 0.8


def estimate_bytes(
    *,
    n_boot: int,
    group_counts: Sequence[int],
    n_metrics: int,
    n_classes: int,
    n_cells: int,
    chunk_cells: int,
) -> int:
    """Peak bytes the bootstrap of an analysis holds, roughly (within a factor of about 2).

    Parameters
    ----------
    n_boot : int
        Bootstrap replicates.
    group_counts : sequence of int
        Number of groups of every grouping (intersectional, each feature, overall).
    n_metrics : int
        Metrics per group.
    n_classes : int
        Count tables analysed one after the other (classes of a multiclass task).
    n_cells : int
        Cells of one count table (groups x 4 x score bins).
    chunk_cells : int
        Cells x replicates drawn at once by the bootstrap.

    Returns
    -------
    int
        Bytes.
    """
    replicates = n_classes * n_boot * sum(group_counts) * n_metrics
    working = _WORKING_COPIES * n_boot * max(group_counts) * n_metrics
    table = 3 * n_cells + _CHUNK_COPIES * max(chunk_cells, n_cells)
    return _FLOAT * (replicates + working + table)


def available_bytes() -> int | None:
    """Memory available to this process: MemAvailable on Linux, else half the RAM; None if unknown.

    Returns
    -------
    int or None
        Bytes.
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (AttributeError, ValueError, OSError):
        return None


def _gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB"


def check_memory(
    *,
    n_boot: int,
    group_counts: Sequence[int],
    n_metrics: int,
    n_classes: int,
    n_cells: int,
    chunk_cells: int,
    features: Sequence[object],
    min_boot: int,
    budget: int | None = None,
) -> None:
    """Refuse an analysis whose bootstrap would not fit in memory, saying what to change.

    Parameters
    ----------
    n_boot, group_counts, n_metrics, n_classes, n_cells, chunk_cells
        As in :func:`estimate_bytes`.
    features : sequence
        Sensitive feature names, for the message.
    min_boot : int
        Smallest accepted positive ``n_boot``.
    budget : int, optional
        Bytes the analysis may use; by default a share of :func:`available_bytes`.

    Raises
    ------
    ArgumentError
        If the estimate exceeds the budget.
    """
    if budget is None:
        free = available_bytes()
        if free is None:
            return
        budget = int(_USABLE_SHARE * free)
    # Python integers: numpy ones would overflow for an absurd n_boot and pass the check
    n_boot = int(n_boot)
    sizes = dict(group_counts=[int(g) for g in group_counts], n_metrics=int(n_metrics),
                 n_classes=int(n_classes), n_cells=int(n_cells),
                 chunk_cells=int(chunk_cells))  # fmt: skip
    need = estimate_bytes(n_boot=n_boot, **sizes)
    if need <= budget:
        return
    fixed = estimate_bytes(n_boot=0, **sizes)
    per_boot = max(1, (need - fixed) // max(1, n_boot))
    fits = (budget - fixed) // per_boot if budget > fixed else 0
    n_groups = group_counts[0]
    names = ", ".join(map(repr, features))
    if fits >= min_boot:
        smaller = f"pass n_boot={int(fits)} or less"
    else:
        smaller = "pass n_boot=0 (point estimates, no intervals)"
    raise ArgumentError(
        f"analyze_fairness would need about {_gib(need)} of memory for n_boot={n_boot} "
        f"bootstrap replicates of {n_groups:,} group(s) of {names} ({n_metrics} metrics"
        + (f", {n_classes} classes" if n_classes > 1 else "")
        + f"); about {_gib(budget)} is available. To fit: {smaller}; or reduce the groups: "
        f"bin a continuous sensitive column (bins={{column: 5}}), drop an ID-like column "
        f"from sensitive_features, or analyse fewer sensitive features at once."
    )
