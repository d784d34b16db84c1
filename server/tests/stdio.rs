//! The server survives whatever arrives on stdin: malformed frames and bodies are
//! answered or skipped and the next request is still served; the process ends cleanly
//! on `exit` and on end of input, with the exit code the LSP specification asks for.

mod common;

use common::{uri, write_files, Client};
use serde_json::{json, Value};
use tempfile::TempDir;

const POST: &str = "import { Entity, PrimaryGeneratedColumn, Column } from 'typeorm';\n\n@Entity()\nexport class Post {\n  @PrimaryGeneratedColumn()\n  id: number;\n\n  @Column()\n  title: string;\n}\n";

fn workspace() -> TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path(), &[("src/post.entity.ts", POST)]);
    dir
}

fn started() -> (TempDir, Client) {
    let dir = workspace();
    let (client, _) = Client::start(dir.path(), json!({}), Value::Null);
    (dir, client)
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// An ordinary request that must still be answered: hover over the entity class.
fn assert_still_serving(client: &mut Client, dir: &TempDir) {
    let post = uri(&dir.path().join("src/post.entity.ts"));
    client.open(&post, POST);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": post}, "position": {"line": 3, "character": 15}}),
    );
    assert!(
        hover.is_null() || hover.get("contents").is_some(),
        "{hover}"
    );
}

/// Waits for an error response with this code and id.
fn expect_error(client: &mut Client, code: i64, id: Value) -> Value {
    let want = id.clone();
    client
        .wait_message(|m| {
            m["error"]["code"] == code && m["id"] == want && m.get("method").is_none()
        })
        .unwrap_or_else(|| panic!("no {code} error with id {id}"))
}

fn assert_clean_exit(client: Client) {
    let status = client.shutdown();
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn a_body_that_is_not_json_is_a_parse_error_and_serving_goes_on() {
    let (dir, mut client) = started();
    client.send_raw(&frame(b"{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\""));
    let err = expect_error(&mut client, -32700, Value::Null);
    assert_eq!(err["jsonrpc"], "2.0");
    client.send_raw(&frame(b"\xff\xfe not utf-8"));
    expect_error(&mut client, -32700, Value::Null);
    client.send_raw(&frame(b""));
    expect_error(&mut client, -32700, Value::Null);
    assert_still_serving(&mut client, &dir);
    assert_clean_exit(client);
}

#[test]
fn json_that_is_not_a_message_is_an_invalid_request_with_its_id() {
    let (dir, mut client) = started();
    client.send_raw(&frame(br#"{"jsonrpc":"2.0","id":77,"method":42}"#));
    expect_error(&mut client, -32600, json!(77));
    client.send_raw(&frame(br#"{"jsonrpc":"1.0","id":"s-1","method":"x"}"#));
    expect_error(&mut client, -32600, json!("s-1"));
    client.send_raw(&frame(b"[1, 2, 3]"));
    expect_error(&mut client, -32600, Value::Null);
    client.send_raw(&frame(b"\"just a string\""));
    expect_error(&mut client, -32600, Value::Null);
    assert_still_serving(&mut client, &dir);
    assert_clean_exit(client);
}

#[test]
fn bad_headers_are_skipped() {
    let (dir, mut client) = started();
    client.send_raw(b"Content-Length: twelve\r\n\r\n{\"a\": 1}");
    client.send_raw(b"X-Nonsense\r\n\r\n");
    client.send_raw(b"Content-Length: 99999999999999999999999999\r\n\r\n");
    client.send_raw(b"Content-Type: application/json\r\n\r\n{}\r\n");
    // A header split over two writes, then a well-formed message in the same write as
    // garbage: nothing is lost.
    let mut good = frame(br#"{"jsonrpc":"2.0","id":900,"method":"shutdown"}"#);
    let tail = good.split_off(7);
    client.send_raw(&good);
    client.send_raw(&tail);
    client
        .wait_message(|m| m["id"] == 900 && m.get("result").is_some())
        .expect("the good message after the bad headers is answered");
    // After shutdown, requests are refused but still answered.
    let late = client.request_raw("textDocument/hover", json!({}));
    assert_eq!(late["error"]["code"], -32600, "{late}");
    let _ = dir;
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), Some(0));
}

#[test]
fn requests_before_initialize_are_refused_with_32002() {
    let dir = workspace();
    let mut client = Client::spawn();
    let early = client.request_raw(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///x.ts"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(early["error"]["code"], -32002, "{early}");
    // Garbage before initialize is answered too, and initialize still works afterwards.
    client.send_raw(&frame(b"not json"));
    expect_error(&mut client, -32700, Value::Null);
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(dir.path()), "capabilities": {}}),
    );
    assert!(init["capabilities"].is_object(), "{init}");
    client.notify("initialized", json!({}));
    assert_still_serving(&mut client, &dir);
    assert_clean_exit(client);
}

#[test]
fn exit_without_shutdown_exits_with_code_1() {
    let (_dir, mut client) = started();
    client.send_raw(&frame(b"garbage"));
    expect_error(&mut client, -32700, Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), Some(1));
}

#[test]
fn closed_stdin_after_shutdown_exits_with_code_0() {
    let (_dir, mut client) = started();
    let _ = client.request("shutdown", Value::Null);
    client.close_stdin();
    assert_eq!(client.wait_exit(), Some(0));
}

#[test]
fn closed_stdin_without_shutdown_exits_with_code_1() {
    let (_dir, mut client) = started();
    client.close_stdin();
    assert_eq!(client.wait_exit(), Some(1));
}

#[test]
fn a_body_truncated_by_the_end_of_input_ends_cleanly() {
    let (_dir, mut client) = started();
    let _ = client.request("shutdown", Value::Null);
    client.send_raw(b"Content-Length: 500\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":3,");
    client.close_stdin();
    assert_eq!(client.wait_exit(), Some(0));
}

#[test]
fn a_burst_of_good_and_bad_messages_gets_whole_answers() {
    let (dir, mut client) = started();
    let post = uri(&dir.path().join("src/post.entity.ts"));
    client.open(&post, POST);
    // One write: 60 hovers interleaved with 60 broken bodies. Every answer must arrive as
    // its own frame (the test client fails to read interleaved output).
    let mut burst = Vec::new();
    for i in 0..60 {
        let hover = json!({"jsonrpc": "2.0", "id": 1000 + i, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": post}, "position": {"line": 3, "character": 15}}});
        burst.extend(frame(hover.to_string().as_bytes()));
        burst.extend(frame(format!("{{broken {i}").as_bytes()));
    }
    client.send_raw(&burst);
    let (mut answered, mut parse_errors) = (0, 0);
    while answered < 60 || parse_errors < 60 {
        let msg = client
            .wait_message(|m| m.get("method").is_none())
            .unwrap_or_else(|| panic!("only {answered} answers and {parse_errors} errors"));
        if msg["error"]["code"] == -32700 {
            parse_errors += 1;
        } else if msg["id"]
            .as_i64()
            .is_some_and(|id| (1000..1060).contains(&id))
        {
            assert!(msg.get("error").is_none(), "{msg}");
            answered += 1;
        }
    }
    assert_still_serving(&mut client, &dir);
    assert_clean_exit(client);
}
