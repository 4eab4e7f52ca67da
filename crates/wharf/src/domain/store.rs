//! A merchant's BigCommerce store as wharf knows it, and the parsing of what the merchant types
//! in the Integrations form. Parse, don't validate: once a `NewStore` exists, every field is valid.

use secrecy::{ExposeSecret, SecretString};

use super::connection::{Check, CheckResult, ConnectionReport};
use super::text::has_hidden_characters;
use super::{FieldError, FieldErrors};

const MAX_NAME_CHARS: usize = 100;
const MAX_CREDENTIAL_CHARS: usize = 200;

/// The label the merchant gives the store inside wharf (unique, case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreName(String);

impl StoreName {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(FieldError::new("name", "Name is required"));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(FieldError::new(
                "name",
                format!("Name must be at most {MAX_NAME_CHARS} characters"),
            ));
        }
        if has_hidden_characters(name) {
            return Err(FieldError::new(
                "name",
                "Name must not contain control, direction-changing or invisible characters",
            ));
        }
        Ok(StoreName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The storefront's address, kept as its host (`nameofyourstore.mybigcommerce.com`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreUrl {
    host: String,
}

impl StoreUrl {
    const HELP: &'static str =
        "Store URL must be an https URL or a host name, like nameofyourstore.mybigcommerce.com";

    /// Accepts a bare host or an `https://` URL (with or without a trailing slash).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(FieldError::new("store_url", "Store URL is required"));
        }
        let with_scheme = if input.contains("://") {
            input.to_owned()
        } else {
            format!("https://{input}")
        };
        let url =
            url::Url::parse(&with_scheme).map_err(|_| FieldError::new("store_url", Self::HELP))?;
        if url.scheme() != "https" {
            return Err(FieldError::new(
                "store_url",
                format!("Store URL must use https, not {}", url.scheme()),
            ));
        }
        let host = match url.host() {
            Some(url::Host::Domain(host)) if host.contains('.') => host.to_ascii_lowercase(),
            _ => return Err(FieldError::new("store_url", Self::HELP)),
        };
        let only_root = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
        if !only_root || !url.username().is_empty() || url.port().is_some() {
            return Err(FieldError::new(
                "store_url",
                "Store URL must be the store's address only, without a path, port or query",
            ));
        }
        Ok(StoreUrl { host })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn as_url(&self) -> String {
        format!("https://{}", self.host)
    }

    /// Whether a domain or URL that BigCommerce reports names this same store front.
    /// `www.` is ignored on both sides: merchants type either form.
    pub fn matches(&self, domain_or_url: &str) -> bool {
        let other = domain_or_url.trim();
        let other = other.split_once("://").map_or(other, |(_, rest)| rest);
        let other_host = other
            .split(['/', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        strip_www(&other_host) == strip_www(&self.host)
    }
}

fn strip_www(host: &str) -> &str {
    host.strip_prefix("www.").unwrap_or(host)
}

/// The store's permanent id in API paths: `https://api.bigcommerce.com/stores/{hash}/v3/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreHash(String);

impl StoreHash {
    const FORM: &'static str = "Store hash must be the letters and digits between /stores/ and /v3/ in the API path (for example abc123def4)";

    /// A bare hash: BigCommerce's are lowercase letters and digits. One typed in capitals
    /// names the same store, so it is kept lowercase: two spellings of one hash are one hash.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let hash = input.trim();
        if hash.is_empty() {
            return Err(FieldError::new("store_hash", "Store hash is required"));
        }
        let valid =
            (3..=32).contains(&hash.len()) && hash.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid {
            return Err(FieldError::new("store_hash", Self::FORM));
        }
        Ok(StoreHash(hash.to_ascii_lowercase()))
    }

    /// The API path shown with the store-level API account, from which the hash is taken.
    pub fn from_api_path(input: &str) -> Result<Self, FieldError> {
        const HELP: &str =
            "API path must look like https://api.bigcommerce.com/stores/{store_hash}/v3/";
        let url = url::Url::parse(input.trim()).map_err(|_| FieldError::new("api_path", HELP))?;
        if url.scheme() != "https" || url.host_str() != Some("api.bigcommerce.com") {
            return Err(FieldError::new("api_path", HELP));
        }
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|seg| !seg.is_empty()).collect())
            .unwrap_or_default();
        match segments.as_slice() {
            ["stores", hash, "v3"] => StoreHash::parse(hash).map_err(|_| {
                FieldError::new("api_path", format!("{HELP}; {hash:?} is not a store hash"))
            }),
            _ => Err(FieldError::new("api_path", HELP)),
        }
    }

    /// The form's single "Store hash" field takes either the hash or the whole API path.
    pub fn parse_hash_or_api_path(input: &str) -> Result<Self, FieldError> {
        if input.trim().contains("://") {
            StoreHash::from_api_path(input).map_err(|e| FieldError::new("store_hash", e.message))
        } else {
            StoreHash::parse(input)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A store hash another wharf store already has. wharf takes each BigCommerce store once:
/// the same store added twice was synced twice, every order imported twice and every vendor
/// asked to ship twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashInUse {
    pub store_hash: String,
    /// The name of the wharf store that has the hash (for stores made before hashes were
    /// unique, the oldest of them), or of the vendor whose own store it is.
    pub used_by: String,
    /// The hash is a vendor's own store, not a sales store.
    pub by_vendor: bool,
}

impl HashInUse {
    /// Why a new store is refused, on the field that has the hash.
    pub fn field_error(&self) -> FieldError {
        let (hash, owner) = (&self.store_hash, &self.used_by);
        if self.by_vendor {
            return FieldError::new(
                "store_hash",
                format!(
                    "Store hash {hash} is already connected as vendor “{owner}”'s own store: each \
                     BigCommerce store is added once, as a sales store or as one vendor's store. \
                     Check the hash if this is another store"
                ),
            );
        }
        FieldError::new(
            "store_hash",
            format!(
                "Store hash {hash} is already used by store “{owner}”: each BigCommerce store is \
                 added once. Use “{owner}”, or check the hash if this is another store"
            ),
        )
    }

    /// Why a store that shares its hash with an older one neither connects nor syncs.
    pub fn reason(&self) -> String {
        let (hash, owner) = (&self.store_hash, &self.used_by);
        format!(
            "Store hash {hash} is already used by store “{owner}”, added before this one: this \
             store does not connect or sync, so the orders of that BigCommerce store are not \
             imported twice. Use “{owner}” for it"
        )
    }

    /// Connect's verdict on such a store: red, with [`Self::reason`], and nothing asked of
    /// BigCommerce.
    pub fn connection_report(&self) -> ConnectionReport {
        ConnectionReport {
            checks: vec![CheckResult::failed(Check::StoreHashUnique, self.reason())],
        }
    }
}

/// How wharf authenticates with the store. Only store-level API accounts ("Private") exist so
/// far; "App (OAuth)" is listed in the form but refused here until it is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthType {
    /// A store-level API account: static token made in the store's control panel.
    Private,
}

