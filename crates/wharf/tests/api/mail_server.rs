//! A real SMTP server for the mail tests: Debian's aiosmtpd (`python3-aiosmtpd`), storing
//! every message it accepts in a Maildir the test reads back. Its handler
//! (`smtp_test_handler.py`) refuses recipients starting with "refuse" and can answer DATA
//! slowly. A test that needs it fails, never skips, when it cannot start.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use mail_parser::{HeaderValue, MessageParser};

/// The Python with aiosmtpd: Debian's, whatever `python3` is first on the PATH.
const PYTHON: &str = "/usr/bin/python3";

pub struct MailServer {
    pub port: u16,
    maildir: tempfile::TempDir,
    child: Child,
}

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub message_id: String,
    pub to: String,
    pub from: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl MailServer {
    pub fn start() -> MailServer {
        Self::start_with_delay(None)
    }

    /// A server that waits `delay` before answering each message's data.
    pub fn start_with_delay(delay: Option<Duration>) -> MailServer {
        let maildir = tempfile::tempdir().expect("temp dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut command = Command::new(PYTHON);
        command
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "smtp_test_handler.TestMailbox"])
            .arg(maildir.path().join("inbox"))
            .env(
                "PYTHONPATH",
                concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api"),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(delay) = delay {
            command.env(
                "WHARF_TEST_SMTP_DELAY_SECS",
                delay.as_secs_f64().to_string(),
            );
        }
        let child = command.spawn().unwrap_or_else(|e| {
            panic!("cannot start the test SMTP server ({PYTHON} -m aiosmtpd): {e}; install Debian's python3-aiosmtpd")
        });
        let mut server = MailServer {
            port,
            maildir,
            child,
        };
        for _ in 0..200 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!(
                    "the test SMTP server exited ({status}): is Debian's python3-aiosmtpd installed? \
                     ({PYTHON} -c 'import aiosmtpd' must work)"
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the test SMTP server (python3-aiosmtpd) did not listen on port {port} within 10 s");
    }

    /// The `WHARF_SMTP_URL` that reaches it (no TLS: a server on this machine).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Whether recipients starting with "refuse" are refused (550) from now on.
    pub fn refuse(&self, refusing: bool) {
        let flag = self.maildir.path().join("REFUSE");
        if refusing {
            std::fs::write(flag, b"").unwrap();
        } else {
            std::fs::remove_file(flag).unwrap();
        }
    }

    fn inbox(&self) -> PathBuf {
        self.maildir.path().join("inbox")
    }

    /// Every message received so far. Not in arrival order: a Maildir names its files by the
    /// second they arrived, then by a counter of the process, so find a message by what it says.
    pub fn received(&self) -> Vec<Received> {
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(self.inbox().join(sub)).ok())
            .flatten()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        files.iter().map(|file| parse(file)).collect()
    }

    /// Waits until at least `n` messages arrived, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {n} mail(s), the SMTP server received {}: {received:#?}",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse(file: &Path) -> Received {
    let raw = std::fs::read(file).unwrap();
    let message = MessageParser::default()
        .parse(&raw)
        .unwrap_or_else(|| panic!("{} is not a readable message", file.display()));
    let address = |value: Option<&mail_parser::Address>| {
        value
            .and_then(|a| a.first())
            .map(|a| match &a.name {
                Some(name) => format!("{name} <{}>", a.address.as_deref().unwrap_or("")),
                None => a.address.as_deref().unwrap_or("").to_owned(),
            })
            .unwrap_or_default()
    };
    let message_id = match message.header("Message-ID") {
        Some(HeaderValue::Text(id)) => id.to_string(),
        other => panic!("a message without a Message-ID: {other:?}"),
    };
    Received {
        message_id,
        to: address(message.to()),
        from: address(message.from()),
        reply_to: message.reply_to().map(|a| address(Some(a))),
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
    }
}
