//! Writes a mail's two parts from what its event said and the branding: plain text and HTML
//! (askama templates under `templates/mail/`), each with the name, the accent, the logo (by
//! absolute URL, when wharf's public URL is known), the support address and the link.

use askama::Template;

use crate::domain::branding::Branding;
use crate::domain::mail::OutgoingMail;

/// A link as the mail shows it.
pub struct ShownLink {
    pub label: String,
    /// Absolute with wharf's public URL; the bare path without one.
    pub url: String,
}

/// What both templates fill in.
pub struct MailView<'a> {
    pub subject: &'a str,
    pub brand_name: &'a str,
    pub accent: &'a str,
    pub logo_url: Option<String>,
    pub support_email: Option<&'a str>,
    pub greeting_name: Option<&'a str>,
    pub paragraphs: &'a [String],
    pub items: &'a [String],
    pub link: Option<ShownLink>,
}

#[derive(Template)]
#[template(path = "mail/message.txt")]
struct TextPart<'a> {
    m: &'a MailView<'a>,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct HtmlPart<'a> {
    m: &'a MailView<'a>,
}

/// The plain-text and HTML parts of `mail`.
pub fn render(
    mail: &OutgoingMail,
    branding: &Branding,
    public_url: Option<&url::Url>,
) -> (String, String) {
    let absolute = |path: &str| match public_url.and_then(|base| base.join(path).ok()) {
        Some(url) => url.to_string(),
        None => path.to_owned(),
    };
    let view = MailView {
        subject: &mail.subject,
        brand_name: &branding.name,
        accent: &branding.accent,
        logo_url: (branding.has_logo && public_url.is_some())
            .then(|| absolute(&format!("/branding/logo?v={}", branding.logo_version))),
        support_email: branding.support_email.as_deref(),
        greeting_name: mail.to_name.as_deref(),
        paragraphs: &mail.paragraphs,
        items: &mail.items,
        link: mail.link.as_ref().map(|link| ShownLink {
            label: link.label.clone(),
            url: absolute(&link.path),
        }),
    };
    let text = TextPart { m: &view }
        .render()
        .expect("the mail's text template renders");
    let html = HtmlPart { m: &view }
        .render()
        .expect("the mail's HTML template renders");
    (tidy(&text), html)
}

/// Template blocks leave runs of blank lines; a plain-text mail reads better with one.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::email_address::EmailAddress;
    use crate::domain::mail::{MailKind, MailLink};

    fn mail() -> OutgoingMail {
        OutgoingMail {
            kind: MailKind::PurchaseOrderNew,
            dedupe_key: "k".into(),
            to: EmailAddress::parse_optional("to", "ops@acme.example")
                .unwrap()
                .unwrap(),
            to_name: Some("Acme <Supply>".into()),
            subject: "New purchase order for order #118".into(),
            paragraphs: vec!["Order #118 has 2 lines for you.".into()],
            items: vec![],
            link: Some(MailLink {
                label: "Open purchase order".into(),
                path: "/vendor/purchase-orders/7".into(),
            }),
        }
    }

    #[test]
    fn both_parts_carry_the_branding_and_an_absolute_link() {
        let mut branding = Branding::fallback(Some("Trail & Co"));
        branding.support_email = Some("help@trail.example".into());
        branding.has_logo = true;
        let base = url::Url::parse("https://wharf.trail.example/").unwrap();
        let (text, html) = render(&mail(), &branding, Some(&base));
        assert!(text.starts_with("Trail & Co\n"), "{text}");
        assert!(text.contains("Hello Acme <Supply>,"), "{text}");
        assert!(
            text.contains(
                "Open purchase order: https://wharf.trail.example/vendor/purchase-orders/7"
            )
        );
        assert!(text.contains("questions: help@trail.example"));
        assert!(
            html.contains("Trail &#38; Co") || html.contains("Trail &amp; Co"),
            "{html}"
        );
        assert!(
            html.contains("Acme &#60;Supply&#62;") || html.contains("Acme &lt;Supply&gt;"),
            "{html}"
        );
        assert!(html.contains("href=\"https://wharf.trail.example/vendor/purchase-orders/7\""));
        assert!(html.contains("src=\"https://wharf.trail.example/branding/logo?v=0\""));
    }

    #[test]
    fn without_a_public_url_the_link_is_its_path_and_no_logo_is_shown() {
        let mut branding = Branding::fallback(None);
        branding.has_logo = true;
        let (text, html) = render(&mail(), &branding, None);
        assert!(text.contains("Open purchase order: /vendor/purchase-orders/7"));
        assert!(!html.contains("<img"));
        assert!(html.contains("Your store"));
    }
}