impl AuthType {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        match input.trim().to_ascii_lowercase().as_str() {
            "" | "private" => Ok(AuthType::Private),
            "app" | "app_oauth" | "oauth" => Err(FieldError::new(
                "auth_type",
                "App (OAuth) is not available yet: use Private, with a store-level API account",
            )),
            other => Err(FieldError::new(
                "auth_type",
                format!("Authentication type must be private or app_oauth, not {other:?}"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AuthType::Private => "private",
        }
    }
}

/// Client ID, Client Secret and Access Token share one shape: a non-empty token without spaces.
fn parse_credential(field: &'static str, label: &str, input: &str) -> Result<String, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, format!("{label} is required")));
    }
    if value.len() > MAX_CREDENTIAL_CHARS
        || value.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(FieldError::new(
            field,
            format!(
                "{label} must be the value shown with the API account, without spaces (at most {MAX_CREDENTIAL_CHARS} characters)"
            ),
        ));
    }
    Ok(value.to_owned())
}

/// What the merchant submitted, as typed: every surface (form, JSON, CLI) fills this in.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct NewStoreInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub store_url: String,
    /// The store hash, or the whole API path (wharf extracts the hash).
    #[serde(default)]
    pub store_hash: String,
    /// The API path in a field of its own (the CLI's `--api-path`).
    #[serde(default)]
    pub api_path: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    #[serde(default)]
    pub access_token: String,
    #[serde(default)]
    pub auth_type: String,
}

