//! Finding, changing and removing a store's assignment rules (adding them is
//! `vendors::assign`): each listed with how many of the store's variants it decides, counted
//! with the routing function orders go through, so the list says what routing will do.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::App;
use super::error::AppError;
use crate::db::DbError;
use crate::db::assignments::{self, RoutableVariant, RuleRecord};
use crate::db::vendors;
use crate::domain::routing::{
    LineKind, LineRoute, MatchedRule, RoutableLine, RoutingRules, RuleKind, first_matching_rule,
};
use crate::domain::{FieldError, FieldErrors};

/// One rule as people and scripts see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RuleView {
    /// The rule's id for `PUT`/`DELETE /assignments/{id}`. Absent for the store's default,
    /// which is changed by adding a `default` rule.
    pub id: Option<i64>,
    pub rule: RuleKind,
    /// The SKU, brand or prefix the rule matches; absent for the default (and for a variant
    /// that has no SKU).
    pub key: Option<String>,
    /// Absent when the default holds unmatched lines in Needs attention.
    pub vendor_id: Option<i64>,
    pub vendor: Option<String>,
    /// Lines a rule of an inactive vendor decides wait in Needs attention.
    pub vendor_active: bool,
    /// The store's live variants this rule decides (the first rule that matches them).
    pub variants_covered: usize,
}

/// The rule in words, for pages and the CLI.
impl RuleView {
    pub fn matches_text(&self) -> String {
        match (&self.key, self.rule) {
            (_, RuleKind::Default) => "every other variant".to_owned(),
            (Some(key), _) => key.clone(),
            (None, _) => "a variant without a SKU".to_owned(),
        }
    }

    pub fn vendor_text(&self) -> String {
        match (&self.vendor, self.vendor_active) {
            (Some(name), true) => name.clone(),
            (Some(name), false) => format!("{name} (inactive)"),
            (None, _) => "hold in Needs attention".to_owned(),
        }
    }

    pub fn covered_text(&self) -> String {
        match self.variants_covered {
            0 => "none".to_owned(),
            1 => "1 variant".to_owned(),
            n => format!("{n} variants"),
        }
    }
}

/// What to change in a rule; a field left out stays as it is.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleChange {
    /// The vendor's name.
    pub vendor: Option<String>,
    /// The rule's SKU, brand or prefix.
    pub key: Option<String>,
}

/// A changed rule and the orders in Needs attention it routed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RuleUpdate {
    pub rule: RuleView,
    pub orders_routed: usize,
}

impl App {
    /// Every rule of a store in the order routing tries them: SKUs, brands, SKU prefixes
    /// (longest first, as the longest match wins), then the store's default.
    pub async fn list_assignment_rules(&self, store_id: i64) -> Result<Vec<RuleView>, AppError> {
        self.store(store_id).await?;
        let rules = assignments::list_rules(&self.db, store_id).await?;
        let routing = assignments::routing_rules(&self.db, store_id).await?;
        let variants = assignments::routable_variants(&self.db, store_id).await?;
        let vendors: HashMap<i64, (String, bool)> = vendors::list(&self.db)
            .await?
            .into_iter()
            .map(|v| (v.id, (v.name, v.active)))
            .collect();
        let covered = coverage(&routing, &rules, &variants);
        let spellings = brand_spellings(&variants);
        let view =
            |id: Option<i64>, rule: RuleKind, key: Option<String>, vendor_id: Option<i64>| {
                let vendor = vendor_id.and_then(|v| vendors.get(&v));
                RuleView {
                    id,
                    rule,
                    key,
                    vendor_id,
                    vendor: vendor.map(|(name, _)| name.clone()),
                    vendor_active: vendor.is_none_or(|(_, active)| *active),
                    variants_covered: covered.get(&id).copied().unwrap_or(0),
                }
            };
        let mut views: Vec<RuleView> = rules
            .into_iter()
            .map(|r| {
                let key = match r.kind {
                    RuleKind::Brand => r.key.map(|k| spellings.get(&k).cloned().unwrap_or(k)),
                    _ => r.key,
                };
                view(Some(r.id), r.kind, key, Some(r.vendor_id))
            })
            .collect();
        views.sort_by(|a, b| {
            let prefix_length = |v: &RuleView| match v.rule {
                RuleKind::SkuPrefix => std::cmp::Reverse(v.key.as_ref().map_or(0, String::len)),
                _ => std::cmp::Reverse(0),
            };
            let key = |v: &RuleView| v.key.as_deref().unwrap_or_default().to_lowercase();
            (a.rule, prefix_length(a), key(a)).cmp(&(b.rule, prefix_length(b), key(b)))
        });
        let default_vendor = match routing.default {
            crate::domain::routing::DefaultPolicy::Vendor(id) => Some(id),
            crate::domain::routing::DefaultPolicy::NeedsAttention => None,
        };
        views.push(view(None, RuleKind::Default, None, default_vendor));
        Ok(views)
    }

