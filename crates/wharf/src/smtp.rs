//! Sending e-mail over SMTP (lettre, rustls): the one outbound connection besides BigCommerce and
//! stock feeds. Knows nothing of wharf's mails: a message in, an answer named for what the caller
//! can do about it out.
//!
//! `WHARF_SMTP_URL`:
//! - `smtp://user:pass@host:587` — STARTTLS, required (the default port 587);
//! - `smtps://user:pass@host:465` — TLS from the first byte (the default port 465);
//! - `smtp://host:25?tls=none` — no TLS at all, for a relay on the same machine or network;
//!   `?tls=opportunistic` uses STARTTLS when the server offers it.
//!
//! Credentials are optional. lettre's own URL form treats a bare `smtp://` as unencrypted; here
//! it means STARTTLS, so a password is never sent in the clear unless `tls=none` says so.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

/// How long one SMTP conversation may take: well under a job's lease (60 s by default), which
/// the sender renews just before it begins.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum SmtpConfigError {
    #[error("WHARF_SMTP_URL is not a URL: {0}")]
    NotAUrl(url::ParseError),
    #[error("WHARF_SMTP_URL must start with smtp:// or smtps://, not {0}://")]
    Scheme(String),
    #[error("WHARF_SMTP_URL names no host")]
    NoHost,
    #[error("WHARF_SMTP_URL's tls= must be none, opportunistic or required, not {0:?}")]
    TlsMode(String),
    #[error("WHARF_SMTP_URL is set but WHARF_MAIL_FROM is not: set the address mail comes from")]
    NoFrom,
    #[error(
        "WHARF_MAIL_FROM is set but WHARF_SMTP_URL is not: set the SMTP server to send through"
    )]
    NoServer,
    #[error(
        "WHARF_MAIL_FROM {0:?} is not an address (like wharf@shop.example or \"Shop <wharf@shop.example>\")"
    )]
    From(String),
    #[error("cannot set up TLS for WHARF_SMTP_URL: {0}")]
    Tls(lettre::transport::smtp::Error),
}

/// Why a send did not go through, by what to do next.
#[derive(Debug, thiserror::Error)]
pub enum SendFailure {
    /// The server refused for good (5xx): sending the same again will be refused again.
    #[error("the mail server refused it: {0}")]
    Refused(String),
    /// A 4xx, a timeout or a broken connection: worth trying again later.
    #[error("the mail server could not be reached or asked to try later: {0}")]
    Transient(String),
    /// The message could not be built (an address the mail library does not accept).
    #[error("the mail could not be written: {0}")]
    Unbuildable(String),
}

/// An SMTP server to send through, and the address mail comes from.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// What the settings page says about the server (host and port, never the password).
    pub server: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.server)
            .finish()
    }
}

impl Mailer {
    /// The mailer the settings describe; `None` when neither is set (e-mail is off).
    pub fn from_settings(
        smtp_url: Option<&SecretString>,
        mail_from: Option<&str>,
    ) -> Result<Option<Mailer>, SmtpConfigError> {
        let mail_from = mail_from.map(str::trim).filter(|from| !from.is_empty());
        let smtp_url = smtp_url.filter(|url| !url.expose_secret().trim().is_empty());
        match (smtp_url, mail_from) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(SmtpConfigError::NoFrom),
            (None, Some(_)) => Err(SmtpConfigError::NoServer),
            (Some(url), Some(from)) => Mailer::new(url.expose_secret().trim(), from).map(Some),
        }
    }

    fn new(smtp_url: &str, from: &str) -> Result<Mailer, SmtpConfigError> {
        let url = url::Url::parse(smtp_url).map_err(SmtpConfigError::NotAUrl)?;
        let host = url.host_str().ok_or(SmtpConfigError::NoHost)?.to_owned();
        let mode = url
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let tls_parameters = || TlsParameters::new(host.clone()).map_err(SmtpConfigError::Tls);
        let (tls, default_port) = match (url.scheme(), mode.as_deref()) {
            ("smtps", _) => (Tls::Wrapper(tls_parameters()?), 465),
            ("smtp", None | Some("required")) => (Tls::Required(tls_parameters()?), 587),
            ("smtp", Some("opportunistic")) => (Tls::Opportunistic(tls_parameters()?), 587),
            ("smtp", Some("none")) => (Tls::None, 25),
            ("smtp", Some(other)) => return Err(SmtpConfigError::TlsMode(other.to_owned())),
            (scheme, _) => return Err(SmtpConfigError::Scheme(scheme.to_owned())),
        };
        let port = url.port().unwrap_or(default_port);
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(port)
            .tls(tls)
            .timeout(Some(SEND_TIMEOUT));
        if !url.username().is_empty() {
            builder = builder.credentials(Credentials::new(
                percent_decode(url.username()),
                percent_decode(url.password().unwrap_or_default()),
            ));
        }
        let from: Mailbox = from
            .parse()
            .map_err(|_| SmtpConfigError::From(from.to_owned()))?;
        Ok(Mailer {
            transport: builder.build(),
            from,
            server: format!("{host}:{port}"),
        })
    }

    /// The address mail comes from, shown under `display_name` unless WHARF_MAIL_FROM names one.
    fn sender_named(&self, display_name: &str) -> Mailbox {
        match &self.from.name {
            Some(_) => self.from.clone(),
            None => Mailbox::new(Some(display_name.to_owned()), self.from.email.clone()),
        }
    }

    /// Sends one message: one SMTP conversation, at most [`SEND_TIMEOUT`].
    pub async fn send(&self, envelope: &Envelope<'_>) -> Result<(), SendFailure> {
        let message = self.compose(envelope)?;
        let sent = tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message)).await;
        match sent {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) if e.is_permanent() => Err(SendFailure::Refused(e.to_string())),
            Ok(Err(e)) => Err(SendFailure::Transient(e.to_string())),
            Err(_) => Err(SendFailure::Transient(format!(
                "no answer within {} s",
                SEND_TIMEOUT.as_secs()
            ))),
        }
    }
}