/// A store ready to be saved: every field parsed.
#[derive(Debug)]
pub struct NewStore {
    pub name: StoreName,
    pub auth_type: AuthType,
    pub store_url: StoreUrl,
    pub store_hash: StoreHash,
    pub client_id: String,
    pub client_secret: SecretString,
    pub access_token: SecretString,
}

impl NewStore {
    /// Parses every field and reports every problem at once.
    pub fn parse(input: &NewStoreInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(StoreName::parse(&input.name));
        let auth_type = errors.check(AuthType::parse(&input.auth_type));
        let store_url = errors.check(StoreUrl::parse(&input.store_url));
        let store_hash = errors.check(Self::parse_hash(input));
        let client_id = errors.check(parse_credential("client_id", "Client ID", &input.client_id));
        let client_secret = errors.check(parse_credential(
            "client_secret",
            "Client Secret",
            &input.client_secret,
        ));
        let access_token = errors.check(parse_credential(
            "access_token",
            "Access Token",
            &input.access_token,
        ));
        match (
            name,
            auth_type,
            store_url,
            store_hash,
            client_id,
            client_secret,
            access_token,
        ) {
            (
                Some(name),
                Some(auth_type),
                Some(store_url),
                Some(store_hash),
                Some(client_id),
                Some(secret),
                Some(token),
            ) if errors.is_empty() => Ok(NewStore {
                name,
                auth_type,
                store_url,
                store_hash,
                client_id,
                client_secret: SecretString::from(secret),
                access_token: SecretString::from(token),
            }),
            _ => Err(errors),
        }
    }

    fn parse_hash(input: &NewStoreInput) -> Result<StoreHash, FieldError> {
        match (input.store_hash.trim(), input.api_path.trim()) {
            ("", "") => Err(FieldError::new(
                "store_hash",
                "Store hash is required (or paste the API path, https://api.bigcommerce.com/stores/{store_hash}/v3/)",
            )),
            (hash, "") => StoreHash::parse_hash_or_api_path(hash),
            ("", path) => StoreHash::from_api_path(path),
            (hash, path) => {
                let from_hash = StoreHash::parse_hash_or_api_path(hash)?;
                let from_path = StoreHash::from_api_path(path)?;
                if from_hash != from_path {
                    return Err(FieldError::new(
                        "store_hash",
                        format!(
                            "Store hash {} does not match the API path's {}: give one of them",
                            from_hash.as_str(),
                            from_path.as_str()
                        ),
                    ));
                }
                Ok(from_hash)
            }
        }
    }
}

/// The last characters of a secret, for showing which one is stored without revealing it:
/// four at most, and never more than a quarter of it (a short secret shows nothing).
pub fn last4(secret: &SecretString) -> String {
    let chars: Vec<char> = secret.expose_secret().chars().collect();
    let shown = (chars.len() / 4).min(4);
    chars[chars.len() - shown..].iter().collect()
}

