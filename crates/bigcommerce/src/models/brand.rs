//! `GET /v3/catalog/brands`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    pub id: u64,
    pub name: String,
}
