//! Validation of one message body before tower-lsp-server sees it: only bodies its own
//! decoder accepts are forwarded; the rest are answered here as JSON-RPC asks.

use serde::Deserialize;
use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Request, Response};

/// JSON-RPC: the body is not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC: JSON, but not a request, notification or response.
pub const INVALID_REQUEST: i64 = -32600;

/// The same shape tower-lsp-server decodes (its `Message` is private): a body that
/// deserializes into this is exactly a body its reader accepts.
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // Only deserialized, to test the shape.
enum Incoming {
    Response(Response),
    Request(Request),
}

/// What to do with a body.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Hand it to the service.
    Forward,
    /// Answer this error response ourselves.
    Answer(Value),
    /// Drop it (a malformed response to one of our requests: nobody to answer); why.
    Ignore(String),
}

/// Decides what to do with one message body.
pub fn classify(body: &[u8]) -> Verdict {
    let value: Value = match std::str::from_utf8(body)
        .map_err(|e| e.to_string())
        .and_then(|s| serde_json::from_str(s).map_err(|e| e.to_string()))
    {
        Ok(value) => value,
        Err(err) => {
            return Verdict::Answer(error_response(
                Value::Null,
                PARSE_ERROR,
                &format!("Parse error: {err}"),
            ))
        }
    };
    if serde_json::from_slice::<Incoming>(body).is_ok() {
        return Verdict::Forward;
    }
    let field = |name: &str| value.as_object().and_then(|o| o.get(name));
    let looks_like_response =
        field("method").is_none() && (field("result").is_some() || field("error").is_some());
    if looks_like_response {
        return Verdict::Ignore(format!(
            "malformed response dropped: {}",
            super::frame::excerpt(body)
        ));
    }
    // The id is echoed only when it is one JSON-RPC allows; otherwise null, as the
    // specification asks when the id cannot be determined.
    let id = match field("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    Verdict::Answer(error_response(
        id,
        INVALID_REQUEST,
        "Invalid Request: not a JSON-RPC 2.0 request, notification or response",
    ))
}

/// A JSON-RPC error response.
pub fn error_response(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// Frames a body with its `Content-Length` header.
pub fn encode(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_and_id(v: Verdict) -> (i64, Value) {
        match v {
            Verdict::Answer(r) => (r["error"]["code"].as_i64().unwrap_or(0), r["id"].clone()),
            other => panic!("expected an answer, got {other:?}"),
        }
    }

    #[test]
    fn requests_notifications_and_responses_are_forwarded() {
        for body in [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            r#"{"jsonrpc":"2.0","id":"a","method":"x"}"#,
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
            r#"{"jsonrpc":"2.0","id":3,"result":null}"#,
            r#"{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"m"}}"#,
        ] {
            assert_eq!(classify(body.as_bytes()), Verdict::Forward, "{body}");
        }
    }

    #[test]
    fn non_json_is_a_parse_error_with_null_id() {
        for body in [&b"{"[..], b"", b"  ", b"\xff\xfe", b"{} {}", b"nope"] {
            assert_eq!(code_and_id(classify(body)), (PARSE_ERROR, Value::Null));
        }
    }

    #[test]
    fn json_that_is_no_message_is_an_invalid_request_keeping_the_id() {
        let cases = [
            (r#"{"jsonrpc":"2.0","id":7,"method":3}"#, json!(7)),
            (r#"{"jsonrpc":"1.0","id":"k","method":"x"}"#, json!("k")),
            (r#"{"id":1.5,"jsonrpc":"2.0","method":"x"}"#, json!(1.5)),
            (
                r#"{"id":{"a":1},"jsonrpc":"2.0","method":"x"}"#,
                Value::Null,
            ),
            (r#"[1,2]"#, Value::Null),
            (r#"42"#, Value::Null),
            (r#"{}"#, Value::Null),
        ];
        for (body, id) in cases {
            assert_eq!(
                code_and_id(classify(body.as_bytes())),
                (INVALID_REQUEST, id),
                "{body}"
            );
        }
    }

    #[test]
    fn malformed_responses_are_dropped() {
        let v = classify(br#"{"jsonrpc":"2.0","id":1.5,"result":1}"#);
        assert!(matches!(v, Verdict::Ignore(_)), "{v:?}");
    }
}
