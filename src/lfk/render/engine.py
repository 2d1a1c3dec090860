"""Running graphviz: many graphs through few ``dot`` processes, and a cache of rendered output.

``dot`` costs ~14 ms to start but well under a millisecond per small graph once running, so graphs
are concatenated on one stdin (SVG output is split at each document's XML declaration, which
escaped labels can never contain) or, for binary formats, passed as files with ``-O``. Batches run
in parallel, one per CPU.

An SVG chart is drawn as two graphs (``lfk.render.dot.split_title``): its title and its body, which
many charts share (one flow used by many units; only the title names the unit and the power). Each
distinct body is drawn once and ``join_title`` sets each title above it as dot itself would have:
the same bytes as drawing the whole chart (tests/unit/render/test_join_title.py compares them).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from lfk.core.cache import Cache
from lfk.core.errors import LfkError
from lfk.render.dot import FONT, FONT_FALLBACKS, split_title

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


_HEAD = re.compile(rb'<svg width="\d+pt" height="\d+pt"\n viewBox="0\.00 0\.00 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"')
_TRANSLATE = re.compile(rb'transform="scale\(1 1\) rotate\(0\) translate\((\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\)"')
_BACKGROUND = b'<polygon fill="white" stroke="transparent" points="'
_END = b"</g>\n</svg>\n"
_NUM = rb"-?\d+(?:\.\d+)?"
_PAIR = re.compile(rb"(" + _NUM + rb"),(" + _NUM + rb")")
_POINTS = re.compile(rb' (points|d)="([^"]*)"')
_XS = re.compile(rb' (x|cx)="(' + _NUM + rb')"')
_YS = re.compile(rb' (y|cy)="(' + _NUM + rb')"')


def _num(x: float) -> bytes:
    """A coordinate as graphviz writes it: two decimals, trailing zeros and point dropped."""
    s = f"{x:.2f}"
    s = s.rstrip("0").rstrip(".")
    return b"0" if s == "-0" else s.encode()


@lru_cache(maxsize=512)
def _shift(svg: bytes, dx: float, dy: float) -> bytes:
    """The elements of a graphviz SVG moved by (dx, dy): every point, path, x/cx and y/cy. Kept for the
    next chart: a body is moved by the same amount under every title of the same width."""
    if not dx and not dy:
        return svg

    def pair(m: re.Match[bytes]) -> bytes:
        return _num(float(m.group(1)) + dx) + b"," + _num(float(m.group(2)) + dy)

    svg = _POINTS.sub(lambda m: b" " + m.group(1) + b'="' + _PAIR.sub(pair, m.group(2)) + b'"', svg)
    if dx:
        svg = _XS.sub(lambda m: b" " + m.group(1) + b'="' + _num(float(m.group(2)) + dx) + b'"', svg)
    if dy:
        svg = _YS.sub(lambda m: b" " + m.group(1) + b'="' + _num(float(m.group(2)) + dy) + b'"', svg)
    return svg


def _parts(svg: bytes) -> tuple[bytes, bytes, float, float, float] | None:
    """(head up to the background polygon, the elements after it, width, height, pad) of a graphviz SVG."""
    head, trans = _HEAD.search(svg), _TRANSLATE.search(svg)
    start = svg.find(_BACKGROUND)
    if head is None or trans is None or start < 0 or not svg.endswith(_END):
        return None
    end = svg.find(b"/>", start)
    if end < 0:
        return None
    return svg[:start], svg[end + 2:-len(_END)], float(head.group(1)), float(head.group(2)), float(trans.group(1))


def _whole(x: float) -> bool:
    return abs(x - round(x)) < 1e-6


def join_title(title: bytes, body: bytes) -> bytes | None:
    """The SVG of a whole chart from the SVGs of its title graph and its body graph
    (``lfk.render.dot.split_title``), laid out as dot lays out a graph label on top, centred: the
    drawing is as wide as the wider part (the other centred in it) and as high as both; the name,
    comments and ids come from the title's SVG. None when either is not the SVG expected."""
    t, b = _parts(title), _parts(body)
    if t is None or b is None:
        return None
    head, title_els, tw, th, pad = t
    _, body_els, bw, bh, bpad = b
    if pad != bpad or not (_whole(tw - 2 * pad) and _whole(bw - 2 * pad)):
        return None  # a fractional width (the columns layout): moving by it could round a coordinate otherwise
    w, h = max(tw, bw), bh + th - 2 * pad
    head = _HEAD.sub(f'<svg width="{int(w + 0.5)}pt" height="{int(h + 0.5)}pt"\n viewBox="0.00 0.00 {w:.2f} {h:.2f}"'.encode(),
                     head, count=1)
    head = _TRANSLATE.sub(b'transform="scale(1 1) rotate(0) translate(' + _num(pad) + b" " + _num(h - pad) + b')"', head, count=1)
    left, right, top = _num(-pad), _num(w - pad), _num(-(h - pad))
    background = (_BACKGROUND + left + b"," + _num(pad) + b" " + left + b"," + top + b" " + right + b"," + top + b" "
                  + right + b"," + _num(pad) + b" " + left + b"," + _num(pad) + b'"/>')
    body_els = body_els[1:] if body_els.startswith(b"\n") else body_els
    return (head + background + _shift(title_els, (w - tw) / 2, -(bh - 2 * pad)) + _shift(body_els, (w - bw) / 2, 0)
            + _END)


def render_dots(dots: list[str], fmt: str = "svg", *, jobs: int | None = None) -> list[bytes]:
    """Render DOT texts into ``fmt`` (svg, png, pdf) through few ``dot`` processes; output in input order.

    Raises ``DotNotFound`` when graphviz is missing and ``RenderError`` when a graph cannot be drawn.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if not dots:
        return []
    if fmt == "svg":
        return _render_svgs(dots, jobs)
    return _render(dots, fmt, jobs)


def _render_svgs(dots: list[str], jobs: int | None) -> list[bytes]:
    """SVGs of ``dots``: each chart ``split_title`` can split drawn as its title and its (shared) body."""
    splits = [split_title(d) for d in dots]
    wanted = list(dict.fromkeys(x for d, sp in zip(dots, splits, strict=True) for x in (sp or (d,))))
    drawn = dict(zip(wanted, _render(wanted, "svg", jobs), strict=True))
    out = [join_title(drawn[sp[0]], drawn[sp[1]]) if sp else drawn[d] for d, sp in zip(dots, splits, strict=True)]
    again = list(dict.fromkeys(d for d, svg in zip(dots, out, strict=True) if svg is None))
    whole = dict(zip(again, _render(again, "svg", jobs), strict=True))  # charts join_title declined: drawn whole
    return [svg if svg is not None else whole[d] for d, svg in zip(dots, out, strict=True)]


def _render(dots: list[str], fmt: str, jobs: int | None) -> list[bytes]:
    """``dots`` drawn as they are, in batches over one ``dot`` process per CPU."""
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
