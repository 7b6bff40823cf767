"""The :class:`Assessment` that :func:`~rai_toolkit.report.assess` returns.

The :class:`Assessment` keeps every result object for the analyst, and builds
the *shareable document* (:meth:`Assessment.to_dict`) once: small groups
suppressed, numbers only read from the result objects. The HTML report, the
JSON file and the CLI summary all read that document; none of them runs an
analysis.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._io import HTML_SUFFIXES
from rai_toolkit._result import Result, Summary
from rai_toolkit.error_analysis._result import ErrorAnalysis
from rai_toolkit.fairness._criteria_names import check_criteria
from rai_toolkit.report._document import fairness_section, robustness_section
from rai_toolkit.report._scorecard import build_scorecard, findings
from rai_toolkit.report._suppression import (
    SuppressionPlan,
)

__all__ = ["SCHEMA", "Assessment", "json_default"]

#: Identifier and version of the :meth:`Assessment.to_dict` schema (docs/report_schema.md).
SCHEMA = "rai_toolkit.assessment/1"

class Assessment(Result):
    """Fairness, explanations, error analysis and security checks of one model on one data set.

    Create with :func:`assess`. The result objects are kept as attributes;
    :meth:`to_dict` is the shareable document (small groups suppressed) that
    :meth:`to_html` and :meth:`to_json` write.

    Attributes
    ----------
    fairness : FairnessReport
    explanation : ExplanationReport or None
    disparity_explanations : dict
        Sensitive feature -> DisparityExplanation.
    errors : ErrorAnalysis
    privacy : PrivacyReport or None
    membership : MembershipInferenceResult or None
    robustness : RobustnessReport or None
    mitigation : MitigationResult or None
    suppression : SuppressionPlan
    notes : list of str
        What was skipped, sampled or approximated, and why.
    """

    def __init__(
        self,
        *,
        fairness: Any,
        errors: ErrorAnalysis,
        suppression: SuppressionPlan,
        explanation: Any = None,
        disparity_explanations: Mapping[Hashable, Any] | None = None,
        privacy: Any = None,
        membership: Any = None,
        robustness: Any = None,
        mitigation: Any = None,
        context: Mapping[str, Any] | None = None,
        notes: Sequence[str] = (),
    ) -> None:
        self.fairness = fairness
        self.errors = errors
        self.suppression = suppression
        self.explanation = explanation
        self.disparity_explanations = dict(disparity_explanations or {})
        self.privacy = privacy
        self.membership = membership
        self.robustness = robustness
        self.mitigation = mitigation
        self.notes = list(notes)
        self._context = dict(context or {})
        self._document = self._build_document()

    # ------------------------------------------------------------------ document
    def _explanation_section(self) -> dict[str, Any] | None:
        ex = self.explanation
        if ex is None:
            return None
        d = ex.to_dict()
        top = dict(list(d["global_importance"].items())[:20])
        disparity = {}
        for feature, gap in self.disparity_explanations.items():
            g = gap.to_dict()
            contributions = sorted(g["contributions"].items(), key=lambda kv: -abs(kv[1] or 0.0))
            disparity[str(feature)] = {
                "groups": g["groups"],
                "output": g["output"],
                "total": g["total"],
                "measured_total": g["measured_total"],
                "group_means": {k: g["group_means"][k] for k in g["groups"]},
                "top_contributions": [
                    {"feature": k, "contribution": v} for k, v in contributions[:12]
                ],
                "other_contribution": float(sum(v or 0.0 for _, v in contributions[12:])),
            }
        return {
            "method": d["method"],
            "detail": d["detail"],
            "output": d["output"],
            "explained_class": d["explained_class"],
            "n_rows": d["n_rows"],
            "base_value": d["base_value"],
            "additivity_error": d["additivity_error"],
            "global_importance": top,
            "n_features": len(d["features"]),
            "disparity": disparity,
        }

    def _build_document(self) -> dict[str, Any]:
        ctx = self._context
        plan = self.suppression
        doc: dict[str, Any] = {
            "schema": SCHEMA,
            "title": ctx.get("title") or "Responsible AI assessment",
            "created_at": ctx.get("created_at"),
            "toolkit_version": ctx.get("toolkit_version"),
            "settings": ctx.get("settings", {}),
            "model_card": ctx.get("model_card", {}),
            "suppression": plan.to_dict(),
        }
        doc["fairness"] = fairness_section(self.fairness, plan)
        doc["explanations"] = self._explanation_section()
        doc["error_analysis"] = {
            **self.errors.to_dict(top=15),
            "concern_lift": self.errors.concern_lift,
        }
        security: dict[str, Any] = {
            "privacy": None if self.privacy is None else self.privacy.to_dict(),
            "membership": None if self.membership is None else self.membership.to_dict(),
            "robustness": None
            if self.robustness is None
            else robustness_section(self.robustness, plan),
            "model_source": ctx.get("model_source"),
        }
        doc["security"] = security
        if self.mitigation is not None:
            m = self.mitigation.to_dict()
            doc["mitigation"] = {
                k: m.get(k)
                for k in (
                    "method",
                    "mitigator",
                    "constraint",
                    "disparity_measure",
                    "objective",
                    "n_train",
                    "n_test",
                    "randomized",
                    "needs_sensitive_features",
                    "notes",
                    "comparison",
                    "tradeoff",
                )  # fmt: skip
            }
        else:
            doc["mitigation"] = None
        doc["notes"] = list(self.notes)
        doc["findings"] = findings(doc)
        doc["scorecard"] = build_scorecard(doc)
        from rai_toolkit.report._impact import impact_markdown

        doc["impact_assessment"] = impact_markdown(doc, **ctx.get("impact", {}))
        from rai_toolkit.report._bundle import evidence_map

        doc["regulatory_evidence"] = evidence_map(doc)
        return doc

    # ------------------------------------------------------------------ properties
    @property
    def verdicts(self) -> pd.DataFrame:
        """Every fairness verdict, per grouping (each sensitive feature, and intersectional).

        Columns: ``grouping``, ``criterion``, ``metric``, ``value``, ``lower``,
        ``upper``, ``threshold``, ``direction``, ``status``, ``reason``. Values
        that would reveal a suppressed group are missing (NaN).
        """
        rows = self._document["fairness"]["verdicts"]
        cols = ["grouping", "criterion", "metric", "value", "lower", "upper", "threshold",
                "direction", "status", "reason"]  # fmt: skip
        return pd.DataFrame([{c: r[c] for c in cols} for r in rows], columns=cols)

    @property
    def scorecard(self) -> pd.DataFrame:
        """The Responsible AI scorecard: one row per principle.

        Columns: ``principle``, ``title``, ``status`` (``"meets policy"``,
        ``"concern"``, ``"inconclusive"``, ``"not assessed"`` or ``"human
        review"``), ``evidence``, ``anchor`` (report section id) and
        ``human_judgment``.
        """
        return pd.DataFrame(self._document["scorecard"]).set_index("principle")

    @property
    def findings(self) -> list[str]:
        """Plain-language top findings."""
        return list(self._document["findings"])

    def failed(self, criteria: Sequence[str] | None = None) -> list[str]:
        """Return the criteria whose verdict is ``"fail"`` in any grouping.

        Parameters
        ----------
        criteria : sequence of str, optional
            Only consider these criteria.

        Returns
        -------
        list of str
            Failed criterion names, sorted.

        Raises
        ------
        ArgumentError
            If ``criteria`` names something that is not a fairness criterion
            (a misspelt name would otherwise never fail).
        """
        rows = self._document["fairness"]["verdicts"]
        wanted = None if criteria is None else set(check_criteria(criteria))
        return sorted(
            {
                r["criterion"]
                for r in rows
                if r["status"] == "fail" and (wanted is None or r["criterion"] in wanted)
            }
        )

    # ------------------------------------------------------------------ views
    def to_dict(self) -> dict[str, Any]:
        """Return the shareable document (small groups suppressed).

        The schema (``"schema": "rai_toolkit.assessment/1"``) is documented in
        ``docs/report_schema.md``.

        Returns
        -------
        dict
            A deep copy; JSON-compatible.
        """
        return json.loads(json.dumps(self._document, default=json_default))

    def to_html(self, path: str | os.PathLike | None = None) -> str:
        """Render the self-contained HTML report, optionally to a file (written atomically).

        Parameters
        ----------
        path : str or path-like, optional
            Where to write; must end in ``.html`` (or ``.htm``). Checked before rendering.

        Returns
        -------
        str
            The HTML text: one file, inline CSS and SVG, no script, no request.

        Raises
        ------
        ArgumentError
            If ``path`` cannot be written or does not end in ``.html``/``.htm``
            (see :func:`rai_toolkit._io.check_output_path`).
        """
        from rai_toolkit.report._html import render_html

        return self._write_view(path, render_html, suffixes=HTML_SUFFIXES)

    def to_bundle(
        self,
        path: str | os.PathLike,
        *,
        signing_key: Any = None,
        overwrite: bool = False,
        audits: Sequence[Any] = (),
        data: Any = None,
        model_file: str | os.PathLike | None = None,
    ) -> Path:
        """Write a verifiable evidence bundle: one zip with the report, hashes and a manifest.

        The zip holds ``report.html`` and ``report.json``, ``fairness.json``
        (the full fairness report with its count tables, as
        ``self.fairness.to_json()`` writes it: :func:`~rai_toolkit.compare_reports`
        and ``rai-toolkit diff`` compare two bundles through it; unlike the report
        it does not hide small groups), each audit in
        ``audits/`` (JSON, HTML, Markdown), ``environment.json`` (Python and
        package versions), ``evidence.json`` (date, toolkit version, sha256 of
        the data and of the model file) and ``manifest.json`` (sha256 of every
        file); with ``signing_key``, ``manifest.sig`` holds an Ed25519
        signature of the manifest. Check it with :func:`rai_toolkit.verify_bundle`.
        The layout is documented in ``docs/bundle.md``.

        Parameters
        ----------
        path : str or path-like
            The ``.zip`` to write. It is written beside and renamed into
            place, so a failed write leaves nothing behind.
        signing_key : Ed25519PrivateKey, str, path-like or bytes, optional
            Private key (object, PEM file or PEM bytes) that signs the manifest;
            make one with :func:`rai_toolkit.generate_keypair`.
        overwrite : bool, default=False
            Replace an existing file at ``path``.
        audits : sequence of BiasAudit, default=()
            Bias audits (:func:`rai_toolkit.bias_audit`) to include.
        data : pandas.DataFrame, str or path-like, optional
            The evaluation data, or its file, whose sha256 is recorded.
        model_file : str or path-like, optional
            The model file whose sha256 is recorded.

        Returns
        -------
        pathlib.Path
            The written bundle.

        Raises
        ------
        ArgumentError
            If ``path`` exists (without ``overwrite``), is not a ``.zip`` or its
            folder is missing; if ``signing_key`` is not an Ed25519 private key;
            if ``data``/``model_file`` is not an existing file.
        """
        from rai_toolkit.report._bundle import write_bundle

        return write_bundle(
            self,
            path,
            signing_key=signing_key,
            overwrite=overwrite,
            audits=audits,
            data=data,
            model_file=model_file,
        )

    def impact_assessment(self, **fields: Any) -> str:
        """Return the Impact Assessment draft as Markdown (see :func:`impact_assessment`).

        Parameters
        ----------
        **fields
            Human-judgment fields to fill in (``system_name``, ``owner``, ...).

        Returns
        -------
        str
            Markdown.
        """
        from rai_toolkit.report._impact import impact_markdown

        return impact_markdown(self.to_dict(), **{**self._context.get("impact", {}), **fields})

    def _summary(self) -> Summary:
        counts: dict[str, int] = {}
        for v in self._document["fairness"]["verdicts"]:
            counts[v["status"]] = counts.get(v["status"], 0) + 1
        verdicts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none"
        card = ", ".join(f"{r['principle']}={r['status']}" for r in self._document["scorecard"])
        return Summary(
            title=f"Assessment: {self._document['title']}",
            head=(
                f"{self._document['title']!r}: {self.fairness.n_rows} rows, "
                f"verdicts: {verdicts}; scorecard: {card}"
            ),
            rows=[(r["principle"], r["status"]) for r in self._document["scorecard"]],
        )

    def _repr_html_(self) -> str:
        # The report room's HTML view renders the notebook fragment of the document.
        from rai_toolkit.report._html import render_fragment

        return render_fragment(self.to_dict())


def json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | _dt.datetime | _dt.date):
        return value.isoformat()
    return str(value)