    /// Points a rule at another vendor or key. The store's waiting orders are routed again
    /// under the rules as they now are, and every store's levels are published again (whose
    /// stock counts follows the rules).
    pub async fn update_assignment_rule(
        &self,
        id: i64,
        change: &RuleChange,
    ) -> Result<RuleUpdate, AppError> {
        let rule = self.stored_rule(id).await?;
        if change.vendor.is_none() && change.key.is_none() {
            return Err(invalid(
                "vendor",
                "Say what to change: the vendor or the key",
            ));
        }
        let vendor_id = match &change.vendor {
            Some(name) => self.vendor_id_named(name).await?,
            None => rule.vendor_id,
        };
        let (variant_id, key) = match change.key.as_deref().map(str::trim) {
            None => (rule.variant_id, rule.key.clone()),
            Some("") => return Err(invalid("key", format!("{} is required", rule.kind.label()))),
            Some(sku) if rule.kind == RuleKind::Sku => {
                match assignments::variants_with_sku(&self.db, rule.store_id, sku)
                    .await?
                    .as_slice()
                {
                    [variant_id] => (Some(*variant_id), Some(sku.to_owned())),
                    [] => {
                        return Err(invalid(
                            "key",
                            format!("No imported variant has SKU {sku:?}"),
                        ));
                    }
                    several => {
                        return Err(invalid(
                            "key",
                            format!(
                                "{} variants have SKU {sku:?}; add a rule by SKU to assign them all",
                                several.len()
                            ),
                        ));
                    }
                }
            }
            Some(key) => (None, Some(key.to_owned())),
        };
        match assignments::update_rule(&self.db, &rule, variant_id, key.as_deref(), vendor_id).await
        {
            Ok(true) => {}
            Ok(false) => return Err(AppError::not_found("assignment rule", id)),
            Err(DbError::Duplicate(_)) => {
                return Err(invalid(
                    "key",
                    format!(
                        "This store already has a {} rule for {:?}; change or remove that one",
                        rule.kind.label(),
                        key.unwrap_or_default()
                    ),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        tracing::info!(rule_id = id, vendor_id, "assignment rule changed");
        self.queue_pushes_everywhere().await?;
        let orders_routed = self.reroute_needing_attention(rule.store_id).await?;
        let rule = self
            .list_assignment_rules(rule.store_id)
            .await?
            .into_iter()
            .find(|r| r.id == Some(id))
            .ok_or_else(|| AppError::not_found("assignment rule", id))?;
        Ok(RuleUpdate {
            rule,
            orders_routed,
        })
    }

    /// Removes a rule; its variants fall to the next rule that matches them. Returns the
    /// store it belonged to.
    pub async fn remove_assignment_rule(&self, id: i64) -> Result<i64, AppError> {
        let rule = self.stored_rule(id).await?;
        if !assignments::delete_rule(&self.db, id).await? {
            return Err(AppError::not_found("assignment rule", id));
        }
        tracing::info!(
            rule_id = id,
            store_id = rule.store_id,
            "assignment rule removed"
        );
        self.queue_pushes_everywhere().await?;
        // The next rule may name a vendor where this one named none that was active.
        self.reroute_needing_attention(rule.store_id).await?;
        Ok(rule.store_id)
    }

    async fn stored_rule(&self, id: i64) -> Result<RuleRecord, AppError> {
        assignments::get_rule(&self.db, id)
            .await?
            .ok_or_else(|| AppError::not_found("assignment rule", id))
    }

    /// The id of the vendor with this name (case-insensitive), or an error naming the field.
    pub(crate) async fn vendor_id_named(&self, name: &str) -> Result<i64, AppError> {
        match vendors::find_by_name(&self.db, name.trim()).await? {
            Some(v) => Ok(v.id),
            None => Err(invalid(
                "vendor",
                format!("No vendor named {:?}", name.trim()),
            )),
        }
    }
}

/// How many variants each rule decides, by rule id (`None`: the default, which also counts
/// the variants it holds in Needs attention).
fn coverage(
    routing: &RoutingRules,
    rules: &[RuleRecord],
    variants: &[RoutableVariant],
) -> HashMap<Option<i64>, usize> {
    let by_variant: HashMap<i64, i64> = rules
        .iter()
        .filter_map(|r| r.variant_id.map(|v| (v, r.id)))
        .collect();
    let by_key: HashMap<(RuleKind, &str), i64> = rules
        .iter()
        .filter(|r| r.kind != RuleKind::Sku)
        .filter_map(|r| r.key.as_deref().map(|k| ((r.kind, k), r.id)))
        .collect();
    let mut counts = HashMap::new();
    for variant in variants {
        let line = RoutableLine {
            line_id: variant.id,
            variant_id: Some(variant.id),
            brand: variant.brand.clone(),
            sku: variant.sku.clone(),
            kind: LineKind::Physical,
            quantity: 1,
        };
        let rule_id = match first_matching_rule(routing, &line) {
            LineRoute::Vendor { rule, .. } => match &rule {
                MatchedRule::Variant => by_variant.get(&variant.id).copied(),
                MatchedRule::Brand(key) | MatchedRule::SkuPrefix(key) => {
                    by_key.get(&(rule.kind(), key.as_str())).copied()
                }
                MatchedRule::StoreDefault => None,
            },
            LineRoute::NeedsAttention | LineRoute::NotShipped => None,
        };
        *counts.entry(rule_id).or_default() += 1;
    }
    counts
}

/// The brand each lowercased key stands for, as the catalog spells it (the first spelling
/// found), so a brand rule reads "Acme" rather than its stored "acme".
fn brand_spellings(variants: &[RoutableVariant]) -> HashMap<String, String> {
    let mut spellings = HashMap::new();
    for brand in variants.iter().filter_map(|v| v.brand.as_deref()) {
        spellings
            .entry(brand.trim().to_lowercase())
            .or_insert_with(|| brand.trim().to_owned());
    }
    spellings
}

fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
    AppError::Invalid(FieldErrors(vec![FieldError::new(field, message)]))
}
