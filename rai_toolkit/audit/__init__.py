"""Regulatory bias audits: NYC Local Law 144 and the EEOC's four-fifths rule.

* :func:`bias_audit` - selection or scoring rates and impact ratios per
  category of each dimension (sex, race/ethnicity, ...) and of their
  intersection, with bootstrap intervals; ``standard="eeoc"`` adds the
  four-fifths verdict, a Fisher exact test and the shortfall.
* :class:`BiasAudit` - the result: ``.table``, ``.intervals``, ``.unknown``,
  and ``.to_html()``, ``.to_json()``, ``.to_markdown()``.
"""

from __future__ import annotations

from rai_toolkit.audit._bias_audit import bias_audit
from rai_toolkit.audit._result import BiasAudit

__all__ = ["BiasAudit", "bias_audit"]
