"""Saving and loading models safely: skops by default, pickle only on request.

skops audits a file's types before constructing anything and refuses types
outside its trusted set. A few scikit-learn internals that plain pipelines
hold are not in that set on some scikit-learn versions; the reviewed ones are
listed in :data:`KNOWN_SAFE_TYPES` and trusted without ``trusted=``.
"""

from __future__ import annotations

import json
import numbers
import os
import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rai_toolkit._api import public
from rai_toolkit._io import check_output_path
from rai_toolkit._scalars import check_bool, describe
from rai_toolkit.exceptions import ArgumentError, ModelError, SecurityWarning, UnsafeModelError

__all__ = ["KNOWN_SAFE_TYPES", "PICKLE_SUFFIXES", "SKOPS_SUFFIXES", "load_model", "save_model"]

#: scikit-learn internals trusted on load although skops' default set leaves them out,
#: each with the review that makes it safe. Rule for adding one: a pure-Python class
#: whose loaded state is only attributes and list items that skops audits on their own
#: (no Cython state, no code run from the file's content). Cython types that index
#: memory by values read from the file (``sklearn.tree._tree.Tree``, HistGradientBoosting's
#: ``TreePredictor``, ``KDTree``/``BallTree``, distance metrics) are never listed: a
#: crafted file can make them read out of bounds, so they need an explicit ``trusted=``.
KNOWN_SAFE_TYPES: dict[str, str] = {
    "sklearn.compose._column_transformer._RemainderColsList": (
        "scikit-learn < 1.7 stores ColumnTransformer's remainder columns (remainder="
        "'passthrough') in this collections.UserList subclass: a list of column names or "
        "indices plus two plain attributes; loading makes a list of audited items."
    ),
    "sklearn.calibration._CalibratedClassifier": (
        "CalibratedClassifierCV's per-fold holder: plain attributes (the estimator, its "
        "calibrators, classes, method), each audited by skops on its own."
    ),
    "sklearn.calibration._SigmoidCalibration": (
        "Platt scaling of CalibratedClassifierCV: a BaseEstimator holding two floats, a_ and b_."
    ),
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer": (
        "MLP's Adam optimiser state: floats and lists of numpy arrays (moment estimates), "
        "used only to continue training."
    ),
    "sklearn.neural_network._stochastic_optimizers.SGDOptimizer": (
        "MLP's SGD optimiser state: floats and lists of numpy arrays (velocities), used only "
        "to continue training."
    ),
}

_PATH_TYPE = (
    "`path` must be a str or os.PathLike naming a {what}; received {value}.{fix}"
)

#: File name endings read and written with skops.
SKOPS_SUFFIXES = (".skops",)
#: File name endings read with pickle/joblib, only when ``allow_pickle=True``.
PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib")


def _suffix(path: Path) -> str:
    return path.suffix.lower()


def _unknown_suffix(path: Path, action: str) -> ArgumentError:
    accepted = SKOPS_SUFFIXES if action == "save" else SKOPS_SUFFIXES + PICKLE_SUFFIXES
    return ArgumentError(
        f"Cannot {action} a model at {str(path)!r}: unknown file extension "
        f"{_suffix(path) or '(none)'!r}. Accepted: {', '.join(accepted)}. "
        + (
            "Name the file e.g. model.skops."
            if action == "save"
            else "Save models with rai_toolkit.security.save_model(model, 'model.skops')."
        ),
        argument="path",
    )


def _check_path(path: Any, *, what: str) -> Path:
    if isinstance(path, str | os.PathLike) and str(path).strip():
        return Path(path)
    fix = ""
    if hasattr(path, "predict"):
        fix = (
            " load_model reads a model file; a fitted model object can be used as it is."
            if what.startswith("model file")
            else ""
        )
    raise ArgumentError(
        _PATH_TYPE.format(what=what, value=describe(path), fix=fix), argument="path"
    )


#: Values that are data, never a model: saving one is a mistaken argument.
_NOT_MODELS = (str, bytes, bool, numbers.Number, np.ndarray)


