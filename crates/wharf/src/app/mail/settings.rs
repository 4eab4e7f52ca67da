//! Who gets which mail, as people set it: a vendor's schedule for new purchase orders, and the
//! one address operators' digests go to.
//!
//! One "Send operator mail to" address rather than an address per operator account: wharf has
//! one operator account today, and a small team shares an inbox (ops@…) for what needs doing
//! more readily than it keeps everyone's account set up.

use crate::app::App;
use crate::app::error::AppError;
use crate::db::mail::recipients;
use crate::domain::FieldErrors;
use crate::domain::email_address::EmailAddress;
use crate::domain::mail::MailSchedule;

impl App {
    /// When the vendor hears of new purchase orders.
    pub async fn vendor_mail_schedule(&self, vendor_id: i64) -> Result<MailSchedule, AppError> {
        recipients::vendor_schedule(&self.db, vendor_id)
            .await?
            .ok_or_else(|| AppError::not_found("vendor", vendor_id))
    }

    /// Every vendor's schedule, by vendor id.
    pub async fn vendor_mail_schedules(
        &self,
    ) -> Result<std::collections::HashMap<i64, MailSchedule>, AppError> {
        Ok(recipients::vendor_schedules(&self.db)
            .await?
            .into_iter()
            .collect())
    }

    /// Sets when the vendor hears of new purchase orders (`immediate` or `hourly`, as typed).
    pub async fn set_vendor_mail_schedule(
        &self,
        vendor_id: i64,
        schedule: &str,
    ) -> Result<MailSchedule, AppError> {
        let schedule = MailSchedule::parse("mail_schedule", schedule)
            .map_err(|e| AppError::Invalid(FieldErrors(vec![e])))?;
        if !recipients::set_vendor_schedule(&self.db, vendor_id, schedule).await? {
            return Err(AppError::not_found("vendor", vendor_id));
        }
        Ok(schedule)
    }

    /// Where operators' digests go, if anywhere.
    pub async fn operator_mail_to(&self) -> Result<Option<String>, AppError> {
        Ok(recipients::operator_email(&self.db).await?)
    }

    /// Sets (or, empty, clears) where operators' digests go.
    pub async fn set_operator_mail_to(&self, input: &str) -> Result<Option<String>, AppError> {
        let email = EmailAddress::parse_optional("operator_email", input)
            .map_err(|e| AppError::Invalid(FieldErrors(vec![e])))?;
        recipients::set_operator_email(&self.db, email.as_ref().map(EmailAddress::as_str)).await?;
        Ok(email.map(|e| e.to_string()))
    }
}
