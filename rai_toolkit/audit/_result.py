"""The :class:`BiasAudit` result: the audit table, its intervals, and its documents."""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pandas as pd

from rai_toolkit._io import json_safe
from rai_toolkit._readonly import ReadOnly
from rai_toolkit._result import Summary
from rai_toolkit._views import DocumentViews

__all__ = [
    "AuditMeta",
    "BiasAudit",
    "INTERSECTION_SEPARATOR",
    "SCHEMA",
    "SMALL_SHARE",
    "STANDARDS",
    "TABLE_COLUMNS",
    "EEOC_COLUMNS",
    "INTERVAL_COLUMNS",
]

#: Identifier and version of the :meth:`BiasAudit.to_dict` schema (docs/audit_schema.md).
SCHEMA = "rai_toolkit.bias_audit/1"
#: Audit standards: NYC Local Law 144 (6 RCNY §5-301) and the EEOC's four-fifths rule.
STANDARDS = ("nyc_ll144", "eeoc")
#: Full names of the standards, shown in the documents.
STANDARD_NAMES = {
    "nyc_ll144": "NYC Local Law 144 bias audit (6 RCNY §5-300/5-301)",
    "eeoc": "EEOC adverse impact: four-fifths rule (29 CFR 1607.4(D)) and Fisher exact test",
}
#: A category with fewer than this share of all rows is flagged ``small_category``.
SMALL_SHARE = 0.02
#: Joins dimension names (and category labels) of the intersection.
INTERSECTION_SEPARATOR = " × "
#: Columns of :attr:`BiasAudit.table`, in order.
TABLE_COLUMNS = (
    "dimension", "category", "applicants", "selected", "rate", "impact_ratio", "small_category",
)  # fmt: skip
#: Columns that ``standard="eeoc"`` adds to the table.
EEOC_COLUMNS = ("four_fifths", "p_value", "shortfall")
#: Columns of :attr:`BiasAudit.intervals`, in order.
INTERVAL_COLUMNS = (
    "dimension", "category", "rate_lower", "rate_upper", "impact_ratio_lower",
    "impact_ratio_upper",
)  # fmt: skip

@dataclass(frozen=True)
class AuditMeta:
    """Settings and facts of one audit (everything but the per-category rows)."""

    title: str | None
    standard: str
    date: _dt.date
    data_source: str
    method: str
    outcome: str
    categories: dict[str, str]
    intersectional: bool
    n_rows: int
    median_score: float | None
    exclude_small: bool
    exclusion_justification: str | None
    excluded: dict[str, list[str]]
    unknown: dict[str, int]
    references: dict[str, str | None]
    n_boot: int
    ci: float
    random_state: int | str | None
    notes: list[str] = field(default_factory=list)
    created_at: str = field(
        default_factory=lambda: _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
    )


