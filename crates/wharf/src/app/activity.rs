//! What the job queue did, as operators look at it: the Activity page's recent jobs and the
//! Retry of a failed one, and the dashboard's counts of failed jobs and of what each flow moved.

use super::App;
use super::error::AppError;
use super::jobs::JobAbout;
use crate::db;
use crate::db::dashboard::FlowCounts;
use crate::db::jobs::{self, ActivityFilter, ActivityRow, JobStatus};

/// A job as the Activity page shows it: the queue's row, and what the job does in words.
#[derive(Debug, Clone)]
pub struct JobActivity {
    pub row: ActivityRow,
    pub description: String,
}

impl App {
    /// The most recently updated jobs matching `filter`, newest first, at most `limit`, each
    /// described in words.
    pub async fn activity(
        &self,
        filter: &ActivityFilter,
        limit: i64,
    ) -> Result<Vec<JobActivity>, AppError> {
        let rows = jobs::activity(&self.db, filter, limit).await?;
        let abouts: Vec<Option<JobAbout>> = rows
            .iter()
            .map(|row| super::jobs::about(&row.kind, &row.payload))
            .collect();
        let shipment_ids: Vec<i64> = abouts
            .iter()
            .filter_map(|about| match about {
                Some(JobAbout::ShipmentPush { shipment_id }) => Some(*shipment_id),
                _ => None,
            })
            .collect();
        let feed_ids: Vec<i64> = abouts
            .iter()
            .filter_map(|about| match about {
                Some(JobAbout::FeedFetch { feed_id }) => Some(*feed_id),
                _ => None,
            })
            .collect();
        let shipments = db::job_subjects::shipment_names(&self.db, &shipment_ids).await?;
        let feeds = db::job_subjects::feed_vendor_names(&self.db, &feed_ids).await?;
        Ok(rows
            .into_iter()
            .zip(abouts)
            .map(|(row, about)| {
                let description = match about {
                    Some(JobAbout::Words(words)) => words,
                    Some(JobAbout::ShipmentPush { shipment_id }) => {
                        match shipments.get(&shipment_id) {
                            Some(name) => format!(
                                "Push shipment {} for order #{} to BigCommerce",
                                name.tracking_number, name.order_number
                            ),
                            None => "Push a shipment that was since removed".to_owned(),
                        }
                    }
                    Some(JobAbout::FeedFetch { feed_id }) => match feeds.get(&feed_id) {
                        Some(vendor) => format!("Fetch {vendor}'s stock feed"),
                        None => "Fetch a stock feed that was since removed".to_owned(),
                    },
                    None => "Work this version of wharf does not know".to_owned(),
                };
                JobActivity { row, description }
            })
            .collect())
    }

    /// Puts a failed job back in the queue with fresh attempts and tells this process's workers;
    /// a job that is not failed (any more) is left alone.
    pub async fn retry_failed_job(&self, job_id: i64) -> Result<(), AppError> {
        // A mail's Retry is a person deciding to send it again (`app::mail`).
        self.release_mail_for_retry(job_id).await?;
        jobs::retry_failed(&self.db, job_id).await?;
        self.wake_workers();
        Ok(())
    }

    /// How many jobs failed and wait for an operator's Retry.
    pub async fn count_failed_jobs(&self) -> Result<i64, AppError> {
        Ok(jobs::count_by_status(&self.db)
            .await?
            .into_iter()
            .find(|(status, _)| *status == JobStatus::Failed)
            .map_or(0, |(_, n)| n))
    }

    /// What each flow has moved so far: orders stored, shipments pushed, levels published.
    pub async fn flow_counts(&self) -> Result<FlowCounts, AppError> {
        Ok(db::dashboard::flow_counts(&self.db).await?)
    }
}
