//! Webhooks V3: the per-store hook registry behind `/v3/hooks` (`routes`), and delivery
//! of fired events to the hooks' destinations (`delivery`).
//!
//! Hooks belong to an API account's client id and are visible only to it (facts §8).
//! Here every token is its own API account: its client id is the first 31 hex digits
//! of SHA-1(token), stable across runs, so two tokens never see each other's hooks.

pub(crate) mod delivery;
pub(crate) mod routes;

use std::collections::BTreeMap;

use axum::http::Uri;
use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};

/// BigCommerce hook ids are large integers; starting here makes them look the part.
const FIRST_HOOK_ID: u64 = 25_000_001;
/// "At most 10 hooks per store_id + client_id + scope" (facts §8).
pub(crate) const MAX_PER_SCOPE: usize = 10;

/// Lower-case hex SHA-1.
pub(crate) fn sha1_hex(bytes: &[u8]) -> String {
    Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The client id of the API account a token belongs to (see the module docs).
pub(crate) fn client_id(token: &str) -> String {
    let mut hex = sha1_hex(token.as_bytes());
    hex.truncate(31);
    hex
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hook {
    pub id: u64,
    pub client_id: String,
    pub scope: String,
    pub destination: String,
    pub is_active: bool,
    /// Sent with every delivery; `None` is the spec's `null`.
    pub headers: Option<BTreeMap<String, String>>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Hook {
    /// `store/order/*` matches every `store/order/...` scope; others match exactly.
    pub fn matches(&self, scope: &str) -> bool {
        match self.scope.strip_suffix('*') {
            Some(prefix) => scope.starts_with(prefix),
            None => self.scope == scope,
        }
    }

    pub fn render(&self, store_hash: &str) -> Value {
        json!({
            "id": self.id,
            "client_id": self.client_id,
            "store_hash": store_hash,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "scope": self.scope,
            "destination": self.destination,
            "is_active": self.is_active,
            "headers": self.headers,
        })
    }
}

pub(crate) struct Hooks {
    by_id: BTreeMap<u64, Hook>,
    next_id: u64,
}

impl Default for Hooks {
    fn default() -> Self {
        Self {
            by_id: BTreeMap::new(),
            next_id: FIRST_HOOK_ID,
        }
    }
}

/// Field → message, the 422 `errors` object.
pub(crate) type FieldErrors = BTreeMap<String, String>;

/// A create or update body, shape-checked.
#[derive(Debug, Default)]
pub(crate) struct HookInput {
    pub scope: Option<String>,
    pub destination: Option<String>,
    pub is_active: Option<bool>,
    /// `Some(None)` clears the headers.
    pub headers: Option<Option<BTreeMap<String, String>>>,
}

impl HookInput {
    /// Reads the `webhook_Base` / `webhook_Put` fields; `Err(None)` when the body is not a
    /// JSON object at all (400), `Err(Some(errors))` for bad fields (422).
    pub fn parse(body: &[u8]) -> Result<Self, Option<FieldErrors>> {
        let fields: Map<String, Value> = serde_json::from_slice(body).map_err(|_| None)?;
        let mut errors = FieldErrors::new();
        let mut text = |name: &str| match fields.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim().to_owned()),
            Some(_) => {
                errors.insert(name.into(), "error.expected.jsstring".into());
                None
            }
        };
        let scope = text("scope");
        let destination = text("destination");
        let is_active = match fields.get("is_active") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                errors.insert("is_active".into(), "error.expected.jsboolean".into());
                None
            }
        };
        let headers = match fields.get("headers") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::Object(map)) => {
                let mut headers = BTreeMap::new();
                for (k, v) in map {
                    match v.as_str() {
                        Some(v) if valid_header(k, v) => {
                            headers.insert(k.clone(), v.to_owned());
                        }
                        _ => {
                            errors.insert(format!("headers.{k}"), "error.header.invalid".into());
                        }
                    }
                }
                Some(Some(headers))
            }
            Some(_) => {
                errors.insert("headers".into(), "error.expected.jsobject".into());
                None
            }
        };
        if errors.is_empty() {
            Ok(Self {
                scope,
                destination,
                is_active,
                headers,
            })
        } else {
            Err(Some(errors))
        }
    }
}

/// A header the delivery can actually send (the documented limits: name ≤ 64 bytes,
/// value ≤ 8 KB).
fn valid_header(name: &str, value: &str) -> bool {
    name.len() <= 64
        && value.len() <= 8192
        && axum::http::HeaderName::from_bytes(name.as_bytes()).is_ok()
        && axum::http::HeaderValue::from_str(value).is_ok()
}