class BiasAudit(DocumentViews):
    """Selection or scoring rates and impact ratios per category, for a regulator.

    Create with :func:`~rai_toolkit.audit.bias_audit`.

    Attributes
    ----------
    standard : str
        ``"nyc_ll144"`` or ``"eeoc"``.
    date : datetime.date
        Date of the audit.
    n_rows : int
        Rows audited (unknown categories included).
    """

    def __init__(
        self, meta: AuditMeta, rows: list[dict[str, Any]], intervals: list[dict[str, Any]]
    ) -> None:
        self._meta = meta
        columns = list(TABLE_COLUMNS) + (list(EEOC_COLUMNS) if meta.standard == "eeoc" else [])
        table = pd.DataFrame(rows, columns=columns)
        for col in ("applicants", "selected") + (("shortfall",) if meta.standard == "eeoc" else ()):
            table[col] = table[col].astype("int64")
        table["small_category"] = table["small_category"].astype(bool)
        table["rate"] = table["rate"].astype(float)
        table["impact_ratio"] = table["impact_ratio"].astype(float)
        if meta.standard == "eeoc":
            table["p_value"] = table["p_value"].astype(float)
            table["four_fifths"] = table["four_fifths"].astype(object)
        self._table = table
        self._intervals = pd.DataFrame(intervals, columns=list(INTERVAL_COLUMNS))
        self._document = self._build_document()

    # ------------------------------------------------------------------ properties
    table = ReadOnly[pd.DataFrame](
        """One row per (dimension, category).

        Columns: ``dimension``, ``category``, ``applicants``, ``selected``,
        ``rate``, ``impact_ratio``, ``small_category``; with
        ``standard="eeoc"`` also ``four_fifths``, ``p_value``, ``shortfall``.
        For a score, ``selected`` counts the rows above the median score and
        ``rate`` is the scoring rate.
        """,
        copy=pd.DataFrame.copy,
    )

    intervals = ReadOnly[pd.DataFrame](
        """Bootstrap percentile intervals of ``rate`` and ``impact_ratio`` per row of the table.

        Columns: ``dimension``, ``category``, ``rate_lower``, ``rate_upper``,
        ``impact_ratio_lower``, ``impact_ratio_upper`` (NaN without bootstrap).
        """,
        copy=pd.DataFrame.copy,
    )

    @property
    def unknown(self) -> pd.Series:
        """Rows whose category is missing, per dimension (and intersection); not in the rates."""
        return pd.Series(self._meta.unknown, name="unknown", dtype="int64").rename_axis(
            "dimension"
        )

    @property
    def references(self) -> pd.Series:
        """The highest-rate category of each dimension, the denominator of its impact ratios."""
        return pd.Series(self._meta.references, name="reference", dtype=object).rename_axis(
            "dimension"
        )

    @property
    def excluded(self) -> dict[str, list[str]]:
        """Categories kept out of the choice of the highest rate (``exclude_small=True``)."""
        return {k: list(v) for k, v in self._meta.excluded.items()}

    standard = ReadOnly[str]('``"nyc_ll144"`` or ``"eeoc"``.', source="_meta.standard")

    date = ReadOnly[_dt.date]("Date of the audit.", source="_meta.date")

    n_rows = ReadOnly[int]("Rows audited, unknown categories included.", source="_meta.n_rows")

    notes = ReadOnly[list[str]](
        "What could not be computed, and why.",
        source="_meta.notes",
        copy=list,
    )

    @property
    def dimensions(self) -> list[str]:
        """Audited dimensions, the intersection last."""
        return list(dict.fromkeys(self._table["dimension"]))

    # ------------------------------------------------------------------ document
    def _build_document(self) -> dict[str, Any]:
        from rai_toolkit._version import __version__

        m = self._meta
        merged = self._table.merge(self._intervals, on=["dimension", "category"], how="left")
        return json_safe(
            {
                "schema": SCHEMA,
                "title": m.title,
                "standard": m.standard,
                "standard_name": STANDARD_NAMES[m.standard],
                "date": m.date.isoformat(),
                "created_at": m.created_at,
                "toolkit_version": __version__,
                "data_source": m.data_source,
                "method": m.method,
                "outcome_column": m.outcome,
                "median_score": m.median_score,
                "categories": dict(m.categories),
                "intersectional": m.intersectional,
                "n_rows": m.n_rows,
                "unknown": dict(m.unknown),
                "small_share": SMALL_SHARE,
                "exclude_small": m.exclude_small,
                "exclusion_justification": m.exclusion_justification,
                "excluded_from_reference": {k: list(v) for k, v in m.excluded.items()},
                "reference": dict(m.references),
                "bootstrap": {
                    "n_boot": m.n_boot,
                    "ci": m.ci,
                    "random_state": m.random_state,
                    "method": _bootstrap_text(m),
                },
                "columns": list(self._table.columns),
                "rows": merged.to_dict(orient="records"),
                "notes": list(m.notes),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the audit as a JSON-compatible document.

        The schema (``"schema": "rai_toolkit.bias_audit/1"``) is documented in
        ``docs/audit_schema.md``; NaN is written as ``null``.

        Returns
        -------
        dict
            A deep copy.
        """
        return json.loads(json.dumps(self._document))

    def _views(self) -> ModuleType:
        from rai_toolkit.audit import _views

        return _views

    def _summary(self) -> Summary:
        m = self._meta
        parts = []
        for name in m.references:
            rows = self._table[self._table["dimension"] == name]
            low = rows["impact_ratio"].min()
            parts.append(
                f"{name}: {len(rows)} categories, lowest impact ratio "
                f"{'n/a' if pd.isna(low) else f'{low:.2f}'}"
            )
        return Summary(
            title=f"Bias audit ({m.standard})",
            head=(
                f"{m.standard} {m.date.isoformat()} ({m.method}, {m.n_rows} rows): "
                f"{'; '.join(parts)}"
            ),
            tables=[("", self._table)],
        )



def _bootstrap_text(m: AuditMeta) -> str:
    if not m.n_boot:
        return "No intervals (n_boot=0)."
    text = (
        f"{100 * m.ci:g}% percentile intervals from {m.n_boot} bootstrap replicates of the "
        f"rows (multinomial draws over the count table; the highest-rate category is chosen "
        f"again in each replicate)."
    )
    if m.method == "scoring_rate":
        text += " The median score is held at its observed value in the replicates."
    return text
