"""The user's model, as the runtime sees it: predictions asked for over the channel.

:class:`ModelProxy` has the model's ``predict`` (and, for classifiers,
``predict_proba``) and answers them by asking the user's process
(:class:`rai_toolkit.dashboard._bridge.PredictionChannel`) over loopback HTTP, with the
secret the runtime received on its stdin. The secret and the address live only in this
process's memory (:func:`bind_channel`): a pickled proxy (responsibleai pickles analysis
objects that refer to the model) holds neither. :class:`ChannelSerializer` is the
``serializer=`` given to ``RAIInsights``: a saved folder holds a description of the model,
never the model, and loading it gives a proxy bound to the current channel.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit.dashboard._wire import (
    CONTENT_TYPE,
    SECRET_HEADER,
    array_from_bytes,
    frame_to_bytes,
)
from rai_toolkit.exceptions import DashboardError, ModelError

__all__ = ["ChannelSerializer", "ModelProxy", "ClassifierProxy", "bind_channel", "proxy_for"]

#: Seconds one prediction request may take (the user's model on a large batch).
REQUEST_TIMEOUT_S = 3600.0
#: File a :class:`ChannelSerializer` writes into a saved ``RAIInsights`` folder.
MODEL_FILE = "rai_toolkit_model.json"

_CHANNEL: dict[str, str] = {}

NO_CHANNEL = (
    "This RAIInsights was built by rai_toolkit: its model stays in the process of the "
    "person who built or opened it and is asked for predictions over a loopback channel, "
    "which this process does not have. Open the folder with rai_toolkit.launch_dashboard "
    "or `rai-toolkit dashboard PATH`, which serve the model saved beside it (model.skops)."
)


def bind_channel(spec: dict[str, str] | None) -> None:
    """Point every proxy of this process at the channel ``{"url", "secret"}`` (None: none)."""
    _CHANNEL.clear()
    if spec:
        _CHANNEL.update(url=str(spec["url"]), secret=str(spec["secret"]))


class ModelProxy:
    """Stand-in for the user's model: ``predict`` answered by the user's process.

    Parameters
    ----------
    features : list of str
        The model's input columns, used when a caller passes a bare array.
    classes : list, optional
        Class labels (classifiers).
    """

    def __init__(self, *, features: list[str], classes: list[Any] | None = None):
        self._features = list(features)
        if classes is not None:
            self.classes_ = np.asarray(classes)

    def __getstate__(self) -> dict[str, Any]:
        # never the channel: a pickled proxy must not carry the secret
        classes = getattr(self, "classes_", None)
        return {"features": self._features,
                "classes": None if classes is None else classes.tolist()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(features=state["features"], classes=state["classes"])

    def __repr__(self) -> str:
        n = len(self._features)
        return f"{type(self).__name__}(served by the user's process, {n} features)"

    def _frame(self, X: Any) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            return X.reset_index(drop=True)
        values = np.asarray(X)
        if values.ndim == 1:
            values = values.reshape(1, -1)
        return pd.DataFrame(values, columns=self._features)

    def _ask(self, method: str, X: Any) -> np.ndarray:
        if not _CHANNEL:
            raise DashboardError(NO_CHANNEL)
        request = urllib.request.Request(
            f"{_CHANNEL['url']}/{method}",
            data=frame_to_bytes(self._frame(X)),
            method="POST",
            headers={SECRET_HEADER: _CHANNEL["secret"], "Content-Type": CONTENT_TYPE},
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
                return array_from_bytes(response.read())
        except urllib.error.HTTPError as err:
            try:
                body = json.loads(err.read() or b"{}")
            except ValueError:
                body = {}
            message = body.get("message") or f"HTTP {err.code}"
            if err.code == 422:
                raise ModelError(message) from None
            raise DashboardError(
                f"The prediction channel refused {method} (HTTP {err.code}): {message}."
            ) from None
        except (urllib.error.URLError, OSError) as err:
            raise DashboardError(
                f"The user's process no longer answers prediction requests ({err}); the "
                f"dashboard cannot ask the model. Launch it again."
            ) from err

    def predict(self, X: Any) -> np.ndarray:
        """Return the user's model's ``predict(X)``."""
        return self._ask("predict", X)


class ClassifierProxy(ModelProxy):
    """:class:`ModelProxy` of a classifier: also ``predict_proba``."""

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return the user's model's ``predict_proba(X)``."""
        return self._ask("predict_proba", X)


def proxy_for(task: str, *, features: list[str], classes: list[Any] | None) -> ModelProxy:
    """Return the proxy for ``task`` ("classification" or "regression")."""
    if task == "classification":
        return ClassifierProxy(features=features, classes=classes)
    return ModelProxy(features=features)


class ChannelSerializer:
    """``RAIInsights`` serializer writing a description of the model, never the model.

    Parameters
    ----------
    task : str
        ``"classification"`` or ``"regression"``.
    features : list of str
        Model input columns.
    classes : list, optional
        Class labels.
    """

    def __init__(self, *, task: str, features: list[str], classes: list[Any] | None = None):
        self.task = task
        self.features = list(features)
        self.classes = None if classes is None else list(classes)

    def proxy(self) -> ModelProxy:
        """Return a proxy for the described model."""
        return proxy_for(self.task, features=self.features, classes=self.classes)

    def save(self, model: Any, path: str | Path) -> None:
        """Write the description (``rai_toolkit_model.json``) into ``path``."""
        about = {
            "about": "The model is not stored in this folder: rai_toolkit keeps it in the "
            "user's process and serves its predictions to the dashboard. A folder written "
            "by rai_toolkit.save_insights holds it beside this one, as model.skops.",
            "task": self.task,
            "features": self.features,
            "classes": self.classes,
        }
        (Path(path) / MODEL_FILE).write_text(json.dumps(about, indent=2), encoding="utf-8")

    def load(self, path: str | Path) -> ModelProxy:
        """Return a proxy bound to this process's channel (see :func:`bind_channel`)."""
        return self.proxy()
