"""The Responsible AI Impact Assessment, drafted from measured evidence.

The outline follows Microsoft's *Responsible AI Impact Assessment Template*
(June 2022): 1 System Information, 2 Intended Uses, 3 Adverse Impact, 4 Data
Requirements, 5 Summary of Impact. Where this toolkit measured something
(fairness verdicts with intervals, error cohorts, robustness, privacy scan,
membership inference) it is written in; everything that needs people -
purpose, stakeholders, harms, sign-off - is left as a clearly marked prompt,
``> TODO (owner to complete): ...``, unless the caller supplies it.
"""

from __future__ import annotations

from typing import Any

from rai_toolkit._scalars import check_names, describe
from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.report._markdown import escape_markdown as md

__all__ = ["FIELDS", "impact_markdown"]

#: Human-judgment fields the caller may fill in, with the prompt shown when they are not.
FIELDS: dict[str, str] = {
    "system_name": "Name the system this model is part of.",
    "owner": "Name the person accountable for the system and its impact.",
    "team": "Name the team that builds and runs the system.",
    "reviewers": "List who reviewed this assessment, with dates.",
    "lifecycle_stage": "Planning, development, pilot, deployed or retired?",
    "description": "Describe in plain words what the system does and how the model is used.",
    "purpose": "What problem does the system solve, and for whom?",
    "features": "List the system's main features and how people interact with the model output.",
    "geography": "In which countries, regions and languages will the system be used?",
    "deployment_mode": "How is the model deployed (batch scoring, online service, embedded)?",
    "intended_uses": "List each intended use: who uses the output, to decide what.",
    "stakeholders": "List direct and indirect stakeholders, with potential benefits and harms.",
    "human_role": "Who reviews the model's decisions, and can they override them?",
    "restricted_uses": "List uses that must not happen or need extra review.",
    "failure_impact": "What happens to people when the model is wrong? Name the worst case.",
    "misuse_impact": "How could the system be misused, and what would that do to people?",
    "sensitive_uses": "Does the system affect consequential decisions (employment, credit, "
    "housing, health, legal status), risk physical or psychological injury, or threaten "
    "human rights? If so, report it for sensitive-use review.",
    "mitigations": "For each harm, the mitigation planned and who owns it.",
    "sign_off": "Names, roles and dates of the people signing off this assessment.",
}


def check_fields(fields: Any, *, argument: str = "fields") -> dict[str, Any]:
    """Return the impact assessment fields if every key is known and every answer is text.

    Parameters
    ----------
    fields : mapping
        Field name -> an answer: a str, a list or tuple of str (written as a
        bulleted list), or None (left as a TODO).
    argument : str, default="fields"
        Parameter name for the message.

    Returns
    -------
    dict
        The fields.

    Raises
    ------
    ArgumentError
        If a field name is unknown or an answer is not text.
    """
    fields = dict(fields)
    check_names(fields, argument=argument, allowed=FIELDS, what="the impact assessment fields")
    for key, value in fields.items():
        items = value if isinstance(value, list | tuple) else [value]
        if value is not None and not all(isinstance(item, str) for item in items):
            raise ArgumentError(
                f"Impact assessment field {key!r} must be text, a list of texts or None; "
                f"received {describe(value)}. Pass e.g. {key}='...'.",
                argument=argument,
            )
    return fields


def _todo(key: str) -> str:
    return f"> TODO (owner to complete): {FIELDS[key]}"


def _field(fields: dict[str, Any], key: str, *, inline: bool = False) -> str:
    value = fields.get(key)
    if value is None or value == "" or value == []:
        return f"**TODO (owner to complete):** {FIELDS[key]}" if inline else _todo(key)
    if isinstance(value, list | tuple):
        return "\n".join(f"- {md(v)}" for v in value)
    return md(value)


def _fmt(v: Any, digits: int = 3) -> str:
    return "hidden" if v is None else f"{v:.{digits}f}"


