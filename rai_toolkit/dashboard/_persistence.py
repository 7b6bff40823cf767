"""Save and load :class:`~rai_toolkit.dashboard.Insights` folders.

A folder holds ``rai_insights/`` (``RAIInsights.save`` output, written in the dashboard
runtime; it describes the model but does not contain it), ``model.skops`` (the model,
saved with skops in the user's process) and ``rai_toolkit.json`` (metadata and cohorts).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rai_toolkit._scalars import check_bool, describe
from rai_toolkit.dashboard._cohorts import Cohort
from rai_toolkit.dashboard._insights import SCHEMA, Insights
from rai_toolkit.exceptions import ArgumentError, DashboardError, UnsafeModelError

__all__ = ["INFO_FILE", "MODEL_FILE", "RAI_DIR", "save_insights", "load_insights"]

#: File holding :meth:`Insights.to_dict` (metadata and cohorts) inside a saved folder.
INFO_FILE = "rai_toolkit.json"
#: Sub-folder holding ``RAIInsights.save`` output.
RAI_DIR = "rai_insights"
#: The model, saved with skops.
MODEL_FILE = "model.skops"
#: Keys :meth:`Insights.to_dict` writes, all of which a saved folder must have.
_INFO_KEYS = (
    "schema", "task", "target", "n_train", "n_test", "test_rows_given", "sensitive_features",
    "categorical_features", "components", "timings_s", "counterfactuals", "cohorts",
)


def _check_path(path: Any, argument: str = "path") -> Path:
    if not isinstance(path, str | os.PathLike) or not str(path):
        raise ArgumentError(
            f"`{argument}` must be the path of a folder (str or os.PathLike); received "
            f"{describe(path)}.",
            argument=argument,
        )
    return Path(path)


def save_insights(insights: Insights, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Save insights, cohorts and the model to a folder a colleague can open.

    The folder holds ``rai_insights/`` (``RAIInsights.save`` output from the dashboard
    runtime, without the model), ``model.skops`` (the model, saved with skops) and
    ``rai_toolkit.json`` (metadata and cohorts). It is written to a temporary folder next
    to ``path`` and renamed into place, so an interrupted save leaves nothing half-written.

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
        ``insights`` is not an :class:`Insights`, ``path`` exists and ``overwrite`` is
        False, or ``path``'s parent is not a folder.
    DashboardError
        Saving failed (e.g. skops cannot save the model); nothing was written.
    """
    from rai_toolkit.security import save_model

    if not isinstance(insights, Insights):
        raise ArgumentError(
            f"`insights` must be an Insights object from build_insights; received "
            f"{type(insights).__name__}.",
            argument="insights",
        )
    overwrite = check_bool(overwrite, argument="overwrite")
    dest = _check_path(path)
    if dest.exists() and not overwrite:
        raise ArgumentError(
            f"`path` {str(dest)!r} already exists; pass overwrite=True to replace it or choose "
            f"another folder.",
            argument="path",
        )
    if dest.exists() and not dest.is_dir():
        raise ArgumentError(
            f"`path` {str(dest)!r} is a file, not a folder; choose a folder.", argument="path"
        )
    parent = dest.parent if str(dest.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=parent))
    except OSError as err:
        raise ArgumentError(
            f"Cannot create the folder {str(dest)!r}: {err.strerror or err}. Choose a path "
            f"in a writable folder.",
            argument="path",
        ) from err
    try:
        shutil.copytree(insights.folder, tmp / RAI_DIR)
        save_model(insights.model, tmp / MODEL_FILE)
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
        raise DashboardError(
            f"Could not save insights to {str(dest)!r}: {type(err).__name__}: {err}. Nothing "
            f"was written. The model is saved with skops (rai_toolkit.security.save_model); a "
            f"model skops cannot save cannot be shared this way."
        ) from err
    return dest


def _corrupt(file: Path, why: str) -> DashboardError:
    return DashboardError(
        f"{str(file)!r} is truncated or corrupt ({why}), so the insights folder cannot be "
        f"opened. Ask for the folder again, or rebuild the insights with build_insights and "
        f"save them with save_insights."
    )


def _read_json(file: Path) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise _corrupt(file, f"not UTF-8 text: {err.reason} at byte {err.start}") from err
    except json.JSONDecodeError as err:
        raise _corrupt(file, f"invalid JSON: {err.msg} at line {err.lineno} column {err.colno}") \
            from err
    except OSError as err:
        raise DashboardError(f"Cannot read {str(file)!r}: {err.strerror or err}.") from err


