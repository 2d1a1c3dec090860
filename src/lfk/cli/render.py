"""``lfk render``: 权力运行流程图 of every flow (or of the units/flows named) through graphviz."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lfk import api
from lfk.cli.common import Shared, err_console, shared_options, stderr_bar
from lfk.core.errors import UsageError

FORMATS = ("svg", "png", "pdf", "dot")
LAYOUTS = ("flow", "columns")


@shared_options("root", "skip_broken", "lang", "as_of_no_effect", "rev", "at")
def render_cmd(
    targets: Annotated[list[str] | None, typer.Argument(metavar="UNIT[/FLOW]",
                                                        help="Units or unit/flow pairs to draw (default: every flow).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write <unit>/<flow>.<ext> into.")] = Path("build/flows"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="svg | png | pdf | dot (dot needs no graphviz).")] = "svg",
    layout: Annotated[str, typer.Option("--layout", help="flow (top to bottom) | columns (工作流程 | 廉政风险点 | 防控措施).")] = "flow",
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="Cache folder (default: $LFK_CACHE_DIR, else <root>/.lfk-cache).")] = None,
    public: Annotated[bool, typer.Option("--public", help="Only what may be published: no internal risks, measures or posts.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache; render every flow again.")] = False,
    opts: Shared = Shared(),
) -> None:
    """Draw 权力运行流程图: steps, actors, time limits, supervision points, risk points by grade, a legend.

    Example: lfk render county-amr/F-penalty --format png --out build/flows
    """
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)} / 格式应为 {'、'.join(FORMATS)}")
    if layout not in LAYOUTS:
        raise UsageError(f"--layout {layout!r}: use flow or columns / 请用 flow 或 columns")
    opts.day()
    reg = opts.register(no_cache=no_cache)
    language = opts.language(reg)
    console = err_console()
    with stderr_bar(console.is_terminal and len(reg.unit_ids) > 20, "rendering / 绘制中") as progress:
        res = api.render(reg, targets, out=out, fmt=fmt, layout=layout, cache_dir=cache_dir, no_cache=no_cache,
                         lang=language, public=public, progress=progress)
    flows = res.flows
    if language == "zh":
        msg = f"已绘制 {len(flows)} 张流程图（{res.cached} 张取自缓存，{res.written} 个文件有更新）→ {out}"
    else:
        msg = f"rendered {len(flows)} flow(s) ({res.cached} from the cache, {res.written} file(s) updated) → {out}"
    console.print(msg, markup=False)
    for rel in dict.fromkeys(res.skipped):
        console.print(f"{rel}: 流程文件无效，未绘制（请运行 lfk lint） / invalid flow file, not drawn (run lfk lint)",
                      markup=False)
    if not flows:
        console.print("没有可绘制的流程 / no flows to draw (run lfk lint to see invalid flow files)", markup=False)


def register(app: typer.Typer) -> None:
    """Add ``render`` to ``app``."""
    app.command("render")(render_cmd)
