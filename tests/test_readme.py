"""The README's tour runs as written."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_opens_with_the_two_command_quickstart():
    text = (ROOT / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", text, flags=re.S).group(1)
    assert first_block.split() == ["make", "demo", "make", "test"]
    assert text.index("## Quickstart") < text.index("```bash")


@pytest.mark.slow
def test_readme_tour_runs(tmp_path, monkeypatch):
    blocks = _python_blocks()
    assert blocks, "README has no python example"
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(blocks[0], "README.md", "exec"), namespace)  # noqa: S102
    report = namespace["report"]
    assert list(report.verdicts.index)[:2] == ["demographic_parity", "equalized_odds"]
    assert abs(namespace["gap"].contributions.sum() - namespace["gap"].total) < 1e-9
    html = (tmp_path / "adult_report.html").read_text()
    assert "<html" in html.lower() and len(html) < 5_000_000


def test_readme_command_lines_parse():
    """Every ``rai-toolkit`` line of the README names a real command and real options."""
    import importlib

    from rai_toolkit.cli._main import COMMANDS, _command_parser

    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    lines = [
        line.split("#")[0].strip()
        for block in blocks
        for line in block.replace("\\\n", " ").splitlines()
        if line.strip().startswith("rai-toolkit ")
    ]
    assert len(lines) >= 8
    for line in lines:
        argv = [arg.strip("'") for arg in line.split()[1:]]
        assert argv[0] in COMMANDS, line
        parser = _command_parser(argv[0], importlib.import_module(COMMANDS[argv[0]][0]))
        parser.parse_command_line(argv[1:])  # raises UsageError on an unknown option
