#!/usr/bin/env python3
"""Incremental == CLI: the language server, driven like an editor, must end with the
diagnostics `typeorm-lsp check --format json` gives for the same final texts (stdlib only).

On a copy of WORKSPACE (never the original) the script starts the server, waits for the
index, opens a few files and applies realistic edits over LSP, each as incremental UTF-16
ranges: add and remove decorators, add an @Index, rename a property (typed key by key, the
way an editor sends it, without waiting in between), break the syntax and repair it,
retarget a relation (findings move to other files), add an index in a migration for an
IDX001 finding; then file operations on disk reported with didChangeWatchedFiles (create,
delete, rename, change a closed file), a folder moved (workspace/didRenameFiles) and
didClose/didOpen with other content. Targets are
picked from the codebase itself (deterministically); a step without a target is skipped.

After each group of steps it waits until the server says it is idle (the debug command
`typeorm-lsp.debug.idle`, enabled by TYPEORM_LSP_DEBUG_COMMANDS=1), keeps the last published
diagnostics of every file, writes the open buffers' texts into the copy, runs `check --format json`
there, and compares per file (code, severity, message, byte span). Exit 1 on a divergence.

Usage: lsp-differential.py --server target/release/typeorm-lsp --workspace DIR
                           [--only STEPS] [--keep] [--json OUT] [-v]
"""

import argparse
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("lsp_latency",
                                               os.path.join(_here, "lsp-latency.py"))
lsp_latency = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lsp_latency)
uri_of = lsp_latency.uri_of

SKIP_DIRS = {"node_modules", ".git", "dist", "build", ".typeorm-lsp-cache"}
SEVERITY = {"error": 1, "warning": 2, "info": 3, "information": 3, "hint": 4}
STEPS = ["open", "add-index", "remove-decorator", "rename-property", "break-syntax",
         "retarget-relation", "soft-delete", "rename-table", "service-query", "migration-index",
         "create-file", "delete-file", "rename-file", "change-closed", "move-folder", "reopen",
         "close"]


def path_of(uri):
    return urllib.parse.unquote(urllib.parse.urlparse(uri).path)


def utf16_position(text, idx):
    """The LSP position (UTF-16 columns) of a str index."""
    before = text[:idx]
    breaks = list(re.finditer(r"\r\n|\r|\n", before))
    line_start = breaks[-1].end() if breaks else 0
    col = sum(2 if ord(c) > 0xFFFF else 1 for c in before[line_start:])
    return {"line": len(breaks), "character": col}


class Client:
    """The server and what it published: the last diagnostics per URI, the log lines."""

    def __init__(self, server, root, verbose):
        env = dict(os.environ)
        # The fact cache goes to a folder of its own, not into the workspace or $HOME.
        env["TYPEORM_LSP_CACHE_DIR"] = tempfile.mkdtemp(prefix="lsp-diff-cache-")
        # For `typeorm-lsp.debug.idle`: compare when the server says it is done.
        env["TYPEORM_LSP_DEBUG_COMMANDS"] = "1"
        self.s = lsp_latency.Server(server, root, env)
        self.verbose = verbose
        self.cond = threading.Condition()
        self.published = {}  # uri -> (version, diagnostics)
        self.last_note = time.monotonic()
        self.index_done = False
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        while True:
            _, msg = self.s.notes.get()
            with self.cond:
                self.last_note = time.monotonic()
                if msg["method"] == "textDocument/publishDiagnostics":
                    p = msg["params"]
                    self.published[p["uri"]] = (p.get("version"), p["diagnostics"])
                elif (msg["method"] == "$/progress"
                      and msg["params"]["value"].get("kind") == "end"):
                    self.index_done = True
                self.cond.notify_all()
            self.s.notes.task_done()

    def wait(self, pred, timeout=120):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not pred():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(min(left, 0.2))
        return True

    def idle(self):
        """Waits until the server is idle (its debug command), then until every
        notification sent before the answer is recorded."""
        msg, _ = self.s.call("workspace/executeCommand",
                             {"command": "typeorm-lsp.debug.idle", "arguments": []}, 400)
        if msg.get("result") is not True:
            sys.exit(f"the server did not become idle: {msg}")
        self.s.notes.join()


