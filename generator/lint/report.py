"""Reporters: turn lint results into text, JSON, SARIF 2.1.0 or GitHub annotations.

Pure formatting: returns strings, never prints; the CLI chooses where they go.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from generator import __version__
from generator.errors import SiteError
from generator.lint.findings import Finding, LintResult, Suppression
from generator.lint.rules import RuleSet, load_rules

TOOL_NAME = "dermsite-safety-lint"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/dermsite/dermsite/blob/main/docs/safety-lint.md"


def blocking_errors(result: LintResult) -> list[SiteError]:
    """The blocking findings of one result as SiteErrors, one per sentence, for the build."""
    return [SiteError(group[0].path, group[0].line, group[0].column, sentence_message(group),
                      sentence_hint(group))
            for group in by_sentence(result.blocking)]


def by_sentence(findings: Iterable[Finding]) -> list[list[Finding]]:
    """Findings grouped by the sentence they flag (its position and status), in order."""
    groups: dict[tuple[str, int, int, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.path, f.line, f.column, _status(f)), []).append(f)
    return list(groups.values())


def sentence_message(group: Sequence[Finding]) -> str:
    """"unsafe at-home step: burning or freezing the skin (diy-burn-freeze), … — “excerpt”"."""
    acts = ", ".join(f"{f.act or f.message} ({f.rule})" for f in group)
    return f"unsafe at-home step: {acts} — “{group[0].excerpt}”"


def sentence_hint(group: Sequence[Finding]) -> str:
    """The warning advice once, then each rule's own advice."""
    hints = list(dict.fromkeys(f.hint for f in group))
    shared = hints[0].split("; ", 1)[0]
    if len(hints) > 1 and all(h.startswith(shared + "; ") for h in hints):
        return "; ".join([shared, *(h.removeprefix(shared + "; ") for h in hints)])
    return "; ".join(hints)


def _status(finding: Finding) -> str:
    if finding.suppressed:
        return "suppressed"
    if finding.covered:
        return "covered"
    return finding.severity


def _unused_text(sup: Suppression) -> str:
    what = f"allow {', '.join(sup.rules)}" if sup.rules else "comment"
    problem = sup.problem or "suppresses nothing"
    return f"safety-lint {what} {problem}"


def format_text(results: Sequence[LintResult], show_covered: bool = False) -> str:
    """Readable report: one ``path:line:col:`` entry per flagged sentence, naming every rule
    it breaks, and per other problem (GCC/Vale style); a summary counting sentences."""
    out: list[str] = []
    counts = {"blocking": 0, "covered": 0, "suppressed": 0}
    for result in results:
        entries: list[tuple[int, int, str]] = []
        for group in by_sentence(result.findings):
            f = group[0]
            counts["blocking" if f.blocking else ("suppressed" if f.suppressed else "covered")] += 1
            if f.blocking or show_covered:
                text = f"{f.path}:{f.line}:{f.column}: {_status(f)}: {sentence_message(group)}"
                if f.blocking:
                    text += f"\n    hint: {sentence_hint(group)}"
                entries.append((f.line, f.column, text))
        for sup in result.unused_suppressions:
            entries.append((sup.line, sup.column,
                            f"{sup.path}:{sup.line}:{sup.column}: warning: {_unused_text(sup)}"))
        if show_covered:
            for sup in result.suppressions:
                if not sup.problem and sup not in result.unused_suppressions:
                    entries.append((sup.line, sup.column,
                                    f"{sup.path}:{sup.line}:{sup.column}: note: suppression "
                                    f"allow {', '.join(sup.rules)} — {sup.reason}"))
        for err in result.errors:
            entries.append((err.line, err.column, err.format()))
        out.extend(text for _, _, text in sorted(entries, key=lambda e: (e[0], e[1])))
    files = len(results)
    summary = (f"{files} file{'s' if files != 1 else ''} checked: {counts['blocking']} uncovered, "
               f"{counts['covered']} covered, {counts['suppressed']} suppressed")
    out.append(summary)
    return "\n".join(out) + "\n"


def _finding_dict(f: Finding) -> dict:
    return {
        "path": f.path, "line": f.line, "column": f.column, "rule": f.rule,
        "severity": f.severity, "covered": f.covered, "suppressed": f.suppressed,
        "excerpt": f.excerpt, "message": f.message, "hint": f.hint, "act": f.act,
    }