@public
def save_model(model: Any, path: str | os.PathLike[str]) -> Path:
    """Save a model in the skops format, atomically.

    The model is written to a temporary file next to ``path`` and renamed into
    place, so an interrupted save never leaves a half-written file. Parent
    directories are created.

    Parameters
    ----------
    model : estimator
        The (fitted) model: scikit-learn estimators and pipelines, LightGBM's
        scikit-learn wrappers, and other objects skops can persist.
    path : str or path-like
        Destination ending in ``.skops``.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ArgumentError
        If ``path`` is not a str/path-like ending in ``.skops`` (including the
        two arguments given the wrong way round) or cannot be written (see
        :func:`rai_toolkit._io.check_output_path`), or ``model`` is None.
    ModelError
        If skops cannot serialise the model.

    Examples
    --------
    >>> from rai_toolkit.security import save_model, load_model
    >>> save_model(model, "model.skops")  # doctest: +SKIP
    """
    import skops.io as sio

    if isinstance(model, str | os.PathLike) and not isinstance(path, str | os.PathLike):
        raise ArgumentError(
            f"save_model(model, path) takes the model first and the file path second; the "
            f"arguments look swapped (model is {describe(model)}, path is {describe(path)}). "
            f"Call save_model(model, 'model.skops').",
            argument="path",
        )
    if model is None:
        raise ArgumentError(
            "`model` is None; pass the fitted model to save.", argument="model"
        )
    if isinstance(model, _NOT_MODELS) or type(model).__module__.split(".")[0] == "pandas":
        raise ArgumentError(
            f"`model` must be a fitted model (an estimator, a pipeline or another object "
            f"holding one); received {describe(model)}, which is data, not a model. Call "
            f"save_model(model, 'model.skops').",
            argument="model",
        )
    path = _check_path(path, what=".skops file to write")
    if _suffix(path) not in SKOPS_SUFFIXES:
        raise _unknown_suffix(path, "save")
    check_output_path(path, make_parents=True)  # a folder, a file as folder, no write access
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        sio.dump(model, tmp)
        os.replace(tmp, path)
    except Exception as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise
        raise ModelError(
            f"skops could not serialise {type(model).__name__} to {str(path)!r}: "
            f"{type(err).__name__}: {err}. Models holding generators, open files or other "
            f"unpicklable state cannot be saved; remove them from the model."
        ) from err
    return path


def _type_name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    raise ArgumentError(
        f"trusted must list type names (str) or types; received {describe(value)}. Copy the "
        f"names from the UnsafeModelError message after reviewing them.",
        argument="trusted",
    )


def _corrupt(path: Path, err: Exception) -> ModelError:
    return ModelError(
        f"{str(path)!r} is not a readable skops file ({type(err).__name__}: {err}). It may be "
        f"corrupt, truncated or in another format; save it again with save_model(model, path)."
    )


def _reasons(types: list[str]) -> str:
    """Return skops' own explanation of why it leaves some of ``types`` untrusted."""
    try:
        from skops.io.exceptions import UNTRUSTED_TYPE_REASONS
    except ImportError:  # older skops: no explanations
        return ""
    notes = [UNTRUSTED_TYPE_REASONS[t] for t in types if t in UNTRUSTED_TYPE_REASONS]
    return (" " + " ".join(" ".join(n.split()) for n in notes)) if notes else ""


