"""LFK0xx — the files themselves: syntax, duplicates, encoding, unsafe YAML, layout, size, suppressions."""

from __future__ import annotations

from collections.abc import Iterator

from lfk.core.i18n import T
from lfk.lint.context import FileContext, RegisterContext, UnitContext
from lfk.lint.registry import Report, rule
from lfk.lint.rules._util import from_loader, valid_unit_id
from lfk.register import stray_finding


@rule("LFK001", severity="error", scope="file", clause="—",
      title_zh="不是有效的 YAML", title_en="not valid YAML")
def yaml_syntax(ctx: FileContext) -> Iterator[Report]:
    """Not valid YAML: the parser's message, at its line and column. / 不是有效的 YAML。

    The file cannot be read at all, so no other rule can look at it. Usual causes: a missing
    closing bracket or quote, a tab used for indentation, a colon without a space.
    文件无法解析，其他规则都无法检查它。常见原因：括号或引号未闭合、用 Tab 缩进、冒号后缺空格。

    Failing:
    ```yaml
    name: [食品经营许可
    ```
    Passing:
    ```yaml
    name: 食品经营许可
    ```
    """
    yield from from_loader(ctx.file, "LFK001")


@rule("LFK002", severity="error", scope="file", clause="—",
      title_zh="映射中的键重复", title_en="a mapping repeats a key")
def duplicate_key(ctx: FileContext) -> Iterator[Report]:
    """A mapping repeats a key, reported at the repeat. / 同一映射中的键重复。

    YAML silently keeps only one of the two values, so one of them is lost without a word.
    YAML 只会保留其中一个值，另一个会悄无声息地丢失。

    Failing:
    ```yaml
    - id: XK-001
      category: 行政许可
      category: 行政确认
    ```
    Passing:
    ```yaml
    - id: XK-001
      category: 行政许可
    ```
    """
    yield from from_loader(ctx.file, "LFK002")


@rule("LFK003", severity="error", scope="file", clause="—",
      title_zh="不是 UTF-8 编码或含控制字符", title_en="not UTF-8, or holds control characters")
def encoding(ctx: FileContext) -> Iterator[Report]:
    """Not UTF-8, or holds control characters (a GBK file gets a hint). / 文件不是 UTF-8 编码或含控制字符。

    Registers are UTF-8. Files saved from Excel or older editors are often GBK: save them again as
    UTF-8 (e.g. `iconv -f GBK -t UTF-8`).
    登记册文件必须是 UTF-8。从 Excel 或旧编辑器保存的文件常为 GBK，请另存为 UTF-8。

    Failing:
    ```yaml
    # (bytes saved as GBK)
    kind: 程序规范
    ```
    Passing:
    ```yaml
    # (the same text saved as UTF-8)
    kind: 程序规范
    ```
    """
    yield from from_loader(ctx.file, "LFK003")


@rule("LFK004", severity="error", scope="file", clause="—",
      title_zh="不安全或滥用的 YAML", title_en="unsafe or abusive YAML")
def unsafe_yaml(ctx: FileContext) -> Iterator[Report]:
    """Unsafe or abusive YAML: a language tag, an unknown tag, or alias expansion past a bound. / 不安全的 YAML。

    lfk never constructs objects from tags and refuses "billion laughs" files at once.
    lfk 从不执行 YAML 标签，并立即拒绝别名爆炸（billion laughs）文件。

    Failing:
    ```yaml
    description: !!python/object/apply:os.system ["touch x"]
    ```
    Passing:
    ```yaml
    description: 执法人员在检查、办案中接受当事人宴请、礼品礼金。
    ```
    """
    yield from from_loader(ctx.file, "LFK004")


@rule("LFK005", severity="warning", scope="register+unit", clause="—",
      title_zh="未知文件或文件名与编号不符", title_en="unknown file, or file name differs from its id")
