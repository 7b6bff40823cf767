"""A small, safe Markdown-to-HTML converter for the report's own Markdown.

It supports exactly what :func:`~rai_toolkit.report.impact_assessment` writes:
ATX headings, paragraphs, ``-`` lists, ``>`` block quotes, pipe tables,
``**bold**``, ``*italic*``, ``` `code` ``` and ``[text](#anchor)`` links to
anchors inside the report. All text is HTML-escaped first and links are
restricted to in-page anchors, so no Markdown input can inject markup, script
or a request to another server.
"""

from __future__ import annotations

import html
import re

__all__ = ["escape_markdown", "markdown_to_html"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST = re.compile(r"^\s*[-*]\s+(.*)$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


_ESCAPABLE = "\\`*_[]()#>|-!"


def _inline(text: str) -> str:
    # backslash escapes become private-use placeholders, restored after the markup pass
    stash: list[str] = []
    text = text.replace("\ue000", "").replace("\ue001", "")

    def keep(m: re.Match[str]) -> str:
        stash.append(m.group(1))
        return f"\ue000{len(stash) - 1}\ue001"

    text = re.sub(r"\\([\\`*_\[\]()#>|\-!])", keep, text)
    out = html.escape(text, quote=True)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<![*\w])\*([^*\s][^*]*)\*(?![*\w])", r"<em>\1</em>", out)
    # in-page anchors only: [text](#id) with a safe id
    out = re.sub(r"\[([^\]]+)\]\((#[A-Za-z][\w-]*)\)", r'<a href="\2">\1</a>', out)
    return re.sub(
        "\ue000(\\d+)\ue001", lambda m: html.escape(stash[int(m.group(1))], quote=True), out
    )


def escape_markdown(text: object) -> str:
    """Backslash-escape Markdown syntax in a value written into Markdown.

    Parameters
    ----------
    text : object
        Converted with ``str``; newlines become spaces.

    Returns
    -------
    str
        Text that renders literally.
    """
    value = " ".join(str(text).split())
    return "".join("\\" + ch if ch in _ESCAPABLE else ch for ch in value)


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)]


def _heading_id(text: str, prefix: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return f"{prefix}{slug}" if slug else prefix.rstrip("-")


def markdown_to_html(text: str, *, heading_offset: int = 0, id_prefix: str = "md-") -> str:
    """Convert the supported Markdown subset to HTML.

    Parameters
    ----------
    text : str
        Markdown.
    heading_offset : int, default=0
        Added to every heading level (``#`` becomes ``<h{1 + offset}>``), capped at 6.
    id_prefix : str, default="md-"
        Prefix of the ids given to headings.

    Returns
    -------
    str
        HTML, with every piece of text escaped.
    """
    lines = text.splitlines()
    out: list[str] = []
    para: list[str] = []
    i = 0

    def flush() -> None:
        if para:
            out.append(f"<p>{_inline(' '.join(s.strip() for s in para))}</p>")
            para.clear()

    while i < len(lines):
        line = lines[i]
        if not line.strip():
            flush()
            i += 1
            continue
        m = _HEADING.match(line)
        if m:
            flush()
            level = min(len(m.group(1)) + heading_offset, 6)
            title = m.group(2)
            hid = html.escape(_heading_id(title, id_prefix), quote=True)
            out.append(f'<h{level} id="{hid}">{_inline(title)}</h{level}>')
            i += 1
            continue
        if line.lstrip().startswith(">"):
            flush()
            quoted = []
            while i < len(lines) and lines[i].lstrip().startswith(">"):
                quoted.append(lines[i].lstrip()[1:].strip())
                i += 1
            body = _inline(" ".join(quoted))
            cls = ' class="todo"' if quoted and quoted[0].upper().startswith("TODO") else ""
            out.append(f"<blockquote{cls}><p>{body}</p></blockquote>")
            continue
        if _LIST.match(line):
            flush()
            items = []
            while i < len(lines) and (
                _LIST.match(lines[i]) or (items and lines[i].startswith("  ") and lines[i].strip())
            ):
                m2 = _LIST.match(lines[i])
                if m2 and not lines[i].startswith("    "):
                    items.append(m2.group(1))
                else:
                    items[-1] += " " + lines[i].strip()
                i += 1
            out.append("<ul>" + "".join(f"<li>{_inline(t)}</li>" for t in items) + "</ul>")
            continue
        if "|" in line and i + 1 < len(lines) and _TABLE_SEP.match(lines[i + 1]):
            flush()
            header = _cells(line)
            i += 2
            body_rows = []
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                body_rows.append(_cells(lines[i]))
                i += 1
            head = "".join(f"<th>{_inline(c)}</th>" for c in header)
            rows = "".join(
                "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>"
                for row in body_rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
            continue
        para.append(line)
        i += 1
    flush()
    return "\n".join(out)
