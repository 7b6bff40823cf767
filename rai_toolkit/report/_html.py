"""The self-contained HTML report: one file, inline CSS and SVG, no script, no request.

Everything is rendered from the assessment document (:meth:`Assessment.to_dict`),
which already has small groups suppressed. Every string that comes from data or
from the caller goes through :func:`~rai_toolkit.report._svg.esc`
(``html.escape(..., quote=True)``), in text, attributes and SVG alike. The page
has a Content-Security-Policy that forbids scripts and every network fetch, as a
second line of defence.
"""

from __future__ import annotations

import math
from typing import Any

from rai_toolkit._page import SELF_CONTAINED, standalone_page
from rai_toolkit.report._markdown import markdown_to_html
from rai_toolkit.report._suppression import SUPPRESSED
from rai_toolkit.report._svg import Bar, Threshold, bar_chart, esc

__all__ = ["render_fragment", "render_html"]


_CSS = """
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--accent:#0b4f8a;
--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#cf222e;--fail-bg:#ffebe9;--warn:#9a6700;
--warn-bg:#fff8c5;--info:#0969da;--info-bg:#ddf4ff;--na:#6e7781;--na-bg:#eaeef2}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;color:var(--ink);background:#fff;line-height:1.5;
font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}
.page{max-width:1060px;margin:0 auto;padding:28px 32px 64px}
header.top{border-bottom:3px solid var(--accent);padding-bottom:14px;margin-bottom:8px}
header.top .kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.75rem;
color:var(--muted);
font-weight:600}
h1{font-size:1.9rem;margin:.15em 0 .2em;line-height:1.2}
h2{font-size:1.35rem;margin:2.2em 0 .6em;padding-bottom:.25em;border-bottom:1px solid var(--line)}
h3{font-size:1.08rem;margin:1.6em 0 .5em}
h4{font-size:.98rem;margin:1.2em 0 .4em}
p{margin:.5em 0}
.meta{color:var(--muted);font-size:.88rem}
nav.toc{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.85rem;margin:10px 0 0}
nav.toc a{color:var(--accent);text-decoration:none}
nav.toc a:hover{text-decoration:underline}
a{color:var(--accent)}
table{border-collapse:collapse;width:100%;margin:.6em 0 1em;font-size:.86rem}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top;text-align:left}
thead th{background:var(--soft);font-weight:600;border-bottom:2px solid var(--line)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.ci,span.ci{color:var(--muted);font-size:.76rem;text-align:right;white-space:nowrap;
font-variant-numeric:tabular-nums}
span.ci{display:block;font-weight:400}
tr.hidden td{color:var(--na);font-style:italic;background:repeating-linear-gradient(
-45deg,#fff,#fff 6px,#f3f4f6 6px,#f3f4f6 12px)}
tr.overall td{font-weight:600;background:var(--soft)}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:.76rem;font-weight:600;
white-space:nowrap;border:1px solid transparent}
.badge.pass,.badge.meets-policy{color:var(--pass);background:var(--pass-bg);border-color:#aceebb}
.badge.fail,.badge.concern{color:var(--fail);background:var(--fail-bg);border-color:#ffcecb}
.badge.inconclusive{color:var(--warn);background:var(--warn-bg);border-color:#f5e0a0}
.badge.human-review{color:var(--info);background:var(--info-bg);border-color:#b6e3ff}
.badge.not-assessed,.badge.suppressed{color:var(--na);background:var(--na-bg);border-color:#d0d7de}
.badge.present{color:var(--pass);background:var(--pass-bg)}
.badge.partial{color:var(--warn);background:var(--warn-bg)}
.badge.missing{color:var(--fail);background:var(--fail-bg)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:10px;
margin:12px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fff}
.card .name{font-weight:600;font-size:.9rem}
.card .detail{color:var(--muted);font-size:.8rem;margin-top:4px}
.card.fail{border-left:4px solid var(--fail)}
.card.pass{border-left:4px solid var(--pass)}
.card.inconclusive{border-left:4px solid var(--warn)}
.headline{border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:14px 0;
background:var(--soft)}
.headline strong.verdict{font-size:1.05rem}
ul.findings li{margin:.3em 0}
.note{border-left:4px solid var(--warn);background:var(--warn-bg);padding:8px 12px;margin:10px 0;
font-size:.88rem}
.info{border-left:4px solid var(--info);background:var(--info-bg);padding:8px 12px;margin:10px 0;
font-size:.88rem}
blockquote{margin:.6em 0;padding:6px 12px;border-left:4px solid var(--line);color:var(--muted)}
blockquote.todo{border-left-color:var(--info);background:var(--info-bg);color:var(--ink)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;
background:var(--soft);padding:0 3px;border-radius:3px}
.impact{border:1px solid var(--line);border-radius:8px;padding:4px 18px 12px}
.impact h2{border:none;font-size:1.2rem;margin-top:1.4em}
.impact h1{font-size:1.3rem}
.figure{margin:8px 0 14px;overflow-x:auto}
svg.chart{max-width:100%;height:auto;font-family:inherit}
svg.chart text{font-size:12px;fill:var(--ink)}
svg.chart text.tick,svg.chart text.axis,svg.chart text.legend{fill:var(--muted);font-size:11px}
svg.chart text.note{fill:var(--na);font-style:italic}
svg.chart text.value{fill:var(--muted);font-size:11px}
svg.chart line.grid{stroke:#eaeef2}
svg.chart line.zero{stroke:#8c959f}
svg.chart line.threshold{stroke:var(--fail);stroke-dasharray:5 3;stroke-width:1.5}
svg.chart line.reference{stroke:#57606a;stroke-dasharray:2 2;stroke-width:1.2}
svg.chart rect.bar{fill:#4c78a8}
svg.chart rect.bar.pass{fill:#2da44e}
svg.chart rect.bar.fail{fill:#cf222e}
svg.chart rect.bar.inconclusive{fill:#bf8700}
svg.chart rect.bar.positive{fill:#c2410c}
svg.chart rect.bar.negative{fill:#2563eb}
svg.chart rect.bar.muted{fill:#afb8c1}
svg.chart path.whisker{stroke:#24292f;stroke-width:1.3;fill:none}
.two{display:grid;grid-template-columns:1fr 1fr;gap:16px}
footer{margin-top:48px;border-top:1px solid var(--line);padding-top:10px;color:var(--muted);
font-size:.8rem}
@media (max-width:760px){.two{grid-template-columns:1fr}.page{padding:16px}}
@media print{
  html{font-size:11pt}.page{max-width:none;padding:0}nav.toc{display:none}
  h2{break-before:page;border-bottom-color:#999}section#summary h2{break-before:auto}
  table,figure,.figure,.card,.headline{break-inside:avoid}
  a{color:inherit;text-decoration:none}
  .badge,tr.hidden td,thead th,.note,.info,tr.overall td{-webkit-print-color-adjust:exact;
  print-color-adjust:exact}
}
"""

