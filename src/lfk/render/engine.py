"""Running graphviz: many graphs through few ``dot`` processes, and a cache of rendered output.

``dot`` costs ~14 ms to start but well under a millisecond per small graph once running, so graphs
are concatenated on one stdin (SVG output is split at each document's XML declaration, which
escaped labels can never contain) or, for binary formats, passed as files with ``-O``. Batches run
in parallel, one per CPU.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lfk.core.cache import Cache
from lfk.core.errors import LfkError
from lfk.render.dot import FONT, FONT_FALLBACKS

FORMATS = ("svg", "png", "pdf")
ENGINE_TAG = "lfk-render-2"
EXTRA_ARGS = {"png": ["-Gdpi=144"]}
MAX_BATCH = 250


class DotNotFound(LfkError):
    """Graphviz's ``dot`` is not installed (or not on PATH)."""


class RenderError(LfkError):
    """``dot`` failed on a graph."""


def dot_binary() -> str:
    """The path of ``dot``; ``DotNotFound`` with the fix when missing."""
    path = shutil.which("dot")
    if not path:
        raise DotNotFound("graphviz `dot` not found / 未找到 graphviz 的 dot 程序",
                          hint="install it: apt-get install graphviz; or use --format dot")
    return path


GRAPH_SECONDS = 20.0  # the most graphviz may spend on one graph (a small, densely linked flow can take minutes)


def _run(args: list[str], data: bytes | None = None, cwd: str | None = None,
         graphs: int = 1) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(args, input=data, capture_output=True, cwd=cwd, check=False,
                              timeout=GRAPH_SECONDS * max(1, graphs))
    except subprocess.TimeoutExpired:
        if graphs > 1:  # find the slow graph: each one alone
            return subprocess.CompletedProcess(args, 1, b"", b"timeout")
        raise RenderError(f"graphviz took longer than {GRAPH_SECONDS:.0f} s on one flowchart; not drawn / 流程图过于复杂，未绘制",
                          hint="split the flow, or draw it with --format dot") from None
    except OSError as e:
        raise DotNotFound(f"cannot run `dot`: {e.strerror} / 无法运行 dot",
                          hint="install it: apt-get install graphviz") from None


def _first_error(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    errs = [ln for ln in lines if "Error" in ln or "error" in ln] or lines
    return errs[0] if errs else "unknown error"


_PAGE_ID = re.compile(rb'id="page\d+,\d+_graph0"')
_FONT_ATTR = re.compile(rb'font-family="' + re.escape(FONT.encode()) + rb'[^"]*"')
_FONT_STACK = ('font-family="' + ", ".join(f"'{f}'" if " " in f else f for f in (FONT, *FONT_FALLBACKS)) + '"').encode()


def svg_fonts(svg: bytes) -> bytes:
    """The SVG with ``FONT`` followed by its CJK fallbacks on every text (a viewer without Noto Sans CJK
    SC then shows its own CJK font, not boxes or a serif default)."""
    return _FONT_ATTR.sub(_FONT_STACK, svg)


def _batch_svg(dot: str, dots: list[str]) -> list[bytes]:
    proc = _run([dot, "-Tsvg"], "".join(d if d.endswith("\n") else d + "\n" for d in dots).encode("utf-8"),
                graphs=len(dots))
    parts = proc.stdout.split(b"<?xml")
    # graphviz numbers the graphs of one run ("page0,7_graph0"): drop that, so a flow's SVG does not
    # depend on its place in the batch (reproducible output, and a cache that means something)
    docs = [svg_fonts(_PAGE_ID.sub(b'id="graph0"', b"<?xml" + p, count=1)) for p in parts[1:]]
    if proc.returncode != 0 or len(docs) != len(dots):
        if len(dots) == 1:
            raise RenderError(f"graphviz failed: {_first_error(proc.stderr)} / 绘图失败")
        return [x for d in dots for x in _batch_svg(dot, [d])]
    return docs


def _batch_files(dot: str, dots: list[str], fmt: str) -> list[bytes]:
    with tempfile.TemporaryDirectory(prefix="lfk-render-") as tmp:
        names = []
        for i, d in enumerate(dots):
            name = f"g{i:05d}.gv"
            Path(tmp, name).write_text(d, encoding="utf-8")
            names.append(name)
        proc = _run([dot, f"-T{fmt}", *EXTRA_ARGS.get(fmt, []), "-O", *names], cwd=tmp, graphs=len(dots))
        outs = [Path(tmp, f"{n}.{fmt}") for n in names]
        if proc.returncode != 0 or not all(p.is_file() for p in outs):
            if len(dots) == 1:
                raise RenderError(f"graphviz failed: {_first_error(proc.stderr)} / 绘图失败")
            return [x for d in dots for x in _batch_files(dot, [d], fmt)]
        return [p.read_bytes() for p in outs]


def render_dots(dots: list[str], fmt: str = "svg", *, jobs: int | None = None) -> list[bytes]:
    """Render DOT texts into ``fmt`` (svg, png, pdf) through few ``dot`` processes; output in input order.

    Raises ``DotNotFound`` when graphviz is missing and ``RenderError`` when a graph cannot be drawn.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if not dots:
        return []
    dot = dot_binary()
    workers = max(1, min(jobs or os.cpu_count() or 1, 8))
    size = max(1, min(MAX_BATCH, -(-len(dots) // workers)))
    batches = [dots[i:i + size] for i in range(0, len(dots), size)]

    def one(batch: list[str]) -> list[bytes]:
        return _batch_svg(dot, batch) if fmt == "svg" else _batch_files(dot, batch, fmt)

    if len(batches) == 1:
        return one(batches[0])
    with ThreadPoolExecutor(max_workers=min(workers, len(batches))) as pool:
        results = list(pool.map(one, batches))
    return [x for r in results for x in r]


def cache_key(dot: str, fmt: str) -> str:
    """sha256 of the DOT text and the format (and the renderer's tag)."""
    h = hashlib.sha256()
    h.update(f"{ENGINE_TAG}\0{fmt}\0{' '.join(EXTRA_ARGS.get(fmt, []))}\0".encode())
    h.update(dot.encode("utf-8"))
    return h.hexdigest()


class RenderCache:
    """Rendered output kept in an ``lfk.core.cache.Cache`` folder, keyed by ``cache_key(dot, fmt)``.

    Entries are authenticated (HMAC under a secret kept outside the register) and written
    atomically; a tampered, foreign or unwritable cache never fails a render: reads miss and
    writes are skipped. ``cache_dir`` is e.g. ``<root>/.lfk-cache`` (``lfk.core.cache.default_dir``).
    """

    def __init__(self, cache_dir: str | os.PathLike[str]) -> None:
        self.dir = Path(cache_dir)
        self._store = Cache(self.dir)

    def get(self, dot: str, fmt: str) -> bytes | None:
        """The cached output of ``dot`` in ``fmt``, or None."""
        return self._store.get(f"render-{fmt}", cache_key(dot, fmt))

    def put(self, dot: str, fmt: str, data: bytes) -> None:
        """Keep ``data`` as the output of ``dot`` in ``fmt``."""
        self._store.put(f"render-{fmt}", cache_key(dot, fmt), data)
