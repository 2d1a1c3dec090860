"""The register: finding its root, reading its files into models, and indexing units.

Files come from a ``Source`` (the working tree, or a git revision for ``lfk diff``). ``lfk.yaml``,
the root standard flows and every ``unit.yaml`` are read up front (they are small and every unit
needs them); a unit's other files are read when the unit is asked for, so commands can stream over
large registers. A ``lazy`` register reads nothing but lfk.yaml up front: ``file_items`` then reads
one file, so ``lfk diff`` reads only the files that differ between two revisions.

Baselines: ``baseline:`` in lfk.yaml names the register of the department above (a folder, or a git
work tree pinned to ``rev``). A unit whose unit.yaml ``adopts`` baseline units gets their powers,
flows, risks, measures and benchmarks, then its ``tailor:`` entries are applied in order (drop with a
reason, change fields); its own files add items. The result is what every command sees; each item
keeps where each field came from (``locate``), so findings point at the baseline file or at the
tailoring in unit.yaml.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar

from pydantic import ValidationError

from lfk.core.cache import Cache, StatIndex, StatKey, digest, stat_key
from lfk.core.errors import ConfigError, InputError, LfkError
from lfk.core.finding import Finding, Severity
from lfk.core.fsutil import Confined, walk_tree
from lfk.core.fsutil import find_root as find_root  # re-exported: commands find the root through lfk.register
from lfk.core.git import GitSource, work_tree_of
from lfk.core.i18n import T
from lfk.loader import LoadedFile, load_bytes
from lfk.loader.read import from_cache, to_cache
from lfk.model import UNIT_LIST_FILES, AuthoritiesFile, Benchmark, Config, Flow, MeasuresFile, RisksFile, Unit, file_kind
from lfk.model.acceptances import Acceptance, AcceptedFile
from lfk.model.dispositions import Disposition, DispositionsFile
from lfk.model.items import Authority, Measure, Post, Risk
from lfk.model.validate import validate
from lfk.model.vocab import TAILOR_KINDS

M = TypeVar("M")
UNIT_FILES = ("unit.yaml", "authorities.yaml", "risks.yaml", "measures.yaml", "dispositions.yaml",
              "accepted.yaml")
LIST_FILES = ("authorities.yaml", "risks.yaml", "measures.yaml", "dispositions.yaml", "accepted.yaml")
# list file kind → (file model, item model)
LIST_MODELS: dict[str, tuple[type[Any], type[Any]]] = {
    "authorities": (AuthoritiesFile, Authority), "risks": (RisksFile, Risk), "measures": (MeasuresFile, Measure),
    "dispositions": (DispositionsFile, Disposition), "accepted": (AcceptedFile, Acceptance)}
IGNORED_NAMES = {".gitkeep", ".DS_Store", "Thumbs.db", "desktop.ini"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_BASELINE_DEPTH = 4
KEEP_DIGESTED = 64  # files whose bytes ``Register.file_digest`` keeps for their parse (a unit has about 16)
# tailor kind → UnitData attribute
KIND_ATTR = {"authority": "authorities", "risk": "risks", "measure": "measures", "flow": "flows",
             "benchmark": "benchmarks"}
# fields a tailoring may not change: they are the item's identity
ID_FIELDS = {"authority": "id", "risk": "id", "measure": "id", "flow": "id", "benchmark": "authority"}
OnBroken = Literal["keep", "fail", "skip"]


class Source(Protocol):
    """Where register files come from: ``files()`` lists paths relative to the root, ``read`` gives bytes."""

    def files(self) -> list[str]:
        """Every file under the root, ``/``-separated, sorted."""
        ...

    def read(self, rel: str) -> bytes:
        """The bytes of one file."""
        ...


class DirSource:
    """Files of a folder on disk; ``files``: their listing when the caller has just made it (``files()``)."""

    def __init__(self, root: Path, files: list[str] | None = None) -> None:
        self.root = Path(root)
        self._reader = Confined(self.root)
        self._listed = files

    def files(self) -> list[str]:
        """Every file below the root except inside dot-folders (.git, .lfk-cache ...)."""
        if self._listed is not None:
            listed, self._listed = self._listed, None
            return listed
        out: list[str] = []
        root = str(self.root)
        for dirpath, rel_dir, _, filenames in walk_tree(root):  # links to folders are not followed
            self._reader.trust(dirpath)
            out.extend(rel_dir + name for name in filenames)
        out.sort()
        return out

    def read(self, rel: str) -> bytes:
        """The file's bytes (a regular file inside the root only: ``lfk.core.fsutil.Confined``)."""
        return self._reader.read(rel)

    def stat_key(self, rel: str) -> StatKey | None:
        """Size, mtime, inode and ctime of a regular file (not a link); None otherwise."""
        try:
            st = os.lstat(os.path.join(self.root, rel))
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        return stat_key(st)