class Editor:
    """Open buffers (text and version) as an editor keeps them, and the disk of the copy."""

    def __init__(self, client, root, verbose):
        self.c, self.root, self.verbose = client, root, verbose
        self.docs = {}  # rel -> [version, text]

    def log(self, what):
        if self.verbose:
            print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr)

    def uri(self, rel):
        return uri_of(os.path.join(self.root, rel))

    def read(self, rel):
        with open(os.path.join(self.root, rel), encoding="utf-8") as f:
            return f.read()

    def open(self, rel, text=None):
        text = self.read(rel) if text is None else text
        self.docs[rel] = [1, text]
        self.c.s.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.uri(rel), "languageId": "typescript", "version": 1, "text": text}})
        self.log(f"open {rel}")
        self.wait_version(rel)

    def close(self, rel):
        self.docs.pop(rel, None)
        self.c.s.notify("textDocument/didClose", {"textDocument": {"uri": self.uri(rel)}})
        self.log(f"close {rel}")

    def edit(self, rel, start, end, new, wait=True):
        """Replaces text[start:end] (str indices) of an open buffer, as one didChange."""
        doc = self.docs[rel]
        text = doc[1]
        rng = {"start": utf16_position(text, start), "end": utf16_position(text, end)}
        doc[0] += 1
        doc[1] = text[:start] + new + text[end:]
        self.c.s.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri(rel), "version": doc[0]},
            "contentChanges": [{"range": rng, "text": new}]})
        if wait:
            self.wait_version(rel)

    def wait_version(self, rel):
        uri, version = self.uri(rel), self.docs[rel][0]
        ok = self.c.wait(lambda: self.c.published.get(uri, (None,))[0] == version, 60)
        if not ok:
            print(f"warning: no diagnostics for {rel} version {version}", file=sys.stderr)

    def disk(self, events):
        """Reports (rel, type) events: 1 created, 2 changed, 3 deleted."""
        self.c.s.notify("workspace/didChangeWatchedFiles", {"changes": [
            {"uri": self.uri(rel), "type": typ} for rel, typ in events]})
        self.log(f"disk {events}")

    def write(self, rel, text):
        full = os.path.join(self.root, rel)
        existed = os.path.exists(full)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        self.disk([(rel, 2 if existed else 1)])


def sources(root):
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS and not x.startswith("."))
        for f in sorted(files):
            if f.endswith(".ts") and not f.endswith(".d.ts"):
                out.append(os.path.relpath(os.path.join(d, f), root))
    return out


def read_all(root, rels):
    texts = {}
    for rel in rels:
        try:
            with open(os.path.join(root, rel), encoding="utf-8") as f:
                texts[rel] = f.read()
        except (UnicodeDecodeError, OSError):
            pass
    return texts


CLASS = re.compile(r"@\w*Entity\((?:[^()]|\([^()]*\))*\)\s*(?:@\w+\((?:[^()]|\([^()]*\))*\)\s*)*"
                   r"export\s+(?:default\s+)?(?:abstract\s+)?class\s+(\w+)")
COLUMN_LINE = re.compile(r"^([ \t]*)@\w*Column\([^\n]*\)[ \t]*\r?\n", re.M)
COLUMN_PROP = re.compile(r"@\w*Column\([^)\n]*\)\s*\n\s*(?:(?:public|readonly|declare)\s+)*"
                         r"(\w+)[?!]?\s*:")
MANY_TO_ONE = re.compile(r"@\w*ManyToOne\(\s*\(\)\s*=>\s*(\w+)")
INDEX_LINE = re.compile(r"^[ \t]*@Index\([^\n]*\)[ \t]*\r?\n", re.M)
ENTITY_TABLE = re.compile(r"@\w*Entity\(\s*['\"](\w+)['\"]")
IDX001 = re.compile(r"\((\w+)\.(\w+)\)")


