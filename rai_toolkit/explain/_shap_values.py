"""Compute SHAP values in the raw feature space.

Three routes, tried in this order by ``method="auto"``:

* ``"tree"`` - TreeSHAP on the final estimator of a tree ensemble, on the
  transformed matrix, then summed back to raw columns (exact);
* ``"linear"`` - interventional linear SHAP on the final estimator of a linear
  model, ``phi_j = w_j (x_j - mean_background_j)``, summed back (exact);
* ``"permutation"`` / ``"kernel"`` - a model-agnostic explainer calling the
  whole model on raw rows. SHAP only sees numbers: every non-numeric raw
  column is replaced by integer codes and decoded inside the wrapped call.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._scalars import as_seed, check_memory
from rai_toolkit._warnings import ignoring
from rai_toolkit.exceptions import ArgumentError, FallbackWarning
from rai_toolkit.explain._feature_map import UnmappableStep, column_sources
from rai_toolkit.explain._model_output import (
    ModelOutput,
    ModelParts,
    dense_float,
    is_linear,
    tree_kind,
)

__all__ = ["METHODS", "ShapResult", "compute_shap", "RawCodec"]

METHODS = ("auto", "tree", "linear", "permutation", "kernel")

#: An exact route whose values miss the model output by more than this falls back.
ADDITIVITY_TOLERANCE = 1e-5

#: Number of k-means centres summarising the background for ``method="kernel"``.
KERNEL_CENTRES = 20

#: Masks shap's PermutationExplainer evaluates per model call (its default batch size).
_PERMUTATION_BATCH = 10
#: Bytes per cell of a model-input batch: the float codes, the decoded frame and the model's copy.
_BYTES_PER_CELL = 8 * 4


@dataclass(frozen=True)
class ShapResult:
    """Raw-space SHAP values and how they were computed."""

    values: np.ndarray
    base_values: np.ndarray
    model_output: np.ndarray
    method: str
    detail: str


class _NotApplicable(Exception):
    """Internal: the exact route cannot explain this model/output."""


class RawCodec:
    """Encode raw columns as floats for SHAP and decode them back for the model.

    Numeric columns pass through unchanged (missing values stay NaN). Other
    columns (strings, categoricals, booleans, ...) become integer codes over
    the values seen in the rows given to the constructor; code ``-1`` is a
    missing value.

    Parameters
    ----------
    frames : sequence of pandas.DataFrame
        All rows that will ever be encoded (explained rows and background).
    """

    def __init__(self, frames: list[pd.DataFrame]) -> None:
        first = frames[0]
        self.columns = list(first.columns)
        self.dtypes = first.dtypes
        self.levels: dict[int, np.ndarray] = {}
        for j, col in enumerate(self.columns):
            dtype = first[col].dtype
            if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
                continue
            values = pd.concat([f[col].astype(object) for f in frames], ignore_index=True)
            _, uniques = pd.factorize(values, use_na_sentinel=True)
            self.levels[j] = np.asarray(uniques, dtype=object)

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        """Return ``frame`` as a float matrix."""
        out = np.empty(frame.shape, dtype=float)
        for j, col in enumerate(self.columns):
            if j in self.levels:
                codes = pd.Index(self.levels[j]).get_indexer(frame[col].astype(object))
                out[:, j] = codes
            else:
                out[:, j] = frame[col].to_numpy(dtype=float, na_value=np.nan)
        return out

    def decode(self, matrix: np.ndarray) -> pd.DataFrame:
        """Return the raw frame a float matrix of codes stands for."""
        cols = {}
        for j, col in enumerate(self.columns):
            dtype = self.dtypes.iloc[j]
            if j in self.levels:
                codes = np.rint(matrix[:, j]).astype(int)
                lookup = np.append(self.levels[j], np.nan).astype(object)
                values = lookup[np.where(codes < 0, len(self.levels[j]), codes)]
                series = pd.Series(values)
                if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype):
                    series = series.astype(dtype)
                cols[col] = series
            else:
                series = pd.Series(matrix[:, j])
                if pd.api.types.is_integer_dtype(dtype) and not np.isnan(matrix[:, j]).any():
                    series = series.round().astype(dtype)
                cols[col] = series
        return pd.DataFrame(cols, columns=self.columns)


def unique_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Return the distinct rows of ``matrix`` and the inverse index (None if all distinct).

    SHAP values of the exact routes are a function of the transformed row only,
    so duplicated rows (common after sampling with replacement or in data with
    few distinct profiles) are explained once. Rows are compared bit for bit.
    """
    if len(matrix) < 2:
        return matrix, None
    contiguous = np.ascontiguousarray(matrix)
    keys = contiguous.view(np.dtype((np.void, contiguous.dtype.itemsize * matrix.shape[1])))
    _, first, inverse = np.unique(keys.ravel(), return_index=True, return_inverse=True)
    if len(first) > 0.95 * len(matrix):
        return matrix, None
    return contiguous[first], inverse.ravel()