@dataclass(slots=True)
class TailoredFile(LoadedFile):
    """A baseline file as one tailored item sees it: fields a tailoring changed live in unit.yaml.

    ``redirects`` maps a path inside this file (an item's field) to (file, path) of the tailoring
    that set it; ``locate`` follows it, so a finding on a changed field points at the tailoring.
    """

    redirects: dict[tuple[Any, ...], tuple[LoadedFile, tuple[Any, ...]]] = field(default_factory=dict)

    @classmethod
    def over(cls, lf: LoadedFile) -> TailoredFile:
        """A tailored view of ``lf`` (sharing its data and positions)."""
        if isinstance(lf, TailoredFile):
            return cls(lf.rel, lf.data, lf.pos, lf.keypos, lf.findings, lf.suppressions, lf.size, lf.dates,
                       dict(lf.redirects))
        return cls(lf.rel, lf.data, lf.pos, lf.keypos, lf.findings, lf.suppressions, lf.size, lf.dates)


def locate(lf: LoadedFile, path: tuple[Any, ...], *, key: bool = True) -> tuple[str, int, int]:
    """(file, line, column) of ``path`` in ``lf``, following tailorings (``TailoredFile``)."""
    if isinstance(lf, TailoredFile) and lf.redirects:
        p = tuple(path)
        for n in range(len(p), 0, -1):
            hit = lf.redirects.get(p[:n])
            if hit is not None:
                target, at = hit
                line, col = target.loc(at + p[n:], key=key)
                return target.rel, line, col
    line, col = lf.loc(tuple(path), key=key)
    return lf.rel, line, col


@dataclass(slots=True)
class Item(Generic[M]):
    """A model together with the file and path where it was written (so findings can point at it).

    ``origin`` is the baseline unit an adopted item comes from (None for the unit's own items).
    """

    model: M
    file: LoadedFile
    path: tuple[Any, ...] = ()
    origin: str | None = None

    @property
    def rel(self) -> str:
        """The file's path relative to the root."""
        return self.file.rel

    @property
    def tailored(self) -> bool:
        """Whether a tailoring of unit.yaml changed this (baseline) item."""
        return isinstance(self.file, TailoredFile) and bool(self.file.redirects)

    def loc(self, *sub: Any, key: bool = True) -> tuple[int, int]:
        """(line, column) of this item or of ``sub`` inside it (of the tailoring for a changed field)."""
        _, line, col = locate(self.file, self.path + sub, key=key)
        return line, col

    def where(self, *sub: Any, key: bool = True) -> tuple[str, int, int]:
        """(file, line, column) of this item or of ``sub`` inside it, following tailorings."""
        return locate(self.file, self.path + sub, key=key)


@dataclass
class TailorRecord:
    """What became of one ``tailor:`` entry of unit.yaml (``index`` in the list).

    ``status``: ``applied``, ``unknown-target`` (no adopted item has that id), ``malformed`` (not exactly
    one of drop/change), ``unknown-field`` (``fields`` are not fields of the item, or its id),
    ``invalid`` (the changed item does not validate: ``problem``). ``cascade`` lists the ids a drop
    took along (a power's risks and benchmark; measures left without a risk).
    """

    index: int
    action: str
    target: str
    kind: str | None = None
    status: str = "applied"
    fields: list[str] = field(default_factory=list)
    problem: str = ""
    reason: str | None = None
    cascade: list[tuple[str, str]] = field(default_factory=list)


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
    adopted: list[str] = field(default_factory=list)
    unknown_adopts: list[str] = field(default_factory=list)
    tailorings: list[TailorRecord] = field(default_factory=list)
    shadowed: list[tuple[str, str]] = field(default_factory=list)
    baseline_files: list[LoadedFile] = field(default_factory=list)

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
        fix = (f"{finding.hint.get('en')} / {finding.hint.zh}; " if finding.hint is not None else
               "fix the file (`lfk lint` lists every problem), ")
        super().__init__(
            f"{finding.code} {finding.message.get('en')} / {finding.message.zh}",
            location=location,
            hint=fix + "or pass --skip-broken to leave it out / 或用 --skip-broken 跳过",
        )
        self.finding = finding


class SharedReads:
    """Files parsed (and validated) once for several Registers whose sources share content.

    ``lfk diff`` reads two revisions through two Registers: a file unchanged between them (the same
    git blob) is parsed and validated once. Each Register names a file's content with its own
    ``content_key`` (a blob id; None: not shared, parsed once for that Register). ``parsed`` counts
    the parses.
    """

    def __init__(self) -> None:
        self.files: dict[tuple[Any, ...], LoadedFile] = {}
        self.pristine: set[int] = set()  # files that had no finding when parsed (may be shown under another path)
        self.valid: dict[tuple[int, type, str | None], tuple[Any, list[tuple[int, Any]]]] = {}
        self.items: dict[tuple[int, str], FileItems | None] = {}
        self.parsed = 0
        self._readers = 0

    def reader(self) -> int:
        """A number for one more register reading through these (files it alone reads are its own)."""
        self._readers += 1
        return self._readers


