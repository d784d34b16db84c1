//! A small LSP client for the end-to-end tests: spawns the real binary, speaks JSON-RPC
//! with `Content-Length` framing over its stdio, answers the server's requests
//! (`workspace/configuration`, `client/registerCapability`, progress creation) and keeps
//! every notification for the test to wait on.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long any single wait may take before the test fails (generous: a debug build on a
/// loaded 2-core CI machine; passing runs never wait this long).
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    /// None once the test closed it.
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications not yet consumed by a wait, oldest first.
    pub notifications: VecDeque<Value>,
    /// Every request the server sent us.
    pub server_requests: Vec<Value>,
    /// What we answer to `workspace/configuration` (one value per item).
    pub settings: Value,
    /// The server's fact cache (`TYPEORM_LSP_CACHE_DIR`) unless the test chose one:
    /// tests leave nothing in the user's cache directory.
    _cache: tempfile::TempDir,
}

impl Client {
    /// Spawns the server binary (with the debug commands enabled).
    pub fn spawn() -> Client {
        Client::spawn_with_env(&[])
    }

    /// Spawns the server binary with extra environment variables (test hooks).
    pub fn spawn_with_env(vars: &[(&str, &str)]) -> Client {
        let cache = tempfile::TempDir::new().expect("cache tempdir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_typeorm-lsp"))
            .env("TYPEORM_LSP_DEBUG_COMMANDS", "1")
            .env("TYPEORM_LSP_CACHE_DIR", cache.path())
            .envs(vars.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn typeorm-lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin: Some(stdin),
            rx,
            next_id: 1,
            notifications: VecDeque::new(),
            server_requests: Vec::new(),
            settings: Value::Null,
            _cache: cache,
        }
    }

    /// Spawns and initializes over `root` with the given client capabilities and
    /// initialization options; returns the client and the `initialize` result.
    pub fn start(root: &Path, capabilities: Value, init_options: Value) -> (Client, Value) {
        Client::start_with_env(root, capabilities, init_options, &[])
    }

    /// Like [`Client::start`], with extra environment variables for the server.
    pub fn start_with_env(
        root: &Path,
        capabilities: Value,
        init_options: Value,
        vars: &[(&str, &str)],
    ) -> (Client, Value) {
        let mut client = Client::spawn_with_env(vars);
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{"uri": uri(root), "name": "ws"}],
                "capabilities": capabilities,
                "initializationOptions": init_options,
            }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    pub fn send(&mut self, msg: &Value) {
        let body = serde_json::to_string(msg).expect("json");
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.send_raw(framed.as_bytes());
    }

    /// Writes bytes to the server's stdin as they are (for malformed input).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).expect("write");
        stdin.flush().expect("flush");
    }

    /// Closes the server's stdin (end of input).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for a message the server sends that satisfies `pred` (server requests are
    /// answered, notifications kept on the way); None on timeout or when it is gone.
    pub fn wait_message(&mut self, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        self.wait_for(pred)
    }

    /// Waits for the process to end; its exit code (None for a signal). Fails on timeout.
    pub fn wait_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (the whole response object).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.wait_for(|m| is_response(m, id))
            .unwrap_or_else(|| panic!("no response to {method}"))
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and returns its `result`, failing on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response.get("result").cloned().unwrap_or(Value::Null)
    }

    /// Reads messages until one satisfies `pred` (answering server requests and keeping
    /// notifications on the way); None on timeout or when the server is gone.
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = match self.rx.recv_timeout(left) {
                Ok(msg) => msg,
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            };
            if msg.get("method").is_some() && msg.get("id").is_some() {
                self.answer(&msg);
                self.server_requests.push(msg.clone());
            } else if msg.get("method").is_some() {
                self.notifications.push_back(msg.clone());
            }
            if pred(&msg) {
                return Some(msg);
            }
        }
    }

    fn answer(&mut self, req: &Value) {
        let result = match req["method"].as_str() {
            Some("workspace/configuration") => {
                let n = req["params"]["items"].as_array().map_or(1, Vec::len);
                Value::Array(vec![self.settings.clone(); n])
            }
            _ => Value::Null,
        };
        let id = req["id"].clone();
        self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
    }

    /// Waits for a notification `method` whose params satisfy `pred`, looking at kept
    /// ones first; the match and every earlier notification of that method are consumed.
    pub fn wait_notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let is = |m: &Value| m["method"] == method && pred(&m["params"]);
        if let Some(i) = self.notifications.iter().position(is) {
            return self.consume_through(method, i);
        }
        let found = self.wait_for(is);
        let Some(found) = found else {
            panic!(
                "timed out waiting for {method}; kept: {:?}",
                self.notifications
            );
        };
        let i = self
            .notifications
            .iter()
            .rposition(|m| *m == found)
            .expect("kept");
        self.consume_through(method, i)
    }

    fn consume_through(&mut self, method: &str, i: usize) -> Value {
        let found = self.notifications[i]["params"].clone();
        let mut kept = VecDeque::new();
        for (j, m) in self.notifications.drain(..).enumerate() {
            if j > i || m["method"] != method {
                kept.push_back(m);
            }
        }
        self.notifications = kept;
        found
    }

    /// Waits for diagnostics of `uri` that satisfy `pred`; returns them.
    pub fn diagnostics(&mut self, uri: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let params = self.wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && pred(p["diagnostics"].as_array().map_or(&[], |v| v.as_slice()))
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Lets pending messages arrive (for asserting that something did NOT happen).
    pub fn drain_for(&mut self, wait: Duration) {
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if let Ok(msg) = self.rx.recv_timeout(left) {
                if msg.get("method").is_some() && msg.get("id").is_some() {
                    self.answer(&msg);
                    self.server_requests.push(msg);
                } else if msg.get("method").is_some() {
                    self.notifications.push_back(msg);
                }
            }
        }
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// `shutdown` then `exit`; returns the exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one framed message; None at end of stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The `file:` URI of a path.
/// Whether `msg` is the response to request `id`.
pub fn is_response(msg: &Value, id: i64) -> bool {
    msg.get("id") == Some(&json!(id)) && msg.get("method").is_none()
}

pub fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for c in path.to_string_lossy().chars() {
        match c {
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '%' => out.push_str("%25"),
            c => out.push(c),
        }
    }
    out
}

/// Writes files (relative path, text) under `root`.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Diagnostics with the given code.
pub fn with_code<'a>(diags: &'a [Value], code: &str) -> Vec<&'a Value> {
    diags.iter().filter(|d| d["code"] == code).collect()
}

/// `{"line": l, "character": c}` pairs of a range as a tuple.
pub fn range_of(v: &Value) -> ((u64, u64), (u64, u64)) {
    let p = |x: &Value| {
        (
            x["line"].as_u64().unwrap_or(u64::MAX),
            x["character"].as_u64().unwrap_or(u64::MAX),
        )
    };
    (p(&v["start"]), p(&v["end"]))
}

/// Applies LSP text edits (UTF-8 columns, i.e. byte offsets within lines) to a text.
pub fn apply_utf8_edits(text: &str, edits: &[Value]) -> String {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap_or(0) as usize;
        let col = p["character"].as_u64().unwrap_or(0) as usize;
        starts.get(line).map_or(text.len(), |s| s + col)
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    spans.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}

impl Client {
    /// The exit code if the server has exited (`Some(None)` for a signal).
    pub fn try_exit_code(&mut self) -> Option<Option<i32>> {
        self.child.try_wait().ok().flatten().map(|s| s.code())
    }
}
