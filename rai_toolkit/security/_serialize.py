"""Turn result values into plain JSON-safe Python objects for ``to_dict()``."""

from __future__ import annotations

from rai_toolkit._io import frame_records, json_safe

__all__ = ["json_safe", "frame_records"]