def _sources_matrix(sources: np.ndarray, n_raw: int) -> np.ndarray:
    matrix = np.zeros((len(sources), n_raw))
    matrix[np.arange(len(sources)), sources] = 1.0
    return matrix


def _select_class(vals: np.ndarray, base: Any, parts: ModelParts, probability: bool):
    base = np.asarray(base, dtype=float)
    if vals.ndim == 3:
        index = parts.pos_index if parts.pos_index is not None else 0
        if vals.shape[2] == 1:
            index = 0
        return vals[:, :, index], float(np.ravel(base)[index])
    base = float(np.ravel(base)[0])
    if parts.task == "binary" and parts.pos_index == 0:
        # a single-output binary model explains classes_[1]; turn it around
        return -vals, (1.0 - base) if probability else -base
    return vals, base


def _margin_output(out: ModelOutput) -> bool:
    """Whether ``out`` is the estimator's own margin (or a regressor's prediction)."""
    return out.source in ("decision_function", "raw margin", "predict")


def _tree_values(
    parts: ModelParts, kind: str, out: ModelOutput, Xt: np.ndarray, X: pd.DataFrame,
    bg_t: np.ndarray | None,
) -> tuple[np.ndarray, float, str]:
    import shap

    est = parts.estimator
    regression = parts.task == "regression"
    if kind == "forest":
        if not regression and out.name != "probability":
            raise _NotApplicable(
                f"{type(est).__name__} averages leaf probabilities, so TreeSHAP explains "
                f"output='probability' (its natural output), not {out.name!r}"
            )
        model_output = "raw"
    elif out.name == "probability":
        model_output = "probability"
    elif _margin_output(out):
        model_output = "raw"
    else:
        raise _NotApplicable(
            f"the margin of {type(est).__name__} is not the {out.name} of the model"
        )
    interventional = bg_t is not None or model_output == "probability"
    if interventional and bg_t is None:  # pragma: no cover - callers always pass one
        raise _NotApplicable("interventional TreeSHAP needs background data")
    perturbation = "interventional" if interventional else "tree_path_dependent"
    top = type(est).__module__.split(".")[0]
    if top == "lightgbm" and not interventional:
        contrib = np.asarray(est.predict(Xt, pred_contrib=True), dtype=float)
        m = Xt.shape[1]
        if contrib.shape[1] != m + 1:
            contrib = contrib.reshape(len(Xt), -1, m + 1).transpose(0, 2, 1)
            vals, base = contrib[:, :-1, :], contrib[0, -1, :]
        else:
            vals, base = contrib[:, :-1], contrib[0, -1]
        detail = "LightGBM pred_contrib (TreeSHAP, tree_path_dependent)"
    else:
        with ignoring():
            explainer = shap.TreeExplainer(
                est,
                data=bg_t if interventional else None,
                model_output=model_output,
                feature_perturbation=perturbation,
            )
            vals = np.asarray(explainer.shap_values(Xt, check_additivity=False), dtype=float)
        base = explainer.expected_value
        detail = (
            f"shap.TreeExplainer(model_output={model_output!r}, "
            f"feature_perturbation={perturbation!r})"
        )
    vals, base = _select_class(vals, base, parts, probability=model_output == "probability")
    return vals, base, detail