@public
def load_model(
    path: str | os.PathLike[str],
    *,
    trusted: Sequence[str | type] | None = None,
    allow_pickle: bool = False,
) -> Any:
    """Load a model saved with :func:`save_model`, refusing unsafe content.

    A ``.skops`` file is audited before anything is constructed: if it holds
    types outside skops' default trusted set (e.g. LightGBM's
    ``lightgbm.sklearn.LGBMClassifier`` and ``lightgbm.basic.Booster``, or
    scikit-learn's tree storage ``sklearn.tree._tree.Tree``), they are refused
    unless listed in ``trusted``. The reviewed scikit-learn internals of
    :data:`KNOWN_SAFE_TYPES` (e.g. the remainder columns of a
    ``ColumnTransformer`` on scikit-learn < 1.7) are trusted without asking. Pickle files (``.pkl``,
    ``.pickle``, ``.joblib``) can run arbitrary code when loaded, so they are
    refused unless ``allow_pickle=True``, and even then a
    :class:`SecurityWarning` is emitted.

    Parameters
    ----------
    path : str or path-like
        A ``.skops`` file, or a pickle/joblib file with ``allow_pickle=True``.
    trusted : sequence of str or type, optional
        Types to trust beyond skops' defaults, as fully qualified names (as
        listed by the error) or types. Review them before trusting them.
    allow_pickle : bool, default=False
        Load pickle/joblib files. Only do this for files from a source you trust.

    Returns
    -------
    object
        The model.

    Raises
    ------
    UnsafeModelError
        If the file is a pickle and ``allow_pickle`` is False (the exception's
        ``argument`` is ``"allow_pickle"``), or a skops file holds untrusted
        types (listed in the message and in the exception's ``untrusted_types``
        attribute; ``argument`` is ``"trusted"``).
    ArgumentError
        If ``path`` is not a str/path-like, the file does not exist or has an
        unknown extension, ``trusted`` is malformed or ``allow_pickle`` is not a bool.
    ModelError
        If the file is corrupt or not in the format its extension says.

    Warns
    -----
    SecurityWarning
        When a pickle file is loaded because ``allow_pickle=True``.

    Examples
    --------
    >>> from rai_toolkit.security import load_model
    >>> model = load_model("model.skops")  # doctest: +SKIP
    >>> model = load_model("lgbm.skops", trusted=["lightgbm.basic.Booster",
    ...     "lightgbm.sklearn.LGBMClassifier", "collections.OrderedDict"])  # doctest: +SKIP
    """
    path = _check_path(path, what="model file to read (.skops)")
    allow_pickle = check_bool(allow_pickle, argument="allow_pickle")
    if trusted is not None and (
        isinstance(trusted, str | type | bool) or not isinstance(trusted, Sequence | set)
    ):
        raise ArgumentError(
            f"trusted must be a list of type names or types, not {describe(trusted)}; list the "
            f"exact types you reviewed, e.g. trusted=['lightgbm.basic.Booster'].",
            argument="trusted",
        )
    trusted_names = sorted({_type_name(t) for t in (trusted or [])})
    suffix = _suffix(path)
    if suffix not in SKOPS_SUFFIXES + PICKLE_SUFFIXES:
        raise _unknown_suffix(path, "load")
    if suffix in PICKLE_SUFFIXES and not allow_pickle:
        raise UnsafeModelError(
            f"Refusing to load {str(path)!r}: {suffix} files are pickles, and loading a pickle "
            f"can execute arbitrary code. Convert the model once, in a trusted environment, "
            f"with save_model(model, 'model.skops'); or, only if you trust the file's source, "
            f"pass allow_pickle=True.",
            argument="allow_pickle",
        )
    if not path.is_file():
        raise ArgumentError(
            f"Model file {str(path)!r} does not exist (or is not a file); pass the path of a "
            f"file written by save_model.",
            argument="path",
        )
    if suffix in PICKLE_SUFFIXES:
        return _load_pickle(path)

    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except OSError as err:
        raise ArgumentError(
            f"Cannot read model file {str(path)!r}: {type(err).__name__}: {err}. Check that the "
            f"file is readable.",
            argument="path",
        ) from err
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, EOFError, ValueError) as err:
        raise _corrupt(path, err) from err
    known_safe = [t for t in untrusted if t in KNOWN_SAFE_TYPES]
    refused = [t for t in untrusted if t not in trusted_names and t not in KNOWN_SAFE_TYPES]
    if refused:
        err = UnsafeModelError(
            f"Refusing to load {str(path)!r}: it holds {len(refused)} type(s) that are not "
            f"trusted by default: {', '.join(refused)}.{_reasons(refused)} Review them; if you "
            f"trust them, pass trusted={refused!r} to load_model.",
            argument="trusted",
        )
        err.untrusted_types = refused
        raise err
    allowed = sorted({*trusted_names, *known_safe})
    try:
        return sio.load(path, trusted=allowed or None)
    except UnsafeModelError:
        raise
    except Exception as err:
        raise _corrupt(path, err) from err


def _load_pickle(path: Path) -> Any:
    import joblib

    warnings.warn(
        f"Loading pickle file {str(path)!r} because allow_pickle=True: unpickling can execute "
        f"arbitrary code. Only do this for files you trust, and convert the model to skops with "
        f"save_model(model, 'model.skops').",
        SecurityWarning,
        stacklevel=3,
    )
    try:
        return joblib.load(path)
    except Exception as err:
        raise ModelError(
            f"{str(path)!r} could not be unpickled ({type(err).__name__}: {err}). It may be "
            f"corrupt or written by incompatible library versions."
        ) from err