class Targets:
    """What the steps edit, picked from the codebase (the same picks on every run)."""

    def __init__(self, texts):
        self.texts = texts
        self.entities = {rel: m.group(1) for rel, t in texts.items()
                         if (m := CLASS.search(t))}
        self.classes = set(self.entities.values())
        with_relation = [r for r in self.entities
                         if any(m.group(1) in self.classes
                                for m in MANY_TO_ONE.finditer(texts[r]))
                         and COLUMN_LINE.search(texts[r])]
        with_columns = [r for r in self.entities if COLUMN_PROP.search(texts[r])]
        self.e1 = with_relation[len(with_relation) // 2] if with_relation else None
        rest = [r for r in with_columns if r != self.e1]
        self.e2 = rest[len(rest) // 3] if rest else None
        name2 = self.entities.get(self.e2)
        services = [r for r, t in texts.items()
                    if name2 and r != self.e2 and re.search(rf"\b{name2}\b", t)
                    and re.search(r"\.(?:find\w*|createQueryBuilder|update|save)\(", t)]
        self.service = services[0] if services else None
        migrations = [r for r, t in texts.items() if "implements MigrationInterface" in t
                      and re.search(r"async up\([^)]*\)[^{]*\{", t)]
        self.migration = migrations[-1] if migrations else None
        busy = {self.e1, self.e2, self.service, self.migration}
        # Closed entity files other files import (deleting or moving one changes them).
        imported = []
        for rel, name in self.entities.items():
            if rel in busy:
                continue
            stem = os.path.splitext(os.path.basename(rel))[0]
            users = sum(1 for t in texts.values() if stem in t and name in t)
            if users >= 2:
                imported.append(rel)
        self.delete = imported[len(imported) // 4] if imported else None
        self.rename = imported[(3 * len(imported)) // 4] if len(imported) > 1 else None
        closed = [r for r in with_columns if r not in busy and r not in
                  (self.delete, self.rename)]
        self.changed = closed[-1] if closed else None


def run_steps(ed, t, only, checkpoint):
    """Runs the steps; `checkpoint(name)` compares with the CLI after the buffer edits
    (before the file operations, whose full re-check would hide a stale closed file)."""
    c = ed.c
    done = []

    def want(step):
        return step in only

    def full_step(action):
        action()
        c.idle()

    opened = [r for r in (t.e1, t.e2, t.service, t.migration) if r]
    if want("open"):
        for rel in opened:
            ed.open(rel)
        done.append("open")
    is_open = lambda rel: rel in ed.docs  # noqa: E731
    if want("add-index") and is_open(t.e2):
        text = ed.docs[t.e2][1]
        m = COLUMN_LINE.search(text)
        if m:
            ed.edit(t.e2, m.start(), m.start(), f"{m.group(1)}@Index()\n")
            done.append("add-index")
    if want("remove-decorator") and is_open(t.e1):
        text = ed.docs[t.e1][1]
        m = INDEX_LINE.search(text) or COLUMN_LINE.search(text)
        if m:
            ed.edit(t.e1, m.start(), m.end(), "")
            done.append("remove-decorator")
    if want("rename-property") and is_open(t.e2):
        m = COLUMN_PROP.search(ed.docs[t.e2][1])
        if m:
            # Typed key by key without waiting: each keystroke supersedes the last run.
            at = m.end(1)
            for i, ch in enumerate("Lsp9"):
                ed.edit(t.e2, at + i, at + i, ch, wait=False)
            ed.wait_version(t.e2)
            done.append("rename-property")
    if want("break-syntax") and is_open(t.e1):
        text = ed.docs[t.e1][1]
        m = re.search(r"class\s+\w+[^{]*\{", text)
        if m:
            broken = "\n  @Column({ type: 'varchar'\n  oops: string = (;\n"
            ed.edit(t.e1, m.end(), m.end(), broken)
            ed.edit(t.e1, m.end(), m.end() + len(broken), "")
            done.append("break-syntax")
    if want("retarget-relation") and is_open(t.e1):
        text = ed.docs[t.e1][1]
        m = next((m for m in MANY_TO_ONE.finditer(text) if m.group(1) in t.classes), None)
        others = sorted(t.classes - {m.group(1) if m else None, t.entities.get(t.e1)})
        if m and others:
            target = others[len(others) // 2]
            ed.edit(t.e1, m.start(1), m.end(1), target)
            c.idle()
            done.append(f"retarget-relation {m.group(1)} -> {target}")
    if want("soft-delete") and is_open(t.e1):
        # Raw SQL and queries elsewhere now need the soft-delete predicate.
        text = ed.docs[t.e1][1]
        m = COLUMN_LINE.search(text)
        if m:
            ed.edit(t.e1, m.start(), m.start(),
                    f"{m.group(1)}@DeleteDateColumn()\n{m.group(1)}lsp9DeletedAt: Date | null;\n\n")
            c.idle()
            done.append("soft-delete")
    if want("rename-table") and is_open(t.e2):
        m = ENTITY_TABLE.search(ed.docs[t.e2][1])
        if m:
            ed.edit(t.e2, m.end(1), m.end(1), "_lsp9")
            c.idle()
            done.append(f"rename-table {m.group(1)}")
    if want("service-query") and is_open(t.service):
        text = ed.docs[t.service][1]
        m = re.search(r"\n\}\s*$", text)
        prop = COLUMN_PROP.search(t.texts.get(t.e2, ""))
        if m and prop:
            name2 = t.entities[t.e2]
            method = (f"\n  lsp9Probe(repo: Repository<{name2}>, v: string) {{\n"
                      f"    return repo.find({{ where: {{ {prop.group(1)}: v }} }});\n  }}")
            ed.edit(t.service, m.start(), m.start(), method)
            c.idle()
            done.append("service-query")
    if want("migration-index") and is_open(t.migration):
        found = None
        for version_diags in list(c.published.values()):
            for d in version_diags[1]:
                if d.get("code") == "IDX001" and (m := IDX001.search(d["message"])):
                    found = m.groups()
                    break
            if found:
                break
        text = ed.docs[t.migration][1]
        up = re.search(r"async up\([^)]*\)[^{]*\{", text)
        if found and up:
            table, column = found
            sql = (f"\n    await queryRunner.query(`CREATE INDEX \"IDX_lsp9_probe\" ON "
                   f"\"{table}\" (\"{column}\")`);")
            ed.edit(t.migration, up.end(), up.end(), sql)
            c.idle()
            done.append(f"migration-index {table}.{column}")
    c.idle()
    checkpoint("after the buffer edits")
    if want("create-file") and t.e2:
        name2 = t.entities[t.e2]
        rel = os.path.join(os.path.dirname(t.e2), "lsp9-probe.entity.ts")
        stem = os.path.splitext(os.path.basename(t.e2))[0]
        text = ("import { Entity, PrimaryGeneratedColumn, Column, ManyToOne } from 'typeorm';\n"
                f"import {{ {name2} }} from './{stem}';\n\n"
                "@Entity()\nexport class Lsp9Probe {\n"
                "  @PrimaryGeneratedColumn()\n  id: number;\n\n"
                "  @Column()\n  label: string;\n\n"
                f"  @ManyToOne(() => {name2})\n  owner: {name2};\n}}\n")
        full_step(lambda: ed.write(rel, text))
        done.append(f"create-file {rel}")
    if want("delete-file") and t.delete:
        def delete():
            os.remove(os.path.join(ed.root, t.delete))
            ed.disk([(t.delete, 3)])
        full_step(delete)
        done.append(f"delete-file {t.delete}")
    if want("rename-file") and t.rename:
        base, ext = os.path.splitext(t.rename)
        new = base + "-moved" + ext

        def rename():
            os.rename(os.path.join(ed.root, t.rename), os.path.join(ed.root, new))
            ed.disk([(t.rename, 3), (new, 1)])
        full_step(rename)
        done.append(f"rename-file {t.rename} -> {new}")
    if want("change-closed") and t.changed:
        text = ed.read(t.changed)
        m = COLUMN_LINE.search(text)
        if m:
            new = text[:m.start()] + f"{m.group(1)}@Index()\n" + text[m.start():]
            full_step(lambda: ed.write(t.changed, new))
            done.append(f"change-closed {t.changed}")
    if want("move-folder") and t.changed:
        # A folder moved in the editor's file explorer: its files and every import of them.
        old_dir = os.path.dirname(t.changed)
        new_dir = old_dir + "-lsp9"
        if not any(rel.startswith(old_dir + os.sep) for rel in ed.docs):
            def move():
                os.rename(os.path.join(ed.root, old_dir), os.path.join(ed.root, new_dir))
                c.s.notify("workspace/didRenameFiles", {"files": [
                    {"oldUri": ed.uri(old_dir), "newUri": ed.uri(new_dir)}]})
            full_step(move)
            done.append(f"move-folder {old_dir} -> {new_dir}")
    if want("reopen") and is_open(t.e2):
        # Closed (the edits are dropped: back to the disk), then opened with other content.
        full_step(lambda: ed.close(t.e2))
        text = ed.read(t.e2)
        m = COLUMN_LINE.search(text)
        if m:
            text = text[:m.start()] + f"{m.group(1)}@Index()\n" + text[m.start():]
        ed.open(t.e2, text)
        done.append("reopen")
    if want("close") and is_open(t.service):
        # The service's buffer is dropped unsaved.
        full_step(lambda: ed.close(t.service))
        done.append("close")
    return done


def cli_findings(server, root):
    cmd = shlex.split(server)[:1] + ["check", root, "--format", "json"]
    out = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"check failed ({out.returncode}): {out.stderr[-2000:]}")
    per_file = {}
    for f in json.loads(out.stdout):
        rel = os.path.relpath(os.path.join(root, f["path"]), root)
        key = (f["code"], SEVERITY.get(f["severity"], 0), f["message"],
               f["span"]["start"], f["span"]["end"])
        per_file.setdefault(rel, []).append(key)
    return per_file


def lsp_findings(client, root):
    per_file = {}
    for uri, (_, diags) in client.published.items():
        rel = os.path.relpath(path_of(uri), root)
        keys = [(d.get("code"), d.get("severity"), d["message"],
                 (d.get("data") or {}).get("start"), (d.get("data") or {}).get("end"))
                for d in diags]
        if keys:
            per_file[rel] = keys
    return per_file


def compare(lsp, cli):
    problems = []
    for rel in sorted(set(lsp) | set(cli)):
        a, b = sorted(lsp.get(rel, [])), sorted(cli.get(rel, []))
        if a == b:
            continue
        only_lsp = [k for k in a if k not in b]
        only_cli = [k for k in b if k not in a]
        problems.append({"file": rel, "only_lsp": only_lsp, "only_cli": only_cli})
    return problems


def check_now(server, client, editor, root, name):
    """Compares what the server published with the CLI on a copy holding the buffers."""
    lsp = lsp_findings(client, root)
    copy = tempfile.mkdtemp(prefix="lsp-diff-cli-")
    try:
        shutil.rmtree(copy)
        shutil.copytree(root, copy, symlinks=True)
        for rel, (_, text) in editor.docs.items():
            with open(os.path.join(copy, rel), "w", encoding="utf-8") as f:
                f.write(text)
        cli = {os.path.relpath(os.path.join(root, rel), root): v
               for rel, v in cli_findings(server, copy).items()}
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    return {
        "checkpoint": name,
        "files_with_findings": {"lsp": len(lsp), "cli": len(cli)},
        "findings": {"lsp": sum(map(len, lsp.values())), "cli": sum(map(len, cli.values()))},
        "divergences": compare(lsp, cli),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", required=True)
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--only", help="comma list of steps: " + ",".join(STEPS))
    ap.add_argument("--keep", action="store_true", help="keep the copy of the workspace")
    ap.add_argument("--json", help="write the result here")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    server = shlex.join([os.path.abspath(shlex.split(a.server)[0])] + shlex.split(a.server)[1:])
    only = set(a.only.split(",")) if a.only else set(STEPS)
    tmp = tempfile.mkdtemp(prefix="lsp-diff-")
    root = os.path.join(tmp, os.path.basename(os.path.abspath(a.workspace)))
    shutil.copytree(a.workspace, root, symlinks=True,
                    ignore=shutil.ignore_patterns(".git", ".typeorm-lsp-cache"))
    targets = Targets(read_all(root, sources(root)))
    c = Client(server, root, a.verbose)
    c.s.call("initialize", {"processId": None, "rootUri": uri_of(root), "capabilities": {
        "window": {"workDoneProgress": True},
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}},
        "workspaceFolders": [{"uri": uri_of(root), "name": "ws"}]})
    c.s.notify("initialized", {})
    if not c.wait(lambda: c.index_done, 300):
        sys.exit("the index did not end")
    c.idle()
    ed = Editor(c, root, a.verbose)
    checks = [check_now(server, c, ed, root, "after the index")]
    done = run_steps(ed, targets, only,
                     lambda name: checks.append(check_now(server, c, ed, root, name)))
    c.idle()
    checks.append(check_now(server, c, ed, root, "final"))
    c.s.call("shutdown", None)
    c.s.notify("exit", None)
    problems = [p for check in checks for p in check["divergences"]]
    result = {"workspace": a.workspace, "copy": root, "steps": done, "checks": checks}
    print(json.dumps(result, indent=1))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
