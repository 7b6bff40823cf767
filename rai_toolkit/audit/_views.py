"""Views of a bias audit: one self-contained HTML page, a notebook fragment and Markdown.

Every view reads the audit document (:meth:`BiasAudit.to_dict`) and never
recomputes. Every string that comes from data or from the caller is escaped:
``html.escape(..., quote=True)`` in HTML, and in Markdown the table syntax
(``|``, line breaks) plus ``<``, ``>`` and ``&`` as entities, so that a
category label cannot inject markup where the Markdown is rendered.
"""

from __future__ import annotations

import math
from typing import Any

from rai_toolkit._page import SELF_CONTAINED, markdown_cell, markdown_table, standalone_page
from rai_toolkit._page import esc as _esc

__all__ = ["render_fragment", "render_html", "render_markdown"]


_CSS = """
body{margin:0;color:#1f2328;background:#fff;line-height:1.5;
font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}
.page{max-width:1000px;margin:0 auto;padding:28px 32px 56px}
header{border-bottom:3px solid #0b4f8a;padding-bottom:12px}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.75rem;color:#59636e;font-weight:600}
h1{font-size:1.8rem;margin:.15em 0}
h2{font-size:1.25rem;margin:1.8em 0 .5em;border-bottom:1px solid #d1d9e0;padding-bottom:.2em}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em;font-size:.88rem}
th,td{padding:5px 8px;border-bottom:1px solid #d1d9e0;text-align:left;vertical-align:top}
thead th{background:#f6f8fa;border-bottom:2px solid #d1d9e0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
span.ci{display:block;color:#59636e;font-size:.76rem}
tr.reference td{font-weight:600}
.badge{display:inline-block;padding:0 8px;border-radius:999px;font-size:.76rem;font-weight:600}
.badge.fail{color:#cf222e;background:#ffebe9}.badge.pass{color:#1a7f37;background:#dafbe1}
.badge.small{color:#6e7781;background:#eaeef2}
.meta{color:#59636e;font-size:.88rem}
.note{border-left:4px solid #9a6700;background:#fff8c5;padding:8px 12px;margin:10px 0}
footer{margin-top:40px;border-top:1px solid #d1d9e0;padding-top:10px;color:#59636e;
font-size:.8rem}
"""

_FRAGMENT_CSS = """
.rai-audit .badge{display:inline-block;padding:0 7px;border-radius:999px;font-size:.8em}
.rai-audit .badge.fail{color:#cf222e;background:#ffebe9}
.rai-audit .badge.pass{color:#1a7f37;background:#dafbe1}
.rai-audit .badge.small{color:#6e7781;background:#eaeef2}
.rai-audit .meta{color:#59636e;font-size:.85em}
"""


