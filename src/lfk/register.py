"""The register: finding its root, reading its files into models, and indexing units.

Files come from a ``Source`` (the working tree, or a git revision for ``lfk diff``). ``lfk.yaml``,
the root standard flows and every ``unit.yaml`` are read up front (they are small and every unit
needs them); a unit's other files are read when the unit is asked for, so commands can stream over
large registers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar

from lfk.core.cache import Cache, digest
from lfk.core.errors import InputError, RootNotFound
from lfk.core.finding import Finding, Severity
from lfk.core.fsutil import read_confined
from lfk.core.i18n import T
from lfk.loader import LoadedFile, load_bytes
from lfk.loader.read import from_cache, to_cache
from lfk.model import UNIT_LIST_FILES, AuthoritiesFile, Benchmark, Config, Flow, MeasuresFile, RisksFile, Unit, file_kind
from lfk.model.acceptances import Acceptance, AcceptedFile
from lfk.model.dispositions import Disposition, DispositionsFile
from lfk.model.items import Authority, Measure, Post, Risk
from lfk.model.validate import validate

M = TypeVar("M")
UNIT_FILES = ("unit.yaml", "authorities.yaml", "risks.yaml", "measures.yaml", "dispositions.yaml",
              "accepted.yaml")
LIST_FILES = ("authorities.yaml", "risks.yaml", "measures.yaml", "dispositions.yaml", "accepted.yaml")
IGNORED_NAMES = {".gitkeep", ".DS_Store", "Thumbs.db", "desktop.ini"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
OnBroken = Literal["keep", "fail", "skip"]


def find_root(option: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """The register root: ``option``, ``$LFK_ROOT``, the nearest folder up with lfk.yaml, ``./registers``."""
    explicit = option or os.environ.get("LFK_ROOT")
    if explicit:
        root = Path(explicit).expanduser()
        if not (root / "lfk.yaml").is_file():
            raise RootNotFound(
                f"{root}: no lfk.yaml here / 此处没有 lfk.yaml",
                hint="point --root at the folder that holds lfk.yaml, or run `lfk init DIR` / 请指向含 lfk.yaml 的文件夹",
            )
        return root.resolve()
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "lfk.yaml").is_file():
            return folder
    if (here / "registers" / "lfk.yaml").is_file():
        return here / "registers"
    raise RootNotFound(
        "no register found: no lfk.yaml in this folder or above, nor in ./registers / 找不到登记册（lfk.yaml）",
        hint="use --root DIR or set LFK_ROOT, or create one with `lfk init DIR`",
    )


class Source(Protocol):
    """Where register files come from: ``files()`` lists paths relative to the root, ``read`` gives bytes."""

    def files(self) -> list[str]:
        """Every file under the root, ``/``-separated, sorted."""
        ...

    def read(self, rel: str) -> bytes:
        """The bytes of one file."""
        ...


class DirSource:
    """Files of a folder on disk."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def files(self) -> list[str]:
        """Every file below the root except inside dot-folders (.git, .lfk-cache ...)."""
        out: list[str] = []
        root = str(self.root)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            for name in filenames:
                out.append(name if rel_dir == "." else f"{rel_dir}/{name}")
        out.sort()
        return out

    def read(self, rel: str) -> bytes:
        """The file's bytes (a regular file inside the root only: ``lfk.core.fsutil.read_confined``)."""
        return read_confined(self.root, rel)


@dataclass(slots=True)
class Item(Generic[M]):
    """A model together with the file and path where it was written (so findings can point at it)."""

    model: M
    file: LoadedFile
    path: tuple[Any, ...] = ()

    @property
    def rel(self) -> str:
        """The file's path relative to the root."""
        return self.file.rel

    def loc(self, *sub: Any, key: bool = True) -> tuple[int, int]:
        """(line, column) of this item or of ``sub`` inside it."""
        return self.file.loc(self.path + sub, key=key)


@dataclass
class UnitData:
    """One unit's files, models and ids."""

    id: str
    rel_dir: str
    unit_file: LoadedFile | None = None
    unit: Unit | None = None
    files: list[LoadedFile] = field(default_factory=list)
    authorities: list[Item[Authority]] = field(default_factory=list)
    flows: dict[str, Item[Flow]] = field(default_factory=dict)
    risks: list[Item[Risk]] = field(default_factory=list)
    measures: list[Item[Measure]] = field(default_factory=list)
    dispositions: list[Item[Disposition]] = field(default_factory=list)
    accepted: list[Item[Acceptance]] = field(default_factory=list)
    benchmarks: list[Item[Benchmark]] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)
    raw_ids: dict[str, set[str]] = field(default_factory=dict)
    flow_files: dict[str, LoadedFile] = field(default_factory=dict)
    benchmark_files: dict[str, LoadedFile] = field(default_factory=dict)

    @property
    def posts(self) -> dict[str, Post]:
        """The unit's posts by id."""
        return {p.id: p for p in self.unit.posts} if self.unit else {}

    @property
    def name(self) -> str:
        """The unit's name (its id when unit.yaml is unusable)."""
        return self.unit.name if self.unit else self.id

    def has_id(self, kind: str, ident: str) -> bool:
        """Whether ``ident`` exists among the raw ids of ``kind`` (even in an invalid item)."""
        return ident in self.raw_ids.get(kind, set())


