"""``lfk render``: 权力运行流程图 of every flow (or of the units/flows named) through graphviz."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lfk.cli.common import (
    AsOfNoEffectOpt,
    AtOpt,
    LangOpt,
    RevOpt,
    RootOpt,
    SkipBrokenOpt,
    err_console,
    lang_for,
    open_register,
    parse_as_of,
)
from lfk.core.cache import default_dir
from lfk.core.errors import UsageError
from lfk.core.fsutil import atomic_write
from lfk.render import RenderedFlow, render_register

FORMATS = ("svg", "png", "pdf", "dot")
LAYOUTS = ("flow", "columns")


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds it; True when written."""
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data, make_parents=True)
    return True


def out_path(out: Path, flow: RenderedFlow, ext: str) -> Path:
    """``<out>/<unit>/<flow>.<ext>`` (ids are file names already; anything odd is replaced)."""
    def safe(s: str) -> str:
        s = "".join(c if (c.isalnum() or c in "._-") else "_" for c in s)
        return s.lstrip(".") or "_"
    return out / safe(flow.unit_id) / f"{safe(flow.flow_id)}.{ext}"


def register(app: typer.Typer) -> None:
    """Add ``render`` to ``app``."""

    @app.command("render")
    def render_cmd(
        targets: Annotated[list[str] | None, typer.Argument(metavar="UNIT[/FLOW]",
                                                            help="Units or unit/flow pairs to draw (default: every flow).")] = None,
        out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write <unit>/<flow>.<ext> into.")] = Path("build/flows"),
        fmt: Annotated[str, typer.Option("--format", "-f", help="svg | png | pdf | dot (dot needs no graphviz).")] = "svg",
        layout: Annotated[str, typer.Option("--layout", help="flow (top to bottom) | columns (工作流程 | 廉政风险点 | 防控措施).")] = "flow",
        cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="Cache folder (default: $LFK_CACHE_DIR, else <root>/.lfk-cache).")] = None,
        public: Annotated[bool, typer.Option("--public", help="Only what may be published: no internal risks, measures or posts.")] = False,
        no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache; render every flow again.")] = False,
        root: RootOpt = None,
        skip_broken: SkipBrokenOpt = False,
        lang: LangOpt = None,
        as_of: AsOfNoEffectOpt = None,
        rev: RevOpt = None,
        at: AtOpt = None,
    ) -> None:
        """Draw 权力运行流程图: steps, actors, time limits, supervision points, risk points by grade, a legend.

        Example: lfk render county-amr/F-penalty --format png --out build/flows
        """
        if fmt not in FORMATS:
            raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)} / 格式应为 {'、'.join(FORMATS)}")
        if layout not in LAYOUTS:
            raise UsageError(f"--layout {layout!r}: use flow or columns / 请用 flow 或 columns")
        parse_as_of(as_of)
        reg = open_register(root, no_cache=no_cache, rev=rev, at=at, skip_broken=skip_broken)
        language = lang_for(lang, reg)
        cache = None if (no_cache or fmt == "dot") else (cache_dir or default_dir(reg.root))
        console = err_console()
        skipped: list[str] = []
        if console.is_terminal and len(reg.unit_ids) > 20:
            from rich.progress import Progress

            with Progress(console=console, transient=True) as bar:
                task = bar.add_task("rendering / 绘制中", total=None)

                def progress(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                flows = render_register(reg, targets, fmt=fmt, layout=layout, cache_dir=cache, lang=language,
                                        public=public, progress=progress, skipped=skipped)
        else:
            flows = render_register(reg, targets, fmt=fmt, layout=layout, cache_dir=cache, lang=language,
                                    public=public, skipped=skipped)
        written = sum(write_if_changed(out_path(out, f, fmt), f.data) for f in flows)
        cached = sum(f.cached for f in flows)
        if language == "zh":
            msg = f"已绘制 {len(flows)} 张流程图（{cached} 张取自缓存，{written} 个文件有更新）→ {out}"
        else:
            msg = f"rendered {len(flows)} flow(s) ({cached} from the cache, {written} file(s) updated) → {out}"
        console.print(msg, markup=False)
        for rel in dict.fromkeys(skipped):
            console.print(f"{rel}: 流程文件无效，未绘制（请运行 lfk lint） / invalid flow file, not drawn (run lfk lint)",
                          markup=False)
        if not flows:
            console.print("没有可绘制的流程 / no flows to draw (run lfk lint to see invalid flow files)", markup=False)
