//! `Content-Length` framing without I/O: bytes go in with [`FrameDecoder::push`], whole
//! message bodies (or the reason a header block was rejected) come out of
//! [`FrameDecoder::next_frame`]. Kept free of I/O so the fuzzer can drive it directly.
//!
//! Unlike tower-lsp-server's codec, nothing here is fatal: a bad header block is reported
//! and the decoder skips ahead to the next `Content-Length`, so one broken message costs
//! that message only.

/// A header block longer than this without its blank line is garbage, not a slow client.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;
/// Larger bodies are refused rather than buffered (a whole workspace file is far smaller).
pub const MAX_BODY_BYTES: usize = 1 << 30;

const CONTENT_LENGTH: &[u8] = b"content-length";

/// What the decoder found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A complete body of exactly the announced `Content-Length`.
    Body(Vec<u8>),
    /// A header block that cannot be used (why, for the log); its bytes are skipped.
    BadHeader(String),
}

/// Incremental decoder of `Content-Length`-framed messages.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    buf: Vec<u8>,
    /// Bytes of `buf` before this are consumed.
    start: usize,
    /// The length of the body being read, once its header block is parsed.
    body_len: Option<usize>,
    /// After a bad header block: skip to the next `Content-Length`.
    resync: bool,
}

impl FrameDecoder {
    pub fn new() -> FrameDecoder {
        FrameDecoder::default()
    }

    /// Appends input bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        // Drop consumed bytes once they are at least half the buffer (amortised O(1)).
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    fn pending(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }

    fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.buf.len());
    }

    /// The next complete frame; None when more input is needed.
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(len) = self.body_len {
                let body = self.pending().get(..len)?.to_vec();
                self.consume(len);
                self.body_len = None;
                return Some(Frame::Body(body));
            }
            if self.resync && !self.skip_to_content_length() {
                return None;
            }
            self.resync = false;
            // Blank lines between messages are tolerated.
            let blank = self
                .pending()
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            self.consume(blank);
            let pending = self.pending();
            if pending.is_empty() {
                return None;
            }
            let Some((block_len, total_len)) = header_end(pending) else {
                // Decided only once the whole search window is buffered, so that the
                // outcome does not depend on how the input was split into reads.
                if pending.len() >= MAX_HEADER_BYTES {
                    return Some(self.reject(format!(
                        "no blank line within {MAX_HEADER_BYTES} header bytes"
                    )));
                }
                return None;
            };
            match parse_header_block(&pending[..block_len]) {
                Ok(len) => {
                    self.consume(total_len);
                    self.body_len = Some(len);
                }
                Err(reason) => return Some(self.reject(reason)),
            }
        }
    }

    /// Rejects the header block at the front: skip one byte (progress) and resync.
    fn reject(&mut self, reason: String) -> Frame {
        self.consume(1);
        self.resync = true;
        Frame::BadHeader(reason)
    }

    /// Moves to the next `Content-Length` (any case); false when none is buffered yet (the
    /// tail that could be the start of one is kept).
    fn skip_to_content_length(&mut self) -> bool {
        let pending = self.pending();
        match find_ignore_case(pending, CONTENT_LENGTH) {
            Some(i) => {
                self.consume(i);
                true
            }
            None => {
                let keep = CONTENT_LENGTH.len() - 1;
                self.consume(pending.len().saturating_sub(keep));
                false
            }
        }
    }

    /// At end of input: what was left unfinished, if anything (for the log).
    pub fn leftover(&self) -> Option<String> {
        let pending = self.pending();
        if let Some(len) = self.body_len {
            return Some(format!("truncated body: {} of {len} bytes", pending.len()));
        }
        if pending.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(format!(
            "{} bytes without a complete header block: {}",
            pending.len(),
            excerpt(pending)
        ))
    }
}

/// The end of the header block at the front of `bytes`: (length of the header lines,
/// length including the blank line), searched in the first [`MAX_HEADER_BYTES`]. Accepts
/// `\r\n` and bare `\n` line ends.
fn header_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let limit = bytes.len().min(MAX_HEADER_BYTES);
    let bytes = &bytes[..limit];
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'\n' {
            continue;
        }
        match bytes.get(i + 1..) {
            Some([b'\n', ..]) => return Some((i, i + 2)),
            Some([b'\r', b'\n', ..]) => return Some((i, i + 3)),
            _ => {}
        }
    }
    None
}