/// One message: both parts, its Message-ID (`<id@host>`), and where replies go.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    pub from_name: &'a str,
    pub to: &'a str,
    pub reply_to: Option<&'a str>,
    pub subject: &'a str,
    pub message_id: &'a str,
    pub text: &'a str,
    pub html: &'a str,
}

impl Mailer {
    fn compose(&self, envelope: &Envelope<'_>) -> Result<Message, SendFailure> {
        let address = |field: &str, value: &str| {
            value
                .parse::<Mailbox>()
                .map_err(|e| SendFailure::Unbuildable(format!("{field} {value:?}: {e}")))
        };
        let mut builder = Message::builder()
            .from(self.sender_named(envelope.from_name))
            .to(address("recipient", envelope.to)?)
            .subject(envelope.subject)
            .message_id(Some(envelope.message_id.to_owned()));
        if let Some(reply_to) = envelope.reply_to {
            builder = builder.reply_to(address("support address", reply_to)?);
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                envelope.text.to_owned(),
                envelope.html.to_owned(),
            ))
            .map_err(|e| SendFailure::Unbuildable(e.to_string()))
    }
}

/// `%40` → `@` in a URL's user or password.
fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer(url: &str) -> Result<Option<Mailer>, SmtpConfigError> {
        Mailer::from_settings(Some(&SecretString::from(url)), Some("wharf@shop.example"))
    }

    #[test]
    fn urls_say_how_to_reach_the_server() {
        assert_eq!(
            mailer("smtp://u:p@mail.example").unwrap().unwrap().server,
            "mail.example:587"
        );
        assert_eq!(
            mailer("smtps://mail.example").unwrap().unwrap().server,
            "mail.example:465"
        );
        assert_eq!(
            mailer("smtp://127.0.0.1:2525?tls=none")
                .unwrap()
                .unwrap()
                .server,
            "127.0.0.1:2525"
        );
        assert!(matches!(
            mailer("http://mail.example"),
            Err(SmtpConfigError::Scheme(_))
        ));
        assert!(matches!(
            mailer("smtp://mail.example?tls=maybe"),
            Err(SmtpConfigError::TlsMode(_))
        ));
    }

    #[test]
    fn both_settings_or_neither() {
        assert!(Mailer::from_settings(None, None).unwrap().is_none());
        assert!(matches!(
            Mailer::from_settings(Some(&SecretString::from("smtp://h")), None),
            Err(SmtpConfigError::NoFrom)
        ));
        assert!(matches!(
            Mailer::from_settings(None, Some("a@b.example")),
            Err(SmtpConfigError::NoServer)
        ));
    }

    #[test]
    fn user_and_password_are_percent_decoded() {
        assert_eq!(percent_decode("me%40shop.example"), "me@shop.example");
        assert_eq!(percent_decode("p+ss%2F"), "p+ss/");
    }
}
