//! The demo's mail server: a catch-all SMTP listener on 127.0.0.1 that accepts every message
//! and keeps the last few hundred in memory, so `wharf demo` sends its e-mail somewhere real
//! without reaching the internet. What was sent is shown on the demo's Mail page from wharf's
//! own outbox (which holds both parts of every mail); this keeps what the wire carried.
//!
//! It speaks just enough SMTP for a client: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// How many messages are kept; older ones are dropped.
const KEPT: usize = 300;
/// A message larger than this is refused (552): the demo's mails are a few kilobytes.
const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// The messages received so far, oldest first (raw, as sent).
#[derive(Clone, Default)]
pub struct Inbox(Arc<Mutex<VecDeque<Vec<u8>>>>);

impl Inbox {
    pub fn len(&self) -> usize {
        self.0.lock().expect("inbox lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn keep(&self, message: Vec<u8>) {
        let mut kept = self.0.lock().expect("inbox lock");
        if kept.len() == KEPT {
            kept.pop_front();
        }
        kept.push_back(message);
    }
}

/// Starts the listener on a free port of 127.0.0.1; the `WHARF_SMTP_URL` that reaches it.
pub async fn start(inbox: Inbox) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("smtp://{}?tls=none", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let inbox = inbox.clone();
            tokio::spawn(async move {
                if let Err(e) = converse(stream, inbox).await {
                    tracing::debug!(error = %e, "demo mail server: a conversation ended early");
                }
            });
        }
    });
    Ok(url)
}

async fn converse(stream: TcpStream, inbox: Inbox) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write
        .write_all(b"220 wharf-demo ESMTP catch-all\r\n")
        .await?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or(line.trim()).to_ascii_uppercase();
        let answer: &[u8] = match verb.trim() {
            "EHLO" => b"250-wharf-demo\r\n250 8BITMIME\r\n",
            "HELO" | "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut message = Vec::new();
                let mut too_big = false;
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    // Dot-stuffing: a line starting with "." was sent as "..".
                    let text = line.strip_prefix('.').unwrap_or(&line);
                    too_big |= message.len() + text.len() > MAX_MESSAGE_BYTES;
                    if !too_big {
                        message.extend_from_slice(text.as_bytes());
                    }
                }
                if too_big {
                    b"552 Message too large\r\n"
                } else {
                    inbox.keep(message);
                    b"250 OK: kept\r\n"
                }
            }
            _ => b"502 Command not implemented\r\n",
        };
        write.write_all(answer).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lettre_delivers_to_it() {
        let inbox = Inbox::default();
        let url = start(inbox.clone()).await.unwrap();
        let mailer = crate::smtp::Mailer::from_settings(
            Some(&secrecy::SecretString::from(url)),
            Some("demo@wharf.test"),
        )
        .unwrap()
        .unwrap();
        mailer
            .send(&crate::smtp::Envelope {
                from_name: "Demo",
                to: "vendor@demo.example",
                reply_to: None,
                subject: "Hello",
                message_id: "<1@wharf.mail>",
                text: ".a line starting with a dot",
                html: "<p>hi</p>",
            })
            .await
            .unwrap();
        assert_eq!(inbox.len(), 1);
        let kept = String::from_utf8(inbox.0.lock().unwrap()[0].clone()).unwrap();
        assert!(kept.contains("Subject: Hello"), "{kept}");
        assert!(kept.contains("\r\n.a line starting with a dot"), "{kept}");
    }
}
