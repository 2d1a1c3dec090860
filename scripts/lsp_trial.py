#!/usr/bin/env python3
"""Try lfk's JSON Schemas in a real editor server: yaml-language-server over LSP (stdio).

Copies a register, writes its schemas with ``lfk schema``, opens a risks.yaml carrying a
``# yaml-language-server: $schema=...`` modeline, and checks what an editor user sees:

- diagnostics for an unknown category, a kind of another category, a factor out of range, an unknown
  factor, a grade that is not a grade — and none for the register's own (clean) file;
- completion of ``category`` / ``kind`` / ``grade`` values and of the factor keys, without ``null``;
- hover text of an optional field that names the field once.

Usage (yaml-language-server from npm, e.g. ``npm install yaml-language-server`` in /tmp/yls):

    python scripts/lsp_trial.py --server /tmp/yls/node_modules/.bin/yaml-language-server [--register registers]

Prints one line per check (``ok`` / ``FAIL``) and exits 1 when a check fails. Needs node; not part of
the test suite (tests/unit/model/test_schemas.py checks the same schemas with the ``jsonschema`` library).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any

REPO = Path(__file__).resolve().parents[1]


class Client:
    """A minimal LSP client over a child's stdin/stdout (Content-Length framing)."""

    def __init__(self, argv: list[str], settings: dict[str, Any]) -> None:
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.settings = settings
        self.next_id = 0
        self.version = 0
        self.responses: dict[int, Queue] = {}
        self.notifications: Queue = Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _send(self, msg: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **msg}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            msg = json.loads(out.read(length))
            if "id" in msg and "method" in msg:  # a request of the server
                self._answer(msg)
            elif "id" in msg:
                self.responses.setdefault(msg["id"], Queue()).put(msg)
            else:
                self.notifications.put(msg)

    def _answer(self, msg: dict[str, Any]) -> None:
        if msg["method"] == "workspace/configuration":
            result: Any = [self.settings.get(item.get("section", ""), None) for item in msg["params"]["items"]]
        else:
            result = None
        self._send({"id": msg["id"], "result": result})

    def request(self, method: str, params: dict[str, Any], timeout: float = 30) -> Any:
        """Send a request and wait for its result."""
        self.next_id += 1
        rid = self.next_id
        q = self.responses.setdefault(rid, Queue())
        self._send({"id": rid, "method": method, "params": params})
        msg = q.get(timeout=timeout)
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error']}")
        return msg.get("result")

    def notify(self, method: str, params: dict[str, Any]) -> None:
        """Send a notification."""
        self._send({"method": method, "params": params})

    def diagnostics(self, uri: str, timeout: float = 30) -> list[dict[str, Any]]:
        """The last diagnostics published for ``uri`` (waits for the first, then a short quiet time)."""
        found: list[dict[str, Any]] | None = None
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                msg = self.notifications.get(timeout=1.5 if found is not None else end - time.monotonic())
            except Empty:
                if found is not None:
                    return found
                continue
            if msg.get("method") == "textDocument/publishDiagnostics" and msg["params"]["uri"] == uri:
                found = msg["params"]["diagnostics"]
        return found or []

    def open(self, uri: str, text: str) -> None:
        """didOpen ``uri`` with ``text``."""
        self.version += 1
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": self.version,
                                                              "text": text}})

    def change(self, uri: str, text: str) -> None:
        """Replace the text of ``uri`` (a new version each time: the server caches a parse per version)."""
        self.version += 1
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": self.version},
                                               "contentChanges": [{"text": text}]})

    def close(self) -> None:
        """Shut the server down (killed when it does not answer)."""
        try:
            self.request("shutdown", {}, timeout=5)
            self.notify("exit", {})
            self.proc.wait(timeout=5)
        except Exception:  # noqa: BLE001 - the trial is over either way
            self.proc.kill()


BROKEN_RISK = """\
  - id: R-90
    title: 试验用风险点
    category: 权力行使
    kind: 理想信念不坚定
    factors: {importance: 7, discretion: 3, probability: 3, harn: 3}
    grade: 很高
  - id: R-91
    title: 试验用风险点
    category: 权力滥用
"""


def position(text: str, needle: str, after: bool = True, last: bool = False) -> dict[str, int]:
    """LSP position just after (or at) the first (or ``last``) ``needle`` in ``text`` (UTF-16 columns)."""
    i = (text.rindex(needle) if last else text.index(needle)) + (len(needle) if after else 0)
    line = text.count("\n", 0, i)
    col = len(text[text.rfind("\n", 0, i) + 1:i].encode("utf-16-le")) // 2
    return {"line": line, "character": col}


def labels(result: Any) -> list[str]:
    """The labels of a completion result."""
    items = result.get("items", []) if isinstance(result, dict) else (result or [])
    return [it["label"] for it in items]


