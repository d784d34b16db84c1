//! The properties of the framing layer, shared by the `framing` fuzz target and the
//! property tests: no panic, frames independent of how the input is split into reads,
//! bodies we frame come back unchanged, and every rejected body gets a JSON-RPC error.

use super::frame::{Frame, FrameDecoder};
use super::message::{classify, encode, Verdict, INVALID_REQUEST, PARSE_ERROR};

/// Checks every framing property on arbitrary input; Err describes a violation.
pub fn check_framing(data: &[u8]) -> Result<(), String> {
    let whole = decode(&[data]);
    let split = decode(&reads(data));
    if whole != split {
        return Err(format!(
            "frames depend on read boundaries:\n whole: {whole:?}\n split: {split:?}"
        ));
    }
    for frame in &whole.0 {
        if let Frame::Body(body) = frame {
            if let Verdict::Answer(response) = classify(body) {
                let code = response["error"]["code"].as_i64();
                if code != Some(PARSE_ERROR) && code != Some(INVALID_REQUEST) {
                    return Err(format!("unexpected answer {response}"));
                }
            }
        }
    }
    let bodies: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
    let stream: Vec<u8> = bodies.iter().flat_map(|body| encode(body)).collect();
    let (frames, leftover) = decode(&[&stream]);
    let expected: Vec<Frame> = bodies.iter().map(|b| Frame::Body(b.to_vec())).collect();
    if frames != expected || leftover.is_some() {
        return Err(format!(
            "framed bodies did not round-trip: {frames:?} ({leftover:?})"
        ));
    }
    Ok(())
}

/// The input cut into reads whose sizes come from the input itself (1..=97 bytes).
fn reads(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    let mut i = 0;
    while !rest.is_empty() {
        let size = 1 + usize::from(data.get(i).copied().unwrap_or(7)) % 97;
        let (read, tail) = rest.split_at(size.min(rest.len()));
        out.push(read);
        rest = tail;
        i += 1;
    }
    out
}

/// Every frame of the reads, and what is left over at the end.
fn decode(reads: &[&[u8]]) -> (Vec<Frame>, Option<String>) {
    let mut decoder = FrameDecoder::new();
    let mut frames = Vec::new();
    for read in reads {
        decoder.push(read);
        frames.extend(std::iter::from_fn(|| decoder.next_frame()));
    }
    (frames, decoder.leftover())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_properties_hold_on_hand_written_inputs() {
        let inputs: [&[u8]; 6] = [
            b"",
            b"Content-Length: 2\r\n\r\n{}",
            b"Content-Length: x\r\n\r\n{}\nContent-Length: 3\r\n\r\n[1]",
            b"\r\n\r\nContent-Length: 5\n\nhello trailing",
            b"content-length:1\r\n\r\n\xff",
            &[b'z'; 9000],
        ];
        for input in inputs {
            assert_eq!(check_framing(input), Ok(()), "{input:?}");
        }
    }
}