@dataclass(slots=True)
class FileItems:
    """One file as ``Register.file_items`` reads it: the file, its whole model, and its items as written.

    ``model`` is the file's model (None when it does not validate even after pruning bad values, see
    ``lfk.model.validate``). For a list file, ``items`` holds the items that validate as they are
    written, by index, and ``raw`` every item as written; a repaired file's items are validated one
    by one, so a bad value is seen as written, not as pruned (lint's ``UnitData`` holds the pruned
    models). ``kind`` is the file's kind (``lfk.model.file_kind``).
    """

    file: LoadedFile
    kind: str
    model: Any = None
    items: dict[int, Item[Any]] = field(default_factory=dict)

    @property
    def raw(self) -> list[Any]:
        """The items of a list file as written (plain data; [] when the file holds no list)."""
        data = self.file.data
        items = data.get(self.kind) if isinstance(data, dict) and self.kind in LIST_MODELS else None
        return items if isinstance(items, list) else []


class Register:
    """A register read from a ``Source``. ``load_findings`` holds findings about the layout itself.

    ``on_broken`` says what happens to a file that cannot be read or validated (or a unit without a
    usable unit.yaml): ``keep`` uses whatever of it is valid and leaves the findings to lint (lint's
    mode); ``fail`` raises ``BrokenFile`` (exit 2 with file:line; every other command); ``skip`` leaves
    the whole file (or unit) out, records its first error in ``skipped`` and calls ``on_skip``.

    ``lazy`` reads only lfk.yaml up front (``std_flows`` and ``unit_headers`` stay empty until asked
    for: ``unit_header``, ``file_items``), for reading a few files of a revision (``lfk diff``,
    ``lfk log``). ``lazy_headers`` (with ``keep``) reads lfk.yaml and the standard flows up front
    but each unit.yaml only when asked for (``unit_header``): ``lfk lint --changed-since`` reads the
    headers of the units it lints; the first use of ``unit_headers`` (what looks across every unit)
    reads all the others (``read_headers``), so it always holds every unit. ``shared`` with ``content_key`` (rel → blob id) parses a file once for every
    register given the same ``SharedReads``.
    """

    def __init__(self, root: Path, source: Source | None = None, cache: Cache | None = None, *,
                 on_broken: OnBroken = "keep", on_skip: Callable[[Finding], None] | None = None,
                 lazy: bool = False, lazy_headers: bool = False, shared: SharedReads | None = None,
                 content_key: Callable[[str], str | None] | None = None,
                 _prefix: str = "", _display_root: Path | None = None, _depth: int = 0) -> None:
        self.root = Path(root)
        self.lazy = lazy
        self.shared = shared
        self.content_key = content_key
        self._reader_no = shared.reader() if shared is not None else 0
        self._prefix = _prefix  # a baseline's files are named relative to the register that adopts them
        self._display_root = _display_root or self.root
        self._depth = _depth
        self._baseline: Register | None = None
        self._baseline_open = False
        self.on_broken: OnBroken = on_broken
        self.on_skip = on_skip
        self.skipped: list[Finding] = []
        self.source: Source = source or DirSource(self.root)
        self.cache = cache
        self.digests: dict[str, str] = {}
        self.stat_index = StatIndex(cache, os.path.realpath(self.root)) if (
            cache is not None and isinstance(self.source, DirSource)) else None
        self.all_files = self.source.files()
        self._file_set: set[str] | None = None
        self._fetched: dict[str, bytes] = {}  # bytes read ahead (``prefetch``), until their file is read
        self._digested: dict[str, bytes] = {}  # bytes ``file_digest`` read, until their file is parsed (one read)
        self.load_findings: list[Finding] = []
        self.config_file = self._load("lfk.yaml", DEFAULT_MAX_BYTES)
        cfg, _ = self._validate(self.config_file, Config)
        self._config_model = cfg
        self.config_ok = cfg is not None and self.config_file.ok
        self.config: Config = cfg or _fallback_config(self.config_file)
        self.max_bytes = int(self.config.lint.max_file_mb * 1024 * 1024)
        self.std_flows: dict[str, Item[Flow]] = {}
        self.std_flow_files: dict[str, LoadedFile] = {}
        self.unit_dirs: dict[str, list[str]] = {}
        for rel in self.all_files:
            parts = rel.split("/")
            if parts[0] == "flows" and len(parts) == 2 and rel.endswith(".yaml"):
                if lazy:
                    continue
                lf = self._load(rel)
                self.std_flow_files[parts[1][:-5]] = lf
                model, _ = self._validate(lf, Flow)
                if self._broken(lf):
                    continue
                if model is not None:
                    self.std_flows[parts[1][:-5]] = Item(model, lf)
            elif parts[0] == "units" and len(parts) >= 3:
                self.unit_dirs.setdefault(parts[1], []).append(rel)
            elif parts[0] == "units" and len(parts) == 2 and parts[1] not in IGNORED_NAMES:
                self.load_findings.append(_stray(rel))
        self.unit_ids: list[str] = sorted(self.unit_dirs)
        self._headers: dict[str, tuple[LoadedFile | None, Unit | None]] = {}
        self._headers_left = False  # unit.yaml files not read yet that ``unit_headers`` reads (``lazy_headers``)
        self._cache: dict[str, UnitData] = {}
        if lazy:
            return
        self._headers_left = True
        if not (lazy_headers and on_broken == "keep"):
            self.read_headers()

    @property
    def unit_headers(self) -> dict[str, tuple[LoadedFile | None, Unit | None]]:
        """(unit.yaml, its model) of every unit by id (of those read so far for a ``lazy`` register)."""
        if self._headers_left:
            self.read_headers()
        return self._headers

    def read_headers(self) -> None:
        """Read and validate every unit.yaml not read yet (one cache entry for them all); a no-op once done."""
        if not self._headers_left:
            return
        self._headers_left = False
        header_rels = [f"units/{uid}/unit.yaml" for uid in self.unit_ids if f"units/{uid}/unit.yaml" in self.unit_dirs[uid]]
        headers = dict(zip(header_rels, self._load_many(header_rels, "parse-headers"), strict=True))
        for uid in self.unit_ids:
            if uid not in self._headers:  # one read on demand already stays the same object
                self._header(uid, headers.get(f"units/{uid}/unit.yaml"))
        self._headers = {uid: self._headers[uid] for uid in self.unit_ids}  # in id order, as read up front
        if self.on_broken == "skip":
            self.unit_ids = [uid for uid in self.unit_ids if self._headers[uid][1] is not None]

    def _header(self, uid: str, lf: LoadedFile | None) -> tuple[LoadedFile | None, Unit | None]:
        """Validate a unit's unit.yaml (None: the folder has none) into ``unit_headers``."""
        if lf is not None:
            unit, _ = self._validate(lf, Unit)
            self._headers[uid] = (lf, None if self._broken(lf) else unit)
        else:
            self._headers[uid] = (None, None)
            self._broken(_missing_unit_file(f"{self._prefix}units/{uid}/unit.yaml"))
        return self._headers[uid]

    def unit_header(self, uid: str) -> tuple[LoadedFile | None, Unit | None]:
        """(unit.yaml, its model) of a unit; a ``lazy`` register (or one with ``lazy_headers``) reads it now
        (both None for no such unit)."""
        got = self._headers.get(uid)
        if got is not None:
            return got
        if uid not in self.unit_dirs:
            return None, None
        rel = f"units/{uid}/unit.yaml"
        return self._header(uid, self._load(rel) if rel in self.unit_dirs[uid] else None)

    def _validate(self, lf: LoadedFile, model: type[M], list_key: str | None = None) -> tuple[M | None, list[tuple[int, Any]]]:
        """``lfk.model.validate.validate`` once per file (a file shared with another register: once for both)."""
        if self.shared is None:
            return validate(lf, model, list_key)
        key = (id(lf), model, list_key)
        got = self.shared.valid.get(key)
        if got is None:
            got = self.shared.valid[key] = validate(lf, model, list_key)
        return got

    def _broken(self, lf: LoadedFile) -> bool:
        """Whether ``lf`` is to be left out: never with ``keep`` or when it has no error; raises with ``fail``."""
        if self.on_broken == "keep":
            return False
        first = next((f for f in lf.findings if f.severity is Severity.ERROR), None)
        if first is None:
            return False
        if self.on_broken == "fail":
            raise BrokenFile(first, f"{self._display_root / first.path}:{first.line}:{first.column}")
        self.skipped.append(first)
        if self.on_skip is not None:
            self.on_skip(first)
        return True

    def _load(self, rel: str, max_bytes: int | None = None) -> LoadedFile:
        if self.shared is not None:
            return self._load_shared(rel, max_bytes if max_bytes is not None else self.max_bytes)
        return self._read_one(rel, max_bytes)

    def _shared_key(self, rel: str, bound: int) -> tuple[tuple[Any, ...], tuple[Any, ...] | None]:
        """(key of this file in ``shared``, key of its content there, or None when not shared)."""
        content = self.content_key(rel) if self.content_key is not None else None
        own = (self._reader_no, self._prefix + rel, bound)
        return own, ((content, bound) if content is not None else None)

    def _load_shared(self, rel: str, bound: int, raw: bytes | None = None) -> LoadedFile:
        """A file through ``shared``: parsed once per content; the same bytes at another path are relabelled."""
        assert self.shared is not None
        files = self.shared.files
        own, content = self._shared_key(rel, bound)
        shown = self._prefix + rel
        lf = files.get(own)
        if lf is not None:
            return lf
        same = files.get(content) if content is not None else None
        if same is not None and same.rel == shown:
            lf = same
        elif same is not None and id(same) in self.shared.pristine:
            lf = LoadedFile(shown, same.data, same.pos, same.keypos, [], same.suppressions, same.size, same.dates)
        else:
            if raw is None:
                try:
                    raw = self._read_bytes(rel)
                except OSError as e:
                    lf = files[own] = _unreadable_file(shown, e)
                    return lf
            lf = load_bytes(raw, shown, max_bytes=bound)
            self.shared.parsed += 1
            if not lf.findings:
                self.shared.pristine.add(id(lf))
            if content is not None and same is None:
                files[content] = lf
        files[own] = lf
        return lf

    def prefetch(self, rels: Iterable[str]) -> None:
        """Read files ahead, a git revision's blobs in one pipelined round trip.

        With ``shared`` they are parsed now; without, a revision's bytes wait for the first read of
        each (and a folder's files are read when asked for).
        """
        git = isinstance(self.source, GitSource)
        if not git and self.shared is None:
            return
        todo = []
        for rel in rels:
            if not self.has_file(rel) or rel in self._fetched:
                continue
            if self.shared is not None:
                own, content = self._shared_key(rel, self.max_bytes)
                if own in self.shared.files or (content is not None and content in self.shared.files):
                    continue
            todo.append(rel)
        raws = self.source.read_many(todo) if git else {}
        if self.shared is None:
            self._fetched.update(raws)
            return
        for rel in dict.fromkeys(todo):
            self._load_shared(rel, self.max_bytes, raws.get(rel))

    def _read_one(self, rel: str, max_bytes: int | None = None) -> LoadedFile:
        st = self._stat(rel)
        try:
            raw = self._fetched.pop(rel, None)
            if raw is None:
                raw = self._read_bytes(rel)
        except OSError as e:
            return _unreadable_file(self._prefix + rel, e)
        bound = max_bytes if max_bytes is not None else self.max_bytes
        shown = self._prefix + rel
        if self.cache is None:
            return load_bytes(raw, shown, max_bytes=bound)
        key = digest(raw, str(bound))
        self._remember(rel, digest(raw), st)
        payload = self.cache.get("parse", key)
        if payload is not None:
            lf = from_cache(payload, shown)
            if lf is not None:
                return lf
        lf = load_bytes(raw, shown, max_bytes=bound)
        blob = to_cache(lf)
        if blob is not None:
            self.cache.put("parse", key, blob)
        return lf

    def _load_many(self, rels: list[str], kind: str = "parse-unit") -> list[LoadedFile]:
        """Read several files; with a cache, they are stored and found as one entry (fewer small files).

        A warm run finds the entry by the files' digests from the stat index, without reading them.
        """
        if self.cache is None or not rels or self.shared is not None:
            return [self._load(rel) for rel in rels]
        digests = [self.file_digest(rel) for rel in rels]
        if "missing" in digests:
            return [self._load(rel) for rel in rels]
        key = digest(str(self.max_bytes), self._prefix, *(f"{rel}={d}" for rel, d in zip(rels, digests, strict=True)))
        packed = self.cache.get_obj(kind, key)
        if isinstance(packed, list) and len(packed) == len(rels):
            out = [from_cache(blob, self._prefix + rel) for rel, blob in zip(rels, packed, strict=True)]
            if all(lf is not None for lf in out):
                return out  # type: ignore[return-value]
        raws: list[bytes] = []
        for rel in rels:
            try:
                raws.append(self._read_bytes(rel))
            except OSError:
                return [self._load(rel) for rel in rels]
        if [digest(raw) for raw in raws] != digests:  # changed since it was hashed: key by what was read
            self.digests.update((rel, digest(raw)) for rel, raw in zip(rels, raws, strict=True))
            key = digest(str(self.max_bytes), self._prefix, *(f"{rel}={self.digests[rel]}" for rel in rels))
        out = [load_bytes(raw, self._prefix + rel, max_bytes=self.max_bytes) for rel, raw in zip(rels, raws, strict=True)]
        blobs = [to_cache(lf) for lf in out]
        if all(b is not None for b in blobs):
            self.cache.put_obj(kind, key, blobs)
        return out

    def _stat(self, rel: str) -> StatKey | None:
        if self.stat_index is None:
            return None
        return self.source.stat_key(rel)  # type: ignore[attr-defined]

    def _remember(self, rel: str, dig: str, st: StatKey | None) -> None:
        self.digests[rel] = dig
        if st is not None and self.stat_index is not None:
            self.stat_index.put(rel, st, dig)

    def file_digest(self, rel: str) -> str:
        """SHA-256 of a file's bytes ("missing" when it cannot be read); a warm run takes it from the stat index."""
        d = self.digests.get(rel)
        if d is not None:
            return d
        st = self._stat(rel)
        if st is not None:
            d = self.stat_index.get(rel, st)  # type: ignore[union-attr]
            if d is not None:
                self.digests[rel] = d
                return d
        try:
            raw = self.source.read(rel)
        except OSError:
            self.digests[rel] = "missing"
            return "missing"
        d = digest(raw)
        if len(self._digested) >= KEEP_DIGESTED:
            del self._digested[next(iter(self._digested))]
        self._digested[rel] = raw  # a digest is mostly asked for just before the file is parsed
        self._remember(rel, d, st)
        return d

    def _read_bytes(self, rel: str) -> bytes:
        """A file's bytes: those ``file_digest`` has just read (each file is read once), else from the source."""
        raw = self._digested.pop(rel, None)
        return self.source.read(rel) if raw is None else raw

    def save_caches(self) -> None:
        """Write back what this run learnt for the next one (the stat index); a no-op without a cache."""
        if self.stat_index is not None:
            self.stat_index.save()

    def unit_files(self, uid: str) -> list[str]:
        """Every file of a unit (register-relative paths)."""
        return list(self.unit_dirs.get(uid, []))

    def has_file(self, rel: str) -> bool:
        """Whether ``rel`` is one of the register's files."""
        if self._file_set is None:
            self._file_set = set(self.all_files)
        return rel in self._file_set

    # -- one file --------------------------------------------------------------------------------
    def file_items(self, rel: str) -> FileItems | None:
        """One file read, validated and subject to ``on_broken`` as a unit's files are (``FileItems``).

        For reading a few files of a large register (``lfk diff`` reads only what changed): nothing
        else is read; a unit's unit.yaml is its header (``unit_header``), with no baseline adopted.
        None when the register has no such file, the path is no item file (``lfk.model.file_kind``)
        or ``skip`` leaves the file out. Call it once per file with ``skip`` (each call records).
        """
        kind = file_kind(rel)
        if kind is None or not self.has_file(rel):
            return None
        if kind == "lfk":
            return FileItems(self.config_file, kind, self._config_model)
        if kind == "unit":
            lf, unit = self.unit_header(rel.split("/")[1])
            return FileItems(lf, kind, unit) if lf is not None and not (unit is None and self._left_out(lf)) else None
        lf = self._load(rel)
        if kind in LIST_MODELS:
            return self._list_items(lf, kind)
        model, _ = self._validate(lf, Flow if kind == "flow" else Benchmark)
        return None if self._broken(lf) else FileItems(lf, kind, model)

    def _left_out(self, lf: LoadedFile) -> bool:
        return self.on_broken == "skip" and any(f.severity is Severity.ERROR for f in lf.findings)

    def _list_items(self, lf: LoadedFile, kind: str) -> FileItems | None:
        """A list file's ``FileItems``: valid items as written by index (kept per file with ``shared``)."""
        key = (id(lf), kind)
        if self.shared is not None and key in self.shared.items:
            return self.shared.items[key]
        file_model, item_model = LIST_MODELS[kind]
        model, good = self._validate(lf, file_model, kind)
        if self._broken(lf):
            return None
        out = FileItems(lf, kind, model)
        if model is not None and not any(f.severity is Severity.ERROR for f in lf.findings):
            out.items = {i: Item(x, lf, (kind, i)) for i, x in enumerate(getattr(model, kind))}
        elif model is not None or good:  # repaired: each item validated as written, so a bad value is not pruned
            for i, raw in enumerate(out.raw):
                try:
                    out.items[i] = Item(item_model.model_validate(raw), lf, (kind, i))
                except Exception:  # noqa: BLE001 - pydantic's ValidationError and odd input alike
                    pass
        if self.shared is not None:
            self.shared.items[key] = out
        return out

    # -- units -----------------------------------------------------------------------------------
    def unit_model(self, uid: str) -> Unit | None:
        """The model of ``units/<uid>/unit.yaml`` (None when missing or invalid)."""
        return self.unit_header(uid)[1]

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
        ud.unit_file, ud.unit = self.unit_header(uid)
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
                flow, _ = self._validate(lf, Flow)
                if flow is not None and not self._broken(lf):
                    ud.flows[stem] = Item(flow, lf)
            else:
                ud.benchmark_files[stem] = lf
                bm, _ = self._validate(lf, Benchmark)
                if bm is not None and not self._broken(lf):
                    ud.benchmarks.append(Item(bm, lf))
        if ud.unit is not None and (ud.unit.adopts or ud.unit.tailor):
            self._adopt(ud, kinds)
        return ud

    # -- baselines -----------------------------------------------------------------------------
    @property
    def baseline(self) -> Register | None:
        """The baseline register of ``baseline:`` in lfk.yaml (None without one); opened once.

        A missing folder, a folder without lfk.yaml, a remote URL or a bad pinned revision is a
        ``ConfigError`` naming lfk.yaml:line.
        """
        if not self._baseline_open:
            self._baseline = self._open_baseline()
            self._baseline_open = True
        return self._baseline

    def config_at(self, path: tuple[Any, ...]) -> str:
        """``lfk.yaml:LINE`` of the value at ``path`` in lfk.yaml (for a ``ConfigError``'s location)."""
        return f"{self._display_root / 'lfk.yaml'}:{self.config_file.loc(path)[0]}"

    def baseline_location(self) -> tuple[Path, str] | None:
        """(folder of the baseline register on disk, its path as lfk.yaml names it) or None."""
        cfg = self.config.baseline
        if cfg is None:
            return None
        where = f"{self._display_root / 'lfk.yaml'}:{self.config_file.loc(('baseline',))[0]}"
        spec = cfg.path or cfg.url
        if not spec:
            raise ConfigError("baseline: needs path (or url) / baseline 须写明 path", location=where)
        if cfg.path is None and cfg.url is not None:
            if cfg.url.startswith("file://"):
                spec = cfg.url[len("file://"):]
            elif "://" in cfg.url or (":" in cfg.url and "@" in cfg.url.split(":", 1)[0]):
                raise ConfigError(
                    f"baseline url {cfg.url}: lfk reads a local clone only and never fetches / 基准登记册须先克隆到本地",
                    location=where,
                    hint="git clone (or git submodule add) the baseline, then write `baseline: {path: DIR, rev: TAG}`")
        folder = Path(spec).expanduser()
        if not folder.is_absolute():
            folder = self.root / folder
        return folder, spec.rstrip("/")

    def _open_baseline(self) -> Register | None:
        located = self.baseline_location()
        if located is None:
            return None
        folder, spec = located
        cfg = self.config.baseline
        assert cfg is not None
        where = f"{self._display_root / 'lfk.yaml'}:{self.config_file.loc(('baseline',))[0]}"
        if self._depth >= MAX_BASELINE_DEPTH:
            raise ConfigError("baselines nest too deep (or in a cycle) / 基准登记册层级过深或循环引用", location=where)
        if not folder.is_dir():
            raise ConfigError(f"baseline {spec}: no such folder / 找不到基准登记册文件夹", location=where,
                              hint="the path is relative to lfk.yaml")
        source: Source
        if cfg.rev:
            tree = work_tree_of(folder)
            if tree is None:
                raise ConfigError(f"baseline {spec}: rev {cfg.rev} needs a git work tree / 指定版本须为 git 仓库",
                                  location=where)
            try:
                source = GitSource(tree[0], cfg.rev, tree[1])
            except LfkError as e:
                raise ConfigError(f"baseline {spec}: {e.message}", location=where) from None
        else:
            source = DirSource(folder)
        if "lfk.yaml" not in source.files():
            raise ConfigError(f"baseline {spec}: no lfk.yaml there / 基准文件夹中没有 lfk.yaml", location=where)
        prefix = f"{self._prefix}{spec}/" if not Path(spec).is_absolute() else f"{spec}/"
        return Register(folder, source, self.cache, on_broken=self.on_broken, on_skip=self.on_skip,
                        _prefix=prefix, _display_root=self._display_root, _depth=self._depth + 1)

    def baseline_inputs(self, uid: str) -> list[str]:
        """``rel=digest`` of every baseline file a unit's resolution reads (for cache keys)."""
        unit = self.unit_model(uid)
        if unit is None or not unit.adopts or self.config.baseline is None:
            return []
        base = self.baseline
        if base is None:
            return []
        cfg = self.config.baseline
        out = [f"baseline={cfg.path or cfg.url}@{cfg.rev or ''}", f"lfk.yaml={base.file_digest('lfk.yaml')}"]
        out += [f"{lf.rel}={base.file_digest(lf.rel[len(base._prefix):])}" for lf in base.std_flow_files.values()]
        for bid in unit.adopts:
            out += [f"{bid}/{rel}={base.file_digest(rel)}" for rel in sorted(base.unit_files(bid))]
            out += base.baseline_inputs(bid)
        return out

    def _adopt(self, ud: UnitData, kinds: frozenset[str] | None) -> None:
        """Resolve the unit against its adopted baseline units and apply its tailorings (in order)."""
        unit = ud.unit
        assert unit is not None
        base = self.baseline if unit.adopts else None
        pools: dict[str, dict[str, Item[Any]]] = {k: {} for k in TAILOR_KINDS}
        for bid in unit.adopts:
            if base is None or bid not in base.unit_ids:
                ud.unknown_adopts.append(bid)
                continue
            ud.adopted.append(bid)
            bud = base.unit(bid, keep=True)
            ud.baseline_files.extend(bud.files)
            for k in TAILOR_KINDS:
                for ident, it in items_of(bud, k):
                    pools[k].setdefault(ident, Item(it.model, it.file, it.path, it.origin or bid))
            for a in bud.authorities:  # the baseline's standard flows its powers use
                fid = getattr(a.model, "flow", None)
                if fid and fid not in bud.flows and fid in base.std_flows and fid not in self.std_flows:
                    std = base.std_flows[fid]
                    pools["flow"].setdefault(fid, Item(std.model, std.file, std.path, bid))
        for i, t in enumerate(unit.tailor):
            ud.tailorings.append(_tailor(pools, ud, i, t))
        want = kinds is None
        for k in TAILOR_KINDS:
            attr = KIND_ATTR[k]
            if not (want or attr in kinds):  # type: ignore[operator]
                continue
            own = {ident for ident, _ in items_of(ud, k)}
            ud.shadowed.extend((k, ident) for ident in pools[k] if ident in own)
            keep = [it for ident, it in pools[k].items() if ident not in own]
            if k == "flow":
                ud.flows = {**{it.model.id: it for it in keep}, **ud.flows}
                for it in keep:
                    ud.flow_files.setdefault(it.model.id, it.file)
                    ud.raw_ids.setdefault("flows", set()).add(it.model.id)
            else:
                target: list[Item[Any]] = getattr(ud, attr)
                target[:0] = keep
                if k == "benchmark":
                    for it in keep:
                        ud.benchmark_files.setdefault(it.model.authority, it.file)
                if attr in ("authorities", "risks", "measures"):
                    ud.raw_ids.setdefault(attr, set()).update(it.model.id for it in keep)

    def _read_list_file(self, ud: UnitData, lf: LoadedFile, kind: str) -> None:
        model_cls = LIST_MODELS[kind][0]
        ud.raw_ids[kind] = _raw_ids(lf.data, kind)
        model, good = self._validate(lf, model_cls, kind)
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


