"""The publication manifest ``lfk-publication.json``: what a site publishes and from which revision.

Written by every ``lfk site`` build next to the pages. It names the register, the git revision the site
was built from (``null`` when built from a working tree that differs from HEAD), the build options
that shape the pages (audience, language, base URL, lfk version), the SHA-256 of every published file,
and every published item (power, its flow, its benchmark) with the SHA-256 of its canonical content.
``lfk verify-site`` checks a site against it offline, and against a rebuild from that revision.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from lfk import __version__
from lfk.baseline import baseline_info
from lfk.core.errors import InputError
from lfk.core.git import GitRepo
from lfk.diff.compare import canon
from lfk.history import revision_info
from lfk.register import Register, UnitData
from lfk.site.pages import is_public_power

PUBLICATION = "lfk-publication.json"
# the manifest's exact text as a script, so that verify.html can read it from file:// (no fetch there)
PUBLICATION_JS = "lfk-publication.js"
FORMAT = "lfk-publication/1"


def sha256(data: bytes) -> str:
    """Hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def item_digest(model: Any) -> str:
    """SHA-256 of an item's canonical JSON (key order and layout of the YAML do not matter)."""
    return sha256(canon(model.model_dump(mode="json")).encode("utf-8"))


def revision_of(register: Register) -> dict[str, Any] | None:
    """The commit the register was read from: a ``GitSource``'s, or HEAD when the working tree equals it."""
    commit = getattr(register.source, "commit", None)
    label = getattr(register.source, "rev", None)
    try:
        repo = GitRepo(register.root)
        if commit is None:
            commit = repo.commit("HEAD")
            label = "HEAD"
            tracked = repo.tree(commit, repo.prefix)
            if repo.changed_paths(commit, None, repo.prefix) or set(register.all_files) - set(tracked):
                repo.close()
                return None  # uncommitted work: no revision reproduces these pages
        info = revision_info(repo, commit, label).to_json()
        info["subdir"] = repo.prefix
        repo.close()
        return info
    except InputError:
        return None


def published_items(register: Register, internal: bool,
                    known: dict[str, list[dict[str, str]]] | None = None) -> list[dict[str, str]]:
    """Every power the site shows, with its flow and benchmark, each with a content digest; ``known``:
    the items of units already worked out (``unit_items``), the others are read now."""
    out: list[dict[str, str]] = []
    for uid in register.unit_ids:
        if known is not None and uid in known:
            out.extend(known[uid])
            continue
        out.extend(unit_items(register, register.unit(uid, kinds=frozenset({"authorities", "flows", "benchmarks"})),
                              internal))
    return out


def unit_items(register: Register, ud: UnitData, internal: bool) -> list[dict[str, str]]:
    """The published items of one unit (its powers, their flows and benchmarks) with their digests."""
    out: list[dict[str, str]] = []
    uid = ud.id
    bms = {b.model.authority: b for b in ud.benchmarks}
    seen: set[str] = set()
    for a in ud.authorities:
        m = a.model
        if m.id in seen or not (internal or is_public_power(m)):
            continue
        seen.add(m.id)
        out.append({"unit": uid, "kind": "authorities", "id": m.id, "file": a.rel, "digest": item_digest(m)})
        if m.flow:
            flow, _std = register.flow_for(ud, m.flow)
            if flow is not None:
                out.append({"unit": uid, "kind": "flows", "id": m.flow, "file": flow.rel, "digest": item_digest(flow.model)})
        if m.id in bms:
            b = bms[m.id]
            out.append({"unit": uid, "kind": "benchmarks", "id": m.id, "file": b.rel, "digest": item_digest(b.model)})
    return out


def publication_manifest(register: Register, site: dict[str, Any], files: dict[str, str],
                         known: dict[str, list[dict[str, str]]] | None = None) -> str:
    """The text of ``lfk-publication.json`` for a build with options ``site`` and file digests ``files``
    (``known``: the published items of units already read, see ``published_items``)."""
    doc = {
        "format": FORMAT,
        "register": register.config.name,
        "revision": revision_of(register),
        "build": {"audience": site["audience"], "lang": site["lang"], "base_url": site["base_url"], "lfk": __version__},
        "files": dict(sorted(files.items())),
        "items": published_items(register, site["audience"] == "internal", known),
    }
    base = baseline_info(register)
    if base is not None:  # the baseline the units adopt (lfk.yaml baseline:); commit null when not pinned
        doc["baseline"] = base
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def publication_script(manifest_text: str) -> str:
    """``lfk-publication.js``: ``window.LFK_PUBLICATION`` = the manifest's exact text (a JS string, ASCII)."""
    literal = json.dumps(manifest_text, ensure_ascii=True).replace("<", "\\u003c")
    return f"window.LFK_PUBLICATION = {literal};\n"


def script_matches(script: bytes, manifest_text: bytes) -> bool:
    """Whether ``lfk-publication.js`` carries exactly ``manifest_text``."""
    try:
        return script.decode("utf-8") == publication_script(manifest_text.decode("utf-8"))
    except UnicodeDecodeError:
        return False