def _verdict_table(doc: dict[str, Any]) -> str:
    fair = doc["fairness"]
    ci = f"{100 * fair['ci']:g}%"
    lines = [
        f"| Grouping | Criterion | Measure | Value | {ci} interval | Threshold | Verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in fair["verdicts"]:
        interval = (
            f"{_fmt(v['lower'])} to {_fmt(v['upper'])}"
            if v["lower"] is not None and v["upper"] is not None
            else "n/a"
        )
        rel = "<=" if v["direction"] == "at_most" else ">="
        thr = "none" if v["threshold"] is None else f"{rel} {v['threshold']:g}"
        lines.append(
            f"| {md(v['grouping'])} | {md(v['criterion'])} | {md(v['metric'])} | "
            f"{_fmt(v['value'])} | {interval} | {md(thr)} | **{md(v['status'])}** |"
        )
    return "\n".join(lines)


def impact_markdown(doc: dict[str, Any], **fields: Any) -> str:
    """Write the Impact Assessment for an assessment document.

    Parameters
    ----------
    doc : dict
        :meth:`Assessment.to_dict`.
    **fields
        Human-judgment answers, keys of :data:`FIELDS`.

    Returns
    -------
    str
        Markdown.

    Raises
    ------
    ArgumentError
        If a field name is unknown or an answer is not text.
    """
    fields = check_fields(fields)
    card = doc["model_card"]
    fair = doc["fairness"]
    sec = doc.get("security") or {}
    ea = doc.get("error_analysis")
    name = fields.get("system_name") or doc.get("title") or "the system"
    out: list[str] = [
        f"# Responsible AI Impact Assessment: {md(name)}",
        "",
        "Drafted by rai_toolkit from measured evidence, following the outline of Microsoft's "
        "Responsible AI Impact Assessment Template. Lines starting with **TODO** need the "
        "judgment of the people accountable for the system; measured facts are filled in.",
        "",
        "## 1 System Information",
        "",
        "### 1.1 System profile",
        "",
        "- **System name:** "
        + (md(name) if fields.get("system_name") else _field(fields, "system_name", inline=True)),
        f"- **Owner:** {_field(fields, 'owner', inline=True)}",
        f"- **Team:** {_field(fields, 'team', inline=True)}",
        f"- **Reviewers:** {_field(fields, 'reviewers', inline=True)}",
        f"- **Lifecycle stage:** {_field(fields, 'lifecycle_stage', inline=True)}",
        f"- **Assessment generated:** {md(doc.get('created_at') or 'unknown')} with rai_toolkit "
        f"{md(doc.get('toolkit_version') or '')}",
        "",
        "### 1.2 System description",
        "",
        _field(fields, "description"),
        "",
        f"Measured: the model is a {md(card['model']['type'])}"
        + (f" ({md(' -> '.join(card['model']['steps']))})" if card["model"].get("steps") else "")
        + f" for a {md(card['task'])} task on target `{md(fair['target'])}`, evaluated on "
        f"{card['n_rows']:,} rows with {len(card['features'])} input features. See the "
        f"[data and model card](#model-card).",
        "",
        "### 1.3 System purpose",
        "",
        _field(fields, "purpose"),
        "",
        "### 1.4 System features",
        "",
        _field(fields, "features"),
        "",
        "### 1.5 Geographic areas and languages",
        "",
        _field(fields, "geography"),
        "",
        "### 1.6 Deployment mode",
        "",
        _field(fields, "deployment_mode"),
        "",
        "## 2 Intended Uses",
        "",
        "### 2.1 Intended uses",
        "",
        _field(fields, "intended_uses"),
        "",
        "### 2.2 Stakeholders, potential benefits and potential harms",
        "",
        _field(fields, "stakeholders"),
        "",
        "### 2.3 Fairness considerations",
        "",
        f"Groups compared: {md(', '.join(fair['sensitive_features']))}"
        + (" (each alone and intersectionally)" if len(fair["sensitive_features"]) > 1 else "")
        + f". Intervals are {100 * fair['ci']:g}% bootstrap intervals from {fair['n_boot']} "
        "replicates; a verdict is inconclusive when the interval straddles the threshold or a "
        "group is too small. See [fairness by group](#fairness).",
        "",
        _verdict_table(doc),
        "",
        f"*{md(fair['threshold_note'])}*",
        "",
        "### 2.4 Role of humans",
        "",
        _field(fields, "human_role"),
        "",
        "## 3 Adverse Impact",
        "",
        "### 3.1 Restricted and unsupported uses",
        "",
        _field(fields, "restricted_uses"),
        "",
        "### 3.2 Known limitations",
        "",
    ]
    limits = []
    if ea and ea["cohorts"]:
        if ea["metric"] == "error_rate":
            worst = ea["cohorts"][:3]
            limits.append(
                f"Overall error rate {ea['overall']['error_rate']:.1%}; highest in "
                + "; ".join(
                    f"{md(c['cohort'])} ({c['error_rate']:.1%} of {c['count']:,} rows)"
                    for c in worst
                )
                + ". See [error analysis](#errors)."
            )
        else:
            limits.append(
                f"Overall mean absolute error {ea['overall']['mean_absolute_error']:.4g}; see "
                "[error analysis](#errors)."
            )
    rob = sec.get("robustness")
    if rob:
        limits.append(md(rob["interpretation"]) + " See [security](#security).")
    for note in doc.get("notes", []):
        limits.append(md(note))
    out += [f"- {x}" for x in limits] or ["- No measured limitation recorded."]
    out += [
        "",
        "> TODO (owner to complete): Add limitations known to the team (populations or "
        "conditions the data does not cover, expected drift).",
        "",
        "### 3.3 Potential impact of failure on stakeholders",
        "",
        _field(fields, "failure_impact"),
        "",
        "### 3.4 Potential impact of misuse on stakeholders",
        "",
        _field(fields, "misuse_impact"),
        "",
        "### 3.5 Sensitive uses",
        "",
        _field(fields, "sensitive_uses"),
        "",
        "## 4 Data Requirements",
        "",
        "### 4.1 Data used for this assessment",
        "",
        f"- **Evaluation rows:** {card['n_rows']:,}; columns: {card['n_columns']}; model input "
        f"features: {md(', '.join(card['features']))}.",
    ]
    if card.get("n_train_rows"):
        out.append(f"- **Training rows (for membership inference):** {card['n_train_rows']:,}.")
    out.append(
        "- **Provenance:** "
        + (
            md(card["dataset_description"])
            if card.get("dataset_description")
            else "not given. > TODO (owner to complete): where does the data come from, under "
            "which "
            "licence or consent, and does it represent the people the system will serve?"
        )
    )
    privacy = sec.get("privacy")
    if privacy:
        out.append(f"- **Privacy scan:** {md(privacy['interpretation'])}")
    mia = sec.get("membership")
    if mia:
        out.append(f"- **Membership inference:** {md(mia['interpretation'])}")
    hidden = doc["suppression"]["groups"]
    out.append(
        f"- **Small groups:** groups with fewer than {doc['suppression']['min_cell_size']} rows "
        f"show no numbers in the report; {len(hidden)} cell(s) are hidden"
        + (" (including complementary cells, so that none can be derived)." if hidden else ".")
    )
    out += [
        "",
        "## 5 Summary of Impact",
        "",
        "### 5.1 Potential harms and preliminary mitigations",
        "",
        "| Measured harm | Evidence | Mitigation |",
        "|---|---|---|",
    ]
    harms = []  # (harm, evidence, whether a fairness criterion failed)
    for v in fair["verdicts"]:
        if v["status"] == "fail":
            harms.append(
                (
                    f"{v['criterion'].replace('_', ' ')} not met ({v['grouping']})",
                    f"{v['metric']} = {_fmt(v['value'])}",
                    True,
                )
            )
    if mia and mia["risk"] != "low":
        harms.append(
            ("training data membership can be inferred", f"attack AUC {mia['auc']:.3f}", False)
        )
    if rob and (rob["overall"].get("overall") or 0) > rob["concern_threshold"]:
        harms.append(
            (
                "unstable decisions under small input changes",
                f"{rob['overall']['overall']:.1%} of predictions flip",
                False,
            )
        )
    mitigation = doc.get("mitigation")
    planned = fields.get("mitigations")
    for harm, evidence, criterion_failed in harms:
        fix = "TODO (owner to complete)"
        if mitigation and mitigation.get("constraint") and criterion_failed:
            fix = (
                f"evaluated: {mitigation['mitigator']} for {mitigation['constraint']} "
                "(see [mitigation](#mitigation))"
            )
        out.append(f"| {md(harm)} | {md(evidence)} | {md(fix) if 'TODO' not in fix else fix} |")
    if not harms:
        out.append("| none measured | all measured checks within policy | n/a |")
    out += [
        "",
        _field(fields, "mitigations") if planned else _todo("mitigations"),
        "",
        "### 5.2 Goal applicability",
        "",
        "Responsible AI Standard goals and where this report gives evidence:",
        "",
        "- **Fairness (F1 quality of service, F2 allocation of resources, F3 stereotyping):** "
        "[fairness](#fairness); F3 is not measured by this toolkit.",
        "- **Reliability and safety:** [error analysis](#errors), [robustness](#security).",
        "- **Privacy and security:** [security and privacy](#security).",
        "- **Transparency:** [explanations](#explanations).",
        "- **Inclusiveness and accountability:** human judgment; see the [scorecard](#scorecard).",
        "",
        "> TODO (owner to complete): mark which goals apply to this system and why.",
        "",
        "### 5.3 Sign-off",
        "",
        _field(fields, "sign_off"),
        "",
    ]
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text