def items_of(ud: UnitData, kind: str) -> list[tuple[str, Item[Any]]]:
    """(id, item) of one tailor kind in a unit (a benchmark's id is its power's)."""
    if kind == "flow":
        return list(ud.flows.items())
    if kind == "benchmark":
        return [(it.model.authority, it) for it in ud.benchmarks]
    return [(it.model.id, it) for it in getattr(ud, KIND_ATTR[kind])]


def _tailor(pools: dict[str, dict[str, Item[Any]]], ud: UnitData, index: int, t: Any) -> TailorRecord:
    """Apply one tailoring to the pools of adopted items; what happened is the returned record."""
    action = "drop" if t.drop is not None else "change"
    target = t.drop if t.drop is not None else (t.change or "")
    rec = TailorRecord(index, action, str(target), t.kind, reason=t.reason)
    if (t.drop is None) == (t.change is None):
        rec.status = "malformed"
        return rec
    kinds = [k for k in TAILOR_KINDS if (t.kind is None or k == t.kind) and rec.target in pools[k]]
    if not kinds:
        rec.status = "unknown-target"
        return rec
    kind = rec.kind = kinds[0]
    unit_file = ud.unit_file
    assert unit_file is not None
    here = ("tailor", index)
    if action == "drop":
        del pools[kind][rec.target]
        _cascade(pools, kind, rec, unit_file, here)
        return rec
    item = pools[kind][rec.target]
    model_cls = type(item.model)
    bad = [f for f in t.set if f not in model_cls.model_fields or f == ID_FIELDS[kind]]
    if bad or not t.set:
        rec.status = "unknown-field"
        rec.fields = bad
        return rec
    data = item.model.model_dump()
    data.update(t.set)
    try:
        new = model_cls.model_validate(data)
    except ValidationError as e:  # the tailoring is refused; lint (LFK114) says why
        rec.status = "invalid"
        rec.fields = list(t.set)
        err = e.errors()[0]
        rec.problem = f"{'.'.join(str(x) for x in err.get('loc', ()))}: {err.get('msg', '')}"
        return rec
    tf = TailoredFile.over(item.file)
    for f in t.set:
        tf.redirects[item.path + (f,)] = (unit_file, here + ("set", f))
    rec.fields = list(t.set)
    pools[kind][rec.target] = Item(new, tf, item.path, item.origin)
    return rec


