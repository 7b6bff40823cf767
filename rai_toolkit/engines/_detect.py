"""Which engine holds a table: detected from the module of its type, without importing it.

A table's kind is read from ``type(data).__module__`` and ``type(data).__name__``,
so detecting that data are *not* a polars, Arrow, DuckDB or Spark table never
imports those packages. :func:`require` imports an engine package when a call
needs it, with the extra to install when it is missing.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from rai_toolkit.exceptions import DependencyError

__all__ = ["ENGINES", "EXTRAS", "engine_of", "require"]

#: Engine names, as ``--engine`` spells them.
ENGINES = ("pandas", "polars", "duckdb", "spark", "pyarrow")
#: Engine -> (package to import, extra of rai-toolkit that installs it).
EXTRAS = {
    "polars": ("polars", "polars"),
    "duckdb": ("duckdb", "duckdb"),
    "spark": ("pyspark", "spark"),
    "pyarrow": ("pyarrow", None),
}
# (top-level module, type name) -> engine
_KINDS = {
    ("polars", "DataFrame"): "polars",
    ("polars", "LazyFrame"): "polars",
    ("pyarrow", "Table"): "pyarrow",
    ("duckdb", "DuckDBPyRelation"): "duckdb",
    ("_duckdb", "DuckDBPyRelation"): "duckdb",
    ("pyspark", "DataFrame"): "spark",
}


def engine_of(data: Any) -> str | None:
    """Return the engine holding ``data``, or None for anything else (pandas included).

    Parameters
    ----------
    data : object
        A table.

    Returns
    -------
    str or None
        ``"polars"``, ``"pyarrow"``, ``"duckdb"``, ``"spark"`` or None.
    """
    kind = type(data)
    return _KINDS.get((kind.__module__.split(".")[0], kind.__name__))


def require(engine: str) -> ModuleType:
    """Import the package behind ``engine``, or say which extra installs it.

    Parameters
    ----------
    engine : str
        A key of :data:`EXTRAS`.

    Returns
    -------
    module
        The imported package.

    Raises
    ------
    DependencyError
        If the package is not installed.
    """
    package, extra = EXTRAS[engine]
    try:
        return importlib.import_module(package)
    except ImportError as err:
        how = f"pip install rai-toolkit[{extra}]" if extra else f"pip install {package}"
        raise DependencyError(
            f"The {engine} engine needs the package {package!r}, which is not installed "
            f"({err}). Install it with `{how}` (or `pip install rai-toolkit[engines]` for "
            f"polars, DuckDB and Spark)."
        ) from err
