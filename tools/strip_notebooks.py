"""Strip outputs and execution counts from notebooks/ (run before committing)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def strip(path: Path) -> bool:
    """Strip one notebook in place; return True when it changed."""
    nb = nbformat.read(path, as_version=4)
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count):
            cell.outputs, cell.execution_count = [], None
            changed = True
        if cell.metadata.pop("execution", None) is not None:
            changed = True
    if changed:
        nbformat.write(nb, path)
    return changed


def main() -> int:
    """Strip every notebook under notebooks/."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if strip(path):
            print(f"stripped {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