def format_json(results: Sequence[LintResult], show_covered: bool = True) -> str:
    """The contract §6 JSON object; covered and suppressed findings carry their flags.

    ``show_covered=False`` keeps only blocking findings.
    """
    findings = [f for r in results for f in r.findings if show_covered or f.blocking]
    data = {
        "version": 1,
        "files_checked": len(results),
        "findings": [_finding_dict(f) for f in findings],
        "unused_suppressions": [
            {"path": s.path, "line": s.line, "column": s.column, "rules": list(s.rules),
             "reason": s.reason, "problem": s.problem or "suppresses nothing"}
            for r in results for s in r.unused_suppressions
        ],
        "errors": [
            {"path": e.path, "line": e.line, "column": e.column, "message": e.message,
             "hint": e.hint}
            for r in results for e in r.errors
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", rule_id))


def _uri(path: str) -> str:
    return quote(path.replace("\\", "/"), safe="/:@-._~")


def _fingerprint(f: Finding) -> str:
    digest = hashlib.sha256(f"{f.path}\0{f.rule}\0{' '.join(f.excerpt.split())}".encode())
    return digest.hexdigest()[:32]


def format_sarif(results: Sequence[LintResult], show_covered: bool = True,
                 rules: RuleSet | None = None) -> str:
    """A SARIF 2.1.0 log: blocking findings are errors, covered ones notes, suppressions kept."""
    rules = rules or load_rules()
    index = {rule.id: n for n, rule in enumerate(rules.rules)}
    sarif_results = []
    for result in results:
        for f in result.findings:
            if not (show_covered or f.blocking):
                continue
            entry: dict = {
                "ruleId": f.rule,
                "level": "note" if f.covered and not f.blocking else (
                    f.severity if f.severity in ("error", "warning", "note") else "error"),
                "message": {"text": f"{f.message} — “{f.excerpt}”. Fix: {f.hint}"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": _uri(f.path)},
                    "region": {"startLine": f.line, "startColumn": f.column,
                               "snippet": {"text": f.excerpt}},
                }}],
                "partialFingerprints": {"safetyLint/v1": _fingerprint(f)},
                "properties": {"covered": f.covered},
            }
            if f.rule in index:
                entry["ruleIndex"] = index[f.rule]
            if f.suppressed:
                reasons = [s.reason for s in result.suppressions
                           if f.rule in s.rules and not s.problem]
                entry["suppressions"] = [{"kind": "inSource", "status": "accepted",
                                          "justification": reasons[0] if reasons else ""}]
            sarif_results.append(entry)
    notifications = [
        {"level": "error", "message": {"text": e.message},
         "locations": [_location(e.path, e.line, e.column)]}
        for r in results for e in r.errors
    ] + [
        {"level": "warning", "message": {"text": _unused_text(s)},
         "locations": [_location(s.path, s.line, s.column)]}
        for r in results for s in r.unused_suppressions
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [{
                    "id": rule.id,
                    "name": _pascal(rule.id),
                    "shortDescription": {"text": rule.message},
                    "help": {"text": rule.hint},
                    "defaultConfiguration": {"level": rule.severity},
                } for rule in rules.rules],
            }},
            "invocations": [{"executionSuccessful": not any(r.errors for r in results),
                             "toolExecutionNotifications": notifications}],
            "results": sarif_results,
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _location(path: str, line: int, column: int) -> dict:
    region = {"startLine": line} if line else {}
    if line and column:
        region["startColumn"] = column
    physical: dict = {"artifactLocation": {"uri": _uri(path)}}
    if region:
        physical["region"] = region
    return {"physicalLocation": physical}


def escape_data(text: str) -> str:
    """GitHub workflow-command message escaping: %, CR, LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub workflow-command property escaping: as data, plus ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, path: str, line: int, column: int, title: str, message: str) -> str:
    props = [f"file={escape_property(path)}"]
    if line:
        props.append(f"line={line}")
        if column:
            props.append(f"col={column}")
    props.append(f"title={escape_property(title)}")
    return f"::{kind} {','.join(props)}::{escape_data(message)}"


def format_github(results: Sequence[LintResult], show_covered: bool = False) -> str:
    """GitHub Actions workflow annotations: ``::error file=…,line=…,col=…,title=…::message``."""
    lines: list[str] = []
    for result in results:
        for f in result.findings:
            if f.blocking:
                lines.append(_command("error", f.path, f.line, f.column, f"safety-lint {f.rule}",
                                      f"{f.message} — “{f.excerpt}”\nhint: {f.hint}"))
            elif show_covered:
                lines.append(_command("notice", f.path, f.line, f.column,
                                      f"safety-lint {f.rule} ({_status(f)})",
                                      f"{f.message} — “{f.excerpt}”"))
        for s in result.unused_suppressions:
            lines.append(_command("warning", s.path, s.line, s.column,
                                  "safety-lint unused suppression", _unused_text(s)))
        for e in result.errors:
            lines.append(_command("error", e.path, e.line, e.column, "safety-lint input error",
                                  e.message + (f"\nhint: {e.hint}" if e.hint else "")))
    return "".join(line + "\n" for line in lines)


def count_blocking(results: Iterable[LintResult]) -> int:
    """How many findings fail the build across ``results``."""
    return sum(len(r.blocking) for r in results)