# notebook view: only scoped rules, so the notebook's own styles are untouched
_FRAGMENT_CSS = """
.rai-assessment .badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:.8em;
font-weight:600}
.rai-assessment .badge.pass,.rai-assessment .badge.meets-policy{color:#1a7f37;background:#dafbe1}
.rai-assessment .badge.fail,.rai-assessment .badge.concern{color:#cf222e;background:#ffebe9}
.rai-assessment .badge.inconclusive{color:#9a6700;background:#fff8c5}
.rai-assessment .badge.human-review{color:#0969da;background:#ddf4ff}
.rai-assessment .badge.not-assessed{color:#6e7781;background:#eaeef2}
.rai-assessment .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));
gap:8px;margin:8px 0}
.rai-assessment .card{border:1px solid #d1d9e0;border-radius:6px;padding:6px 10px}
.rai-assessment .card .detail,.rai-assessment .meta{color:#59636e;font-size:.85em}
"""

_SECTIONS = (
    ("summary", "Summary"),
    ("fairness", "Fairness by group"),
    ("attribution", "Disparity attribution"),
    ("explanations", "Explanations"),
    ("errors", "Error analysis"),
    ("model-card", "Data and model card"),
    ("security", "Security and privacy"),
    ("mitigation", "Mitigation"),
    ("scorecard", "Responsible AI scorecard"),
    ("impact", "Impact assessment"),
    ("evidence", "Regulatory evidence"),
    ("limitations", "Limitations and thresholds"),
)

_METRIC_LABELS = {
    "count": "Rows",
    "base_rate": "Base rate",
    "selection_rate": "Selection rate",
    "accuracy": "Accuracy",
    "balanced_accuracy": "Balanced accuracy",
    "precision": "Precision",
    "true_positive_rate": "TPR",
    "false_positive_rate": "FPR",
    "true_negative_rate": "TNR",
    "false_negative_rate": "FNR",
    "false_discovery_rate": "FDR",
    "false_omission_rate": "FOR",
    "f1": "F1",
    "roc_auc": "ROC AUC",
    "brier_score": "Brier",
    "calibration_error": "Calib. error",
}
_TABLE_METRICS = (
    "base_rate", "selection_rate", "accuracy", "true_positive_rate", "false_positive_rate",
    "precision", "roc_auc", "calibration_error",
)  # fmt: skip
_CHART_METRICS = ("selection_rate", "true_positive_rate", "false_positive_rate")


def _slug(value: Any) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in str(value).lower()).strip("-") or "x"


def _badge(status: Any) -> str:
    text = str(status) if status is not None else "n/a"
    return f'<span class="badge {esc(_slug(text))}">{esc(text)}</span>'