def main() -> int:
    """Run the trial; 0 when every check passed."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", required=True, help="the yaml-language-server executable")
    ap.add_argument("--register", default=str(REPO / "registers"), help="register to copy (default: the demo)")
    ap.add_argument("--unit", default="county-amr")
    ap.add_argument("--lfk", default=str(REPO / ".venv" / "bin" / "lfk"))
    args = ap.parse_args()

    checks: list[tuple[bool, str]] = []

    def check(ok: bool, what: str, detail: object = "") -> None:
        checks.append((ok, what))
        print(("ok    " if ok else "FAIL  ") + what + ("" if ok else f"  — {detail}"))

    with tempfile.TemporaryDirectory() as tmp:
        reg = Path(tmp) / "reg"
        shutil.copytree(args.register, reg, ignore=shutil.ignore_patterns("schemas", ".lfk-cache"))
        subprocess.run([args.lfk, "schema", "--root", str(reg)], check=True, stdout=subprocess.DEVNULL)
        risks = reg / "units" / args.unit / "risks.yaml"
        modeline = "# yaml-language-server: $schema=../../schemas/risks.schema.json\n"
        clean = modeline + risks.read_text(encoding="utf-8")
        broken = clean.rstrip("\n") + "\n" + BROKEN_RISK
        uri = risks.as_uri()

        settings = {"yaml": {"validate": True, "hover": True, "completion": True, "format": {"enable": False},
                             "schemaStore": {"enable": False}, "schemas": {}}}
        c = Client([args.server, "--stdio"], settings)
        try:
            c.request("initialize", {"processId": os.getpid(), "rootUri": reg.as_uri(), "capabilities": {
                "textDocument": {"completion": {"completionItem": {"snippetSupport": True,
                                                                   "documentationFormat": ["markdown", "plaintext"]}},
                                 "hover": {"contentFormat": ["markdown", "plaintext"]},
                                 "publishDiagnostics": {}},
                "workspace": {"configuration": True}}})
            c.notify("initialized", {})
            c.notify("workspace/didChangeConfiguration", {"settings": settings})

            c.open(uri, clean)
            diags = c.diagnostics(uri)
            check(diags == [], "the register's own risks.yaml: no diagnostics", [d["message"] for d in diags])

            c.change(uri, broken)
            diags = c.diagnostics(uri)
            first = broken.count("\n", 0, broken.index("  - id: R-90"))
            by_line: dict[int, list[str]] = {}
            for d in diags:
                by_line.setdefault(d["range"]["start"]["line"] - first, []).append(d["message"])
            print("      diagnostics on the added risk:", json.dumps(by_line, ensure_ascii=False))
            check(bool(by_line.get(8)), "unknown category 权力滥用 is flagged", by_line)
            check(bool(by_line.get(3)), "kind 理想信念不坚定 of another category (权力行使) is flagged", by_line)
            check(any("maximum of 5" in m for m in by_line.get(4, [])), "factor importance: 7 is flagged", by_line)
            check(any("harm" in m for m in by_line.get(4, [])), "missing factor harm (typed harn) is flagged", by_line)
            check(bool(by_line.get(5)), "grade 很高 is flagged", by_line)

            def complete(text: str, needle: str) -> list[str]:
                c.change(uri, text)
                got = labels(c.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                                   "position": position(text, needle, last=True)}))
                print(f"      completion after {needle.strip()!r}: {json.dumps(got, ensure_ascii=False)}")
                return got

            base = clean.rstrip("\n") + "\n"
            got = complete(base + "  - id: R-91\n    category: ", "    category: ")
            check({"权力行使", "制度机制", "思想道德"} <= set(got) and "null" not in got,
                  "category completes the taxonomy's categories", got)
            got = complete(base + "  - id: R-91\n    category: 思想道德\n    kind: ", "    kind: ")
            check(set(got) == {"理想信念不坚定", "工作作风不扎实", "职业道德不牢固", "外部环境影响"},
                  "kind completes the kinds of its category 思想道德 only, no null", got)
            got = complete(base + "  - id: R-91\n    category: 思想道德\n    grade: ", "    grade: ")
            check({"高", "中", "低"} <= set(got) and "null" not in got, "grade completes 高/中/低, no null", got)
            got = complete(base + "  - id: R-91\n    category: 思想道德\n    owner: ", "    owner: ")
            check("null" not in got, "an optional text field offers no null", got)
            got = complete(base + "  - id: R-91\n    category: 思想道德\n    factors:\n      ", "    factors:\n      ")
            check({"importance", "discretion", "probability", "harm"} <= set(got),
                  "factors complete the rubric's keys", got)

            c.change(uri, clean)
            for key in ("    kind:", "    grade:", "    factors:", "{importance"):
                at = position(clean, key, after=False)
                h = c.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                     "position": at | {"character": at["character"] + len(key)
                                                                       - len(key.lstrip()) + 1}})
                value = (h or {}).get("contents", {})
                value = value.get("value", "") if isinstance(value, dict) else str(value)
                print(f"      hover {key.strip()} {json.dumps(value, ensure_ascii=False)}")
                title = {"    kind:": "风险类型", "    grade:": "风险等级", "    factors:": "评定因素",
                         "{importance": "权力重要程度"}[key]
                check(value.startswith(f"#### {title}\n") and "||" not in value,
                      f"hover on {key.strip()} titles it {title} once", value)
        finally:
            c.close()
    failed = [w for ok, w in checks if not ok]
    print(f"{len(checks) - len(failed)}/{len(checks)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
