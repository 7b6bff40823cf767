"""The text summary an assessment command prints on stdout."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["print_summary"]


def print_summary(assessment: Any, paths: Sequence[Path]) -> None:
    """Print an assessment's verdicts, scorecard and top findings, then the files written.

    Parameters
    ----------
    assessment : Assessment
        The result of :func:`rai_toolkit.report.assess`; only its ``to_dict()`` is read.
    paths : sequence of Path
        Files written by the run.
    """
    doc = assessment.to_dict()
    print(doc["title"])
    print("Verdicts:")
    for v in doc["fairness"]["verdicts"]:
        value = "hidden" if v["value"] is None else f"{v['value']:.3f}"
        print(f"  {v['status'].upper():<12} {v['grouping']:<15} {v['criterion']:<20} {value}")
    print("Scorecard:")
    for r in doc["scorecard"]:
        print(f"  {r['title']:<24} {r['status']}")
    if doc["findings"]:
        print("Top findings:")
        for f in doc["findings"][:5]:
            print(f"  - {f}")
    for p in paths:
        print(f"Wrote {p}")
