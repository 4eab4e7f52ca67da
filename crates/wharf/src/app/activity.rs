//! What the job queue did, as operators look at it: the Activity page's recent jobs and the
//! Retry of a failed one, and the dashboard's counts of failed jobs and of what each flow moved.

use super::App;
use super::error::AppError;
use crate::db;
use crate::db::dashboard::FlowCounts;
use crate::db::jobs::{self, ActivityFilter, ActivityRow, JobStatus};

impl App {
    /// The most recently updated jobs matching `filter`, newest first, at most `limit`.
    pub async fn activity(
        &self,
        filter: &ActivityFilter,
        limit: i64,
    ) -> Result<Vec<ActivityRow>, AppError> {
        Ok(jobs::activity(&self.db, filter, limit).await?)
    }

    /// Puts a failed job back in the queue with fresh attempts and tells this process's workers;
    /// a job that is not failed (any more) is left alone.
    pub async fn retry_failed_job(&self, job_id: i64) -> Result<(), AppError> {
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
