"""A bounded pandas sample of an engine table, for the sections that need rows.

Explanations, error analysis, privacy and robustness checks read rows; on an
engine table the command line runs them on at most ``n`` rows the engine picks
(DuckDB: a reservoir sample; Spark: a Bernoulli sample capped at ``n``; polars:
every k-th row of the scan), while fairness counts every row where it lives.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from rai_toolkit.engines._counts import scan_failed

__all__ = ["sample_rows"]


def sample_rows(data: Any, *, engine: str, n: int, n_rows: int, seed: int) -> pd.DataFrame:
    """Draw at most ``n`` rows of an engine table into pandas.

    Parameters
    ----------
    data : table
        polars LazyFrame/DataFrame, DuckDB relation, Spark DataFrame or pyarrow Table.
    engine : str
        Its engine.
    n : int
        Most rows to return.
    n_rows : int
        Rows of the table (known from the fairness counts).
    seed : int
        Seed of the engine's sampler.

    Returns
    -------
    pandas.DataFrame
        The sample, with the table's columns.
    """
    try:
        if engine == "duckdb":
            relation = data.query(
                "rai_sample",
                f"SELECT * FROM rai_sample USING SAMPLE reservoir({int(n)} ROWS) "
                f"REPEATABLE ({int(seed)})",
            )
            table = (
                relation.fetch_arrow_table()
                if hasattr(relation, "fetch_arrow_table")
                else (relation.arrow())
            )
        elif engine == "spark":
            fraction = min(1.0, 1.2 * n / max(1, n_rows))
            sampled = data.sample(fraction=fraction, seed=int(seed)).limit(int(n))
            import narwhals as nw

            table = nw.from_native(sampled).collect(backend="pyarrow").to_native()
        elif engine == "polars":
            lazy = data.lazy()
            table = lazy.gather_every(max(1, n_rows // n)).head(int(n)).collect().to_arrow()
        else:  # pyarrow
            step = max(1, n_rows // n)
            table = data.take(list(range(0, data.num_rows, step))[: int(n)])
    except Exception as err:  # the engine's own error types
        raise scan_failed(engine, err) from err
    return table.to_pandas()
