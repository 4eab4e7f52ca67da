//! Store information (scope `store_v2_information_read_only`).

use crate::client::StoreClient;
use crate::error::BcError;
use crate::models::store::StoreInformation;
use crate::models::time::ServerTime;

impl StoreClient {
    /// `GET v2/store`; also the cheapest way to check that a hash and token work together.
    pub async fn store_information(&self) -> Result<StoreInformation, BcError> {
        self.get_json("v2/store", &[]).await
    }

    /// `GET v2/time`: the store's clock, for checking our own clock skew.
    pub async fn time(&self) -> Result<jiff::Timestamp, BcError> {
        self.get_json::<ServerTime>("v2/time", &[])
            .await?
            .to_timestamp()
    }
}