/// The scope must be a store event scope, e.g. `store/order/created` or `store/order/*`.
fn check_scope(scope: &str) -> Result<(), String> {
    let parts: Vec<&str> = scope.split('/').collect();
    let ok = parts.len() >= 2
        && parts[0] == "store"
        && parts.iter().all(|p| !p.is_empty())
        && !parts[..parts.len() - 1].contains(&"*");
    if ok {
        Ok(())
    } else {
        Err("error.scope.invalid".into())
    }
}

/// BigCommerce delivers only to HTTPS on port 443 (facts §8); `allow_insecure` also
/// accepts plain HTTP on any port, for receivers in local tests.
fn check_destination(destination: &str, allow_insecure: bool) -> Result<(), String> {
    let uri: Uri = destination
        .parse()
        .map_err(|_| "error.destination.invalid".to_owned())?;
    if uri.host().is_none_or(str::is_empty) {
        return Err("error.destination.invalid".into());
    }
    match uri.scheme_str() {
        Some("https") if uri.port_u16().is_none_or(|p| p == 443) => Ok(()),
        Some("https") => Err("The destination must be served on port 443.".into()),
        Some("http") if allow_insecure => Ok(()),
        _ => Err("The destination must be an https URL.".into()),
    }
}

impl Hooks {
    pub fn get(&self, client_id: &str, id: u64) -> Option<&Hook> {
        self.by_id.get(&id).filter(|h| h.client_id == client_id)
    }

    pub fn of_client<'a>(&'a self, client_id: &'a str) -> impl Iterator<Item = &'a Hook> {
        self.by_id
            .values()
            .filter(move |h| h.client_id == client_id)
    }

    /// Active hooks subscribed to `scope`, in id order.
    pub fn subscribed(&self, scope: &str) -> impl Iterator<Item = &Hook> {
        self.by_id
            .values()
            .filter(move |h| h.is_active && h.matches(scope))
    }