def _cascade(pools: dict[str, dict[str, Item[Any]]], kind: str, rec: TailorRecord, unit_file: LoadedFile,
             here: tuple[Any, ...]) -> None:
    """What a drop takes along: a power's risks and benchmark; a risk's measures (or its id in them)."""
    gone_risks: set[str] = set()
    if kind == "authority":
        for rid, r in list(pools["risk"].items()):
            if r.model.authority == rec.target:
                del pools["risk"][rid]
                gone_risks.add(rid)
                rec.cascade.append(("risk", rid))
        if rec.target in pools["benchmark"]:
            del pools["benchmark"][rec.target]
            rec.cascade.append(("benchmark", rec.target))
    elif kind == "risk":
        gone_risks.add(rec.target)
    if not gone_risks:
        return
    for mid, m in list(pools["measure"].items()):
        left = [r for r in m.model.risks if r not in gone_risks]
        if len(left) == len(m.model.risks):
            continue
        if not left:
            del pools["measure"][mid]
            rec.cascade.append(("measure", mid))
            continue
        tf = TailoredFile.over(m.file)
        tf.redirects[m.path + ("risks",)] = (unit_file, here)
        pools["measure"][mid] = Item(m.model.model_copy(update={"risks": left}), tf, m.path, m.origin)


def _unreadable_file(rel: str, e: OSError) -> LoadedFile:
    """The file ``rel`` that the source could not give: LFK001 with the reason."""
    lf = LoadedFile(rel)
    lf.error("LFK001", 1, 1, T(f"无法读取文件：{e}", f"cannot read the file: {e}"))
    return lf


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
    """A usable config when lfk.yaml is invalid: its valid parts (``Config.salvage``)."""
    return Config.salvage(lf.data if isinstance(lf.data, dict) else {})
