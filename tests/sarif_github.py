"""A checker of the SARIF properties GitHub code scanning documents as required or used.

Source: GitHub Docs, "SARIF support for code scanning"
(https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
the top-level ``$schema``/``version``/``runs``; ``tool.driver.name`` (required) and ``version``; each
``reportingDescriptor`` (rule) with ``id`` (required), ``name``, ``shortDescription.text``,
``fullDescription.text``, ``defaultConfiguration.level``, ``help.text``, ``help.markdown``,
``properties.tags``, ``properties.precision`` and ``properties.problem.severity``; each ``result`` with
``ruleId``, ``ruleIndex``, ``level``, ``message.text`` (required), ``locations`` (required, at most 10
used) and ``partialFingerprints``; each ``physicalLocation`` with ``artifactLocation.uri`` (relative to
the repository root or absolute, ``uriBaseId`` resolved by ``originalUriBaseIds``) and ``region``
(``startLine`` required, ``startColumn``, ``endLine``, ``endColumn``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

LEVELS = {"none", "note", "warning", "error"}
PRECISIONS = {"very-high", "high", "medium", "low"}
PROBLEM_SEVERITIES = {"error", "warning", "recommendation"}


def github_sarif_problems(doc: dict[str, Any], repo_root: Path | None = None) -> list[str]:
    """Every way ``doc`` falls short of GitHub's documented SARIF properties; with ``repo_root``, also
    result files that do not exist in the repository (GitHub would attach the alert to nothing)."""
    out: list[str] = []

    def need(cond: bool, what: str) -> None:
        if not cond:
            out.append(what)

    need(doc.get("version") == "2.1.0", "version must be 2.1.0")
    need(isinstance(doc.get("$schema"), str), "$schema missing")
    runs = doc.get("runs")
    need(isinstance(runs, list) and bool(runs), "runs must be a non-empty list")
    for ri, run in enumerate(runs or []):
        driver = run.get("tool", {}).get("driver", {})
        need(bool(driver.get("name")), f"runs[{ri}].tool.driver.name missing")
        need(bool(driver.get("version") or driver.get("semanticVersion")), f"runs[{ri}] driver version missing")
        rules = driver.get("rules", [])
        bases = run.get("originalUriBaseIds", {})
        for k, rule in enumerate(rules):
            at = f"rule {rule.get('id', k)}"
            need(bool(rule.get("id")), f"{at}: id missing")
            need(bool(rule.get("name")) and rule.get("name") != rule.get("id"), f"{at}: name missing or same as id")
            need(bool(rule.get("shortDescription", {}).get("text")), f"{at}: shortDescription.text missing")
            need(bool(rule.get("fullDescription", {}).get("text")), f"{at}: fullDescription.text missing")
            need(rule.get("defaultConfiguration", {}).get("level") in LEVELS, f"{at}: defaultConfiguration.level")
            help_ = rule.get("help", {})
            need(bool(help_.get("text")), f"{at}: help.text missing")
            need("```" not in help_.get("text", ""), f"{at}: help.text holds Markdown fences")
            need(bool(help_.get("markdown")), f"{at}: help.markdown missing")
            props = rule.get("properties", {})
            need(props.get("precision") in PRECISIONS, f"{at}: properties.precision")
            need(props.get("problem.severity") in PROBLEM_SEVERITIES, f"{at}: properties.problem.severity")
            need(isinstance(props.get("tags", []), list), f"{at}: properties.tags must be a list")
        for k, res in enumerate(run.get("results", [])):
            at = f"result {k} ({res.get('ruleId')})"
            need(bool(res.get("ruleId")), f"{at}: ruleId missing")
            idx = res.get("ruleIndex")
            need(isinstance(idx, int) and 0 <= idx < len(rules) and rules[idx].get("id") == res.get("ruleId"),
                 f"{at}: ruleIndex does not point at its rule")
            need(res.get("level", "warning") in LEVELS, f"{at}: level")
            need(bool(res.get("message", {}).get("text")), f"{at}: message.text missing")
            fps = res.get("partialFingerprints")
            need(isinstance(fps, dict) and bool(fps) and all(isinstance(v, str) for v in fps.values()),
                 f"{at}: partialFingerprints missing")
            locs = res.get("locations")
            need(isinstance(locs, list) and 1 <= len(locs) <= 10, f"{at}: locations must hold 1 to 10 items")
            for loc in locs or []:
                phys = loc.get("physicalLocation", {})
                art = phys.get("artifactLocation", {})
                uri = art.get("uri", "")
                need(bool(uri), f"{at}: artifactLocation.uri missing")
                need("://" not in uri and not uri.startswith("/"), f"{at}: uri {uri!r} is not relative to the repository")
                base = art.get("uriBaseId")
                need(base is None or base in bases, f"{at}: uriBaseId {base!r} not in originalUriBaseIds")
                region = phys.get("region", {})
                start, end = region.get("startLine", 0), region.get("endLine", region.get("startLine", 0))
                need(isinstance(start, int) and start >= 1, f"{at}: region.startLine")
                need(isinstance(end, int) and end >= start, f"{at}: region.endLine")
                need(region.get("startColumn", 1) >= 1 and region.get("endColumn", 2) > 0, f"{at}: region columns")
                need("endLine" in region and "endColumn" in region, f"{at}: region.endLine/endColumn missing")
                if repo_root is not None and uri:
                    need((repo_root / unquote(uri)).is_file(), f"{at}: {uri} does not exist in the repository")
                need(quote(unquote(uri), safe="/") == uri, f"{at}: uri {uri!r} is not percent-encoded (RFC 3986)")
    return out