def _read_info(file: Path) -> tuple[dict[str, Any], list[Cohort]]:
    info = _read_json(file)
    if not isinstance(info, dict):
        raise _corrupt(file, f"expected a JSON object, found {type(info).__name__}")
    if info.get("schema") != SCHEMA:
        raise ArgumentError(
            f"{str(file)!r} has schema {info.get('schema')!r}; this version of rai_toolkit "
            f"reads {SCHEMA!r}. Rebuild the insights with build_insights and save them again."
        )
    missing = [k for k in _INFO_KEYS if k not in info]
    if missing:
        raise _corrupt(file, f"missing {', '.join(missing)}")
    if (
        not isinstance(info["components"], list)
        or not isinstance(info["timings_s"], dict)
        or not isinstance(info["cohorts"], list)
    ):
        raise _corrupt(file, "components, timings_s or cohorts have the wrong type")
    try:
        cohorts = [Cohort.from_dict(c) for c in info.pop("cohorts")]
    except ValueError as err:
        raise _corrupt(file, str(err)) from err
    return info, cohorts


def load_insights(
    path: str | os.PathLike, *, trusted: Sequence[str | type] | None = None
) -> Insights:
    """Load a folder written by :func:`save_insights`.

    The model is loaded with skops (:func:`rai_toolkit.security.load_model`), which
    audits the types in the file first. Only open folders from people you trust all the
    same: the dashboard runtime unpickles responsibleai's analysis objects from
    ``rai_insights/``, and unpickling can run code (in the runtime process).

    Parameters
    ----------
    path : str or os.PathLike
        The folder.
    trusted : sequence of str or type, optional
        Types in ``model.skops`` to trust beyond skops' defaults (e.g. LightGBM's), as
        listed by the :class:`~rai_toolkit.exceptions.UnsafeModelError` that names them.

    Returns
    -------
    Insights
        Insights with the saved cohorts and model.

    Raises
    ------
    ArgumentError
        ``path`` is not a folder written by :func:`save_insights` (or was written by an
        earlier rai_toolkit whose folders pickled the model).
    DashboardError
        ``rai_toolkit.json`` or ``rai_insights/meta.json`` is truncated or corrupt.
    UnsafeModelError
        ``model.skops`` holds types not trusted by default (listed in the message and in
        ``untrusted_types``).
    ModelError
        ``model.skops`` cannot be read.
    """
    from rai_toolkit.security import load_model

    folder = _check_path(path)
    info_file = folder / INFO_FILE
    if not folder.is_dir() or not info_file.is_file() or not (folder / RAI_DIR).is_dir():
        raise ArgumentError(
            f"`path` {str(folder)!r} is not a folder written by save_insights (expected "
            f"{INFO_FILE} and {RAI_DIR}/ inside). Pass the folder given to save_insights.",
            argument="path",
        )
    info, cohorts = _read_info(info_file)
    meta = folder / RAI_DIR / "meta.json"
    if not isinstance(_read_json(meta), dict):
        raise _corrupt(meta, "expected a JSON object")
    model_file = folder / MODEL_FILE
    if not model_file.is_file():
        earlier = (folder / RAI_DIR / "model.pkl").exists()
        raise ArgumentError(
            f"`path` {str(folder)!r} has no {MODEL_FILE}"
            + (
                " (it was saved by an earlier rai_toolkit, which pickled the model inside "
                f"{RAI_DIR}/; that pickle cannot be opened next to current scikit-learn)"
                if earlier
                else ""
            )
            + ". Rebuild the insights with build_insights and save them with save_insights.",
            argument="path",
        )
    try:
        model = load_model(model_file, trusted=trusted)
    except UnsafeModelError as err:
        refused = list(getattr(err, "untrusted_types", []))
        new = UnsafeModelError(
            f"The model of {str(folder)!r} ({MODEL_FILE}) holds {len(refused)} type(s) that "
            f"are not trusted by default: {', '.join(refused)}. Review them; if you trust "
            f"them, pass trusted={refused!r} to load_insights (or launch_dashboard).",
            argument="trusted",
        )
        new.untrusted_types = refused
        raise new from err
    return Insights(folder / RAI_DIR, model, cohorts, info)
