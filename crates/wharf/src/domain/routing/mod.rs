//! Which vendor ships which order line: the assignment rules and the split of an order into
//! one purchase order per vendor. Pure: the callers load the rules and the lines.
//!
//! Rules are tried in a stated order, first match wins:
//! 1. an explicit assignment of the line's variant;
//! 2. the line's brand, through the brand → vendor map (case-insensitive);
//! 3. the line's SKU, through the SKU-prefix → vendor map (the longest matching prefix wins);
//! 4. the store's default fulfilment policy: a default vendor, or "needs attention".
//!
//! A line whose rule names a deactivated vendor needs attention: the rule stays (reactivating
//! the vendor restores it) but nothing new goes to a vendor someone has stopped.
//!
//! A vendor that declined a line ("can't fulfil") is passed over for that line only: the rules
//! are tried in the same order and the next one that names another vendor decides (a brand
//! rule after the variant's, a shorter SKU prefix after a longer one, the store's default).
//! When every rule that matches names a vendor that declined, the line needs attention.
//!
//! Only physical lines are shipped: digital products and gift certificates are fulfilled by
//! BigCommerce itself and never reach a vendor.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

pub type VendorId = i64;

/// What the store does with a line no rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "policy", content = "vendor_id")]
pub enum DefaultPolicy {
    /// Hold the order in Needs attention until someone assigns the variant.
    NeedsAttention,
    /// Send it to this vendor.
    Vendor(VendorId),
}

/// The assignment rules of one store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingRules {
    /// Store variant id (wharf's) → vendor.
    pub variants: HashMap<i64, VendorId>,
    /// Brand name, lowercased → vendor.
    pub brands: HashMap<String, VendorId>,
    /// SKU prefix, uppercased → vendor.
    pub sku_prefixes: Vec<(String, VendorId)>,
    pub default: DefaultPolicy,
    /// Deactivated vendors: never chosen.
    pub inactive: HashSet<VendorId>,
}

impl Default for RoutingRules {
    fn default() -> Self {
        RoutingRules {
            variants: HashMap::new(),
            brands: HashMap::new(),
            sku_prefixes: Vec::new(),
            default: DefaultPolicy::NeedsAttention,
            inactive: HashSet::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Physical,
    Digital,
    GiftCertificate,
}

/// An order line as routing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutableLine {
    pub line_id: i64,
    /// Wharf's variant, when the line is a catalog item (custom products have none).
    pub variant_id: Option<i64>,
    pub brand: Option<String>,
    pub sku: Option<String>,
    pub kind: LineKind,
    pub quantity: i64,
}

/// Which rule sent a line to its vendor, for the order's timeline and the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "rule", content = "matched")]
pub enum MatchedRule {
    Variant,
    Brand(String),
    SkuPrefix(String),
    StoreDefault,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "route")]
pub enum LineRoute {
    Vendor {
        vendor_id: VendorId,
        rule: MatchedRule,
    },
    /// Digital goods and gift certificates: BigCommerce fulfils them.
    NotShipped,
    /// No rule matched and the store holds such lines for a person to decide.
    NeedsAttention,
}

pub fn route_line(rules: &RoutingRules, line: &RoutableLine) -> LineRoute {
    route_line_passing_over(rules, line, &BTreeSet::new())
}

/// Which vendors declined which order lines: line id → the vendors routing passes over for it.
pub type Declines = HashMap<i64, BTreeSet<VendorId>>;

/// Routes a line past the vendors that declined it: the first matching rule whose vendor did
/// not decline decides, exactly as [`route_line`] would with that rule first.
pub fn route_line_passing_over(
    rules: &RoutingRules,
    line: &RoutableLine,
    declined: &BTreeSet<VendorId>,
) -> LineRoute {
    let chosen = matching_rules(rules, line)
        .into_iter()
        .find(|route| match route {
            LineRoute::Vendor { vendor_id, .. } => !declined.contains(vendor_id),
            LineRoute::NotShipped | LineRoute::NeedsAttention => true,
        });
    match chosen.unwrap_or(LineRoute::NeedsAttention) {
        LineRoute::Vendor { vendor_id, .. } if rules.inactive.contains(&vendor_id) => {
            LineRoute::NeedsAttention
        }
        route => route,
    }
}