def _raw_ids(data: Any, key: str) -> set[str]:
    out: set[str] = set()
    if isinstance(data, dict) and isinstance(data.get(key), list):
        for item in data[key]:
            if isinstance(item, dict) and item.get("id") is not None:
                out.add(str(item["id"]))
    return out


class BrokenFile(InputError):
    """A file a command needs cannot be read or validated (``on_broken="fail"``); ``finding`` is its first error."""

    def __init__(self, finding: Finding, location: str) -> None:
        super().__init__(
            f"{finding.code} {finding.message.get('en')} / {finding.message.zh}",
            location=location,
            hint="fix the file (`lfk lint` lists every problem), or pass --skip-broken to leave it out "
                 "/ 请修正该文件，或用 --skip-broken 跳过",
        )
        self.finding = finding


class Register:
    """A register read from a ``Source``. ``load_findings`` holds findings about the layout itself.

    ``on_broken`` says what happens to a file that cannot be read or validated (or a unit without a
    usable unit.yaml): ``keep`` uses whatever of it is valid and leaves the findings to lint (lint's
    mode); ``fail`` raises ``BrokenFile`` (exit 2 with file:line; every other command); ``skip`` leaves
    the whole file (or unit) out, records its first error in ``skipped`` and calls ``on_skip``.
    """

    def __init__(self, root: Path, source: Source | None = None, cache: Cache | None = None, *,
                 on_broken: OnBroken = "keep", on_skip: Callable[[Finding], None] | None = None) -> None:
        self.root = Path(root)
        self.on_broken: OnBroken = on_broken
        self.on_skip = on_skip
        self.skipped: list[Finding] = []
        self.source: Source = source or DirSource(self.root)
        self.cache = cache
        self.digests: dict[str, str] = {}
        self.all_files = self.source.files()
        self.load_findings: list[Finding] = []
        self.config_file = self._load("lfk.yaml", DEFAULT_MAX_BYTES)
        cfg, _ = validate(self.config_file, Config)
        self.config_ok = cfg is not None and self.config_file.ok
        self.config: Config = cfg or _fallback_config(self.config_file)
        self.max_bytes = int(self.config.lint.max_file_mb * 1024 * 1024)
        self.std_flows: dict[str, Item[Flow]] = {}
        self.std_flow_files: dict[str, LoadedFile] = {}
        self.unit_dirs: dict[str, list[str]] = {}
        for rel in self.all_files:
            parts = rel.split("/")
            if parts[0] == "flows" and len(parts) == 2 and rel.endswith(".yaml"):
                lf = self._load(rel)
                self.std_flow_files[parts[1][:-5]] = lf
                model, _ = validate(lf, Flow)
                if self._broken(lf):
                    continue
                if model is not None:
                    self.std_flows[parts[1][:-5]] = Item(model, lf)
            elif parts[0] == "units" and len(parts) >= 3:
                self.unit_dirs.setdefault(parts[1], []).append(rel)
            elif parts[0] == "units" and len(parts) == 2 and parts[1] not in IGNORED_NAMES:
                self.load_findings.append(_stray(rel))
        self.unit_ids: list[str] = sorted(self.unit_dirs)
        self.unit_headers: dict[str, tuple[LoadedFile | None, Unit | None]] = {}
        header_rels = [f"units/{uid}/unit.yaml" for uid in self.unit_ids if f"units/{uid}/unit.yaml" in self.unit_dirs[uid]]
        headers = dict(zip(header_rels, self._load_many(header_rels, "parse-headers"), strict=True))
        for uid in self.unit_ids:
            lf = headers.get(f"units/{uid}/unit.yaml")
            if lf is not None:
                unit, _ = validate(lf, Unit)
                self.unit_headers[uid] = (lf, unit)
                if self._broken(lf):
                    self.unit_headers[uid] = (lf, None)
            else:
                self.unit_headers[uid] = (None, None)
                self._broken(_missing_unit_file(f"units/{uid}/unit.yaml"))
        if self.on_broken == "skip":
            self.unit_ids = [uid for uid in self.unit_ids if self.unit_headers[uid][1] is not None]
        self._cache: dict[str, UnitData] = {}

    def _broken(self, lf: LoadedFile) -> bool:
        """Whether ``lf`` is to be left out: never with ``keep`` or when it has no error; raises with ``fail``."""
        if self.on_broken == "keep":
            return False
        first = next((f for f in lf.findings if f.severity is Severity.ERROR), None)
        if first is None:
            return False
        if self.on_broken == "fail":
            raise BrokenFile(first, f"{self.root / first.path}:{first.line}:{first.column}")
        self.skipped.append(first)
        if self.on_skip is not None:
            self.on_skip(first)
        return True

    def _load(self, rel: str, max_bytes: int | None = None) -> LoadedFile:
        try:
            raw = self.source.read(rel)
        except OSError as e:
            lf = LoadedFile(rel)
            lf.error("LFK001", 1, 1, T(f"无法读取文件：{e}", f"cannot read the file: {e}"))
            return lf
        bound = max_bytes if max_bytes is not None else self.max_bytes
        if self.cache is None:
            return load_bytes(raw, rel, max_bytes=bound)
        key = digest(raw, str(bound))
        self.digests[rel] = digest(raw)
        payload = self.cache.get("parse", key)
        if payload is not None:
            lf = from_cache(payload, rel)
            if lf is not None:
                return lf
        lf = load_bytes(raw, rel, max_bytes=bound)
        blob = to_cache(lf)
        if blob is not None:
            self.cache.put("parse", key, blob)
        return lf

    def _load_many(self, rels: list[str], kind: str = "parse-unit") -> list[LoadedFile]:
        """Read several files; with a cache, they are stored and found as one entry (fewer small files)."""
        if self.cache is None or not rels:
            return [self._load(rel) for rel in rels]
        raws: list[bytes | None] = []
        for rel in rels:
            try:
                raw = self.source.read(rel)
            except OSError:
                raws.append(None)
                continue
            raws.append(raw)
            self.digests[rel] = digest(raw)
        if any(r is None for r in raws):
            return [self._load(rel) for rel in rels]
        key = digest(str(self.max_bytes), *(f"{rel}={self.digests[rel]}" for rel in rels))
        packed = self.cache.get_obj(kind, key)
        if isinstance(packed, list) and len(packed) == len(rels):
            out = [from_cache(blob, rel) for rel, blob in zip(rels, packed, strict=True)]
            if all(lf is not None for lf in out):
                return out  # type: ignore[return-value]
        out = [load_bytes(raw, rel, max_bytes=self.max_bytes) for rel, raw in zip(rels, raws, strict=True)]  # type: ignore[arg-type]
        blobs = [to_cache(lf) for lf in out]
        if all(b is not None for b in blobs):
            self.cache.put_obj(kind, key, blobs)
        return out

    def file_digest(self, rel: str) -> str:
        """SHA-256 of a file's bytes ("missing" when it cannot be read)."""
        d = self.digests.get(rel)
        if d is None:
            try:
                d = digest(self.source.read(rel))
            except OSError:
                d = "missing"
            self.digests[rel] = d
        return d

    def unit_files(self, uid: str) -> list[str]:
        """Every file of a unit (register-relative paths)."""
        return list(self.unit_dirs.get(uid, []))

    # -- units -----------------------------------------------------------------------------------
    def unit_model(self, uid: str) -> Unit | None:
        """The model of ``units/<uid>/unit.yaml`` (None when missing or invalid)."""
        return self.unit_headers.get(uid, (None, None))[1]

    def unit(self, uid: str, *, keep: bool = False, kinds: frozenset[str] | None = None) -> UnitData:
        """Read one unit's files (kept in memory only with ``keep``).

        ``kinds`` limits what is read to some of ``authorities``, ``risks``, ``measures``, ``flows``,
        ``benchmarks`` (unit.yaml is always there); a partial unit is never kept.
        """
        if uid in self._cache:
            return self._cache[uid]
        ud = self._read_unit(uid, kinds)
        if keep and kinds is None:
            self._cache[uid] = ud
        return ud

    def units(self, *, keep: bool = False) -> Iterator[UnitData]:
        """Every unit, in id order."""
        for uid in self.unit_ids:
            yield self.unit(uid, keep=keep)

    def _read_unit(self, uid: str, kinds: frozenset[str] | None = None) -> UnitData:
        base = f"units/{uid}/"
        ud = UnitData(uid, base.rstrip("/"))
        ud.unit_file, ud.unit = self.unit_headers.get(uid, (None, None))
        if ud.unit_file is not None:
            ud.files.append(ud.unit_file)
            if isinstance(ud.unit_file.data, dict):
                ud.raw_ids["posts"] = _raw_ids(ud.unit_file.data, "posts")
                ud.raw_ids["approvals"] = _raw_ids(ud.unit_file.data, "approvals")
        wanted: list[tuple[str, str, str]] = []  # (rel, sub, kind) of the YAML files to read
        for rel in self.unit_dirs.get(uid, []):
            sub = rel[len(base):]
            parts = sub.split("/")
            name = parts[-1]
            if name in IGNORED_NAMES or sub == "unit.yaml":
                continue
            if file_kind(rel) is None:
                ud.stray.append(rel)
                continue
            kind = sub[:-5] if sub in UNIT_LIST_FILES else parts[0]
            if kinds is None or kind in kinds:
                wanted.append((rel, sub, kind))
        loaded = self._load_many([rel for rel, _, _ in wanted])
        for (_rel, sub, kind), lf in zip(wanted, loaded, strict=True):
            ud.files.append(lf)
            if kind in ("authorities", "risks", "measures", "dispositions", "accepted"):
                self._read_list_file(ud, lf, kind)
                continue
            stem = sub.split("/")[-1][:-5]
            if kind == "flows":
                ud.flow_files[stem] = lf
                ud.raw_ids.setdefault("flows", set()).add(stem)
                flow, _ = validate(lf, Flow)
                if flow is not None and not self._broken(lf):
                    ud.flows[stem] = Item(flow, lf)
            else:
                ud.benchmark_files[stem] = lf
                bm, _ = validate(lf, Benchmark)
                if bm is not None and not self._broken(lf):
                    ud.benchmarks.append(Item(bm, lf))
        return ud

    def _read_list_file(self, ud: UnitData, lf: LoadedFile, kind: str) -> None:
        model_cls = {"authorities": AuthoritiesFile, "risks": RisksFile, "measures": MeasuresFile,
                     "dispositions": DispositionsFile, "accepted": AcceptedFile}[kind]
        ud.raw_ids[kind] = _raw_ids(lf.data, kind)
        model, good = validate(lf, model_cls, kind)
        target: list[Item[Any]] = getattr(ud, kind)
        if self._broken(lf):
            return
        if model is not None:
            target.extend(Item(x, lf, (kind, i)) for i, x in enumerate(getattr(model, kind)))
        else:
            target.extend(Item(x, lf, (kind, i)) for i, x in good)

    def flow_for(self, ud: UnitData, flow_id: str) -> tuple[Item[Flow] | None, bool]:
        """The flow ``flow_id`` as seen from unit ``ud`` (its own first, then the root's); (item, is_standard)."""
        if flow_id in ud.flows:
            return ud.flows[flow_id], False
        if flow_id in self.std_flows:
            return self.std_flows[flow_id], True
        return None, False

    def flow_exists(self, ud: UnitData, flow_id: str) -> bool:
        """Whether a flow file named ``flow_id`` exists for the unit (valid or not)."""
        return flow_id in ud.flow_files or flow_id in self.std_flow_files

    def all_findings_of_loading(self) -> list[Finding]:
        """Findings from reading the register-level files (lfk.yaml, root flows, unit.yaml files)."""
        out = list(self.load_findings)
        out.extend(self.config_file.findings)
        for lf in self.std_flow_files.values():
            out.extend(lf.findings)
        return out


