#!/usr/bin/env python3
"""Language-server latency on a real workspace (stdlib only).

Measures, over stdio against the given server command:
  index        initialized -> the end of the indexing `$/progress` (the model of the whole
               folder is in place; the server's log line splits it into read+parse / model)
  first diags  didOpen (sent after the index) -> publishDiagnostics of version 1
  whole check  initialized -> the server's log line for the end of the whole-workspace check
               that follows the index (every closed file checked)
  diagnostics  didChange -> publishDiagnostics of that version (p50/p99), debounce included
  hover / codeAction round trips (p50/p99) sent every few milliseconds while the edits
               are being analysed
  fix actions  codeAction (and codeAction/resolve when the edit is deferred) for every
               diagnostic of the file, one after the other: the total

Usage: lsp-latency.py --server 'target/release/typeorm-lsp' --workspace DIR --file REL
                      [--edits 100] [--gap-ms 10] [--json OUT] [--cache-dir DIR]

--cache-dir sets TYPEORM_LSP_CACHE_DIR for the server (the fact cache of its scans): an
empty folder gives a cold start, the same folder again a warm one.
"""

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import threading
import time
import queue
import urllib.parse


def uri_of(path):
    return "file://" + urllib.parse.quote(os.path.abspath(path))


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return round(s[k] * 1000, 1)


