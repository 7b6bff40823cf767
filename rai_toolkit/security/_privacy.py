"""Privacy check of a training table: personal data columns and k-anonymity."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._api import public
from rai_toolkit._result import Summary, documented_to_dict
from rai_toolkit._scalars import SeedLike, as_seed, check_int
from rai_toolkit._validation import (
    MAX_DISCRETE_LEVELS,
    check_data_frame,
    check_hashable_columns,
    resolve_names,
)
from rai_toolkit.security._pii import (
    RECOMMENDATIONS,
    detect_column,
    is_quasi_identifier_name,
)
from rai_toolkit.security._result import SecurityResult
from rai_toolkit.security._serialize import frame_records, json_safe

__all__ = ["PrivacyReport", "check_privacy"]

_FINDING_COLUMNS = ["column", "kind", "share", "evidence", "recommendation"]
_DIRECT_KINDS = {
    "email", "phone", "national_id", "credit_card", "iban", "bank_account", "ip_address",
    "person_name", "username", "identifier", "address",
}  # fmt: skip


def _k_anonymity(
    data: pd.DataFrame, quasi_identifiers: list[Hashable], k: int
) -> tuple[pd.Series, pd.DataFrame]:
    sizes = (
        data.groupby(quasi_identifiers, dropna=False, observed=True, sort=False)
        .size()
        .rename("size")
        .sort_values(kind="stable")
    )
    small = sizes[sizes < k]
    n_rows = len(data)
    stats = pd.Series(
        {
            "k": int(k),
            "min_class_size": int(sizes.min()),
            "n_classes": int(len(sizes)),
            "n_classes_below_k": int(len(small)),
            "n_rows_below_k": int(small.sum()),
            "share_rows_below_k": float(small.sum() / n_rows),
            "satisfied": bool(sizes.min() >= k),
        },
        dtype=object,
        name="k_anonymity",
    )
    classes = sizes.reset_index()
    return stats, classes


class PrivacyReport(SecurityResult):
    """Result of :func:`check_privacy`: personal data columns and k-anonymity.

    Build it with :func:`check_privacy`; everything is computed once.

    Attributes
    ----------
    findings : pandas.DataFrame
        One row per (column, kind of personal data) found.
    k_anonymity : pandas.Series or None
        Equivalence-class statistics of the quasi-identifiers.
    equivalence_classes : pandas.DataFrame or None
        Every combination of quasi-identifier values with its row count.
    quasi_identifiers : list
        The quasi-identifier columns used.
    interpretation : str
        A plain-language summary.
    """

    def __init__(
        self,
        *,
        findings: pd.DataFrame,
        k_anonymity: pd.Series | None,
        equivalence_classes: pd.DataFrame | None,
        quasi_identifiers: list[Hashable],
        continuous_quasi_identifiers: list[Hashable],
        n_rows: int,
        n_columns: int,
        sample_size: int,
    ) -> None:
        self._findings = findings
        self._k_anonymity = k_anonymity
        self._classes = equivalence_classes
        self._qis = list(quasi_identifiers)
        self._continuous = list(continuous_quasi_identifiers)
        self._n_rows = n_rows
        self._n_columns = n_columns
        self._sample_size = sample_size
        self._interpretation = self._interpret()

    # ------------------------------------------------------------------ data
    @property
    def findings(self) -> pd.DataFrame:
        """Personal data found: one row per (column, kind).

        Columns: ``column``, ``kind`` (one of ``PII_KINDS``), ``share`` (share of
        the sampled non-missing values matching the kind's pattern; NaN when
        the column's values were not scanned), ``evidence`` (``"name"``,
        ``"values"`` or ``"both"``) and ``recommendation``.
        """
        return self._findings.copy()

    @property
    def k_anonymity(self) -> pd.Series | None:
        """k-anonymity of the quasi-identifier combination, or None without quasi-identifiers.

        Index: ``k`` (requested), ``min_class_size`` (the k the data achieves),
        ``n_classes``, ``n_classes_below_k``, ``n_rows_below_k``,
        ``share_rows_below_k`` and ``satisfied`` (``min_class_size >= k``).
        """
        return None if self._k_anonymity is None else self._k_anonymity.copy()

    @property
    def equivalence_classes(self) -> pd.DataFrame | None:
        """Each combination of quasi-identifier values and its row count, smallest first."""
        return None if self._classes is None else self._classes.copy()

    @property
    def quasi_identifiers(self) -> list[Hashable]:
        """Quasi-identifier columns used for k-anonymity."""
        return list(self._qis)

    @property
    def continuous_quasi_identifiers(self) -> list[Hashable]:
        """Quasi-identifiers used as-is although continuous; generalise them (e.g. bands)."""
        return list(self._continuous)

    # ---------------------------------------------------------- interpretation
    def _interpret(self) -> str:
        parts = []
        found = self._findings
        direct = found[found["kind"].isin(_DIRECT_KINDS)]
        if len(direct):
            cols = ", ".join(f"{c!s} ({k})" for c, k in zip(direct["column"], direct["kind"]))
            parts.append(
                f"{direct['column'].nunique()} column(s) hold direct identifiers: {cols}. "
                f"Drop them, or pseudonymise them with a keyed hash, before training."
            )
        other = found[~found["kind"].isin(_DIRECT_KINDS)]
        if len(other):
            cols = ", ".join(f"{c!s} ({k})" for c, k in zip(other["column"], other["kind"]))
            parts.append(f"Review {other['column'].nunique()} more column(s): {cols}.")
        if not len(found):
            parts.append("No column looks like personal data from its name or values.")
        if self._k_anonymity is None:
            parts.append(
                "No quasi-identifiers were found or given, so k-anonymity was not computed; "
                "pass quasi_identifiers=[...] to compute it."
            )
        else:
            ka = self._k_anonymity
            qis = ", ".join(map(str, self._qis))
            if ka["satisfied"]:
                parts.append(
                    f"The quasi-identifiers ({qis}) split the {self._n_rows} rows into "
                    f"{ka['n_classes']} groups of at least {ka['min_class_size']} rows: the data "
                    f"is {ka['min_class_size']}-anonymous, meeting k={ka['k']}."
                )
            else:
                parts.append(
                    f"The quasi-identifiers ({qis}) split the {self._n_rows} rows into "
                    f"{ka['n_classes']} groups; the smallest has {ka['min_class_size']} row(s) and "
                    f"{ka['share_rows_below_k']:.1%} of rows are in groups smaller than "
                    f"k={ka['k']}, so someone who knows these attributes could single them out. "
                    f"Generalise (e.g. age bands, shorter postal codes) or suppress rare "
                    f"combinations."
                )
            if self._continuous:
                verb = "was" if len(self._continuous) == 1 else "were"
                parts.append(
                    f"{', '.join(map(str, self._continuous))} {verb} used as-is although "
                    f"continuous; generalise into bands (e.g. 10-year age bands) for a fairer "
                    f"estimate of the re-identification risk."
                )
        return " ".join(parts)

    # ------------------------------------------------------------------ export
    @documented_to_dict
    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-safe builtins.

        {to_dict_returns}

                {
                  "n_rows": int, "n_columns": int, "sample_size": int,
                  "findings": [{"column": str, "kind": str, "share": float | None,
                                "evidence": "name" | "values" | "both",
                                "recommendation": str}, ...],
                  "k_anonymity": None | {
                      "quasi_identifiers": [str, ...], "continuous": [str, ...],
                      "k": int, "min_class_size": int, "n_classes": int,
                      "n_classes_below_k": int, "n_rows_below_k": int,
                      "share_rows_below_k": float, "satisfied": bool},
                  "interpretation": str,
                }
        """
        findings = self._findings.assign(column=self._findings["column"].map(str))
        ka = None
        if self._k_anonymity is not None:
            ka = {
                "quasi_identifiers": [str(q) for q in self._qis],
                "continuous": [str(q) for q in self._continuous],
                **json_safe(self._k_anonymity),
            }
        return {
            "n_rows": int(self._n_rows),
            "n_columns": int(self._n_columns),
            "sample_size": int(self._sample_size),
            "findings": frame_records(findings[_FINDING_COLUMNS]),
            "k_anonymity": ka,
            "interpretation": self._interpretation,
        }

    def _summary(self) -> Summary:
        ka = self._k_anonymity
        kpart = (
            "k-anonymity: not computed"
            if ka is None
            else (
                f"k-anonymity: min class {ka['min_class_size']} (k={ka['k']}), "
                f"{ka['share_rows_below_k']:.1%} rows below k"
            )
        )
        lines = []
        for row in self._findings.itertuples(index=False):
            share = "" if np.isnan(row.share) else f", {row.share:.0%} of values"
            lines.append(f"{row.column!s}: {row.kind} ({row.evidence}{share})")
        tables = [("Findings", self._findings)]
        if ka is not None:
            tables.append(("k-anonymity", ka.to_frame("value").rename_axis("statistic")))
        return Summary(
            title="Privacy report",
            head=(
                f"{self._n_rows} rows, {self._n_columns} columns, "
                f"{len(self._findings)} finding(s); {kpart}"
            ),
            text=self._interpretation,
            tables=tables,
            lines=lines,
        )


