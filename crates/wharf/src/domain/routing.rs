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
//! Only physical lines are shipped: digital products and gift certificates are fulfilled by
//! BigCommerce itself and never reach a vendor.

use std::collections::{BTreeMap, HashMap, HashSet};

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
    match first_matching_rule(rules, line) {
        LineRoute::Vendor { vendor_id, .. } if rules.inactive.contains(&vendor_id) => {
            LineRoute::NeedsAttention
        }
        route => route,
    }
}

/// The rule that decides the line, whether or not its vendor is active: what the rules list
/// counts a rule as covering (a rule of a deactivated vendor still covers its variants; they
/// wait in Needs attention until it is active again).
pub fn first_matching_rule(rules: &RoutingRules, line: &RoutableLine) -> LineRoute {
    if line.kind != LineKind::Physical {
        return LineRoute::NotShipped;
    }
    if let Some(&vendor_id) = line.variant_id.and_then(|v| rules.variants.get(&v)) {
        return LineRoute::Vendor {
            vendor_id,
            rule: MatchedRule::Variant,
        };
    }
    if let Some(brand) = line
        .brand
        .as_deref()
        .map(|b| b.trim().to_lowercase())
        .filter(|b| !b.is_empty())
        && let Some(&vendor_id) = rules.brands.get(&brand)
    {
        return LineRoute::Vendor {
            vendor_id,
            rule: MatchedRule::Brand(brand),
        };
    }
    if let Some(sku) = line
        .sku
        .as_deref()
        .map(|s| s.trim().to_uppercase())
        .filter(|s| !s.is_empty())
        && let Some((prefix, vendor_id)) = rules
            .sku_prefixes
            .iter()
            .filter(|(prefix, _)| !prefix.is_empty() && sku.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
    {
        return LineRoute::Vendor {
            vendor_id: *vendor_id,
            rule: MatchedRule::SkuPrefix(prefix.clone()),
        };
    }
    match rules.default {
        DefaultPolicy::Vendor(vendor_id) => LineRoute::Vendor {
            vendor_id,
            rule: MatchedRule::StoreDefault,
        },
        DefaultPolicy::NeedsAttention => LineRoute::NeedsAttention,
    }
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
    let mut plan = RoutingPlan::default();
    for line in lines.iter().filter(|l| l.quantity > 0) {
        match route_line(rules, line) {
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
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn line(id: i64, variant: Option<i64>, brand: Option<&str>, sku: Option<&str>) -> RoutableLine {
        RoutableLine {
            line_id: id,
            variant_id: variant,
            brand: brand.map(str::to_owned),
            sku: sku.map(str::to_owned),
            kind: LineKind::Physical,
            quantity: 1,
        }
    }

    fn rules() -> RoutingRules {
        RoutingRules {
            variants: HashMap::from([(7, 100)]),
            brands: HashMap::from([("acme".to_owned(), 200)]),
            sku_prefixes: vec![("ACME-".to_owned(), 300), ("ACME-TS".to_owned(), 400)],
            default: DefaultPolicy::NeedsAttention,
            inactive: HashSet::new(),
        }
    }

    #[test]
    fn rules_apply_in_their_stated_order() {
        let rules = rules();
        assert_eq!(
            route_line(&rules, &line(1, Some(7), Some("Acme"), Some("ACME-TS-1"))),
            LineRoute::Vendor {
                vendor_id: 100,
                rule: MatchedRule::Variant
            }
        );
        assert_eq!(
            route_line(&rules, &line(1, Some(8), Some(" ACME "), Some("ACME-TS-1"))),
            LineRoute::Vendor {
                vendor_id: 200,
                rule: MatchedRule::Brand("acme".into())
            }
        );
        assert_eq!(
            route_line(&rules, &line(1, None, Some("Other"), Some("acme-ts-1"))),
            LineRoute::Vendor {
                vendor_id: 400,
                rule: MatchedRule::SkuPrefix("ACME-TS".into())
            }
        );
        assert_eq!(
            route_line(&rules, &line(1, None, None, Some("ACME-X"))),
            LineRoute::Vendor {
                vendor_id: 300,
                rule: MatchedRule::SkuPrefix("ACME-".into())
            }
        );
        assert_eq!(
            route_line(&rules, &line(1, None, None, Some("ZZZ"))),
            LineRoute::NeedsAttention
        );
    }

    #[test]
    fn the_store_default_catches_the_rest() {
        let rules = RoutingRules {
            default: DefaultPolicy::Vendor(9),
            ..rules()
        };
        assert_eq!(
            route_line(&rules, &line(1, None, None, None)),
            LineRoute::Vendor {
                vendor_id: 9,
                rule: MatchedRule::StoreDefault
            }
        );
    }

    #[test]
    fn a_deactivated_vendor_is_never_chosen_its_lines_need_attention() {
        let rules = RoutingRules {
            default: DefaultPolicy::Vendor(9),
            inactive: HashSet::from([100, 9]),
            ..rules()
        };
        assert_eq!(
            route_line(&rules, &line(1, Some(7), None, None)),
            LineRoute::NeedsAttention,
            "the variant's vendor is stopped: no fall-through to another rule"
        );
        assert_eq!(
            route_line(&rules, &line(1, None, None, None)),
            LineRoute::NeedsAttention
        );
        assert!(matches!(
            route_line(&rules, &line(1, None, Some("acme"), None)),
            LineRoute::Vendor { vendor_id: 200, .. }
        ));
    }

    #[test]
    fn digital_goods_and_gift_certificates_are_never_shipped() {
        let rules = RoutingRules {
            default: DefaultPolicy::Vendor(9),
            ..rules()
        };
        for kind in [LineKind::Digital, LineKind::GiftCertificate] {
            let line = RoutableLine {
                kind,
                ..line(1, Some(7), None, None)
            };
            assert_eq!(route_line(&rules, &line), LineRoute::NotShipped);
        }
    }

    #[test]
    fn an_order_splits_into_one_purchase_order_per_vendor() {
        let lines = [
            line(1, Some(7), None, None),
            line(2, None, Some("acme"), None),
            line(3, Some(7), None, None),
            line(4, None, None, Some("NOPE")),
            RoutableLine {
                kind: LineKind::Digital,
                ..line(5, None, None, None)
            },
        ];
        let plan = plan_order(&rules(), &lines);
        assert_eq!(plan.purchase_orders.len(), 2);
        assert_eq!(plan.purchase_orders[&100], vec![(1, 1), (3, 1)]);
        assert_eq!(plan.purchase_orders[&200], vec![(2, 1)]);
        assert_eq!(plan.needs_attention, vec![4]);
        assert_eq!(plan.not_shipped, vec![5]);
        assert!(!plan.is_complete());
    }

    /// Lines of one order: ids are unique, as BigCommerce's order product ids are.
    fn arb_lines() -> impl Strategy<Value = Vec<RoutableLine>> {
        proptest::collection::vec(arb_line(), 0..30).prop_map(|lines| {
            lines
                .into_iter()
                .enumerate()
                .map(|(i, line)| RoutableLine {
                    line_id: i as i64,
                    ..line
                })
                .collect()
        })
    }

    fn arb_line() -> impl Strategy<Value = RoutableLine> {
        (
            0i64..1000,
            proptest::option::of(0i64..20),
            proptest::option::of(prop_oneof!["acme", "Acme", "globex", ""].prop_map(String::from)),
            proptest::option::of("[A-Z]{1,6}-[0-9]{1,3}"),
            prop_oneof![
                Just(LineKind::Physical),
                Just(LineKind::Digital),
                Just(LineKind::GiftCertificate)
            ],
            0i64..5,
        )
            .prop_map(
                |(line_id, variant_id, brand, sku, kind, quantity)| RoutableLine {
                    line_id,
                    variant_id,
                    brand,
                    sku,
                    kind,
                    quantity,
                },
            )
    }

    fn arb_rules() -> impl Strategy<Value = RoutingRules> {
        (
            proptest::collection::hash_map(0i64..20, 1i64..6, 0..10),
            proptest::collection::hash_map(
                prop_oneof!["acme", "globex"].prop_map(String::from),
                1i64..6,
                0..2,
            ),
            proptest::collection::vec(("[A-Z]{1,3}", 1i64..6), 0..4),
            proptest::option::of(1i64..6),
        )
            .prop_map(|(variants, brands, sku_prefixes, default)| RoutingRules {
                variants,
                brands,
                sku_prefixes,
                default: default.map_or(DefaultPolicy::NeedsAttention, DefaultPolicy::Vendor),
                inactive: HashSet::new(),
            })
    }

    proptest! {
        /// Every line with a quantity lands in exactly one place, with its whole quantity.
        #[test]
        fn every_line_is_routed_exactly_once(rules in arb_rules(), lines in arb_lines()) {
            let plan = plan_order(&rules, &lines);
            let mut placed: Vec<i64> = plan.purchase_orders.values().flatten().map(|(id, _)| *id).collect();
            placed.extend(&plan.needs_attention);
            placed.extend(&plan.not_shipped);
            let mut expected: Vec<i64> = lines.iter().filter(|l| l.quantity > 0).map(|l| l.line_id).collect();
            placed.sort_unstable();
            expected.sort_unstable();
            prop_assert_eq!(placed, expected);
            let routed: i64 = plan.purchase_orders.values().flatten().map(|(_, q)| q).sum();
            let physical: i64 = lines.iter().filter(|l| l.kind == LineKind::Physical && !plan.needs_attention.contains(&l.line_id)).map(|l| l.quantity).sum();
            prop_assert_eq!(routed, physical);
        }

        /// With a default vendor nothing ever needs attention.
        #[test]
        fn a_default_vendor_leaves_nothing_unrouted(mut rules in arb_rules(), lines in arb_lines()) {
            rules.default = DefaultPolicy::Vendor(42);
            prop_assert!(plan_order(&rules, &lines).is_complete());
        }

        /// An explicit variant assignment always wins.
        #[test]
        fn an_explicit_assignment_always_wins(rules in arb_rules(), line in arb_line()) {
            let mut rules = rules;
            let line = RoutableLine { kind: LineKind::Physical, variant_id: Some(3), ..line };
            rules.variants.insert(3, 99);
            prop_assert_eq!(route_line(&rules, &line), LineRoute::Vendor { vendor_id: 99, rule: MatchedRule::Variant });
        }
    }
}