class Server:
    def __init__(self, cmd, cwd, env=None):
        self.p = subprocess.Popen(shlex.split(cmd), cwd=cwd, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.logs = []  # (time, window/logMessage text), kept apart from `notes`
        self.lock = threading.Lock()
        self.next_id = 1
        self.waiting = {}  # id -> (sent time, queue)
        self.notes = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _send(self, msg):
        body = json.dumps(msg).encode()
        with self.lock:
            self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.p.stdin.flush()

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        """Sends a request; returns a queue that receives (response, round trip seconds)."""
        q = queue.Queue()
        with self.lock:
            rid = self.next_id
            self.next_id += 1
            self.waiting[rid] = (time.monotonic(), q)
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return q

    def call(self, method, params, timeout=60):
        return self.request(method, params).get(timeout=timeout)

    def _read(self):
        out = self.p.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            msg = json.loads(out.read(length))
            now = time.monotonic()
            if "method" in msg and "id" in msg:
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            elif msg.get("method") == "window/logMessage":
                self.logs.append((now, msg["params"].get("message", "")))
            elif "method" in msg:
                self.notes.put((now, msg))
            else:
                with self.lock:
                    sent, q = self.waiting.pop(msg.get("id"), (now, None))
                if q is not None:
                    q.put((msg, now - sent))

    def wait_note(self, pred, timeout=300):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                t, msg = self.notes.get(timeout=left)
            except queue.Empty:
                return None
            if pred(msg):
                return t, msg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--gap-ms", type=float, default=10)
    ap.add_argument("--settle-s", type=float, default=0,
                    help="wait this long after opening (let the initial full check finish)")
    ap.add_argument("--json")
    ap.add_argument("--cache-dir", help="TYPEORM_LSP_CACHE_DIR for the server")
    ap.add_argument("--open-at-start", action="store_true",
                    help="open the file right after `initialized` (as an editor restoring "
                         "its tabs does) and time its first diagnostics from there")
    a = ap.parse_args()
    root = os.path.abspath(a.workspace)
    path = os.path.join(root, a.file)
    uri = uri_of(path)
    text = open(path, encoding="utf-8").read()
    env = dict(os.environ)
    if a.cache_dir:
        env["TYPEORM_LSP_CACHE_DIR"] = os.path.abspath(a.cache_dir)
    s = Server(a.server, root, env)
    caps = {"window": {"workDoneProgress": True},
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]},
                                            "codeActionLiteralSupport": {"codeActionKind": {
                                                "valueSet": ["quickfix", "source"]}}}}}
    s.call("initialize", {"processId": None, "rootUri": uri_of(root), "capabilities": caps,
                          "workspaceFolders": [{"uri": uri_of(root), "name": "ws"}]})
    t0 = time.monotonic()
    s.notify("initialized", {})
    open_doc = lambda: s.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "typescript", "version": 1, "text": text}})
    is_pub = lambda v: (lambda m: m["method"] == "textDocument/publishDiagnostics"
                        and m["params"]["uri"] == uri and m["params"].get("version") == v)
    is_end = lambda m: (m["method"] == "$/progress"
                        and m["params"]["value"].get("kind") == "end")
    at_start_ms, end = None, None
    if a.open_at_start:
        open_doc()
        hit = None
        # The publish and the end of the indexing progress, in whichever order they come.
        while hit is None or end is None:
            got = s.wait_note(lambda m: is_pub(1)(m) or is_end(m))
            if got is None:
                break
            if is_end(got[1]):
                end = got
            else:
                hit = hit or got
        at_start_ms = round((hit[0] - t0) * 1000) if hit else None
    else:
        end = s.wait_note(is_end)
    index_s = end[0] - t0 if end else None
    opened = time.monotonic()
    if a.open_at_start:
        first = hit
    else:
        open_doc()
        first = s.wait_note(is_pub(1))
    first_ms = round((first[0] - opened) * 1000) if first and not a.open_at_start else None
    diags = first[1]["params"]["diagnostics"] if first else []
    time.sleep(a.settle_s)
    lines = text.split("\n")
    line = next((i for i in range(len(lines) // 2, len(lines)) if lines[i].strip()), 0)
    word = next((i for i, l in enumerate(lines) if "class " in l), 0)
    hover_at = {"line": word, "character": max(0, lines[word].find("class ") + 7)}
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": len(lines), "character": 0}}

    # Requests sent continuously while the edits are analysed.
    stop = threading.Event()
    hover_rt, action_rt = [], []

    def pester():
        n = 0
        while not stop.is_set():
            if n % 2 == 0:
                q = s.request("textDocument/hover",
                              {"textDocument": {"uri": uri}, "position": hover_at})
                hover_rt.append(q.get(timeout=60)[1])
            else:
                q = s.request("textDocument/codeAction",
                              {"textDocument": {"uri": uri}, "range": whole,
                               "context": {"diagnostics": []}})
                action_rt.append(q.get(timeout=60)[1])
            n += 1
            time.sleep(a.gap_ms / 1000.0)

    pest = threading.Thread(target=pester, daemon=True)
    pest.start()
    latencies, version = [], 1
    for k in range(a.edits):
        version += 1
        if k % 2 == 0:
            change = {"range": {"start": {"line": line, "character": 0},
                                "end": {"line": line, "character": 0}}, "text": " "}
        else:
            change = {"range": {"start": {"line": line, "character": 0},
                                "end": {"line": line, "character": 1}}, "text": ""}
        t = time.monotonic()
        s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                            "contentChanges": [change]})
        hit = s.wait_note(is_pub(version), timeout=30)
        if hit:
            latencies.append(hit[0] - t)
            diags = hit[1]["params"]["diagnostics"]
        time.sleep(0.05)
    stop.set()
    pest.join()

    # Every finding's quick fixes, as an editor asks when the user opens the light bulb.
    t = time.monotonic()
    actions = 0
    for d in diags:
        msg, _ = s.call("textDocument/codeAction", {"textDocument": {"uri": uri},
                                                    "range": d["range"],
                                                    "context": {"diagnostics": [d]}})
        for act in msg.get("result") or []:
            actions += 1
            if "edit" not in act and "data" in act:
                s.call("codeAction/resolve", act)
    fix_s = time.monotonic() - t

    s.call("shutdown", None)
    s.notify("exit", None)
    scan = [m for _, m in s.logs if "read and parsed in" in m]
    whole = [(t, m) for t, m in s.logs if "whole-workspace check" in m]
    r = {
        "workspace": a.workspace, "file": a.file,
        "index_ms": round(index_s * 1000) if index_s else None,
        "index_log": scan[0] if scan else None,
        "first_diagnostics_after_index_ms": first_ms,
        "opened_at_start_first_diagnostics_ms": at_start_ms,
        "whole_check_ms": round((whole[0][0] - t0) * 1000) if whole else None,
        "whole_check_log": whole[0][1] if whole else None,
        "diagnostics_ms": {"samples": len(latencies), "p50": pct(latencies, 50),
                           "p99": pct(latencies, 99), "missed": a.edits - len(latencies)},
        "hover_during_analysis_ms": {"samples": len(hover_rt), "p50": pct(hover_rt, 50),
                                     "p99": pct(hover_rt, 99)},
        "code_action_during_analysis_ms": {"samples": len(action_rt), "p50": pct(action_rt, 50),
                                           "p99": pct(action_rt, 99)},
        "fix_actions_for_every_finding": {"findings": len(diags), "actions": actions,
                                          "total_ms": round(fix_s * 1000, 1)},
    }
    print(json.dumps(r, indent=1))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