@public
def check_privacy(
    data: pd.DataFrame,
    *,
    quasi_identifiers: Sequence[Hashable] | None = None,
    k: int = 5,
    sample_size: int = 1000,
    random_state: SeedLike = 0,
) -> PrivacyReport:
    """Find personal data in a table and measure its k-anonymity.

    Each column is checked from its **name** (e.g. ``email``, ``phone_number``,
    ``ssn``, ``date_of_birth``, ``zip``) and from a random sample of its
    **values** (patterns for e-mail addresses, phone numbers, US SSNs and UK
    NINOs, payment cards with a valid Luhn checksum, IBANs with a valid
    checksum, IPv4/IPv6 addresses, UUIDs and MAC addresses, dates, postal codes,
    "Firstname Lastname" values with common given names, and free text). A
    column is flagged from its values when at least 30% of the sampled values
    match. Float and boolean columns are never scanned, integer columns only for
    card numbers, so measurements such as ``hours_per_week`` are not flagged.

    k-anonymity is computed exactly on all rows: the rows are grouped by their
    combination of quasi-identifier values (missing values form their own
    value) and the smallest group size is the k the data achieves.

    Parameters
    ----------
    data : pandas.DataFrame
        The table to check (typically the training data).
    quasi_identifiers : sequence of hashable, optional
        Columns an outsider could know about a person. By default, the columns
        whose names suggest age, sex or gender, postal/zip code, race or
        ethnicity, date or year of birth, marital status, or native country,
        nationality or citizenship. Continuous quasi-identifiers (numeric with
        more than 20 distinct values) are used as-is, which is pessimistic;
        generalising them (bands) is recommended. Pass ``[]`` to skip
        k-anonymity.
    k : int, default=5
        The k-anonymity level to check against; at least 2.
    sample_size : int, default=1000
        At most this many non-missing values per column are scanned for patterns.
    random_state : int, numpy.random.Generator or RandomState, default=0
        Seed of the value sample (None: a different sample each call).

    Returns
    -------
    PrivacyReport
        Findings, k-anonymity and recommendations.

    Raises
    ------
    DataValidationError
        If ``data`` is not a non-empty DataFrame or a quasi-identifier is not a column.
    ArgumentError
        If ``k`` < 2, ``sample_size`` < 1, ``random_state`` is not a seed, or
        ``quasi_identifiers`` is not a list of column names (or named Series).

    Examples
    --------
    >>> import pandas as pd
    >>> from rai_toolkit.security import check_privacy
    >>> df = pd.DataFrame({"email": ["a@x.org", "b@y.com"], "age": [30, 40]})
    >>> check_privacy(df, k=2).findings["kind"].tolist()
    ['email']
    """
    data = check_data_frame(data)
    k = check_int(
        k,
        argument="k",
        low=2,
        hint="k-anonymity with k=1 holds for any data; use e.g. k=5 (a common minimum) or k=10.",
    )
    sample_size = check_int(
        sample_size, argument="sample_size", low=1, hint="Use e.g. sample_size=1000."
    )
    seed = as_seed(random_state)
    if quasi_identifiers is None:
        qis = [c for c in data.columns if is_quasi_identifier_name(c)]
    elif isinstance(quasi_identifiers, list | tuple) and not quasi_identifiers:
        qis = []
    else:
        data, qis = resolve_names(data, quasi_identifiers, argument="quasi_identifiers")
    check_hashable_columns(data, qis, argument="quasi_identifiers")

    rows = []
    for col in data.columns:
        found, _ = detect_column(col, data[col], sample_size=sample_size, random_state=seed)
        for f in found:
            rows.append((f.column, f.kind, f.share, f.evidence, RECOMMENDATIONS[f.kind]))
    findings = pd.DataFrame(rows, columns=_FINDING_COLUMNS)
    findings["share"] = findings["share"].astype(float)

    ka = classes = None
    continuous: list[Hashable] = []
    if qis:
        ka, classes = _k_anonymity(data, qis, int(k))
        continuous = [
            q
            for q in qis
            if pd.api.types.is_numeric_dtype(data[q])
            and not pd.api.types.is_bool_dtype(data[q])
            and data[q].nunique() > MAX_DISCRETE_LEVELS
        ]
    return PrivacyReport(
        findings=findings,
        k_anonymity=ka,
        equivalence_classes=classes,
        quasi_identifiers=qis,
        continuous_quasi_identifiers=continuous,
        n_rows=len(data),
        n_columns=data.shape[1],
        sample_size=int(sample_size),
    )
