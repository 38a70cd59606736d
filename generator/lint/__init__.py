"""The safety lint: finds unsafe DIY instructions without a warning (shared/SAFETY_LINT.md).

``lint_text`` is the stage function; reporters live in ``generator.lint.report``.
"""

from generator.lint.engine import lint_text
from generator.lint.findings import Finding, LintResult, Suppression
from generator.lint.rules import RuleSet, load_rules

__all__ = ["Finding", "LintResult", "RuleSet", "Suppression", "lint_text", "load_rules"]
