"""Save and load :class:`~rai_toolkit.dashboard.Insights` folders."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from rai_toolkit.dashboard._insights import SCHEMA, Insights, _import_responsibleai
from rai_toolkit.exceptions import ArgumentError, DashboardError

__all__ = ["INFO_FILE", "RAI_DIR", "save_insights", "load_insights"]

#: File holding :meth:`Insights.to_dict` (metadata and cohorts) inside a saved folder.
INFO_FILE = "rai_toolkit.json"
#: Sub-folder holding ``RAIInsights.save`` output.
RAI_DIR = "rai_insights"


def save_insights(insights: Insights, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Save insights and cohorts to a folder a colleague can open.

    The folder holds ``rai_insights/`` (``RAIInsights.save`` output, also
    loadable with ``RAIInsights.load``) and ``rai_toolkit.json`` (metadata and
    cohorts). It is written to a temporary folder next to ``path`` and renamed
    into place, so an interrupted save leaves nothing half-written.

    Parameters
    ----------
    insights : Insights
        What :func:`~rai_toolkit.dashboard.build_insights` returned.
    path : str or os.PathLike
        Folder to create.
    overwrite : bool, default=False
        Replace an existing folder at ``path``.

    Returns
    -------
    pathlib.Path
        The folder written.

    Raises
    ------
    ArgumentError
        ``insights`` is not an :class:`Insights`, or ``path`` exists and
        ``overwrite`` is False.
    DashboardError
        Saving failed (e.g. the model cannot be pickled).
    """
    if not isinstance(insights, Insights):
        raise ArgumentError(
            f"`insights` must be an Insights object from build_insights; received "
            f"{type(insights).__name__}."
        )
    dest = Path(path)
    if dest.exists() and not overwrite:
        raise ArgumentError(
            f"`path` {str(dest)!r} already exists; pass overwrite=True to replace it or choose "
            f"another folder."
        )
    parent = dest.parent if str(dest.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=parent))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            insights.rai_insights.save(str(tmp / RAI_DIR))
        (tmp / INFO_FILE).write_text(insights.to_json(indent=2), encoding="utf-8")
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=parent))
            os.replace(dest, old / dest.name)
            os.replace(tmp, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, dest)
    except Exception as err:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(err, ArgumentError):
            raise
        raise DashboardError(
            f"Could not save insights to {str(dest)!r}: {type(err).__name__}: {err}. Nothing "
            f"was written. A model that cannot be pickled cannot be saved with RAIInsights."
        ) from err
    return dest


def load_insights(path: str | os.PathLike) -> Insights:
    """Load a folder written by :func:`save_insights`.

    Only open folders from people you trust: ``RAIInsights.load`` unpickles
    the model and several analysis objects, and unpickling can run code.

    Parameters
    ----------
    path : str or os.PathLike
        The folder.

    Returns
    -------
    Insights
        Insights with the saved cohorts.

    Raises
    ------
    ArgumentError
        ``path`` is not a folder written by :func:`save_insights`.
    DashboardError
        ``RAIInsights.load`` failed.
    """
    from raiutils.cohort import Cohort

    folder = Path(path)
    info_file = folder / INFO_FILE
    if not folder.is_dir() or not info_file.is_file() or not (folder / RAI_DIR).is_dir():
        raise ArgumentError(
            f"`path` {str(folder)!r} is not a folder written by save_insights (expected "
            f"{INFO_FILE} and {RAI_DIR}/ inside). Pass the folder given to save_insights."
        )
    info: dict[str, Any] = json.loads(info_file.read_text(encoding="utf-8"))
    if info.get("schema") != SCHEMA:
        raise ArgumentError(
            f"{str(info_file)!r} has schema {info.get('schema')!r}; this version of rai_toolkit "
            f"reads {SCHEMA!r}. Rebuild the insights with build_insights and save them again."
        )
    responsibleai = _import_responsibleai()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            rai = responsibleai.RAIInsights.load(str(folder / RAI_DIR))
    except Exception as err:  # noqa: BLE001 - report any load failure with context
        raise DashboardError(
            f"RAIInsights.load failed on {str(folder / RAI_DIR)!r}: {type(err).__name__}: {err}. "
            f"Was it saved with the same responsibleai version (0.36)?"
        ) from err
    cohorts = [
        Cohort.from_json(json.dumps({"name": c["name"], "cohort_filter_list": c["filters"]}))
        for c in info.pop("cohorts", [])
    ]
    return Insights(rai, cohorts, info)