def _num(v: Any, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "n/a"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return f"{v:.{digits}f}"


def _pct(v: Any) -> str:
    return "n/a" if v is None else f"{v:.1%}"


def _interval(lo: Any, hi: Any) -> str:
    if lo is None or hi is None:
        return ""
    return f"[{_num(lo)}, {_num(hi)}]"


def _table(head: list[tuple[str, bool]], rows: list[str], cls: str = "") -> str:
    ths = "".join(f"<th{' class=num' if num else ''}>{esc(h)}</th>" for h, num in head)
    return (
        f'<table class="{cls}"><thead><tr>{ths}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _label(group: dict[str, Any], grouping: dict[str, Any]) -> str:
    if grouping["name"] == "intersectional":
        return ", ".join(f"{f}={v}" for f, v in zip(grouping["features"], group["labels"]))
    return str(group["labels"][0])


# ----------------------------------------------------------------------- sections
def _summary(doc: dict[str, Any]) -> str:
    fair = doc["fairness"]
    by_criterion: dict[str, list[dict[str, Any]]] = {}
    for v in fair["verdicts"]:
        by_criterion.setdefault(v["criterion"], []).append(v)
    cards = []
    worst_overall = "pass"
    for criterion, rows in by_criterion.items():
        statuses = [r["status"] for r in rows]
        status = (
            "fail"
            if "fail" in statuses
            else "inconclusive"
            if "inconclusive" in statuses
            else "pass"
        )
        if status == "fail" or (status == "inconclusive" and worst_overall == "pass"):
            worst_overall = status
        detail = "; ".join(f"{r['grouping']}: {r['status']}" for r in rows)
        cards.append(
            f'<div class="card {esc(status)}"><div class="name">'
            f"{esc(criterion.replace('_', ' ').capitalize())} {_badge(status)}</div>"
            f'<div class="detail">{esc(detail)}</div></div>'
        )
    headline = {
        "fail": "At least one fairness criterion fails at the agreed thresholds.",
        "inconclusive": "No criterion fails, but some cannot be decided from this data.",
        "pass": "Every fairness criterion passes at the agreed thresholds.",
    }[worst_overall]
    card = doc["scorecard"]
    mini = "".join(
        f'<div class="card"><div class="name"><a href="#{esc(r["anchor"])}">{esc(r["title"])}</a>'
        f" {_badge(r['status'])}</div></div>"
        for r in card
    )
    findings = "".join(f"<li>{esc(f)}</li>" for f in doc["findings"]) or "<li>No finding.</li>"
    notes = "".join(f'<div class="note">{esc(n)}</div>' for n in doc.get("notes", []))
    return (
        '<section id="summary"><h2>Summary</h2>'
        f'<div class="headline"><strong class="verdict">Fairness: {_badge(worst_overall)} '
        f"{esc(headline)}</strong><br><span class=meta>Thresholds are policy choices; see "
        f'<a href="#limitations">what they mean</a>.</span></div>'
        f'<div class="cards">{"".join(cards)}</div>'
        f"<h3>Top findings</h3><ul class=findings>{findings}</ul>"
        f'<h3>Responsible AI principles</h3><div class="cards">{mini}</div>{notes}</section>'
    )


def _group_table(grouping: dict[str, Any], task: str, ci: float) -> str:
    metrics = [m for m in _TABLE_METRICS if m in grouping["metrics"]]
    if task == "regression":
        metrics = list(grouping["metrics"])[:8]
    head = [("Group", False), ("Rows", True)]
    head += [(_METRIC_LABELS.get(m, m), True) for m in metrics]
    rows = []
    for g in grouping["groups"]:
        label = esc(_label(g, grouping))
        if g["suppressed"]:
            cells = f'<td class="num">{SUPPRESSED}</td>' + "".join(
                f'<td class="num">{SUPPRESSED}</td>' for _ in metrics
            )
            rows.append(f'<tr class="hidden"><td>{label}</td>{cells}</tr>')
            continue
        small = " <span class=badge>small</span>" if g.get("small") else ""
        cells = f'<td class="num">{_num(g["count"])}</td>' + "".join(
            _value_cell(g["metrics"].get(m), g["lower"].get(m), g["upper"].get(m)) for m in metrics
        )
        rows.append(f"<tr><td>{label}{small}</td>{cells}</tr>")
    o = grouping["overall"]
    cells = f'<td class="num">{_num(o["count"]) if o["count"] is not None else SUPPRESSED}</td>'
    cells += "".join(
        _value_cell(o["metrics"].get(m), o["lower"].get(m), o["upper"].get(m)) for m in metrics
    )
    rows.append(f'<tr class="overall"><td>All rows</td>{cells}</tr>')
    return _table(head, rows, "groups") + (
        f'<p class="meta">Each value with its {100 * ci:g}% bootstrap interval below it.</p>'
    )


def _value_cell(value: Any, lower: Any, upper: Any) -> str:
    interval = _interval(lower, upper)
    sub = f'<span class="ci">{esc(interval)}</span>' if interval else ""
    return f'<td class="num">{_num(value)}{sub}</td>'


def _group_chart(grouping: dict[str, Any], metric: str, ci: float) -> str:
    bars = []
    for g in grouping["groups"]:
        if g["suppressed"]:
            bars.append(Bar(_label(g, grouping), None, note=f"{SUPPRESSED} (small group)"))
        else:
            bars.append(
                Bar(
                    _label(g, grouping),
                    g["metrics"].get(metric),
                    g["lower"].get(metric),
                    g["upper"].get(metric),
                )
            )
    overall = grouping["overall"]["metrics"].get(metric)
    lines = (
        [Threshold(overall, f"all rows: {_num(overall)}", "reference")]
        if overall is not None
        else []
    )
    name = _METRIC_LABELS.get(metric, metric)
    return bar_chart(
        bars,
        title=f"{name} by {grouping['name']} with {100 * ci:g}% intervals",
        axis_label=f"{name} ({100 * ci:g}% bootstrap interval as whiskers)",
        domain=(0.0, 1.0),
        lines=lines,
        width=500,
    )


def _disparity_chart(grouping: dict[str, Any], ci: float, direction: str = "at_most") -> str:
    bars, lines = [], []
    verdicts = [v for v in grouping["verdicts"] if v["direction"] == direction]
    if not verdicts:
        return ""
    for v in verdicts:
        label = v["criterion"].replace("_", " ")
        if v["value"] is None:
            bars.append(Bar(label, None, note=f"{SUPPRESSED} (involves a small group)"))
            continue
        bars.append(Bar(label, v["value"], v["lower"], v["upper"], tone=v["status"]))
    thresholds = sorted({v["threshold"] for v in verdicts if v["threshold"] is not None})
    for t in thresholds:
        crit = [v["criterion"].replace("_", " ") for v in verdicts if v["threshold"] == t]
        lines.append(Threshold(t, f"threshold {t:g}: {', '.join(crit)}"))
    if direction == "at_most":
        return bar_chart(
            bars,
            title=f"Disparities by {grouping['name']} against thresholds",
            axis_label=(
                "worst group's error; lower is better"
                if all(v["criterion"] == "bounded_group_loss" for v in verdicts)
                else "gap between groups (worst group's error for calibration); lower is fairer"
            ),
            lines=lines,
        )
    return bar_chart(
        bars,
        title=f"Ratios by {grouping['name']} against thresholds",
        axis_label="lowest / highest group rate; 1 means equal",
        lines=lines,
        domain=(0.0, 1.0),
    )


def _verdict_table(grouping: dict[str, Any], ci: float) -> str:
    rows = []
    for v in grouping["verdicts"]:
        rel = "\u2264" if v["direction"] == "at_most" else "\u2265"
        thr = "none" if v["threshold"] is None else f"{rel} {v['threshold']:g}"
        value = SUPPRESSED if v["suppressed"] else _num(v["value"])
        rows.append(
            f"<tr><td>{esc(v['criterion'].replace('_', ' '))}</td><td>{esc(v['metric'])}</td>"
            f'<td class="num">{esc(value)}</td>'
            f'<td class="ci">{esc(_interval(v["lower"], v["upper"]))}</td>'
            f'<td class="num">{esc(thr)}</td><td>{_badge(v["status"])}</td>'
            f"<td>{esc(v['reason'] or '')}</td></tr>"
        )
    head = [("Criterion", False), ("Measure", False), ("Value", True), (f"{100 * ci:g}% CI", True),
            ("Threshold", True), ("Verdict", False), ("Why", False)]  # fmt: skip
    return _table(head, rows)


def _fairness(doc: dict[str, Any]) -> str:
    fair = doc["fairness"]
    ci = fair["ci"]
    out = [
        '<section id="fairness"><h2>Fairness by group</h2>',
        f"<p>Target <code>{esc(fair['target'])}</code>"
        + (
            f", favourable outcome <code>{esc(fair['pos_label'])}</code>"
            if fair.get("pos_label") is not None
            else ""
        )
        + f"; {fair['n_rows']:,} rows; {100 * ci:g}% intervals from {fair['n_boot']} bootstrap "
        + (
            "replicates. mean_target and mean_prediction are group averages of the outcome and "
            "of the model's prediction; mae and rmse are the model's errors in the group.</p>"
            if fair.get("task") == "regression"
            else "replicates. The selection rate is the share of people the model predicts the "
            "favourable outcome for; TPR is the share of truly positive people it finds; FPR the "
            "share of truly negative people it wrongly selects.</p>"
        ),
        '<div id="fairness-groups"></div>',
    ]
    if doc["suppression"]["groups"]:
        out.append(
            f'<div class="info">Groups with fewer than {doc["suppression"]["min_cell_size"]} rows '
            "read <em>suppressed</em>, and so do further groups where needed so that no hidden "
            'number can be worked out from the shown ones (see <a href="#limitations">'
            "limitations</a>).</div>"
        )
    for grouping in fair["groupings"]:
        gid = f"fairness-{_slug(grouping['name'])}"
        cls = "" if grouping.get("class") is None else f" (class {grouping['class']})"
        title = (
            "Intersectional groups (" + " \u00d7 ".join(grouping["features"]) + ")"
            if grouping["name"] == "intersectional"
            else f"By {grouping['name']}"
        )
        out.append(f'<h3 id="{esc(gid)}">{esc(title + cls)}</h3>')
        out.append(_group_table(grouping, fair["task"], ci))
        if fair["task"] != "regression":
            charts = [m for m in _CHART_METRICS if m in grouping["metrics"]][:2]
            out.append(
                '<div class="figure two">'
                + "".join(f"<div>{_group_chart(grouping, m, ci)}</div>" for m in charts)
                + "</div>"
            )
        out.append("<h4>Disparities and verdicts</h4>")
        out.append(
            _figure(_disparity_chart(grouping, ci), _disparity_chart(grouping, ci, "at_least"))
        )
        out.append(_verdict_table(grouping, ci))
    if fair["warnings"]:
        out.append("".join(f'<div class="note">{esc(w)}</div>' for w in fair["warnings"]))
    out.append("</section>")
    return "".join(out)


def _attribution(doc: dict[str, Any]) -> str:
    ex = doc.get("explanations")
    out = ['<section id="attribution"><h2>Disparity attribution</h2>']
    if not ex or not ex["disparity"]:
        out.append(
            "<p>Not available: explanations were not computed, or fewer than two groups are "
            "large enough to show.</p></section>"
        )
        return "".join(out)
    out.append(
        "<p>Which features make the model's average output differ between two groups? The gap "
        "in mean model output is split exactly into one contribution per feature (SHAP values "
        "are additive). A feature can contribute because the groups differ in it - it may be a "
        "legitimate factor or a proxy. This describes the model, not the world: it is not a "
        "causal claim.</p>"
    )
    for feature, gap in ex["disparity"].items():
        a, b = gap["groups"]
        out.append(
            f'<h3 id="attribution-{esc(_slug(feature))}">{esc(feature)}: {esc(a)} vs {esc(b)}</h3>'
        )
        means = gap["group_means"]
        out.append(
            f"<p>Mean model output ({esc(gap['output'])}): {esc(a)} {_num(means.get(a))}, "
            f"{esc(b)} {_num(means.get(b))}; gap {_num(gap['total'])}. Positive contributions "
            f"raise {esc(a)}'s output relative to {esc(b)}.</p>"
        )
        bars = [
            Bar(
                t["feature"],
                t["contribution"],
                tone="positive" if (t["contribution"] or 0) >= 0 else "negative",
            )
            for t in gap["top_contributions"]
        ]
        if abs(gap.get("other_contribution") or 0) > 0:
            bars.append(Bar("(all other features)", gap["other_contribution"], tone="muted"))
        bars.append(Bar("total gap", gap["total"], tone="neutral"))
        out.append(
            _figure(
                bar_chart(
                    bars,
                    title=f"Contributions to the gap between {a} and {b}",
                    axis_label=f"contribution to the gap in mean {gap['output']}",
                )
            )
        )
    out.append("</section>")
    return "".join(out)


def _figure(*charts: str) -> str:
    return '<div class="figure">' + "".join(charts) + "</div>"


def _explanations(doc: dict[str, Any]) -> str:
    ex = doc.get("explanations")
    out = ['<section id="explanations"><h2>Explanations</h2>']
    if not ex:
        out.append("<p>Not computed (see the notes in the summary).</p></section>")
        return "".join(out)
    out.append(
        f"<p>SHAP values ({esc(ex['method'])}: {esc(ex['detail'])}) in the model's "
        f"<code>{esc(ex['output'])}</code> output for {ex['n_rows']:,} rows; each row's values "
        f"plus the base value {_num(ex['base_value'])} add up to the model output (largest "
        f"deviation {ex['additivity_error']:.1e}). Importance is the mean absolute SHAP value: "
        "how much a feature moves predictions on average, in either direction.</p>"
    )
    items = list(ex["global_importance"].items())
    bars = [Bar(k, v) for k, v in items[:15]]
    out.append(
        _figure(
            bar_chart(
                bars,
                title="Global feature importance (mean |SHAP|)",
                axis_label=f"mean |SHAP value| ({ex['output']})",
            )
        )
    )
    if len(items) > 15:
        out.append(f"<p class=meta>{len(items) - 15} further features not shown.</p>")
    out.append("</section>")
    return "".join(out)


def _errors(doc: dict[str, Any]) -> str:
    ea = doc.get("error_analysis")
    out = ['<section id="errors"><h2>Error analysis</h2>']
    if not ea:
        return "".join(out) + "<p>Not computed.</p></section>"
    s = ea["settings"]
    classification = ea["metric"] == "error_rate"
    overall = ea["overall"]
    if classification:
        out.append(
            f"<p>Overall, the model is wrong on {overall['errors']:,} of {overall['n']:,} rows "
            f"({_pct(overall['error_rate'])}). Below are the cohorts - one or two conditions on "
            f"the features - where it errs most, ranked by the lower end of the 95% interval of "
            f"their error rate, so that a small cohort with a few unlucky errors does not outrank "
            f"a large one that is reliably worse. Every cohort of one or two conditions with at "
            f"least {max(s['min_cohort_size'], s['min_cell_size'])} rows was searched "
            f"({ea['n_cohorts_found']:,} qualified); numeric features are cut into "
            f"{s['n_bins']} quantile bins.</p>"
        )
    else:
        out.append(
            f"<p>Overall mean absolute error {_num(overall['mean_absolute_error'], 4)} on "
            f"{overall['n']:,} rows; cohorts ranked by mean absolute error.</p>"
        )
    cohorts = ea["cohorts"][:12]
    if not cohorts:
        out.append("<p>No cohort is large enough to list.</p></section>")
        return "".join(out)
    if classification:
        bars = [
            Bar(
                c["cohort"],
                c["error_rate"],
                c["lower"],
                c["upper"],
                tone="fail" if c.get("significant") else "neutral",
            )
            for c in cohorts
        ]
        out.append(
            _figure(
                bar_chart(
                    bars,
                    title="Error rate of the worst cohorts",
                    axis_label="error rate (95% Wilson interval); red: significantly above overall",
                    lines=[
                        Threshold(
                            overall["error_rate"],
                            f"overall {_pct(overall['error_rate'])}",
                            "reference",
                        )
                    ],
                    domain=(0.0, max(c["upper"] for c in cohorts)),
                )
            )
        )
        head = [("Cohort", False), ("Rows", True), ("Errors", True), ("Error rate", True),
                ("95% CI", True), ("x overall", True), ("Share of all errors", True)]  # fmt: skip
        rows = [
            f"<tr><td>{esc(c['cohort'])}</td><td class=num>{_num(c['count'])}</td>"
            f"<td class=num>{_num(c['errors'])}</td><td class=num>{_pct(c['error_rate'])}</td>"
            f"<td class=ci>{esc(_interval(c['lower'], c['upper']))}</td>"
            f"<td class=num>{_num(c['lift'], 2)}</td>"
            f"<td class=num>{_pct(c['error_share'])}</td></tr>"
            for c in cohorts
        ]
    else:
        head = [("Cohort", False), ("Rows", True), ("MAE", True), ("x overall", True)]
        rows = [
            f"<tr><td>{esc(c['cohort'])}</td><td class=num>{_num(c['count'])}</td>"
            f"<td class=num>{_num(c['mean_absolute_error'], 4)}</td>"
            f"<td class=num>{_num(c['lift'], 2)}</td></tr>"
            for c in cohorts
        ]
    out.append(_table(head, rows))
    out.append("</section>")
    return "".join(out)


def _model_card(doc: dict[str, Any]) -> str:
    card = doc["model_card"]
    model = card["model"]
    settings = doc["settings"]
    arrow = " \u2192 "
    facts = [
        ("Model", model["type"] + (f" ({arrow.join(model['steps'])})" if model["steps"] else "")),
        ("Estimator", model.get("estimator") or "n/a"),
        ("Task", card["task"]),
        ("Evaluation rows", f"{card['n_rows']:,}"),
        (
            "Training rows",
            "not given" if card.get("n_train_rows") is None else f"{card['n_train_rows']:,}",
        ),
        ("Columns in data", str(card["n_columns"])),
        ("Model input features", f"{len(card['features'])}: {', '.join(card['features'])}"),
        ("Target", settings["target"]),
        ("Sensitive features", ", ".join(settings["sensitive_features"])),
        ("Base rate", _num(card.get("base_rate"))),
        ("Dataset provenance", card.get("dataset_description") or "not given"),
        ("Bootstrap replicates", str(settings["n_boot"])),
        ("Random seed", str(settings["random_state"])),
        ("Minimum cell size shown", str(settings["min_cell_size"])),
    ]
    params = model.get("parameters") or {}
    if params:
        facts.append(("Estimator parameters", ", ".join(f"{k}={v}" for k, v in params.items())))
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in facts)
    return (
        '<section id="model-card"><h2>Data and model card</h2>'
        f'<table class="facts"><tbody>{rows}</tbody></table>'
        "<p class=meta>No row of the data is included in this report.</p></section>"
    )


def _security(doc: dict[str, Any]) -> str:
    sec = doc.get("security") or {}
    out = ['<section id="security"><h2>Security and privacy</h2>']
    if sec.get("model_source"):
        out.append(f"<p><strong>Model file:</strong> {esc(sec['model_source'])}</p>")
    out.append(
        "<p><strong>This report:</strong> one self-contained file without scripts or links "
        "that load anything; groups with fewer than "
        f"{doc['suppression']['min_cell_size']} rows show no numbers.</p>"
    )
    privacy = sec.get("privacy")
    out.append('<h3 id="security-privacy">Personal data in the evaluation data</h3>')
    if privacy:
        out.append(f"<p>{esc(privacy['interpretation'])}</p>")
        if privacy["findings"]:
            rows = [
                f"<tr><td>{esc(f['column'])}</td><td>{esc(f['kind'])}</td>"
                f"<td>{esc(f['evidence'])}</td><td class=num>{_pct(f['share'])}</td>"
                f"<td>{esc(f['recommendation'])}</td></tr>"
                for f in privacy["findings"]
            ]
            out.append(
                _table(
                    [
                        ("Column", False),
                        ("Kind", False),
                        ("Evidence", False),
                        ("Share of values", True),
                        ("Recommendation", False),
                    ],
                    rows,
                )
            )
    else:
        out.append("<p>Not run.</p>")
    mia = sec.get("membership")
    out.append('<h3 id="security-membership">Membership inference</h3>')
    if mia:
        ci = mia.get("auc_ci")
        out.append(
            f"<p>{_badge(mia['risk'] + ' risk')} Attack AUC {_num(mia['auc'])}"
            + (f" [{_num(ci[0])}, {_num(ci[1])}]" if ci else "")
            + f"; advantage {_num(mia['advantage'])}; at {mia['low_fpr']:.0%} false positives "
            f"it finds {_pct(mia['tpr_at_low_fpr'])} of training rows.</p>"
            f"<p>{esc(mia['interpretation'])}</p>"
        )
    else:
        out.append("<p>Not run (needs the training rows).</p>")
    rob = sec.get("robustness")
    out.append('<h3 id="security-robustness">Robustness to small perturbations</h3>')
    if rob:
        out.append(f"<p>{esc(rob['interpretation'])}</p>")
        feats = [f for f in rob["by_feature"] if f.get("flip_rate") is not None][:10]
        if feats:
            bars = [Bar(f["feature"], f["flip_rate"]) for f in feats]
            out.append(
                _figure(
                    bar_chart(
                        bars,
                        title="Share of predictions that flip, by perturbed feature",
                        axis_label="flip rate",
                    )
                )
            )
        rows = []
        for r in rob["by_group"]:
            if r["suppressed"]:
                rows.append(
                    f'<tr class="hidden"><td>{esc(r["sensitive_feature"])}</td>'
                    f"<td>{esc(r['group'])}</td><td class=num>{SUPPRESSED}</td>"
                    f"<td class=num>{SUPPRESSED}</td></tr>"
                )
            else:
                rows.append(
                    f"<tr><td>{esc(r['sensitive_feature'])}</td><td>{esc(r['group'])}</td>"
                    f"<td class=num>{_num(r['count'])}</td>"
                    f"<td class=num>{_pct(r['overall'])}</td></tr>"
                )
        if rows:
            out.append(
                _table(
                    [
                        ("Sensitive feature", False),
                        ("Group", False),
                        ("Rows", True),
                        ("Flip rate", True),
                    ],
                    rows,
                )
            )
    else:
        out.append("<p>Not run.</p>")
    out.append("</section>")
    return "".join(out)


def _mitigation(doc: dict[str, Any]) -> str:
    m = doc.get("mitigation")
    if not m:
        return (
            '<section id="mitigation"><h2>Mitigation</h2><p>No mitigation was evaluated. '
            "<code>rai_toolkit.mitigate</code> can compare fairness-constrained alternatives; "
            "pass the result as <code>assess(..., mitigation=result)</code>.</p></section>"
        )
    out = [
        '<section id="mitigation"><h2>Mitigation</h2>',
        f"<p>{esc(m['mitigator'])} ({esc(m['method'])}) constraining {esc(m['constraint'])}, "
        f"optimising {esc(m['objective'])}; trained on {_num(m['n_train'])} rows, compared on "
        f"{_num(m['n_test'])} held-out rows.</p>",
    ]
    if m.get("comparison"):
        rows = [
            f"<tr><td>{esc(c['measure'])}</td><td class=num>{_num(c['before'])}</td>"
            f"<td class=ci>{esc(_interval(c.get('before_lower'), c.get('before_upper')))}</td>"
            f"<td class=num>{_num(c['after'])}</td>"
            f"<td class=ci>{esc(_interval(c.get('after_lower'), c.get('after_upper')))}</td>"
            f"<td class=num>{_num(c['change'])}</td></tr>"
            for c in m["comparison"]
        ]
        out.append(
            _table(
                [
                    ("Measure", False),
                    ("Before", True),
                    ("CI", True),
                    ("After", True),
                    ("CI", True),
                    ("Change", True),
                ],
                rows,
            )
        )
    if m.get("tradeoff"):
        rows = [
            f"<tr><td>{esc(t['candidate'])}"
            f"{' <strong>(selected)</strong>' if t['selected'] else ''}"
            f"</td><td>{esc(t['kind'])}</td><td class=num>{_num(t['objective'])}</td>"
            f"<td class=num>{_num(t['disparity'])}</td><td>{'yes' if t['pareto'] else ''}</td></tr>"
            for t in m["tradeoff"][:20]
        ]
        out.append("<h3>Trade-off between accuracy and disparity</h3>")
        out.append(
            _table(
                [
                    ("Candidate", False),
                    ("Kind", False),
                    ("Objective", True),
                    ("Disparity", True),
                    ("Pareto-optimal", False),
                ],
                rows,
            )
        )
    for n in m.get("notes") or []:
        out.append(f'<div class="note">{esc(n)}</div>')
    out.append("</section>")
    return "".join(out)


def _scorecard(doc: dict[str, Any]) -> str:
    rows = [
        f"<tr><td><strong>{esc(r['title'])}</strong></td><td>{_badge(r['status'])}</td>"
        f'<td>{esc(r["evidence"])}</td><td><a href="#{esc(r["anchor"])}">evidence</a></td></tr>'
        for r in doc["scorecard"]
    ]
    return (
        '<section id="scorecard"><h2>Responsible AI scorecard</h2>'
        "<p>Microsoft's six Responsible AI principles. A status is given only where something "
        "was measured; inclusiveness and accountability depend on people and process, so they "
        "are marked for <em>human review</em>, not scored.</p>"
        + _table([("Principle", False), ("Status", False), ("Evidence", False), ("", False)], rows)
        + "</section>"
    )


def _impact(doc: dict[str, Any]) -> str:
    body = markdown_to_html(doc["impact_assessment"], heading_offset=1, id_prefix="impact-")
    return (
        '<section id="impact"><h2>Impact assessment (draft)</h2>'
        "<p>Drafted from the measurements above; the boxes marked TODO need the people "
        "accountable for the system. The same text is available as Markdown "
        "(<code>impact_assessment()</code>).</p>"
        f'<div class="impact">{body}</div></section>'
    )


def _evidence(doc: dict[str, Any]) -> str:
    ev = doc.get("regulatory_evidence")
    if not ev:
        return ""
    where = (
        "the files of this evidence bundle"
        if ev["in_bundle"]
        else "the report and the evidence bundle that <code>to_bundle()</code> writes"
    )
    sources = "; ".join(f"{s['framework']}: {s['reference']}" for s in ev["sources"])
    rows = [
        f"<tr><td>{esc(i['framework'])}</td><td>{esc(i['item'])}</td>"
        f"<td>{'<br>'.join(f'<code>{esc(e)}</code>' for e in i['evidence'])}</td>"
        f"<td>{_badge(i['status'])}</td><td>{esc(i['note'])}</td></tr>"
        for i in ev["items"]
    ]
    return (
        '<section id="evidence"><h2>Regulatory evidence</h2>'
        f"<p>Where {where} answer each item of the EU AI Act's technical documentation on "
        "validation and testing and of the NIST AI Risk Management Framework's fairness "
        f"measure ({esc(sources)}). <em>Human review</em> marks what only the people "
        "accountable for the system can supply.</p>"
        + _table(
            [
                ("Framework", False),
                ("Item", False),
                ("Evidence", False),
                ("Status", False),
                ("Note", False),
            ],  # fmt: skip
            rows,
        )
        + "</section>"
    )


def _limitations(doc: dict[str, Any]) -> str:
    fair = doc["fairness"]
    thresholds = "".join(
        f"<tr><td>{esc(k.replace('_', ' '))}</td><td class=num>"
        f"{esc('none' if v is None else f'{v:g}')}</td></tr>"
        for k, v in fair["thresholds"].items()
    )
    k = doc["suppression"]["min_cell_size"]
    return (
        '<section id="limitations"><h2>Limitations and what the thresholds mean</h2>'
        f"<p><strong>Thresholds are policy choices.</strong> {esc(fair['threshold_note'])}</p>"
        + _table([("Criterion", False), ("Threshold", True)], [thresholds])
        + "<ul>"
        "<li><strong>The four-fifths rule</strong> (disparate impact ratio \u2265 0.8) comes from "
        "US employment selection guidance. It is a rule of thumb for adverse impact in hiring, "
        "not a test of fairness elsewhere, and it ignores sampling error; read it with the "
        "interval, and agree a threshold for your context.</li>"
        "<li><strong>Criteria conflict.</strong> When base rates differ between groups, a model "
        "cannot in general satisfy demographic parity, equalized odds and predictive parity at "
        "once; choose the criterion that matches the harm you want to prevent.</li>"
        f"<li><strong>Intervals.</strong> {esc(fair.get('bootstrap') or 'Bootstrap intervals.')} "
        "A verdict is <em>inconclusive</em> when the interval straddles the threshold or a group "
        f"has fewer than {fair['min_group_size']} rows.</li>"
        "<li><strong>Measured on this data only.</strong> Results describe the model on these "
        "rows; they can change with another population or over time. Labels may themselves be "
        "biased.</li>"
        "<li><strong>Explanations are not causes.</strong> SHAP values describe how the model "
        "uses features, not why outcomes differ in the world; correlated features share credit "
        "in ways that depend on the explainer.</li>"
        f"<li><strong>Small groups.</strong> Groups with fewer than {k} rows show no counts or "
        "rates. Further cells are hidden so that, over every table consistent with the shown "
        f"counts (overall, per feature and intersectional), each hidden small group's size "
        f"spans at least {k} possible values; disparities and verdict values are hidden when a "
        "hidden group holds the extreme value. Error cohorts never name a hidden group and leave "
        f"at least {k} rows when removed from their parent. Not protected: when all hidden "
        "groups together have no positive outcome (or only positive ones), their rates follow "
        "from the totals.</li>"
        "<li><strong>Error analysis</strong> searches cohorts of one or two conditions "
        "exhaustively (not a tree); cohorts of three or more conditions are not searched.</li>"
        "</ul></section>"
    )


def _body(doc: dict[str, Any]) -> str:
    return "".join(
        [
            _summary(doc),
            _fairness(doc),
            _attribution(doc),
            _explanations(doc),
            _errors(doc),
            _model_card(doc),
            _security(doc),
            _mitigation(doc),
            _scorecard(doc),
            _impact(doc),
            _evidence(doc),
            _limitations(doc),
        ]
    )


def render_html(doc: dict[str, Any]) -> str:
    """Render the assessment document as one self-contained HTML page.

    Reads :meth:`Assessment.to_dict` only; returns the page.
    """
    settings = doc["settings"]
    toc = "".join(f'<a href="#{sid}">{esc(name)}</a>' for sid, name in _SECTIONS)
    subtitle = (
        f"Target <code>{esc(settings['target'])}</code> \u00b7 sensitive features "
        f"{esc(', '.join(settings['sensitive_features']))} \u00b7 "
        f"{doc['model_card']['n_rows']:,} rows \u00b7 {esc(doc['model_card']['model']['type'])}"
    )
    body = (
        '<div class="page"><header class="top"><div class="kicker">Responsible AI report</div>'
        f"<h1>{esc(doc['title'])}</h1><div class=meta>{subtitle}</div>"
        f"<div class=meta>Generated {esc(doc.get('created_at') or '')} by rai_toolkit "
        f"{esc(doc.get('toolkit_version') or '')}</div>"
        f'<nav class="toc">{toc}</nav></header>'
        f"{_body(doc)}"
        f"<footer>Generated by rai_toolkit. {SELF_CONTAINED} Numbers of groups smaller than "
        f"{doc['suppression']['min_cell_size']} rows are suppressed.</footer></div>"
    )
    return standalone_page(title=doc["title"], css=_CSS, body=body, images=True)


def render_fragment(doc: dict[str, Any]) -> str:
    """Render a compact notebook view: summary, scorecard and verdicts.

    Reads :meth:`Assessment.to_dict` only; returns an HTML fragment with its own scoped styles.
    """
    return (
        f'<div class="rai-assessment"><style>{_FRAGMENT_CSS}</style>'
        f"<h3>{esc(doc['title'])}</h3>{_summary(doc)}{_scorecard(doc)}"
        "<p class=meta>Call <code>.to_html(path)</code> for the full report.</p></div>"
    )