def _missing_unit_file(rel: str) -> LoadedFile:
    """A stand-in for a unit folder's missing unit.yaml, carrying the error that says so."""
    lf = LoadedFile(rel)
    lf.error("LFK101", 1, 1, T("单位文件夹缺少 unit.yaml", "the unit folder has no unit.yaml"),
             T("请添加 unit.yaml（lfk init 的模板）", "add a unit.yaml (see `lfk init`'s template)"))
    return lf


def _stray(rel: str) -> Finding:
    return Finding(
        "LFK005", Severity.WARNING, rel, 1, 1,
        T("登记册格式不认识此文件", "the register layout does not know this file"),
        T("单位文件夹只放 unit.yaml、authorities.yaml、risks.yaml、measures.yaml、flows/*.yaml、benchmarks/*.yaml；"
          "请移走或改名", "a unit folder holds unit.yaml, authorities.yaml, risks.yaml, measures.yaml, dispositions.yaml, accepted.yaml, flows/*.yaml "
          "and benchmarks/*.yaml only: move or rename it"),
    )


def stray_finding(rel: str) -> Finding:
    """LFK005 for a file the layout does not know."""
    return _stray(rel)


def _fallback_config(lf: LoadedFile) -> Config:
    """A usable config when lfk.yaml is invalid: its valid parts where possible, else the defaults."""
    data = lf.data if isinstance(lf.data, dict) else {}
    kwargs: dict[str, Any] = {"name": str(data.get("name") or "register")}
    for key in Config.model_fields:
        if key == "name" or key not in data:
            continue
        try:
            Config.model_validate({"name": "x", key: data[key]})
        except Exception:  # noqa: BLE001 - a bad section falls back to its default
            continue
        kwargs[key] = data[key]
    return Config.model_validate(kwargs)
