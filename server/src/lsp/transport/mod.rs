//! Our own stdio transport in front of tower-lsp-server: its framed reader stops at the
//! first undecodable message, which would end the server, so stdin is framed here
//! ([`frame`]), every body is validated ([`message`]) and only bodies tower-lsp-server
//! decodes are piped to it; the rest are answered (`-32700`, `-32600`) or logged here.
//!
//! One task owns stdout: tower-lsp-server writes into a pipe that is re-framed here, and
//! its messages and our error answers go out through one channel, whole frames only.

pub mod frame;
pub mod message;
mod properties;

pub use self::properties::check_framing;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tower_lsp_server::{ClientSocket, LanguageServer, LspService, Server};

use self::frame::{Frame, FrameDecoder};
use self::message::{classify, encode, Verdict};

/// Capacity of the in-process pipes to and from tower-lsp-server.
const PIPE_BYTES: usize = 64 * 1024;
const READ_CHUNK: usize = 64 * 1024;

/// Serves `service` on `input`/`output` until `exit` or the end of `input`.
pub async fn serve<I, O, L>(input: I, output: O, service: LspService<L>, socket: ClientSocket)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
    L: LanguageServer,
{
    let (to_server, server_in) = tokio::io::duplex(PIPE_BYTES);
    let (server_out, from_server) = tokio::io::duplex(PIPE_BYTES);
    let (frames, frames_rx) = unbounded_channel();
    let server = Server::new(server_in, server_out, socket).serve(service);
    let reader = read_input(input, to_server, frames.clone());
    let serving = async {
        tokio::pin!(server, reader);
        tokio::select! {
            // `exit`: stop reading at once (clients need not close stdin).
            () = &mut server => {}
            // End of input: the server sees its pipe close and finishes its work.
            () = &mut reader => server.await,
        }
    };
    tokio::join!(
        serving,
        relay_output(from_server, frames),
        write_frames(output, frames_rx)
    );
}

/// Frames `input`, forwards valid messages to the server and answers the others.
async fn read_input<I: AsyncRead + Unpin>(
    mut input: I,
    mut to_server: DuplexStream,
    answers: UnboundedSender<Vec<u8>>,
) {
    let mut decoder = FrameDecoder::new();
    let mut chunk = vec![0; READ_CHUNK];
    loop {
        let n = match input.read(&mut chunk).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) => {
                log(&format!("reading stdin failed: {err}"));
                break;
            }
        };
        decoder.push(chunk.get(..n).unwrap_or_default());
        while let Some(frame) = decoder.next_frame() {
            match frame {
                Frame::Body(body) => match classify(&body) {
                    Verdict::Forward => {
                        if to_server.write_all(&encode(&body)).await.is_err() {
                            return; // The server has stopped reading (after `exit`).
                        }
                    }
                    Verdict::Answer(response) => {
                        log(&format!(
                            "rejected message {}: {}",
                            frame::excerpt(&body),
                            response["error"]["message"]
                        ));
                        let _ = answers.send(encode(response.to_string().as_bytes()));
                    }
                    Verdict::Ignore(reason) => log(&reason),
                },
                Frame::BadHeader(reason) => log(&format!("skipped a bad header: {reason}")),
            }
        }
    }
    if let Some(rest) = decoder.leftover() {
        log(&format!("input ended inside a message ({rest})"));
    }
}

/// Re-frames what tower-lsp-server writes so that whole messages reach the writer.
async fn relay_output(mut from_server: DuplexStream, frames: UnboundedSender<Vec<u8>>) {
    let mut decoder = FrameDecoder::new();
    let mut chunk = vec![0; READ_CHUNK];
    while let Ok(n) = from_server.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        decoder.push(chunk.get(..n).unwrap_or_default());
        while let Some(frame) = decoder.next_frame() {
            match frame {
                Frame::Body(body) => {
                    let _ = frames.send(encode(&body));
                }
                Frame::BadHeader(reason) => log(&format!("server output unframed: {reason}")),
            }
        }
    }
}

/// The only writer of stdout: one whole frame at a time.
async fn write_frames<O: AsyncWrite + Unpin>(
    mut output: O,
    mut frames: UnboundedReceiver<Vec<u8>>,
) {
    let mut broken = false;
    while let Some(frame) = frames.recv().await {
        if broken {
            continue; // Keep draining so that no sender blocks.
        }
        if let Err(err) = output.write_all(&frame).await {
            log(&format!("writing stdout failed: {err}"));
            broken = true;
        } else if output.flush().await.is_err() {
            broken = true;
        }
    }
}

fn log(message: &str) {
    eprintln!("typeorm-lsp: {message}");
}
