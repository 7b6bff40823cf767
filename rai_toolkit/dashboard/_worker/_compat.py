"""Every use of responsibleai / raiwidgets private members, behind one version guard.

rai_toolkit stores the counterfactuals it finds itself in ``RAIInsights``' counterfactual
manager, and serves raiwidgets' front end from its own web app. Neither has a public API,
so both reach into private members, all of them here:

* ``CounterfactualConfig`` built directly and appended to the manager's
  ``_counterfactual_config_list`` (``CounterfactualManager.add`` would refuse test rows
  whose categories do not occur in train, which our search does not need);
* ``CounterfactualManager._create_diceml_explainer`` and
  ``CounterfactualManager._get_counterfactual_schema``;
* the placeholders of raiwidgets' ``widget/index.html`` (``__rai_app_id__``,
  ``"__rai_model_data__"``, ``"__rai_config__"``).

:func:`check_versions` refuses any responsibleai / raiwidgets other than the ones these
were written against; the runtime lock pins exactly those.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rai_toolkit.exceptions import DashboardError

__all__ = [
    "SUPPORTED",
    "check_versions",
    "continuous_features",
    "fill_page",
    "page_template",
    "store_counterfactuals",
    "template_literal",
]

#: Version prefixes whose private members this module was written against.
SUPPORTED = {"responsibleai": "0.36.", "raiwidgets": "0.36."}


def check_versions(found: Mapping[str, str] | None = None) -> None:
    """Refuse responsibleai / raiwidgets versions this module was not written against.

    Parameters
    ----------
    found : mapping, optional
        ``{package: version}``; default: the installed ``__version__`` of each package.

    Raises
    ------
    DashboardError
        A package is missing from ``found`` or has an unsupported version.
    """
    if found is None:
        import raiwidgets
        import responsibleai

        found = {"responsibleai": responsibleai.__version__, "raiwidgets": raiwidgets.__version__}
    bad = {
        name: found.get(name) for name, prefix in SUPPORTED.items()
        if not str(found.get(name)).startswith(prefix)
    }
    if bad:
        listed = ", ".join(f"{name} {version}" for name, version in bad.items())
        wanted = ", ".join(f"{name} {prefix}x" for name, prefix in SUPPORTED.items())
        raise DashboardError(
            f"The dashboard runtime has {listed}; rai_toolkit's dashboard integration uses "
            f"private members of {wanted} only. Rebuild the runtime from the lock shipped "
            f"with rai_toolkit: python -m rai_toolkit.dashboard._runtime --force."
        )


def continuous_features(rai: Any) -> list[str]:
    """Continuous features as ``CounterfactualManager.add`` computes them (same order)."""
    manager = rai.counterfactual
    categorical = manager._categorical_features or []
    return list(set(manager._train.columns) - {manager._target_column} - set(categorical))


def store_counterfactuals(
    rai: Any, explanations: Any, *, total_cfs: int, continuous: list[str], importance: bool
) -> None:
    """Store precomputed dice-ml explanations in ``rai.counterfactual`` as computed.

    Parameters
    ----------
    rai : responsibleai.RAIInsights
        The insights.
    explanations : dice_ml.counterfactual_explanations.CounterfactualExplanations
        Schema 2.0 explanations, one example per test row.
    total_cfs : int
        Counterfactuals per row.
    continuous : list of str
        :func:`continuous_features` (the list the explanations were packed with).
    importance : bool
        Whether ``explanations`` carries feature importances.

    Raises
    ------
    jsonschema.ValidationError
        The explanations do not match responsibleai's own schema.
    """
    import jsonschema
    from responsibleai.managers.counterfactual_manager import (
        CounterfactualConfig,
        CounterfactualManager,
    )

    schema = CounterfactualManager._get_counterfactual_schema(version="2.0")
    jsonschema.validate(json.loads(explanations.to_json()), schema)
    manager = rai.counterfactual
    config = CounterfactualConfig(
        method="random",
        continuous_features=continuous,
        total_CFs=int(total_cfs),
        desired_class="opposite",
        features_to_vary="all",
        feature_importance=bool(importance),
    )
    config.explainer = manager._create_diceml_explainer(
        method=config.method, continuous_features=config.continuous_features
    )
    config.counterfactual_obj = explanations
    config.is_computed = True
    manager._counterfactual_config_list.append(config)


def page_template(dashboard_id: str) -> str:
    """Return raiwidgets' dashboard page with its scripts inlined, data placeholders unfilled."""
    from raiwidgets.dashboard import Dashboard, InLineScript

    def load(path: str) -> str:
        with open(Dashboard.get_widget_path(path), encoding="utf-8") as fh:
            return fh.read().replace("__rai_app_id__", f"rai_widget_{dashboard_id}")

    parser = InLineScript(load)
    parser.feed(load("index.html"))
    return parser.content


def template_literal(text: str) -> str:
    """Return ``text`` as a JavaScript template literal that evaluates to exactly ``text``.

    The page parses the literal as JSON. Backslashes (JSON's own escapes), backticks and
    ``${`` are escaped so that data values cannot end the literal or run code, and ``</``
    so that they cannot close the page's ``<script>`` element.
    """
    escaped = (
        text.replace("\\", "\\\\")
        .replace("`", "\\`")
        .replace("${", "\\${")
        .replace("</", "<\\/")
    )
    return f"`{escaped}`"


def fill_page(template: str, *, model_data: str | None = None, config: str | None = None) -> str:
    """Fill the page's data placeholders with JSON text (``None`` leaves one unfilled)."""
    page = template
    if model_data is not None:
        page = page.replace('"__rai_model_data__"', template_literal(model_data))
    if config is not None:
        page = page.replace('"__rai_config__"', template_literal(config))
    return page