/// Every rule that matches the line, in the order routing tries them, ending with the store's
/// default (a vendor, or Needs attention). A line that is not shipped matches nothing else.
fn matching_rules(rules: &RoutingRules, line: &RoutableLine) -> Vec<LineRoute> {
    if line.kind != LineKind::Physical {
        return vec![LineRoute::NotShipped];
    }
    let mut found = Vec::new();
    if let Some(&vendor_id) = line.variant_id.and_then(|v| rules.variants.get(&v)) {
        found.push(LineRoute::Vendor {
            vendor_id,
            rule: MatchedRule::Variant,
        });
    }
    if let Some(brand) = line
        .brand
        .as_deref()
        .map(|b| b.trim().to_lowercase())
        .filter(|b| !b.is_empty())
        && let Some(&vendor_id) = rules.brands.get(&brand)
    {
        found.push(LineRoute::Vendor {
            vendor_id,
            rule: MatchedRule::Brand(brand),
        });
    }
    if let Some(sku) = line
        .sku
        .as_deref()
        .map(|s| s.trim().to_uppercase())
        .filter(|s| !s.is_empty())
    {
        let mut prefixes: Vec<&(String, VendorId)> = rules
            .sku_prefixes
            .iter()
            .filter(|(prefix, _)| !prefix.is_empty() && sku.starts_with(prefix.as_str()))
            .collect();
        // Longest first; of equal prefixes the last listed, as `max_by_key` chose before.
        prefixes.reverse();
        prefixes.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
        found.extend(
            prefixes
                .into_iter()
                .map(|(prefix, vendor_id)| LineRoute::Vendor {
                    vendor_id: *vendor_id,
                    rule: MatchedRule::SkuPrefix(prefix.clone()),
                }),
        );
    }
    found.push(match rules.default {
        DefaultPolicy::Vendor(vendor_id) => LineRoute::Vendor {
            vendor_id,
            rule: MatchedRule::StoreDefault,
        },
        DefaultPolicy::NeedsAttention => LineRoute::NeedsAttention,
    });
    found
}

/// The rule that decides the line, whether or not its vendor is active: what the rules list
/// counts a rule as covering (a rule of a deactivated vendor still covers its variants; they
/// wait in Needs attention until it is active again).
pub fn first_matching_rule(rules: &RoutingRules, line: &RoutableLine) -> LineRoute {
    matching_rules(rules, line)
        .into_iter()
        .next()
        .unwrap_or(LineRoute::NeedsAttention)
}

/// A kind of assignment rule; the order of the variants is the order routing tries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A variant, named by its SKU.
    Sku,
    Brand,
    SkuPrefix,
    /// The store's default: a vendor, or holding the line in Needs attention.
    Default,
}

impl RuleKind {
    /// How the database names a stored rule's kind (the default is not a stored rule).
    pub fn stored(self) -> &'static str {
        match self {
            RuleKind::Sku => "variant",
            RuleKind::Brand => "brand",
            RuleKind::SkuPrefix => "sku_prefix",
            RuleKind::Default => "default",
        }
    }

    pub fn from_stored(kind: &str) -> Option<RuleKind> {
        [RuleKind::Sku, RuleKind::Brand, RuleKind::SkuPrefix]
            .into_iter()
            .find(|k| k.stored() == kind)
    }

    /// The kind in words, for pages and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            RuleKind::Sku => "SKU",
            RuleKind::Brand => "Brand",
            RuleKind::SkuPrefix => "SKU prefix",
            RuleKind::Default => "Store default",
        }
    }
}

impl MatchedRule {
    pub fn kind(&self) -> RuleKind {
        match self {
            MatchedRule::Variant => RuleKind::Sku,
            MatchedRule::Brand(_) => RuleKind::Brand,
            MatchedRule::SkuPrefix(_) => RuleKind::SkuPrefix,
            MatchedRule::StoreDefault => RuleKind::Default,
        }
    }
}

/// How an order splits: one purchase order per vendor, and what could not be routed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RoutingPlan {
    /// Vendor → its lines (line id, quantity), in line order. In JSON: the vendor id as a
    /// string key, each line a `[line id, quantity]` pair.
    #[schema(value_type = BTreeMap<String, Vec<Vec<i64>>>)]
    pub purchase_orders: BTreeMap<VendorId, Vec<(i64, i64)>>,
    pub needs_attention: Vec<i64>,
    pub not_shipped: Vec<i64>,
}

impl RoutingPlan {
    pub fn is_complete(&self) -> bool {
        self.needs_attention.is_empty()
    }
}

pub fn plan_order(rules: &RoutingRules, lines: &[RoutableLine]) -> RoutingPlan {
    plan_order_passing_over(rules, lines, &Declines::new())
}

/// Splits an order as [`plan_order`] does, never sending a line to a vendor that declined it.
pub fn plan_order_passing_over(
    rules: &RoutingRules,
    lines: &[RoutableLine],
    declines: &Declines,
) -> RoutingPlan {
    let nobody = BTreeSet::new();
    let mut plan = RoutingPlan::default();
    for line in lines.iter().filter(|l| l.quantity > 0) {
        let declined = declines.get(&line.line_id).unwrap_or(&nobody);
        match route_line_passing_over(rules, line, declined) {
            LineRoute::Vendor { vendor_id, .. } => plan
                .purchase_orders
                .entry(vendor_id)
                .or_default()
                .push((line.line_id, line.quantity)),
            LineRoute::NeedsAttention => plan.needs_attention.push(line.line_id),
            LineRoute::NotShipped => plan.not_shipped.push(line.line_id),
        }
    }
    plan
}

#[cfg(test)]
mod tests;
