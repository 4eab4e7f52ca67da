//! How much of each store's API quota wharf uses: in the store's current window, and per hour
//! of the last day. The quota is BigCommerce's (its `X-Rate-Limit-*` headers, as the budget
//! last saw them); the requests are wharf's own, as its shared budget counts them
//! (`db::api_budget`). Other apps on the store spend the same quota and are not counted here.

use super::App;
use super::error::AppError;
use crate::db::api_budget;

const HOUR_MS: i64 = 60 * 60 * 1000;

/// One store's use of its quota.
#[derive(Debug, Clone)]
pub struct StoreApiUse {
    pub store_id: i64,
    pub store_name: String,
    /// `None` until wharf has sent the store a request.
    pub window: Option<WindowShare>,
    /// (hour's start, wharf's requests that hour as a percentage of what the quota allows in
    /// an hour); hours without requests are left out.
    pub per_hour: Vec<(i64, f64)>,
}

/// wharf's requests in the store's current window, against its quota.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowShare {
    pub used: i64,
    pub quota: i64,
    pub window_ms: i64,
}

impl WindowShare {
    /// wharf's share of the window's quota, in percent.
    pub fn percent(&self) -> f64 {
        percent(self.used as f64, self.quota as f64)
    }

    /// What the quota allows in an hour: its windows end to end.
    fn per_hour(&self) -> f64 {
        self.quota as f64 * HOUR_MS as f64 / self.window_ms.max(1) as f64
    }
}

fn percent(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        part * 100.0 / whole
    } else {
        0.0
    }
}

impl App {
    /// Every store's use of its quota since `since_ms`, in the stores' order.
    pub async fn api_use(&self, since_ms: i64) -> Result<Vec<StoreApiUse>, AppError> {
        let windows = api_budget::current_windows(&self.db).await?;
        let hourly = api_budget::requests_per_hour(&self.db, since_ms).await?;
        Ok(self
            .list_stores()
            .await?
            .into_iter()
            .map(|store| {
                let window = windows
                    .iter()
                    .find(|w| w.store_hash == store.store_hash)
                    .map(|w| WindowShare {
                        used: w.used,
                        quota: w.quota,
                        window_ms: w.window_ms,
                    });
                let per_hour = window.map_or_else(Vec::new, |window| {
                    hourly
                        .iter()
                        .filter(|(hash, _, _)| *hash == store.store_hash)
                        .map(|&(_, hour, requests)| {
                            (hour, percent(requests as f64, window.per_hour()))
                        })
                        .collect()
                });
                StoreApiUse {
                    store_id: store.id,
                    store_name: store.name,
                    window,
                    per_hour,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::WindowShare;

    #[test]
    fn shares_are_of_the_window_and_of_the_hour() {
        let window = WindowShare {
            used: 15,
            quota: 150,
            window_ms: 30_000,
        };
        assert_eq!(window.percent(), 10.0);
        // 150 per 30 s is 18,000 an hour.
        assert_eq!(window.per_hour(), 18_000.0);
        let none = WindowShare {
            used: 3,
            quota: 0,
            window_ms: 0,
        };
        assert_eq!(none.percent(), 0.0);
    }
}