    /// The documented limits for `client_id` holding a hook on (scope, destination),
    /// not counting hook `except` (the one being updated).
    fn check_limits(
        &self,
        client_id: &str,
        scope: &str,
        destination: &str,
        except: Option<u64>,
    ) -> Result<(), FieldErrors> {
        let same_scope: Vec<&Hook> = self
            .of_client(client_id)
            .filter(|h| Some(h.id) != except && h.scope == scope)
            .collect();
        let mut errors = FieldErrors::new();
        if same_scope.iter().any(|h| h.destination == destination) {
            errors.insert(
                "destination".into(),
                "A webhook with this scope and destination already exists.".into(),
            );
        } else if same_scope.len() >= MAX_PER_SCOPE {
            errors.insert(
                "scope".into(),
                format!("At most {MAX_PER_SCOPE} webhooks per scope are allowed."),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    pub fn create(
        &mut self,
        client_id: &str,
        input: HookInput,
        allow_insecure: bool,
        now: i64,
    ) -> Result<&Hook, FieldErrors> {
        let mut errors = FieldErrors::new();
        let scope = input.scope.filter(|s| !s.is_empty());
        let destination = input.destination.filter(|d| !d.is_empty());
        match &scope {
            None => {
                errors.insert("scope".into(), "error.path.missing.".into());
            }
            Some(s) => {
                if let Err(e) = check_scope(s) {
                    errors.insert("scope".into(), e);
                }
            }
        }
        match &destination {
            None => {
                errors.insert("destination".into(), "error.path.missing.".into());
            }
            Some(d) => {
                if let Err(e) = check_destination(d, allow_insecure) {
                    errors.insert("destination".into(), e);
                }
            }
        }
        let (Some(scope), Some(destination), true) = (scope, destination, errors.is_empty()) else {
            return Err(errors);
        };
        self.check_limits(client_id, &scope, &destination, None)?;
        let id = self.next_id;
        self.next_id += 1;
        let hook = Hook {
            id,
            client_id: client_id.to_owned(),
            scope,
            destination,
            is_active: input.is_active.unwrap_or(true),
            headers: input.headers.flatten(),
            created_at: now,
            updated_at: now,
        };
        Ok(self.by_id.entry(id).or_insert(hook))
    }

    /// `Ok(None)` when the client has no such hook.
    pub fn update(
        &mut self,
        client_id: &str,
        id: u64,
        input: HookInput,
        allow_insecure: bool,
        now: i64,
    ) -> Result<Option<&Hook>, FieldErrors> {
        let Some(current) = self.get(client_id, id).cloned() else {
            return Ok(None);
        };
        if input.scope.is_none()
            && input.destination.is_none()
            && input.is_active.is_none()
            && input.headers.is_none()
        {
            let mut errors = FieldErrors::new();
            errors.insert("body".into(), "At least one field is required.".into());
            return Err(errors);
        }
        let scope = input.scope.unwrap_or(current.scope.clone());
        let destination = input.destination.unwrap_or(current.destination.clone());
        let mut errors = FieldErrors::new();
        if let Err(e) = check_scope(&scope) {
            errors.insert("scope".into(), e);
        }
        if let Err(e) = check_destination(&destination, allow_insecure) {
            errors.insert("destination".into(), e);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.check_limits(client_id, &scope, &destination, Some(id))?;
        let hook = self.by_id.get_mut(&id).expect("checked above");
        hook.scope = scope;
        hook.destination = destination;
        if let Some(active) = input.is_active {
            hook.is_active = active;
        }
        if let Some(headers) = input.headers {
            hook.headers = headers;
        }
        hook.updated_at = now;
        Ok(Some(hook))
    }

    pub fn delete(&mut self, client_id: &str, id: u64) -> Option<Hook> {
        self.get(client_id, id)?;
        self.by_id.remove(&id)
    }

    pub fn subscribed_by_id(&self, id: u64) -> bool {
        self.by_id.get(&id).is_some_and(|h| h.is_active)
    }

    /// After its retries are exhausted (delivery).
    pub fn deactivate(&mut self, id: u64, now: i64) {
        if let Some(hook) = self.by_id.get_mut(&id) {
            hook.is_active = false;
            hook.updated_at = now;
        }
    }

    /// Distinct (scope, destination) pairs, for tests of the limits.
    #[cfg(test)]
    fn pairs(&self) -> std::collections::BTreeSet<(String, String)> {
        self.by_id
            .values()
            .map(|h| (h.scope.clone(), h.destination.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(scope: &str, destination: &str) -> HookInput {
        HookInput {
            scope: Some(scope.into()),
            destination: Some(destination.into()),
            ..HookInput::default()
        }
    }

    #[test]
    fn client_ids_are_stable_and_distinct() {
        assert_eq!(client_id("a").len(), 31);
        assert_eq!(client_id("a"), client_id("a"));
        assert_ne!(client_id("a"), client_id("b"));
        // SHA-1("abc"), the FIPS 180 test vector.
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn destinations_must_be_https_on_443_unless_insecure_is_allowed() {
        assert!(check_destination("https://example.com/hooks", false).is_ok());
        assert!(check_destination("https://example.com:443/hooks", false).is_ok());
        assert!(check_destination("https://example.com:8443/hooks", false).is_err());
        assert!(check_destination("http://127.0.0.1:9000/hooks", false).is_err());
        assert!(check_destination("http://127.0.0.1:9000/hooks", true).is_ok());
        assert!(check_destination("not a url", true).is_err());
        assert!(check_scope("store/order/*").is_ok());
        assert!(check_scope("store/order/statusUpdated").is_ok());
        assert!(check_scope("order/created").is_err());
        assert!(check_scope("store/*/created").is_err());
    }

    #[test]
    fn limits_are_per_client_scope_and_destination() {
        let mut hooks = Hooks::default();
        let scope = "store/order/*";
        assert!(
            hooks
                .create("c1", input(scope, "https://a.example/1"), false, 1)
                .is_ok()
        );
        let dup = hooks.create("c1", input(scope, "https://a.example/1"), false, 1);
        assert!(dup.unwrap_err().contains_key("destination"));
        // Another client may hold the same pair.
        assert!(
            hooks
                .create("c2", input(scope, "https://a.example/1"), false, 1)
                .is_ok()
        );
        for i in 2..=10 {
            let d = format!("https://a.example/{i}");
            assert!(
                hooks.create("c1", input(scope, &d), false, 1).is_ok(),
                "{i}"
            );
        }
        let over = hooks.create("c1", input(scope, "https://a.example/11"), false, 1);
        assert!(over.unwrap_err().contains_key("scope"));
        assert_eq!(hooks.pairs().len(), 10);
        let missing = hooks
            .create("c1", HookInput::default(), false, 1)
            .unwrap_err();
        assert_eq!(missing["scope"], "error.path.missing.");
        assert_eq!(missing["destination"], "error.path.missing.");
    }

    #[test]
    fn wildcards_match_their_family() {
        let mut hooks = Hooks::default();
        let id = hooks
            .create("c", input("store/order/*", "https://x.example/"), false, 1)
            .unwrap()
            .id;
        assert_eq!(id, FIRST_HOOK_ID);
        assert_eq!(hooks.subscribed("store/order/created").count(), 1);
        assert_eq!(hooks.subscribed("store/product/updated").count(), 0);
        hooks.deactivate(id, 2);
        assert_eq!(hooks.subscribed("store/order/created").count(), 0);
        assert!(hooks.get("other", id).is_none());
    }
}
