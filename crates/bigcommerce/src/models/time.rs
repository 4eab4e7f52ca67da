//! `GET /v2/time`: `{"time": <unix seconds>}`.

use serde::Deserialize;

use crate::error::BcError;

#[derive(Debug, Deserialize)]
pub(crate) struct ServerTime {
    time: i64,
}

impl ServerTime {
    pub(crate) fn to_timestamp(&self) -> Result<jiff::Timestamp, BcError> {
        jiff::Timestamp::from_second(self.time).map_err(|err| BcError::Decode {
            message: format!("store time {} is out of range: {err}", self.time),
        })
    }
}
