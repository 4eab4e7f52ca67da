//! The routing rules' examples and properties.

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

#[test]
fn a_declined_line_goes_to_the_next_vendor_the_rules_allow() {
    let rules = RoutingRules {
        default: DefaultPolicy::Vendor(9),
        ..rules()
    };
    let line = line(1, Some(7), Some("acme"), Some("ACME-TS-1"));
    let next = |declined: &[VendorId]| {
        route_line_passing_over(&rules, &line, &declined.iter().copied().collect())
    };
    assert!(matches!(
        next(&[100]),
        LineRoute::Vendor {
            vendor_id: 200,
            rule: MatchedRule::Brand(_)
        }
    ));
    assert!(
        matches!(next(&[100, 200]), LineRoute::Vendor { vendor_id: 400, .. }),
        "the longest prefix next"
    );
    assert!(
        matches!(
            next(&[100, 200, 400]),
            LineRoute::Vendor { vendor_id: 300, .. }
        ),
        "then the shorter one"
    );
    assert!(matches!(
        next(&[100, 200, 300, 400]),
        LineRoute::Vendor {
            vendor_id: 9,
            rule: MatchedRule::StoreDefault
        }
    ));
    assert_eq!(next(&[100, 200, 300, 400, 9]), LineRoute::NeedsAttention);
}

#[test]
fn a_decline_by_a_vendor_no_rule_names_changes_nothing() {
    let line = line(1, Some(7), None, None);
    assert_eq!(
        route_line_passing_over(&rules(), &line, &BTreeSet::from([555])),
        route_line(&rules(), &line)
    );
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

    /// A line never goes to a vendor that declined it, and a decline moves only its own
    /// line: every other line lands where it would without it.
    #[test]
    fn a_line_never_returns_to_a_vendor_that_declined_it(
        rules in arb_rules(),
        lines in arb_lines(),
        declined in proptest::collection::vec((0usize..30, 1i64..6), 0..12),
    ) {
        let mut declines = Declines::new();
        for (index, vendor) in declined {
            if let Some(line) = lines.get(index) {
                declines.entry(line.line_id).or_default().insert(vendor);
            }
        }
        let plan = plan_order_passing_over(&rules, &lines, &declines);
        let without = plan_order(&rules, &lines);
        for (vendor, routed) in &plan.purchase_orders {
            for (line_id, _) in routed {
                prop_assert!(!declines.get(line_id).is_some_and(|d| d.contains(vendor)));
            }
        }
        let place = |plan: &RoutingPlan, line_id: i64| {
            plan.purchase_orders.iter().find(|(_, ls)| ls.iter().any(|(id, _)| *id == line_id)).map(|(v, _)| *v)
        };
        for line in lines.iter().filter(|l| l.quantity > 0 && !declines.contains_key(&l.line_id)) {
            prop_assert_eq!(place(&plan, line.line_id), place(&without, line.line_id));
        }
        let mut placed: Vec<i64> = plan.purchase_orders.values().flatten().map(|(id, _)| *id).collect();
        placed.extend(&plan.needs_attention);
        placed.extend(&plan.not_shipped);
        placed.sort_unstable();
        let mut expected: Vec<i64> = lines.iter().filter(|l| l.quantity > 0).map(|l| l.line_id).collect();
        expected.sort_unstable();
        prop_assert_eq!(placed, expected, "still every line exactly once");
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
