//! E-mail's storage: the outbox (`outbox`), what events tell vendors (`recipients`), and what the
//! digests collect (`digests`).

pub mod digests;
pub mod outbox;
pub mod recipients;