def layout(ctx: RegisterContext | UnitContext) -> Iterator[Report]:
    """A file under `units/` that the layout does not know, or a file whose name differs from its id. / 未知文件或文件名与编号不符。

    Every file of a unit has its place (REGISTER.md, Layout); a stray file is probably misplaced
    work. `flows/F-penalty.yaml` must hold `id: F-penalty`; `units/x/unit.yaml` must hold `id: x`.
    单位文件夹只放规定的文件；流程图文件名须与其 id 相同，单位文件夹名须与 unit.yaml 的 id 相同。

    Failing:
    ```yaml
    # units/county-amr/flows/F-penalty.yaml
    id: F-penalty-2
    ```
    Passing:
    ```yaml
    # units/county-amr/flows/F-penalty.yaml
    id: F-penalty
    ```
    """
    if isinstance(ctx, RegisterContext):
        for f in ctx.register.load_findings:
            if f.code == "LFK005":
                yield Report(None, (), f.message, f.hint, rel=f.path, line=f.line, column=f.column)
        for stem, lf in ctx.register.std_flow_files.items():
            yield from _name_vs_id(lf, stem)
        return
    ud = ctx.unit
    for rel in ud.stray:
        f = stray_finding(rel)
        yield Report(None, (), f.message, f.hint, rel=rel)
    if ud.unit_file is not None and isinstance(ud.unit_file.data, dict):
        uid = ud.unit_file.data.get("id")
        if uid is not None and str(uid) != ud.id:
            yield Report(ud.unit_file, ("id",), T(f"unit.yaml 的 id `{uid}` 与文件夹名 `{ud.id}` 不同",
                                                   f"unit.yaml's id `{uid}` differs from its folder name `{ud.id}`"),
                         T("请让两者一致（改 id 或重命名文件夹）", "make them equal (change the id or rename the folder)"))
    if not valid_unit_id(ud.id):
        rel = ud.unit_file.rel if ud.unit_file else f"{ud.rel_dir}/unit.yaml"
        yield Report(None, (), T(f"单位文件夹名 `{ud.id}` 不符合单位编号格式（小写字母、数字、连字符）",
                                 f"the unit folder `{ud.id}` is not a valid unit id (lower-case letters, digits, -)"),
                     T("请重命名文件夹", "rename the folder"), rel=rel)
    for stem, lf in ud.flow_files.items():
        yield from _name_vs_id(lf, stem)


def _name_vs_id(lf, stem: str) -> Iterator[Report]:  # type: ignore[no-untyped-def]
    if isinstance(lf.data, dict) and lf.data.get("id") is not None and str(lf.data["id"]) != stem:
        fid = lf.data["id"]
        yield Report(lf, ("id",), T(f"文件名 `{stem}.yaml` 与其中的 id `{fid}` 不同",
                                    f"the file name `{stem}.yaml` differs from the id `{fid}` it holds"),
                     T(f"请把文件改名为 `{fid}.yaml`，或把 id 改为 `{stem}`",
                       f"rename the file to `{fid}.yaml` or set the id to `{stem}`"))


@rule("LFK006", severity="error", scope="file", clause="—",
      title_zh="文件过大", title_en="file too large")
def oversize(ctx: FileContext) -> Iterator[Report]:
    """The file is larger than `lint.max_file_mb` in lfk.yaml (default 10 MiB). / 文件超过大小上限。

    Such a file is not read. Split it, or raise the bound.
    超过上限的文件不会被读取。请拆分文件或调整上限。

    Failing:
    ```yaml
    # lfk.yaml
    lint: {max_file_mb: 1}     # and a 3 MiB risks.yaml
    ```
    Passing:
    ```yaml
    lint: {max_file_mb: 10}
    ```
    """
    yield from from_loader(ctx.file, "LFK006")


@rule("LFK007", severity="error", scope="file", clause="—",
      title_zh="忽略注释缺少理由或代码未知", title_en="ignore comment without a reason or with an unknown code")