def _pct(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{100 * value:.1f}%"


def _ratio(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{value:.2f}"


def _p(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.3g}" if value >= 0.001 else f"{value:.1e}"


def _interval(lower: Any, upper: Any, fmt: Any) -> str:
    if lower is None or upper is None:
        return ""
    return f"[{fmt(lower)}, {fmt(upper)}]"


def _rate_label(doc: dict[str, Any]) -> tuple[str, str]:
    if doc["method"] == "scoring_rate":
        return "Scored above median", "Scoring rate"
    return "Selected", "Selection rate"


def _dimension_rows(doc: dict[str, Any], dimension: str) -> list[dict[str, Any]]:
    return [r for r in doc["rows"] if r["dimension"] == dimension]


def _dimensions(doc: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(r["dimension"] for r in doc["rows"]))


def _facts(doc: dict[str, Any]) -> list[tuple[str, str]]:
    method = (
        f"scoring rate: share of rows with {doc['outcome_column']} strictly above the median "
        f"score of all rows ({doc['median_score']:g})"
        if doc["method"] == "scoring_rate"
        else f"selection rate: share of rows with {doc['outcome_column']} = 1"
    )
    unknown = ", ".join(f"{d}: {n:,}" for d, n in doc["unknown"].items())
    small = [f"{r['dimension']}: {r['category']}" for r in doc["rows"] if r["small_category"]]
    exclusion = (
        f"{len(small)} flagged ({'; '.join(small)}), all kept in the choice of the highest rate"
        if small
        else "none"
    )
    if doc["exclude_small"]:
        listed = "; ".join(
            f"{d}: {', '.join(c) or 'none'}" for d, c in doc["excluded_from_reference"].items()
        )
        exclusion = (
            f"categories under {doc['small_share']:.0%} of the rows are kept out of the "
            f"highest-rate reference ({listed}). Justification: {doc['exclusion_justification']}"
        )
    return [
        ("Standard", doc["standard_name"]),
        ("Audit date", doc["date"]),
        ("Data source", f"{doc['data_source']} data"),
        ("Rate", method),
        ("Rows audited", f"{doc['n_rows']:,}"),
        ("Unknown category (not in the rates)", unknown),
        ("Small categories (under 2% of rows)", exclusion),
        ("Intervals", doc["bootstrap"]["method"]),
        ("Generated", f"{doc['created_at']} by rai_toolkit {doc['toolkit_version']}"),
    ]


def _html_table(doc: dict[str, Any], dimension: str) -> str:
    selected_label, rate_label = _rate_label(doc)
    eeoc = doc["standard"] == "eeoc"
    head = ["Category", "Applicants", selected_label, rate_label, "Impact ratio"]
    if eeoc:
        head += ["Four-fifths", "Fisher p-value", "Shortfall"]
    numeric = {"Applicants", selected_label, rate_label, "Impact ratio", "Fisher p-value",
               "Shortfall"}  # fmt: skip
    ths = "".join(f"<th{' class=num' if h in numeric else ''}>{_esc(h)}</th>" for h in head)
    reference = doc["reference"].get(dimension)
    body = []
    for r in _dimension_rows(doc, dimension):
        flags = ' <span class="badge small">under 2%</span>' if r["small_category"] else ""
        if r["category"] == reference:
            flags += ' <span class="meta">(highest rate)</span>'
        rate_ci = _interval(r["rate_lower"], r["rate_upper"], _pct)
        ratio_ci = _interval(r["impact_ratio_lower"], r["impact_ratio_upper"], _ratio)
        cells = [
            f"<td>{_esc(r['category'])}{flags}</td>",
            f"<td class=num>{r['applicants']:,}</td>",
            f"<td class=num>{r['selected']:,}</td>",
            f"<td class=num>{_pct(r['rate'])}<span class=ci>{_esc(rate_ci)}</span></td>",
            f"<td class=num>{_ratio(r['impact_ratio'])}<span class=ci>{_esc(ratio_ci)}</span></td>",
        ]
        if eeoc:
            verdict = r["four_fifths"] or "n/a"
            cells += [
                f'<td><span class="badge {_esc(verdict)}">{_esc(verdict)}</span></td>',
                f"<td class=num>{_esc(_p(r['p_value']))}</td>",
                f"<td class=num>{r['shortfall']:,}</td>",
            ]
        cls = ' class="reference"' if r["category"] == reference else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _explanation(doc: dict[str, Any]) -> str:
    text = (
        "<p>The impact ratio is a category's rate divided by the highest rate among the "
        "categories of the same dimension. Rates are shown rounded to 0.1% and impact ratios to "
        "two decimals; the JSON document carries the exact values. Each interval is shown "
        "below its value.</p>"
    )
    if doc["standard"] == "eeoc":
        text += (
            "<p><strong>Four-fifths rule</strong> (29 CFR 1607.4(D)): a rate below four fifths "
            "of the highest rate is generally regarded as evidence of adverse impact; "
            "<em>shortfall</em> is the number of further selections the category would need to "
            "reach four fifths. The p-value is a two-sided Fisher exact test of the category "
            "against the highest-rate category. A rule of thumb and a test are evidence for a "
            "person to weigh, not a finding of discrimination.</p>"
        )
    return text


def _tables(doc: dict[str, Any]) -> str:
    parts = []
    for dimension in _dimensions(doc):
        parts.append(f"<h2>{_esc(dimension)}</h2>")
        parts.append(_html_table(doc, dimension))
    return "".join(parts)


def render_html(doc: dict[str, Any]) -> str:
    """Render the audit document as one self-contained HTML page.

    Reads :meth:`BiasAudit.to_dict` only; returns the page: inline CSS, no script, no request.
    """
    title = doc["title"] or "Bias audit"
    facts = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in _facts(doc))
    notes = "".join(f'<div class="note">{_esc(n)}</div>' for n in doc["notes"])
    body = (
        f'<div class=page><header><div class="kicker">{_esc(doc["standard_name"])}</div>'
        f"<h1>{_esc(title)}</h1><div class=meta>Audit date {_esc(doc['date'])}</div></header>"
        f"<table><tbody>{facts}</tbody></table>{notes}{_explanation(doc)}{_tables(doc)}"
        f"<footer>Generated by rai_toolkit. {SELF_CONTAINED}</footer></div>"
    )
    return standalone_page(title=title, css=_CSS, body=body)


def render_fragment(doc: dict[str, Any]) -> str:
    """Render a compact notebook view of the audit.

    Reads :meth:`BiasAudit.to_dict` only; returns an HTML fragment with scoped styles.
    """
    title = doc["title"] or "Bias audit"
    unknown = ", ".join(f"{d}: {n:,}" for d, n in doc["unknown"].items())
    return (
        f'<div class="rai-audit"><style>{_FRAGMENT_CSS}</style>'
        f"<h3>{_esc(title)} ({_esc(doc['standard'])}, {_esc(doc['date'])})</h3>"
        f"<p class=meta>{doc['n_rows']:,} rows; unknown category: {_esc(unknown)}</p>"
        f"{_tables(doc)}"
        "<p class=meta>Call <code>.to_html(path)</code> for the full document.</p></div>"
    )


# ----------------------------------------------------------------------------- Markdown
def render_markdown(doc: dict[str, Any]) -> str:
    """Render the audit document as Markdown.

    Reads :meth:`BiasAudit.to_dict` only; returns a heading, the facts, one table per dimension and
    the notes.
    """
    selected_label, rate_label = _rate_label(doc)
    eeoc = doc["standard"] == "eeoc"
    lines = [f"# {markdown_cell(doc['title'] or 'Bias audit')}", ""]
    lines += [f"- **{k}:** {markdown_cell(v)}" for k, v in _facts(doc)]
    for note in doc["notes"]:
        lines.append(f"- **Note:** {markdown_cell(note)}")
    head = ["Category", "Applicants", selected_label, rate_label, "Rate interval",
            "Impact ratio", "Ratio interval", "Under 2%"]  # fmt: skip
    if eeoc:
        head += ["Four-fifths", "Fisher p-value", "Shortfall"]
    for dimension in _dimensions(doc):
        lines += ["", f"## {markdown_cell(dimension)}", ""]
        reference = doc["reference"].get(dimension)
        rows = []
        for r in _dimension_rows(doc, dimension):
            name = markdown_cell(r["category"])
            if r["category"] == reference:
                name = f"**{name}** (highest rate)"
            cells = [
                name,
                f"{r['applicants']:,}",
                f"{r['selected']:,}",
                _pct(r["rate"]),
                _interval(r["rate_lower"], r["rate_upper"], _pct),
                _ratio(r["impact_ratio"]),
                _interval(r["impact_ratio_lower"], r["impact_ratio_upper"], _ratio),
                "yes" if r["small_category"] else "",
            ]
            if eeoc:
                cells += [r["four_fifths"] or "n/a", _p(r["p_value"]), f"{r['shortfall']:,}"]
            rows.append(cells)
        lines += markdown_table(head, rows, numeric=True)
    lines += [
        "",
        "Impact ratio: the category's rate divided by the highest rate of its dimension. "
        "Rates are rounded to 0.1% and ratios to two decimals; the JSON document carries the "
        "exact values.",
        "",
    ]
    return "\n".join(lines)
