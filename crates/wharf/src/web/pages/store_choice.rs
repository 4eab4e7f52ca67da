//! The store selector of the upload forms (tracking, assignments): a store is never chosen for
//! the operator by the order of names. The only store is preselected; with several, the form
//! starts on an empty "Choose a store" that the browser requires; after a submit, the store
//! that was chosen stays chosen.

use crate::app::stores::StoreView;

/// What the selector shows and which store it has chosen.
#[derive(Debug, Clone, Default)]
pub(super) struct StoreChoice {
    pub stores: Vec<StoreView>,
    /// The store the last submit named.
    pub chosen: Option<i64>,
    /// Why the submitted choice was refused.
    pub error: Option<String>,
}

impl StoreChoice {
    pub fn new(stores: Vec<StoreView>) -> Self {
        StoreChoice {
            stores,
            chosen: None,
            error: None,
        }
    }

    /// Whether the empty "Choose a store" option is offered (and preselected).
    pub fn offers_blank(&self) -> bool {
        self.stores.len() != 1
    }

    pub fn is_chosen(&self, store_id: &i64) -> bool {
        match self.chosen {
            Some(chosen) => chosen == *store_id,
            None => self.stores.len() == 1,
        }
    }

    /// Reads the form's `store_id` field: the chosen store, or why there is none (kept on
    /// `self.error` for the page).
    pub fn take(&mut self, field: &str) -> Option<i64> {
        let parsed = field.trim().parse::<i64>().ok();
        match parsed.filter(|id| self.stores.iter().any(|s| s.id == *id)) {
            Some(id) => {
                self.chosen = Some(id);
                Some(id)
            }
            None => {
                self.error = Some("Choose a store".to_owned());
                None
            }
        }
    }
}