def ignore_comment(ctx: FileContext) -> Iterator[Report]:
    """An `# lfk: ignore[...]` comment without a reason, or naming an unknown code. / 忽略注释缺少理由或规则代码未知。

    Suppressing a finding is a decision that others must be able to read: say why after the bracket.
    忽略某项检查是需要说明的决定，请在方括号后写明理由。

    Failing:
    ```yaml
    actor: P-case  # lfk: ignore[LFK307]
    ```
    Passing:
    ```yaml
    actor: P-case  # lfk: ignore[LFK307] 小单位仅一名执法人员，由局长审批把关
    ```
    """
    seen: set[int] = set()
    for line, sups in sorted(ctx.file.suppressions.items()):
        for sup in sups:
            if sup.line != line or id(sup) in seen:
                continue  # a standalone comment is listed again on the line it applies to
            seen.add(id(sup))
            unknown = [c for c in sup.codes if c not in ctx.known_codes]
            if not sup.codes:
                yield Report(ctx.file, (), T("忽略注释没有写规则代码", "the ignore comment names no rule code"),
                             T("写成 # lfk: ignore[LFK307] 理由", "write # lfk: ignore[LFK307] reason"),
                             line=sup.line, column=sup.column)
            elif unknown:
                yield Report(ctx.file, (), T(f"忽略注释中的规则代码未知：{', '.join(unknown)}",
                                             f"the ignore comment names unknown codes: {', '.join(unknown)}"),
                             T("运行 lfk rules 查看所有规则代码", "run `lfk rules` for the list of codes"),
                             line=sup.line, column=sup.column)
            if not sup.reason:
                yield Report(ctx.file, (), T(f"忽略 {', '.join(sup.codes)} 的注释没有写理由",
                                             f"the comment ignoring {', '.join(sup.codes)} gives no reason"),
                             T("在方括号后写明理由，例如 # lfk: ignore[LFK307] 小单位仅一名执法人员",
                               "say why after the bracket, e.g. # lfk: ignore[LFK307] one officer only"),
                             line=sup.line, column=sup.column)


@rule("LFK008", severity="error", scope="file", clause="—",
      title_zh="文字含控制字符", title_en="a text value holds control characters")
def control_in_text(ctx: FileContext) -> Iterator[Report]:
    r"""A text value or key holds a control character written as a YAML escape (`"\e[2K"`, `"\a"`, `"\r"`). / 文字中含有控制字符。

    The file's bytes are clean (else LFK003), but a double-quoted escape decodes to a real control
    character: a terminal escape sequence, a bell, a carriage return that rewrites a line or a PR
    comment. No register text needs one; lfk shows such characters escaped in its output, and reports
    them here, at the value (at most 20 a file); other commands still read the file. Tab and line
    feed are fine; write line breaks as a block scalar (`|`).
    文件字节本身没有控制字符（否则为 LFK003），但双引号中的转义（如 \e、\a、\r、\x1b）会解码成真实的
    控制字符，可改写终端显示或评论内容。登记册文字不需要控制字符；换行请用块标量 |。

    Failing:
    ```yaml
    name: "食品经营许可\e]0;owned\a"
    ```
    Passing:
    ```yaml
    name: 食品经营许可
    ```
    """
    yield from from_loader(ctx.file, "LFK008")


@rule("LFK009", severity="error", scope="file", clause="—",
      title_zh="文件是空的", title_en="the file is empty")
def empty_file(ctx: FileContext) -> Iterator[Report]:
    """The file holds no YAML at all: 0 bytes, or only blanks and comments. / 文件是空的。

    An empty file is never read as "no items": it cannot be told from a truncated save, a failed
    `>` redirect or an emptied merge, and reading it as nothing would let `lfk grade`, `score`,
    `site` and `export` go on as if the unit's risks (or powers, or measures) did not exist. Every
    command other than lint stops at it (exit 2, the file and a fix; `--skip-broken` leaves the
    file out and says so). "None yet" is written `risks: []` (what `lfk new unit` writes), or by
    having no file. An empty unit.yaml, flow, benchmark or lfk.yaml gets this one finding instead
    of one LFK101 per missing field.
    文件没有任何内容（0 字节，或只有空白和注释）。空文件无法与保存中断、重定向失败或合并清空区分，
    因此不当作“没有条目”读取：除 lint 外的命令在此停止（退出码 2，给出文件和修正方法；
    --skip-broken 跳过并说明）。尚无条目请写 `risks: []`（lfk new unit 的写法），或不建该文件。

    Failing:
    ```yaml
    # units/county-amr/risks.yaml: only this comment
    ```
    Passing:
    ```yaml
    # units/county-amr/risks.yaml: no risk identified yet
    risks: []
    ```
    """
    yield from from_loader(ctx.file, "LFK009")
