"""Fairness where the data lives: polars, Arrow, DuckDB and Spark tables.

An engine table is never loaded into pandas: one lazy group-by, run by the
engine, counts its rows into the entries of the count table (sensitive groups,
target, prediction and a fine score bin), and only those entries come back.
:func:`rai_toolkit.analyze_fairness` accepts such tables directly; see
``docs/engines.md``.
"""

from rai_toolkit.engines._detect import ENGINES, EXTRAS, engine_of, require
from rai_toolkit.engines._table import EngineCounts, count_table, not_binary

__all__ = ["ENGINES", "EXTRAS", "EngineCounts", "count_table", "engine_of", "not_binary", "require"]
