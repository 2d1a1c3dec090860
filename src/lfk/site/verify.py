"""``lfk verify-site``: is a published site exactly what its register revision produces?

Two checks, each a list of findings (VER0xx):

* **offline** (no register needed): every file the site holds is listed in ``lfk-publication.json``
  with its SHA-256, and every listed file is there with that digest; nothing added, nothing changed.
* **rebuild** (needs a clone of the register's repository): the site is built again from the git objects
  of the revision the manifest names, with the build options it records, and the two manifests (file
  digests and published items) must be equal.

With ``tag``, the tag must point at that revision, and ``git verify-tag`` must accept its signature:
the publisher signs the revision (git signed tag), the checker trusts only the key, not the publisher's
copy of the pages (docs/verify.md).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lfk import __version__
from lfk.core.errors import InputError, LfkError
from lfk.core.finding import Finding, Severity
from lfk.core.git import GitRepo, run_git
from lfk.core.i18n import T
from lfk.history import register_at
from lfk.site.build import MANIFEST, PublicationBlocked, build_site
from lfk.site.publication import FORMAT, PUBLICATION, PUBLICATION_JS, script_matches, sha256


@dataclass
class Verification:
    """The outcome: findings, what was checked, and the manifest's own digest (to quote or sign)."""

    site: Path
    findings: list[Finding] = field(default_factory=list)
    manifest_sha256: str | None = None
    revision: dict[str, Any] | None = None
    files: int = 0
    rebuilt: bool = False
    signature: str | None = None  # "good", or None when no tag was checked

    @property
    def verified(self) -> bool:
        """No error finding."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def summary(self) -> dict[str, Any]:
        """The summary record of the findings formatters (plus what was verified)."""
        errors = sum(1 for f in self.findings if f.severity is Severity.ERROR)
        return {"errors": errors, "warnings": sum(1 for f in self.findings if f.severity is Severity.WARNING),
                "infos": 0, "suppressed": 0, "files": self.files, "units": 0, "exit_code": 1 if errors else 0,
                "verified": self.verified, "rebuilt": self.rebuilt, "revision": self.revision,
                "manifest_sha256": self.manifest_sha256, "signature": self.signature}


def _f(code: str, path: str, zh: str, en: str, hint: tuple[str, str] | None = None,
       severity: Severity = Severity.ERROR) -> Finding:
    return Finding(code, severity, path, 1, 1, T(zh, en), T(*hint) if hint else None)


def _site_files(site: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(site):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            p = Path(dirpath) / name
            rel = p.relative_to(site).as_posix()
            if name.startswith(".") or rel in (PUBLICATION, PUBLICATION_JS):
                continue
            out[rel] = p.read_bytes()
    return out


def check_offline(site: Path, ver: Verification) -> dict[str, Any] | None:
    """The offline check; returns the manifest (None when it is missing or unreadable)."""
    path = site / PUBLICATION
    try:
        raw = path.read_bytes()
        doc = json.loads(raw)
    except (OSError, ValueError) as e:
        ver.findings.append(_f("VER001", PUBLICATION, f"没有可读的发布清单：{e}", f"no readable publication manifest: {e}",
                               ("请用 lfk site 重新生成网站", "build the site again with lfk site")))
        return None
    ver.manifest_sha256 = sha256(raw)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("files"), dict):
        ver.findings.append(_f("VER001", PUBLICATION, "发布清单格式不对", f"the manifest is not {FORMAT}"))
        return None
    ver.revision = doc.get("revision") if isinstance(doc.get("revision"), dict) else None
    listed: dict[str, str] = {str(k): str(v) for k, v in doc["files"].items()}
    present = _site_files(site)
    ver.files = len(present)
    for rel in sorted(listed):
        if rel not in present:
            ver.findings.append(_f("VER003", rel, "清单中的文件不在网站中", "listed in the manifest but missing from the site"))
        elif sha256(present[rel]) != listed[rel]:
            ver.findings.append(_f("VER002", rel, "文件内容与清单的摘要不符（被修改过）",
                                   "the file's content does not match its digest in the manifest (altered)"))
    for rel in sorted(set(present) - set(listed)):
        ver.findings.append(_f("VER004", rel, "网站中有清单未列出的文件", "a file the manifest does not list was added"))
    script = site / PUBLICATION_JS
    if script.is_file() and not script_matches(script.read_bytes(), raw):
        ver.findings.append(_f("VER011", PUBLICATION_JS, "lfk-publication.js 与发布清单不一致（verify.html 会按它核验）",
                               "lfk-publication.js does not carry the publication manifest (verify.html checks against it)",
                               ("请用 lfk site 重新生成网站", "build the site again with lfk site")))
    return doc


def check_tag(repo: GitRepo, tag: str, commit: str, ver: Verification) -> None:
    """The tag points at ``commit`` and its signature verifies (``git verify-tag``)."""
    if repo.commit(tag) != commit:
        ver.findings.append(_f("VER008", PUBLICATION, f"标签 {tag} 不指向清单中的版本", f"tag {tag} does not point at the manifest's revision"))
        return
    proc = run_git(repo.top, "verify-tag", "--end-of-options", tag, check=False)
    if proc.returncode == 0:
        ver.signature = "good"
    else:
        ver.findings.append(_f("VER009", PUBLICATION, f"标签 {tag} 没有有效签名", f"tag {tag} has no valid signature",
                               ("发布方用 git tag -s 签名版本，核验方导入其公钥", "the publisher signs with git tag -s; "
                                "import the publisher's key (gpg --import / gpg.ssh.allowedSignersFile)")))


def rebuild(root: Path, doc: dict[str, Any], ver: Verification) -> None:
    """Build the site again from the manifest's revision and compare the two manifests."""
    rev = ver.revision
    if rev is None or not rev.get("commit"):
        ver.findings.append(_f("VER005", PUBLICATION, "网站是用未提交的内容生成的，无法按版本核验",
                               "the site was built from uncommitted work: no revision can reproduce it",
                               ("先提交，再用 lfk site --rev 生成", "commit, then build with lfk site --rev TAG")))
        return
    build = doc.get("build") if isinstance(doc.get("build"), dict) else {}
    if build.get("lfk") != __version__:
        ver.findings.append(_f("VER010", PUBLICATION, f"网站由 lfk {build.get('lfk')} 生成，本机是 {__version__}，页面可能不同",
                               f"the site was built by lfk {build.get('lfk')}, this is {__version__}: pages may differ",
                               severity=Severity.WARNING))
    try:
        reg, _ = register_at(root, str(rev["commit"]), None)
    except LfkError as e:
        ver.findings.append(_f("VER006", PUBLICATION, f"无法读取该版本：{e}", f"cannot read that revision: {e}",
                               ("用 --root 指向该登记册仓库的克隆", "point --root at a clone of the register's repository")))
        return
    with tempfile.TemporaryDirectory(prefix="lfk-verify-") as tmp:
        out = Path(tmp) / "site"
        try:
            build_site(reg, out, str(build.get("audience") or "public"), build.get("base_url"),
                       lang=str(build.get("lang") or "zh"))
        except PublicationBlocked:
            ver.findings.append(_f("VER006", PUBLICATION, "该版本不能公开发布（LFK7xx 检查不通过）",
                                   "that revision cannot be published (LFK7xx lint errors)"))
            return
        ver.rebuilt = True
        again = json.loads((out / PUBLICATION).read_text(encoding="utf-8"))
        (out / MANIFEST).unlink(missing_ok=True)
    mine, theirs = again.get("files", {}), doc.get("files", {})
    for rel in sorted(set(mine) | set(theirs)):
        if rel not in theirs:
            ver.findings.append(_f("VER006", rel, "该版本生成此文件，但网站中没有", "the revision produces this file; the site lacks it"))
        elif rel not in mine:
            ver.findings.append(_f("VER006", rel, "该版本不生成此文件", "the revision does not produce this file"))
        elif mine[rel] != theirs[rel]:
            ver.findings.append(_f("VER006", rel, "与该版本生成的页面不同", "differs from the page the revision produces"))
    key = lambda i: (i.get("unit"), i.get("kind"), i.get("id"))  # noqa: E731
    items_mine = {key(i): i.get("digest") for i in again.get("items", [])}
    items_theirs = {key(i): i.get("digest") for i in doc.get("items", []) if isinstance(i, dict)}
    for k in sorted(set(items_mine) | set(items_theirs), key=str):
        if items_mine.get(k) != items_theirs.get(k):
            ver.findings.append(_f("VER007", PUBLICATION, f"清单中的条目 {'/'.join(map(str, k))} 与该版本不符",
                                   f"published item {'/'.join(map(str, k))} does not match the revision"))


def verify_site(site: Path, root: Path | None, *, offline: bool = False, tag: str | None = None) -> Verification:
    """Check ``site`` offline, then (unless ``offline``) against a rebuild from the register at ``root``."""
    site = Path(site)
    if not site.is_dir():
        raise InputError(f"{site}: not a folder / 不是文件夹")
    ver = Verification(site)
    doc = check_offline(site, ver)
    if doc is None or offline:
        return ver
    if root is None:
        raise InputError("no register to rebuild from / 缺少登记册", hint="use --root DIR, or --offline for the digest check only")
    if tag and ver.revision and ver.revision.get("commit"):
        check_tag(GitRepo(root), tag, str(ver.revision["commit"]), ver)
    rebuild(root, doc, ver)
    return ver
