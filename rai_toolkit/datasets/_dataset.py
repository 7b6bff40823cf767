"""The :class:`Dataset` object returned by every loader in :mod:`rai_toolkit.datasets`."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import pandas as pd

from rai_toolkit._readonly import ReadOnly, store
from rai_toolkit.exceptions import DataValidationError

__all__ = ["Dataset"]

_MISSING_COLUMN = (
    "{role} {column!r} not found in the frame of dataset {name!r}; columns are: {columns}. "
    "Pass {argument} naming existing columns."
)
_BAD_SPLIT_INDEX = (
    "The split of dataset {name!r} must be a Series aligned with the frame index "
    "({rows} rows); received {received}. Pass split=None or a Series built from frame.index."
)
_NO_SPLIT = (
    "Dataset {name!r} has no original train/test split (split is None); only 'adult' ships "
    "one. Split it yourself, e.g. sklearn.model_selection.train_test_split(ds.X, ds.y, "
    "stratify=ds.y, random_state=0)."
)


class Dataset:
    """A tabular dataset with its target and sensitive features named.

    A ``Dataset`` is read-only: its attributes are properties without setters.
    The loaders give every caller its own copy of the frame, so changing
    ``ds.frame`` in place never affects another ``Dataset`` or a later load.

    Parameters
    ----------
    name : str
        Short identifier, e.g. ``"adult"``.
    frame : pandas.DataFrame
        All rows, target column included.
    target : str
        Name of the target column in ``frame``.
    sensitive_features : iterable of str
        Columns describing membership of groups that should be treated fairly.
    categorical_features : iterable of str, default=()
        Columns that hold categories (as strings) rather than quantities.
    description : str, default=""
        Short human-readable text, including where the data comes from.
    split : pandas.Series or None, default=None
        ``"train"`` / ``"test"`` labels aligned with ``frame.index`` recording an
        original split published with the data, or ``None`` when there is none.
    metadata : mapping or None, default=None
        Extra facts about the data (cost matrix, generating parameters, ...).

    Raises
    ------
    DataValidationError
        If ``target``, a sensitive or a categorical feature is not a column of
        ``frame``, or ``split`` is not aligned with ``frame``.

    Examples
    --------
    >>> import pandas as pd
    >>> from rai_toolkit.datasets import Dataset
    >>> frame = pd.DataFrame({"sex": ["f", "m"], "x": [1.0, 2.0], "y": [0, 1]})
    >>> ds = Dataset(name="toy", frame=frame, target="y", sensitive_features=["sex"])
    >>> ds.X.columns.tolist()
    ['sex', 'x']
    >>> ds.base_rate
    0.5
    """

    __slots__ = (
        "_name",
        "_frame",
        "_target",
        "_sensitive_features",
        "_categorical_features",
        "_description",
        "_split",
        "_metadata",
    )

    def __init__(
        self,
        *,
        name: str,
        frame: pd.DataFrame,
        target: str,
        sensitive_features: Iterable[str],
        categorical_features: Iterable[str] = (),
        description: str = "",
        split: pd.Series | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        sensitive = tuple(sensitive_features)
        categorical = tuple(categorical_features)
        columns = ", ".join(map(str, frame.columns))
        checks = [("Target", target, "target=...")]
        checks += [("Sensitive feature", c, "sensitive_features=[...]") for c in sensitive]
        checks += [("Categorical feature", c, "categorical_features=[...]") for c in categorical]
        for role, column, argument in checks:
            if column not in frame.columns:
                raise DataValidationError(
                    _MISSING_COLUMN.format(
                        role=role, column=column, name=name, columns=columns, argument=argument
                    )
                )
        if split is not None and (
            not isinstance(split, pd.Series) or not split.index.equals(frame.index)
        ):
            received = (
                f"a Series of {len(split)} rows with a different index"
                if isinstance(split, pd.Series)
                else type(split).__name__
            )
            raise DataValidationError(
                _BAD_SPLIT_INDEX.format(name=name, rows=len(frame), received=received)
            )
        store(
            self,
            name=name,
            frame=frame,
            target=target,
            sensitive_features=sensitive,
            categorical_features=categorical,
            description=description,
            split=split,
            metadata=MappingProxyType(dict(metadata or {})),
        )

    # ------------------------------------------------------------------ properties
    name = ReadOnly[str]("Short identifier of the dataset.")

    frame = ReadOnly[pd.DataFrame]("All rows, target column included (this dataset's own copy).")

    target = ReadOnly[str]("Name of the target column.")

    sensitive_features = ReadOnly[list[str]](
        "Names of the sensitive feature columns (a new list on every access).",
        copy=list,
    )

    categorical_features = ReadOnly[list[str]](
        "Names of the categorical columns (a new list on every access).",
        copy=list,
    )

    description = ReadOnly[str]("Short text describing the data and where it comes from.")

    split = ReadOnly[pd.Series | None](
        'Original ``"train"``/``"test"`` split aligned with :attr:`frame`, or ``None``.',
    )

    metadata = ReadOnly[Mapping[str, Any]](
        "Read-only mapping of extra facts (cost matrix, generating parameters, ...).",
    )

    @property
    def X(self) -> pd.DataFrame:
        """The frame without the target column (a new frame on every access)."""
        return self._frame.drop(columns=[self._target])

    @property
    def y(self) -> pd.Series:
        """The target column."""
        return self._frame[self._target]

    shape = ReadOnly[tuple[int, int]](
        "``(rows, columns)`` of :attr:`frame`.",
        source="_frame.shape",
    )

    @property
    def base_rate(self) -> float:
        """Mean of the target, i.e. the share of positive labels for a 0/1 target."""
        return float(self._frame[self._target].mean())

    # --------------------------------------------------------------------- methods
    def train_test(self) -> tuple[Dataset, Dataset]:
        """Return the original train and test parts as two datasets.

        Returns
        -------
        train, test : tuple of Dataset
            Rows whose :attr:`split` is ``"train"`` and ``"test"``; index preserved.

        Raises
        ------
        DataValidationError
            If the dataset has no original split (:attr:`split` is ``None``).

        Examples
        --------
        >>> from rai_toolkit.datasets import load_adult
        >>> train, test = load_adult().train_test()
        >>> len(train), len(test)
        (32561, 16281)
        """
        if self._split is None:
            raise DataValidationError(_NO_SPLIT.format(name=self._name))
        parts = []
        for part in ("train", "test"):
            mask = self._split == part
            parts.append(
                Dataset(
                    name=f"{self._name}[{part}]",
                    frame=self._frame.loc[mask].copy(),
                    target=self._target,
                    sensitive_features=self._sensitive_features,
                    categorical_features=self._categorical_features,
                    description=self._description,
                    split=None,
                    metadata=self._metadata,
                )
            )
        return parts[0], parts[1]

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        rows, cols = self.shape
        return (
            f"Dataset(name={self._name!r}, rows={rows}, columns={cols}, "
            f"target={self._target!r}, sensitive_features={list(self._sensitive_features)!r})"
        )

    def _repr_html_(self) -> str:
        rows, cols = self.shape
        esc = html.escape
        try:
            base_rate = f"{self.base_rate:.4f}"
        except (TypeError, ValueError):
            base_rate = "n/a"
        facts = [
            ("rows", f"{rows:,}"),
            ("columns", str(cols)),
            ("target", self._target),
            ("base rate", base_rate),
            ("sensitive features", ", ".join(self._sensitive_features) or "none"),
        ]
        if self._split is not None:
            counts = self._split.value_counts()
            facts.append(("original split", ", ".join(f"{k}: {v:,}" for k, v in counts.items())))
        fact_rows = "".join(
            f"<tr><th style='text-align:left'>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in facts
        )
        return (
            f"<div><strong>Dataset {esc(self._name)}</strong>"
            f"<p>{esc(self._description)}</p>"
            f"<table>{fact_rows}</table>"
            f"<p>First rows:</p>{self._frame.head(5).to_html()}</div>"
        )