/// The `Content-Length` of a header block (lines of `Name: value`), or why it is unusable.
fn parse_header_block(block: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(block).map_err(|_| "header is not UTF-8".to_string())?;
    let mut length = None;
    for line in text.split('\n').map(|l| l.trim_end_matches('\r')) {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!(
                "header line without a colon: {}",
                excerpt(line.as_bytes())
            ));
        };
        if !name.trim().eq_ignore_ascii_case("content-length") {
            continue; // Content-Type and unknown headers are ignored.
        }
        let value = value.trim();
        let parsed = if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            value.parse::<usize>().ok()
        };
        let Some(parsed) = parsed.filter(|n| *n <= MAX_BODY_BYTES) else {
            return Err(format!("bad Content-Length: {}", excerpt(value.as_bytes())));
        };
        if length.is_some_and(|l| l != parsed) {
            return Err("two different Content-Length headers".to_string());
        }
        length = Some(parsed);
    }
    length.ok_or_else(|| "no Content-Length header".to_string())
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// A short printable excerpt of raw bytes for log lines.
pub fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out: String = text.chars().take(60).collect();
    if text.chars().nth(60).is_some() {
        out.push('…');
    }
    format!("{out:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut d = FrameDecoder::new();
        d.push(input);
        std::iter::from_fn(|| d.next_frame()).collect()
    }

    fn body(s: &str) -> Frame {
        Frame::Body(s.as_bytes().to_vec())
    }

    #[test]
    fn reads_consecutive_messages() {
        let got = frames(b"Content-Length: 2\r\n\r\n{}Content-Length: 3\r\n\r\n[1]");
        assert_eq!(got, vec![body("{}"), body("[1]")]);
    }

    #[test]
    fn byte_by_byte_input_gives_the_same_frames() {
        let input = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}\r\nContent-Length: 1\n\nx";
        let mut d = FrameDecoder::new();
        let mut got = Vec::new();
        for b in input {
            d.push(&[*b]);
            got.extend(std::iter::from_fn(|| d.next_frame()));
        }
        assert_eq!(got, vec![body("{}"), body("x")]);
        assert_eq!(d.leftover(), None);
    }

    #[test]
    fn bad_headers_are_reported_and_skipped() {
        let got =
            frames(b"Content-Length: abc\r\n\r\n{\"x\":1}garbage\r\nContent-Length: 2\r\n\r\n{}");
        assert!(matches!(&got[0], Frame::BadHeader(r) if r.contains("Content-Length")));
        assert_eq!(got.last(), Some(&body("{}")));
    }

    #[test]
    fn a_line_without_colon_before_a_good_header_loses_nothing() {
        let got = frames(b"hello\r\nContent-Length: 2\r\n\r\n{}");
        assert!(matches!(&got[0], Frame::BadHeader(_)));
        assert_eq!(got[1], body("{}"));
    }

    #[test]
    fn missing_and_huge_lengths_are_bad_headers() {
        for input in [
            &b"Content-Type: x\r\n\r\n{}"[..],
            b"Content-Length: 99999999999999999999999\r\n\r\n",
            b"Content-Length: -1\r\n\r\n",
            b"Content-Length: 1\r\nContent-Length: 2\r\n\r\n",
            b"Content-Length: \xff\r\n\r\n",
        ] {
            assert!(
                matches!(frames(input).first(), Some(Frame::BadHeader(_))),
                "{input:?}"
            );
        }
    }

    #[test]
    fn endless_header_is_cut_off() {
        let input = vec![b'a'; MAX_HEADER_BYTES * 2];
        let got = frames(&input);
        assert!(matches!(got.first(), Some(Frame::BadHeader(_))));
    }

    #[test]
    fn truncated_body_is_left_over() {
        let mut d = FrameDecoder::new();
        d.push(b"Content-Length: 10\r\n\r\n{\"a\"");
        assert_eq!(d.next_frame(), None);
        assert_eq!(
            d.leftover().as_deref(),
            Some("truncated body: 4 of 10 bytes")
        );
    }

    #[test]
    fn zero_length_body_is_a_frame() {
        assert_eq!(frames(b"Content-Length: 0\r\n\r\n"), vec![body("")]);
    }
}