def _linear_values(
    parts: ModelParts, out: ModelOutput, Xt: np.ndarray, bg_t: np.ndarray
) -> tuple[np.ndarray, float, str]:
    est = parts.estimator
    if not _margin_output(out):
        raise _NotApplicable(
            f"the linear margin of {type(est).__name__} is not its {out.name}; the "
            f"{out.name} is not additive in the inputs"
        )
    coef = np.atleast_2d(np.asarray(est.coef_, dtype=float))
    intercept = np.atleast_1d(np.asarray(est.intercept_, dtype=float))
    if coef.shape[0] == 1:
        w, b = coef[0], float(intercept[0])
        if parts.task == "binary" and parts.pos_index == 0:
            w, b = -w, -b
    elif parts.task == "multiclass":
        w, b = coef[parts.pos_index], float(intercept[parts.pos_index])
    else:
        raise _NotApplicable(f"{type(est).__name__} has {coef.shape[0]} outputs")
    mean = bg_t.mean(axis=0)
    vals = (Xt - mean) * w
    base = b + float(mean @ w)
    return vals, base, "linear SHAP (interventional, w_j * (x_j - mean background_j))"


def _exact(
    route: str, parts: ModelParts, out: ModelOutput, X: pd.DataFrame,
    background: pd.DataFrame, background_given: bool, reference: np.ndarray,
) -> ShapResult:
    try:
        sources = column_sources(parts.steps, X.shape[1])
    except UnmappableStep as err:
        raise _NotApplicable(
            f"the pipeline step {err} cannot be mapped back to raw columns (it mixes columns "
            f"or is not a known column-wise transformer)"
        ) from err
    try:
        Xt = dense_float(parts.transform(X))
    except (TypeError, ValueError) as err:
        raise _NotApplicable(
            f"the transformed data is not a numeric matrix ({type(err).__name__}: {err})"
        ) from err
    if Xt.shape[1] != len(sources):
        raise _NotApplicable(
            f"the preprocessing produced {Xt.shape[1]} columns but {len(sources)} were mapped"
        )
    kind = tree_kind(parts.estimator)
    try:
        if route == "tree":
            needs_bg = background_given or (kind == "boosted" and out.name == "probability")
            bg_t = dense_float(parts.transform(background)) if needs_bg else None
            distinct, inverse = unique_rows(Xt)
            vals_t, base, detail = _tree_values(parts, kind, out, distinct, X, bg_t)
            if inverse is not None:
                vals_t = vals_t[inverse]
                detail += f"; {len(distinct):,} distinct rows of {len(Xt):,}"
        else:
            bg_t = dense_float(parts.transform(background))
            vals_t, base, detail = _linear_values(parts, out, Xt, bg_t)
    except _NotApplicable:
        raise
    except Exception as err:  # noqa: BLE001 - any SHAP failure sends us to the fallback
        raise _NotApplicable(f"{type(err).__name__}: {err}") from err
    values = vals_t @ _sources_matrix(sources, X.shape[1])
    base_values = np.full(len(X), base)
    error = float(np.max(np.abs(values.sum(axis=1) + base_values - reference)))
    if not np.isfinite(error) or error > ADDITIVITY_TOLERANCE * max(1.0, np.abs(reference).max()):
        raise _NotApplicable(
            f"its values missed the model output by up to {error:.3g} (not additive)"
        )
    return ShapResult(values, base_values, reference, route, detail)


#: shap's permutation and kernel explainers draw from numpy's global generator (the
#: permutation explainer seeds it; the kernel explainer is seeded here).
_GLOBAL_RNG = threading.RLock()


@contextlib.contextmanager
def _global_rng_of_our_own():
    """Hold numpy's global generator for one explainer; put the caller's state back after.

    Two explanations in two threads would otherwise draw from each other's seeded
    stream (and a seeded one would differ from the same call made alone).
    """
    with _GLOBAL_RNG:
        state = np.random.get_state()
        try:
            yield
        finally:
            np.random.set_state(state)


