//! The purposes a mail's bodies are sealed under (the cipher's associated data), one per
//! column, so a body copied into the other column does not open.

pub const TEXT_PURPOSE: &str = "mails.text";
pub const HTML_PURPOSE: &str = "mails.html";
