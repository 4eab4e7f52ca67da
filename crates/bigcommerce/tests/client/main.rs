//! The client against a mocked BigCommerce: what it sends, how it reads answers and errors, and
//! how it paces and retries. One binary: a module per concern, the harness in `helpers`, the
//! answers several modules share in `fixtures`.

mod catalog;
mod errors;
mod fixtures;
#[path = "../helpers/mod.rs"]
mod helpers;
mod hooks;
mod inventory;
mod order_writes;
mod orders;
mod paging;
mod rate_limits;
mod requests;
mod retries;
mod shipments;