def _agnostic(
    route: str, out: ModelOutput, X: pd.DataFrame, background: pd.DataFrame,
    reference: np.ndarray, random_state: Any,
) -> ShapResult:
    import shap

    # shap evaluates the model on batches of (masks x background rows); refuse before
    # allocating when a batch could not fit in memory
    n_bg = len(background) if route == "permutation" else min(KERNEL_CENTRES, len(background))
    batch_rows = (_PERMUTATION_BATCH if route == "permutation" else 2 * X.shape[1] + 2048) * n_bg
    check_memory(
        batch_rows * X.shape[1] * _BYTES_PER_CELL,
        argument="max_background",
        what=f"The {route} explainer with {n_bg:,} background rows and {X.shape[1]} features",
        fix="Pass a smaller max_background (e.g. 100), or a smaller `background` frame.",
    )
    codec = RawCodec([X, background])

    def f(codes: np.ndarray) -> np.ndarray:
        return out(codec.decode(np.atleast_2d(codes)))

    X_codes = codec.encode(X)
    bg_codes = codec.encode(background)
    p = X.shape[1]
    with ignoring():
        if route == "permutation":
            masker = shap.maskers.Independent(bg_codes, max_samples=len(bg_codes))
            seed = as_seed(random_state)
            with _global_rng_of_our_own():
                explainer = shap.PermutationExplainer(f, masker, seed=seed)
                result = explainer(X_codes, max_evals=max(500, 2 * p + 1), silent=True)
            values = np.asarray(result.values, dtype=float)
            base_values = np.asarray(result.base_values, dtype=float).reshape(len(X))
            detail = f"shap.PermutationExplainer on raw rows ({len(bg_codes)} background rows)"
        else:
            k = min(KERNEL_CENTRES, len(bg_codes))
            if np.isnan(bg_codes).any() or k == len(bg_codes):
                summary, how = bg_codes[:k], f"{k} background rows"
            else:  # shap seeds its k-means itself
                summary, how = shap.kmeans(bg_codes, k), f"k-means summary, {k} centres"
            explainer = shap.KernelExplainer(f, summary)
            with _global_rng_of_our_own():
                # shap samples the coalitions from numpy's global generator
                np.random.seed(as_seed(random_state))
                values = np.asarray(explainer.shap_values(X_codes, silent=True), dtype=float)
            base_values = np.full(len(X), float(np.ravel(explainer.expected_value)[0]))
            detail = f"shap.KernelExplainer on raw rows ({how})"
    if values.ndim == 3:
        values = values[:, :, 0]
    return ShapResult(values, base_values, reference, route, detail)


def compute_shap(
    parts: ModelParts,
    out: ModelOutput,
    X: pd.DataFrame,
    *,
    background: pd.DataFrame,
    background_given: bool,
    method: str,
    random_state: Any,
) -> ShapResult:
    """Explain ``out`` on the rows ``X`` and return SHAP values per raw column.

    Parameters
    ----------
    parts : ModelParts
        The split model.
    out : ModelOutput
        The output space to explain.
    X : pandas.DataFrame
        Raw model input, columns in model order.
    background : pandas.DataFrame
        Background rows (raw), used by the interventional and agnostic routes.
    background_given : bool
        Whether the caller chose the background (makes TreeSHAP interventional).
    method : {"auto", "tree", "linear", "permutation", "kernel"}
        Route to use.
    random_state : int or None
        Seed of the permutation explainer.

    Returns
    -------
    ShapResult
        Values of shape (n, n_raw), base values and the model output they add up to.

    Raises
    ------
    ArgumentError
        If an explicitly requested exact route does not apply.
    """
    reference = np.asarray(out(X), dtype=float).ravel()
    kind = tree_kind(parts.estimator)
    linear = is_linear(parts.estimator)
    name = type(parts.estimator).__name__
    if method == "tree" and kind is None:
        raise ArgumentError(
            f"method='tree' needs a tree-ensemble final estimator; the model's is {name}. "
            f"Use method='auto' to pick a suitable explainer."
        )
    if method == "linear" and not linear:
        raise ArgumentError(
            f"method='linear' needs a linear final estimator; the model's is {name}. "
            f"Use method='auto' to pick a suitable explainer."
        )
    route = method
    if method == "auto":
        route = "tree" if kind else ("linear" if linear else "permutation")
    if route in ("tree", "linear"):
        try:
            return _exact(route, parts, out, X, background, background_given, reference)
        except _NotApplicable as err:
            if method != "auto":
                raise ArgumentError(
                    f"method={method!r} cannot explain this model exactly: {err}. "
                    f"Use method='auto' (falls back to a model-agnostic explainer) or "
                    f"method='permutation'."
                ) from err
            warnings.warn(
                f"The exact {route} explainer does not apply: {err}. Falling back to the "
                f"model-agnostic PermutationExplainer on raw rows, which is slower; its values "
                f"still add up to the model output.",
                FallbackWarning,
                stacklevel=4,
            )
            route = "permutation"
    return _agnostic(route, out, X, background, reference, random_state)
