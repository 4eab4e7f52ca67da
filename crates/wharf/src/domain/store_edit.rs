//! Changing a saved store: the fields that change, merged over the stored ones and parsed with
//! the add form's rules, so an edit can never save what adding would refuse.

use super::FieldErrors;
use super::store::{NewStore, NewStoreInput};

/// What the operator changes, as typed: a field left out (or a secret left empty) keeps what
/// is stored. Secrets are never shown, so an empty secret field cannot mean "clear it".
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct StoreEditInput {
    pub name: Option<String>,
    pub store_url: Option<String>,
    /// The store hash, or the whole API path (wharf extracts the hash).
    pub store_hash: Option<String>,
    /// The API path in a field of its own (the CLI's `--api-path`).
    pub api_path: Option<String>,
    pub client_id: Option<String>,
    /// Re-entered to change it; empty or left out keeps the stored one.
    pub client_secret: Option<String>,
    /// Re-entered to change it; empty or left out keeps the stored one.
    pub access_token: Option<String>,
}

/// Which secrets an edit replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewSecrets {
    pub client_secret: bool,
    pub access_token: bool,
}

impl StoreEditInput {
    /// The stored store with these changes, parsed as a new store would be. `current` carries
    /// the stored values, secrets included (opened in memory only).
    pub fn apply(&self, current: &NewStoreInput) -> Result<(NewStore, NewSecrets), FieldErrors> {
        let (client_secret, access_token) =
            (secret(&self.client_secret), secret(&self.access_token));
        // A new hash given in either field replaces the stored one, which would otherwise be
        // compared with it as if both were typed together.
        let new_hash = self.store_hash.is_some() || self.api_path.is_some();
        let merged = NewStoreInput {
            name: self.name.clone().unwrap_or_else(|| current.name.clone()),
            store_url: self
                .store_url
                .clone()
                .unwrap_or_else(|| current.store_url.clone()),
            store_hash: match new_hash {
                true => self.store_hash.clone().unwrap_or_default(),
                false => current.store_hash.clone(),
            },
            api_path: self.api_path.clone().unwrap_or_default(),
            client_id: self
                .client_id
                .clone()
                .unwrap_or_else(|| current.client_id.clone()),
            client_secret: client_secret
                .map_or_else(|| current.client_secret.clone(), str::to_owned),
            access_token: access_token.map_or_else(|| current.access_token.clone(), str::to_owned),
            auth_type: current.auth_type.clone(),
        };
        let store = NewStore::parse(&merged)?;
        let secrets = NewSecrets {
            client_secret: client_secret.is_some(),
            access_token: access_token.is_some(),
        };
        Ok((store, secrets))
    }
}

/// A secret given to change it: an empty field keeps the stored one.
fn secret(given: &Option<String>) -> Option<&str> {
    given.as_deref().filter(|s| !s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn stored() -> NewStoreInput {
        NewStoreInput {
            name: "Main".into(),
            store_url: "shop.example.com".into(),
            store_hash: "abc123".into(),
            api_path: String::new(),
            client_id: "id-1".into(),
            client_secret: "secret-1".into(),
            access_token: "token-1".into(),
            auth_type: "private".into(),
        }
    }

    #[test]
    fn fields_left_out_and_empty_secrets_keep_the_stored_values() {
        let edit = StoreEditInput {
            name: Some("Renamed".into()),
            client_secret: Some("  ".into()),
            ..StoreEditInput::default()
        };
        let (store, secrets) = edit.apply(&stored()).unwrap();
        assert_eq!(store.name.as_str(), "Renamed");
        assert_eq!(store.store_hash.as_str(), "abc123");
        assert_eq!(store.client_secret.expose_secret(), "secret-1");
        assert_eq!(
            secrets,
            NewSecrets {
                client_secret: false,
                access_token: false
            }
        );
    }

    #[test]
    fn a_new_api_path_replaces_the_stored_hash() {
        let edit = StoreEditInput {
            api_path: Some("https://api.bigcommerce.com/stores/zzz999/v3/".into()),
            access_token: Some("token-2".into()),
            ..StoreEditInput::default()
        };
        let (store, secrets) = edit.apply(&stored()).unwrap();
        assert_eq!(store.store_hash.as_str(), "zzz999");
        assert!(secrets.access_token && !secrets.client_secret);
    }

    #[test]
    fn bad_changes_are_refused_naming_the_field() {
        let edit = StoreEditInput {
            store_url: Some("http://shop.example.com".into()),
            client_id: Some(String::new()),
            ..StoreEditInput::default()
        };
        let errors = edit.apply(&stored()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["store_url", "client_id"]);
    }
}
