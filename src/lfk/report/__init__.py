"""Formatters for findings (text, json, github, sarif, junit): one registry shared by every command."""

from lfk.report.formatters import FORMATTERS, RuleMeta, format_findings

__all__ = ["FORMATTERS", "RuleMeta", "format_findings"]
