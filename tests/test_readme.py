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
