"""Memory needed by a fairness analysis, checked before anything large is allocated.

The bootstrap keeps ``n_boot`` replicates of every metric of every group of
every grouping (intersectional groups, each feature's groups, overall), and the
count table has one cell per group, label, prediction and score bin. A huge
``n_boot`` or an ID-like sensitive column (thousands of groups) multiplies
these; :func:`check_memory` refuses such a call up front, saying what to change,
instead of failing with a MemoryError half-way. The budget is the package's one
memory policy, :func:`rai_toolkit._scalars.memory_limit`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rai_toolkit import _scalars
from rai_toolkit.exceptions import ArgumentError

__all__ = ["BootstrapSize", "check_memory"]

#: Bytes of one float64.
_FLOAT = 8
#: Working copies of the largest grouping's replicate array while it is summarised
#: (sorted copy for the percentile bounds, per-metric deviations and row bounds).
_WORKING_COPIES = 3
#: Arrays of one bootstrap chunk of the count table (replicate tables, score sums,
#: and their sums per grouping).
_CHUNK_COPIES = 8


@dataclass(frozen=True)
class BootstrapSize:
    """The sizes of an analysis that its bootstrap's memory grows with.

    Parameters
    ----------
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
    """

    group_counts: tuple[int, ...]
    n_metrics: int
    n_classes: int
    n_cells: int
    chunk_cells: int

    def __post_init__(self) -> None:
        # Python integers: numpy ones would overflow for an absurd n_boot and pass the check
        object.__setattr__(self, "group_counts", tuple(int(g) for g in self.group_counts))
        for name in ("n_metrics", "n_classes", "n_cells", "chunk_cells"):
            object.__setattr__(self, name, int(getattr(self, name)))

    def peak_bytes(self, n_boot: int) -> int:
        """Peak bytes the bootstrap of ``n_boot`` replicates holds, roughly (within about 2x)."""
        n_boot = int(n_boot)
        replicates = self.n_classes * n_boot * sum(self.group_counts) * self.n_metrics
        working = _WORKING_COPIES * n_boot * max(self.group_counts) * self.n_metrics
        table = 3 * self.n_cells + _CHUNK_COPIES * max(self.chunk_cells, self.n_cells)
        return _FLOAT * (replicates + working + table)


def _gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB"


def check_memory(
    size: BootstrapSize,
    *,
    n_boot: int,
    features: Sequence[object],
    min_boot: int,
    budget: int | None = None,
    caller: str = "analyze_fairness",
) -> None:
    """Refuse an analysis whose bootstrap would not fit in memory, saying what to change.

    Parameters
    ----------
    size : BootstrapSize
        The sizes of the analysis.
    n_boot : int
        Bootstrap replicates asked for.
    features : sequence
        Sensitive feature names, for the message.
    min_boot : int
        Smallest accepted positive ``n_boot``.
    budget : int, optional
        Bytes the analysis may use; by default :func:`rai_toolkit._scalars.memory_limit`.
    caller : str, default="analyze_fairness"
        The public function whose bootstrap this is, for the message.

    Raises
    ------
    ArgumentError
        If the estimate exceeds the budget.
    """
    if budget is None:
        budget = _scalars.memory_limit()
    n_boot = int(n_boot)
    need = size.peak_bytes(n_boot)
    if need <= budget:
        return
    fixed = size.peak_bytes(0)
    per_boot = max(1, (need - fixed) // max(1, n_boot))
    fits = (budget - fixed) // per_boot if budget > fixed else 0
    n_groups = size.group_counts[0]
    names = ", ".join(map(repr, features))
    if fits >= min_boot:
        smaller = f"pass n_boot={int(fits)} or less"
    else:
        smaller = "pass n_boot=0 (point estimates, no intervals)"
    raise ArgumentError(
        f"{caller} would need about {_gib(need)} of memory for n_boot={n_boot} "
        f"bootstrap replicates of {n_groups:,} group(s) of {names} ({size.n_metrics} metrics"
        + (f", {size.n_classes} classes" if size.n_classes > 1 else "")
        + f"); one call may use {_gib(budget)} ({_scalars.MEMORY_SHARE:.0%} of this machine's "
        f"memory). To fit: {smaller}; or reduce the groups: "
        f"bin a continuous sensitive column (bins={{column: 5}}), drop an ID-like column "
        f"from sensitive_features, or analyse fewer sensitive features at once.",
        argument="n_boot",
    )