pub fn masked(last4: &str) -> String {
    format!("••••{last4}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::connection::ConnectionStatus;

    fn valid_input() -> NewStoreInput {
        NewStoreInput {
            name: "Main store".into(),
            store_url: "nameofyourstore.mybigcommerce.com".into(),
            store_hash: "abc123def4".into(),
            api_path: String::new(),
            client_id: "client-id-1".into(),
            client_secret: "client-secret-1".into(),
            access_token: "token-1".into(),
            auth_type: "private".into(),
        }
    }

    #[test]
    fn a_valid_form_parses() {
        let store = NewStore::parse(&valid_input()).unwrap();
        assert_eq!(store.store_hash.as_str(), "abc123def4");
        assert_eq!(store.store_url.host(), "nameofyourstore.mybigcommerce.com");
    }

    #[test]
    fn the_hash_is_extracted_from_a_pasted_api_path() {
        let hash =
            StoreHash::parse_hash_or_api_path("https://api.bigcommerce.com/stores/abc123def4/v3/")
                .unwrap();
        assert_eq!(hash.as_str(), "abc123def4");
        let hash =
            StoreHash::from_api_path("https://api.bigcommerce.com/stores/x1y2z3/v3").unwrap();
        assert_eq!(hash.as_str(), "x1y2z3");
    }

    #[test]
    fn a_hash_typed_in_capitals_is_kept_lowercase() {
        assert_eq!(
            StoreHash::parse(" ABC123def4 ").unwrap().as_str(),
            "abc123def4"
        );
        let hash =
            StoreHash::from_api_path("https://api.bigcommerce.com/stores/ABC123/v3/").unwrap();
        assert_eq!(hash.as_str(), "abc123");
    }

    #[test]
    fn a_hash_in_use_names_the_field_and_the_store_that_has_it() {
        let in_use = HashInUse {
            store_hash: "abc123".into(),
            used_by: "Main".into(),
            by_vendor: false,
        };
        let error = in_use.field_error();
        assert_eq!(error.field, "store_hash");
        assert!(
            error
                .message
                .starts_with("Store hash abc123 is already used by store “Main”"),
            "{}",
            error.message
        );
        let report = in_use.connection_report();
        let vendors = HashInUse {
            by_vendor: true,
            used_by: "Acme".into(),
            ..in_use.clone()
        };
        assert!(
            vendors
                .field_error()
                .message
                .starts_with("Store hash abc123 is already connected as vendor “Acme”'s own store"),
            "{}",
            vendors.field_error().message
        );
        assert_eq!(report.status(), ConnectionStatus::Failed);
        assert_eq!(report.failures(), [in_use.reason()]);
        assert!(in_use.reason().contains("“Main”"));
    }

    #[test]
    fn api_paths_of_another_form_are_refused_naming_the_field() {
        for bad in [
            "https://api.bigcommerce.com/stores/abc123/v2/",
            "https://example.com/stores/abc123/v3/",
            "http://api.bigcommerce.com/stores/abc123/v3/",
            "https://api.bigcommerce.com/stores/ABC-123/v3/",
            "https://api.bigcommerce.com/stores//v3/",
        ] {
            let err = StoreHash::from_api_path(bad).unwrap_err();
            assert_eq!(err.field, "api_path", "{bad}");
        }
    }

    #[test]
    fn store_urls_must_be_https_hosts() {
        assert!(StoreUrl::parse("https://shop.example.com/").is_ok());
        for bad in [
            "http://shop.example.com",
            "shop",
            "https://shop.example.com/path",
            "ftp://x.y",
            "   ",
        ] {
            assert_eq!(
                StoreUrl::parse(bad).unwrap_err().field,
                "store_url",
                "{bad}"
            );
        }
    }

    #[test]
    fn store_url_matching_ignores_scheme_case_and_www() {
        let url = StoreUrl::parse("Shop.Example.com").unwrap();
        assert!(url.matches("https://www.shop.example.com/"));
        assert!(url.matches("shop.example.com"));
        assert!(!url.matches("other.example.com"));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = NewStoreInput {
            auth_type: "app_oauth".into(),
            ..NewStoreInput::default()
        };
        let errors = NewStore::parse(&input).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "name",
                "auth_type",
                "store_url",
                "store_hash",
                "client_id",
                "client_secret",
                "access_token"
            ]
        );
        assert!(
            errors
                .for_field("auth_type")
                .unwrap()
                .contains("not available yet")
        );
    }

    #[test]
    fn a_hash_and_api_path_that_disagree_are_refused() {
        let input = NewStoreInput {
            api_path: "https://api.bigcommerce.com/stores/zzz999/v3/".into(),
            ..valid_input()
        };
        assert_eq!(
            NewStore::parse(&input).unwrap_err().0[0].field,
            "store_hash"
        );
    }

    #[test]
    fn credentials_with_spaces_are_refused() {
        let input = NewStoreInput {
            access_token: "abc def".into(),
            ..valid_input()
        };
        assert_eq!(
            NewStore::parse(&input).unwrap_err().0[0].field,
            "access_token"
        );
    }

    #[test]
    fn last4_shows_at_most_four_and_never_more_than_a_quarter() {
        assert_eq!(last4(&SecretString::from("abcdefghijklmnop")), "mnop");
        assert_eq!(last4(&SecretString::from("abcdefgh")), "gh");
        assert_eq!(last4(&SecretString::from("abc")), "");
    }
}
