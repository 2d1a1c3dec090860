"""权力运行流程图: DOT text of each flow, rendered by graphviz in few processes, cached by digest.

The library returns DOT text and rendered bytes; only the CLI (``lfk render``) writes files.
"""

from lfk.render.api import RenderedFlow, collect_dots, render_register
from lfk.render.dot import GRADE_COLORS, flow_dot, iter_flows
from lfk.render.engine import DotNotFound, RenderCache, RenderError, cache_key, dot_binary, render_dots
from lfk.render.escape import html_text, safe_id, wrap
from lfk.render.paths import LongestPath, back_edges, longest_path

__all__ = [
    "GRADE_COLORS", "DotNotFound", "LongestPath", "RenderCache", "RenderError", "RenderedFlow", "back_edges",
    "cache_key", "collect_dots", "dot_binary", "flow_dot", "html_text", "iter_flows", "longest_path",
    "render_dots", "render_register", "safe_id", "wrap",
]
