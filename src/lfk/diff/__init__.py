"""``lfk diff``: the semantic difference between two revisions of a register (clause 13, 动态管理).

``diff_revisions(repo_or_root, a, b=None, units=..., kinds=...) -> DiffResult`` compares two git
revisions (``b`` None: the working tree) without checking anything out; ``DiffResult.to_json()``
is the stable machine form (documented in ``lfk.diff.result``); ``lfk.diff.render`` turns a
result into text, markdown or a standalone HTML report.
"""

from lfk.diff.compare import FieldChange, diff_values, match_renames
from lfk.diff.engine import default_revisions, diff_revisions, resolve_root
from lfk.diff.result import KINDS, SCHEMA, Change, DiffResult, GradeMove, Problem, SideInfo

__all__ = [
    "KINDS", "SCHEMA", "Change", "DiffResult", "FieldChange", "GradeMove", "Problem", "SideInfo",
    "default_revisions", "diff_revisions", "diff_values", "match_renames", "resolve_root",
]
