"""Saving and loading models safely: skops by default, pickle only on request."""

from __future__ import annotations

import json
import os
import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rai_toolkit._io import check_output_path
from rai_toolkit.exceptions import ArgumentError, ModelError, SecurityWarning, UnsafeModelError

__all__ = ["load_model", "save_model", "SKOPS_SUFFIXES", "PICKLE_SUFFIXES"]

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
        )
    )


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
        If ``path`` does not end in ``.skops`` or cannot be written (see
        :func:`rai_toolkit._io.check_output_path`).
    ModelError
        If skops cannot serialise the model.

    Examples
    --------
    >>> from rai_toolkit.security import save_model, load_model
    >>> save_model(model, "model.skops")  # doctest: +SKIP
    """
    import skops.io as sio

    path = Path(path)
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
        f"trusted must list type names (str) or types; received {value!r}. Copy the names from "
        f"the UnsafeModelError message after reviewing them."
    )


def _corrupt(path: Path, err: Exception) -> ModelError:
    return ModelError(
        f"{str(path)!r} is not a readable skops file ({type(err).__name__}: {err}). It may be "
        f"corrupt, truncated or in another format; save it again with save_model(model, path)."
    )


def load_model(
    path: str | os.PathLike[str],
    *,
    trusted: Sequence[str | type] | None = None,
    allow_pickle: bool = False,
) -> Any:
    """Load a model saved with :func:`save_model`, refusing unsafe content.

    A ``.skops`` file is audited before anything is constructed: if it holds
    types outside skops' default trusted set (e.g. LightGBM's
    ``lightgbm.sklearn.LGBMClassifier`` and ``lightgbm.basic.Booster``), they
    are refused unless listed in ``trusted``. Pickle files (``.pkl``,
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
        If the file is a pickle and ``allow_pickle`` is False, or a skops file
        holds untrusted types (listed in the message and in the exception's
        ``untrusted_types`` attribute).
    ArgumentError
        If the file does not exist or has an unknown extension, or ``trusted`` is malformed.
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
    path = Path(path)
    suffix = _suffix(path)
    if suffix not in SKOPS_SUFFIXES + PICKLE_SUFFIXES:
        raise _unknown_suffix(path, "load")
    if suffix in PICKLE_SUFFIXES and not allow_pickle:
        raise UnsafeModelError(
            f"Refusing to load {str(path)!r}: {suffix} files are pickles, and loading a pickle "
            f"can execute arbitrary code. Convert the model once, in a trusted environment, "
            f"with save_model(model, 'model.skops'); or, only if you trust the file's source, "
            f"pass allow_pickle=True (CLI: --trust-pickle)."
        )
    if not path.is_file():
        raise ArgumentError(
            f"Model file {str(path)!r} does not exist (or is not a file); pass the path of a "
            f"file written by save_model."
        )
    if suffix in PICKLE_SUFFIXES:
        return _load_pickle(path)

    import skops.io as sio

    if trusted is True or isinstance(trusted, str | type):
        raise ArgumentError(
            f"trusted must be a list of type names or types, not {trusted!r}; list the exact "
            f"types you reviewed, e.g. trusted=['lightgbm.basic.Booster']."
        )
    trusted_names = sorted({_type_name(t) for t in (trusted or [])})
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, EOFError, ValueError) as err:
        raise _corrupt(path, err) from err
    refused = [t for t in untrusted if t not in trusted_names]
    if refused:
        err = UnsafeModelError(
            f"Refusing to load {str(path)!r}: it holds {len(refused)} type(s) that are not "
            f"trusted by default: {', '.join(refused)}. Review them; if you trust them, pass "
            f"trusted={refused!r} to load_model."
        )
        err.untrusted_types = refused
        raise err
    try:
        return sio.load(path, trusted=trusted_names or None)
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
