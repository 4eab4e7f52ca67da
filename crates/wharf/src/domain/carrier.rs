//! Carriers: turning whatever a vendor or operator typed ("Fedex", "ups ground", "U.S.P.S.")
//! into one canonical carrier, so tracking links and reports agree on who is delivering.
//!
//! The canonical key is the AfterShip courier slug, because that is the vocabulary the
//! storefront's tracking pages understand. The table is our own short, curated list of common
//! carriers, not a copy of any published courier list; a carrier we do not know is still
//! accepted as [`CarrierChoice::Unknown`], because the shipment is real and its tracking number
//! and link still reach the customer. It is only flagged for a person to look at.

use super::FieldError;

/// One carrier we recognise.
#[derive(Debug, PartialEq, Eq, serde::Serialize)]
pub struct Carrier {
    /// AfterShip courier slug: our canonical key.
    pub slug: &'static str,
    /// Name to show people.
    pub name: &'static str,
    /// Other ways people write it. The slug and the name always match, so they are not repeated.
    pub aliases: &'static [&'static str],
}

/// Slugs in [`known_carriers`] that are real AfterShip slugs but are missing from the 2022
/// courier list the storefront publishes for tracking carriers, so an adapter must not send them
/// as a tracking carrier (it should fall back to a custom tracking link instead).
pub const UNLISTED_SLUGS: &[&str] = &["royal-mail"];

/// What a carrier name resolved to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum CarrierChoice {
    Known(&'static Carrier),
    /// Not in our table; holds the trimmed input as given.
    Unknown(String),
}

impl CarrierChoice {
    pub fn display_name(&self) -> &str {
        match self {
            CarrierChoice::Known(carrier) => carrier.name,
            CarrierChoice::Unknown(name) => name,
        }
    }

    pub fn slug(&self) -> Option<&'static str> {
        match self {
            CarrierChoice::Known(carrier) => Some(carrier.slug),
            CarrierChoice::Unknown(_) => None,
        }
    }

    pub fn is_known(&self) -> bool {
        matches!(self, CarrierChoice::Known(_))
    }
}

/// The carrier's own page that tracks `tracking_number`, for the carriers whose address for it
/// is public and stable; `None` for the rest (the number is shown without a link).
pub fn tracking_page(slug: &str, tracking_number: &str) -> Option<String> {
    let base = match slug {
        "ups" => "https://www.ups.com/track?tracknum=",
        "fedex" => "https://www.fedex.com/fedextrack/?trknbr=",
        "usps" => "https://tools.usps.com/go/TrackConfirmAction?tLabels=",
        "dhl" => "https://www.dhl.com/global-en/home/tracking.html?tracking-id=",
        "royal-mail" => "https://www.royalmail.com/track-your-item#/tracking-results/",
        "parcel-force" => "https://www.parcelforce.com/track-trace?trackNumber=",
        "canada-post" => {
            "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor="
        }
        "australia-post" => "https://auspost.com.au/mypost/track/details/",
        "postnl" => "https://jouw.postnl.nl/track-and-trace/",
        "purolator" => "https://www.purolator.com/en/shipping/tracker?pin=",
        "ontrac" => "https://www.ontrac.com/tracking/?number=",
        _ => return None,
    };
    let number: String =
        url::form_urlencoded::byte_serialize(tracking_number.trim().as_bytes()).collect();
    (!number.is_empty()).then(|| format!("{base}{number}"))
}

const FIELD: &str = "carrier";
const MAX_CHARS: usize = 100;

/// Resolves a carrier name. Blank, over-long or control-character input is an error; anything
/// else is either a known carrier or [`CarrierChoice::Unknown`].
pub fn normalise_carrier(input: &str) -> Result<CarrierChoice, FieldError> {
    let name = input.trim();
    if name.is_empty() {
        return Err(FieldError::new(FIELD, "Carrier is required"));
    }
    if name.chars().count() > MAX_CHARS || name.chars().any(char::is_control) {
        return Err(FieldError::new(
            FIELD,
            "Carrier must be at most 100 characters, without control characters",
        ));
    }
    Ok(match find_carrier(name) {
        Some(carrier) => CarrierChoice::Known(carrier),
        None => CarrierChoice::Unknown(name.to_owned()),
    })
}

pub fn known_carriers() -> &'static [Carrier] {
    CARRIERS
}

/// Service levels people append to a carrier's name ("UPS Ground", "FedEx Ground") that never
/// change which carrier it is. "Express" is deliberately absent: "Star Track Express" and
/// "Correos Express" are different carriers from "Star Track" and "Correos", so express
/// spellings are listed as aliases one by one.
const SERVICE_SUFFIXES: &[&str] = &["ground"];

fn find_carrier(name: &str) -> Option<&'static Carrier> {
    let key = match_key(name);
    lookup(&key).or_else(|| {
        SERVICE_SUFFIXES
            .iter()
            .filter_map(|suffix| key.strip_suffix(suffix))
            .filter(|rest| !rest.is_empty())
            .find_map(lookup)
    })
}

fn lookup(key: &str) -> Option<&'static Carrier> {
    CARRIERS
        .iter()
        .find(|carrier| spellings(carrier).any(|spelling| key_chars(spelling).eq(key.chars())))
}

fn spellings(carrier: &'static Carrier) -> impl Iterator<Item = &'static str> {
    [carrier.slug, carrier.name]
        .into_iter()
        .chain(carrier.aliases.iter().copied())
}

/// The comparison key: lower case, letters and digits only, so case, spaces, dots, dashes,
/// underscores and marks like "®" do not matter ("U.S.P.S." == "usps").
fn match_key(name: &str) -> String {
    key_chars(name).collect()
}

fn key_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
}

static CARRIERS: &[Carrier] = &[
    Carrier {
        slug: "ups",
        name: "UPS",
        aliases: &[
            "United Parcel Service",
            "UPS Express",
            "UPS Worldwide Express",
            "UPS Standard",
        ],
    },
    Carrier {
        slug: "fedex",
        name: "FedEx",
        aliases: &[
            "Federal Express",
            "FedEx Express",
            "FedEx Home Delivery",
            "FedEx International",
        ],
    },
    Carrier {
        slug: "usps",
        name: "USPS",
        aliases: &[
            "United States Postal Service",
            "US Postal Service",
            "US Mail",
            "USPS Priority Mail",
            "USPS First Class",
            "USPS Ground Advantage",
        ],
    },
    Carrier {
        slug: "dhl",
        name: "DHL Express",
        aliases: &["DHL", "DHL Worldwide Express", "DHL International"],
    },
    Carrier {
        slug: "dhl-global-mail",
        name: "DHL eCommerce",
        aliases: &[
            "DHL eCommerce Solutions",
            "DHL Global Mail",
            "DHL SmartMail",
        ],
    },
    Carrier {
        slug: "dhl-germany",
        name: "DHL Germany",
        aliases: &["Deutsche Post DHL", "DHL Paket", "DHL DE"],
    },
    Carrier {
        slug: "deutsch-post",
        name: "Deutsche Post",
        aliases: &["Deutsche Post Mail"],
    },
    Carrier {
        // In UNLISTED_SLUGS: not in the storefront's 2022 courier list.
        slug: "royal-mail",
        name: "Royal Mail",
        aliases: &[
            "Royal Mail Tracked",
            "Royal Mail Tracked 24",
            "Royal Mail Tracked 48",
            "Royal Mail Special Delivery",
        ],
    },
    Carrier {
        slug: "parcel-force",
        name: "Parcelforce",
        aliases: &["Parcelforce Worldwide"],
    },
    Carrier {
        slug: "dpd",
        name: "DPD",
        aliases: &["DPD Group", "Dynamic Parcel Distribution"],
    },
    Carrier {
        slug: "dpd-uk",
        name: "DPD UK",
        aliases: &[],
    },
    Carrier {
        slug: "dpd-de",
        name: "DPD Germany",
        aliases: &["DPD DE", "DPD Deutschland"],
    },
    Carrier {
        slug: "myhermes-uk",
        name: "Evri",
        aliases: &["Hermes UK", "myHermes", "myHermes UK", "Evri UK"],
    },
    Carrier {
        slug: "hermes-de",
        name: "Hermes Germany",
        aliases: &["Hermes DE", "Hermes Deutschland"],
    },
    Carrier {
        slug: "yodel",
        name: "Yodel",
        aliases: &["Yodel Domestic"],
    },
    Carrier {
        slug: "gls",
        name: "GLS",
        aliases: &["General Logistics Systems"],
    },
    Carrier {
        slug: "tnt",
        name: "TNT",
        aliases: &["TNT Express"],
    },
    Carrier {
        slug: "australia-post",
        name: "Australia Post",
        aliases: &["AusPost", "Australian Post"],
    },
    Carrier {
        slug: "star-track",
        name: "StarTrack",
        aliases: &[],
    },
    Carrier {
        slug: "sendle",
        name: "Sendle",
        aliases: &[],
    },
    Carrier {
        slug: "aramex",
        name: "Aramex",
        aliases: &[],
    },
    Carrier {
        slug: "new-zealand-post",
        name: "NZ Post",
        aliases: &["New Zealand Post"],
    },
    Carrier {
        slug: "courierpost",
        name: "CourierPost",
        aliases: &[],
    },
    Carrier {
        slug: "canada-post",
        name: "Canada Post",
        aliases: &["Postes Canada"],
    },
    Carrier {
        slug: "purolator",
        name: "Purolator",
        aliases: &["Purolator Express"],
    },
    Carrier {
        slug: "canpar",
        name: "Canpar",
        aliases: &["Canpar Courier", "Canpar Express"],
    },
    Carrier {
        slug: "ontrac",
        name: "OnTrac",
        aliases: &[],
    },
    Carrier {
        slug: "lasership",
        name: "LaserShip",
        aliases: &[],
    },
    Carrier {
        slug: "amazon",
        name: "Amazon Shipping",
        aliases: &["Amazon", "Amazon Logistics", "Amazon MCF"],
    },
    Carrier {
        slug: "postnl",
        name: "PostNL",
        aliases: &[],
    },
    Carrier {
        slug: "la-poste-colissimo",
        name: "La Poste",
        aliases: &[],
    },
    Carrier {
        slug: "colissimo",
        name: "Colissimo",
        aliases: &[],
    },
    Carrier {
        slug: "spain-correos-es",
        name: "Correos",
        aliases: &["Correos de España", "Correos Spain"],
    },
    Carrier {
        slug: "poste-italiane",
        name: "Poste Italiane",
        aliases: &[],
    },
    Carrier {
        slug: "japan-post",
        name: "Japan Post",
        aliases: &["Nippon Post"],
    },
    Carrier {
        slug: "china-post",
        name: "China Post",
        aliases: &[],
    },
    Carrier {
        slug: "china-ems",
        name: "China EMS",
        aliases: &["EMS China", "ePacket"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::path::PathBuf;

    fn slug_of(input: &str) -> Option<&'static str> {
        normalise_carrier(input).unwrap().slug()
    }

    #[test]
    fn common_spellings_map_to_their_carrier() {
        let cases = [
            ("UPS", "ups"),
            ("ups ground", "ups"),
            ("Fedex", "fedex"),
            ("FedEx Ground", "fedex"),
            ("FEDEX", "fedex"),
            ("FedEx®", "fedex"),
            ("DHL Express", "dhl"),
            ("dhl", "dhl"),
            ("DHL eCommerce", "dhl-global-mail"),
            ("Royal Mail", "royal-mail"),
            ("royalmail", "royal-mail"),
            ("royal_mail", "royal-mail"),
            ("USPS", "usps"),
            ("U.S.P.S.", "usps"),
            ("United States Postal Service", "usps"),
            ("  Canada-Post ", "canada-post"),
            ("Hermes UK", "myhermes-uk"),
            ("EVRI", "myhermes-uk"),
            ("Star Track", "star-track"),
            ("Correos de España", "spain-correos-es"),
        ];
        for (input, slug) in cases {
            assert_eq!(slug_of(input), Some(slug), "{input:?}");
        }
    }

    #[test]
    fn every_slug_and_name_matches_itself() {
        for carrier in known_carriers() {
            assert_eq!(slug_of(carrier.slug), Some(carrier.slug));
            assert_eq!(slug_of(carrier.name), Some(carrier.slug));
        }
    }

    #[test]
    fn no_spelling_is_claimed_by_two_carriers() {
        let mut seen = HashSet::new();
        for carrier in known_carriers() {
            let keys: HashSet<String> = spellings(carrier).map(match_key).collect();
            for key in keys {
                assert!(seen.insert(key.clone()), "{key:?} is ambiguous");
            }
        }
    }

    #[test]
    fn express_is_not_stripped_blindly() {
        // A different carrier from plain "Correos" / "StarTrack"; we do not know it.
        assert!(!normalise_carrier("Correos Express").unwrap().is_known());
        assert!(!normalise_carrier("Star Track Express").unwrap().is_known());
        // "ground" alone is not a carrier.
        assert!(!normalise_carrier("Ground").unwrap().is_known());
    }

    #[test]
    fn unknown_carriers_are_kept_as_given() {
        let choice = normalise_carrier("  Bob's Courier  ").unwrap();
        assert_eq!(choice, CarrierChoice::Unknown("Bob's Courier".into()));
        assert_eq!(choice.display_name(), "Bob's Courier");
        assert_eq!(choice.slug(), None);
        assert!(!choice.is_known());
        // Ambiguous between carriers, so deliberately not guessed.
        assert!(!normalise_carrier("Hermes").unwrap().is_known());
    }

    #[test]
    fn known_carriers_show_their_name() {
        let choice = normalise_carrier("fedex ground").unwrap();
        assert!(choice.is_known());
        assert_eq!(choice.display_name(), "FedEx");
    }

    #[test]
    fn blank_long_and_control_input_is_rejected() {
        for bad in ["", "   ", "\t"] {
            let error = normalise_carrier(bad).unwrap_err();
            assert_eq!(error.field, "carrier");
            assert_eq!(error.message, "Carrier is required");
        }
        assert!(normalise_carrier(&"x".repeat(100)).is_ok());
        for bad in ["x".repeat(101), "UPS\u{7}".to_owned(), "U\nPS".to_owned()] {
            assert_eq!(normalise_carrier(&bad).unwrap_err().field, "carrier");
        }
    }

    fn specs_dir() -> PathBuf {
        std::env::var_os("BIGCOMMERCE_API_SPECS")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../../shared/bigcommerce-api"
                ))
            })
    }

    /// Our slugs must be ones the storefront accepts as a tracking carrier. The published list
    /// is read at test time; it is reference material and is not copied into the repository.
    #[test]
    fn slugs_are_in_the_published_tracking_carrier_list() {
        let path = specs_dir().join("assets/csv/tracking_carrier_values.csv");
        if !path.is_file() {
            assert!(
                std::env::var_os("CI").is_none(),
                "{} is missing",
                path.display()
            );
            eprintln!("note: {} not found; skipping", path.display());
            return;
        }
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_path(&path)
            .unwrap();
        let listed: HashSet<String> = reader
            .records()
            .map(|record| record.unwrap().get(1).unwrap_or_default().to_owned())
            .collect();
        for carrier in known_carriers() {
            let unlisted = UNLISTED_SLUGS.contains(&carrier.slug);
            assert_eq!(
                listed.contains(carrier.slug),
                !unlisted,
                "{} ({})",
                carrier.slug,
                carrier.name
            );
        }
    }

    #[test]
    fn known_carriers_link_to_their_own_tracking_page_with_the_number_escaped() {
        assert_eq!(
            tracking_page("ups", "1Z999AA10123456784").as_deref(),
            Some("https://www.ups.com/track?tracknum=1Z999AA10123456784")
        );
        assert_eq!(
            tracking_page("fedex", " 7946 & x ").as_deref(),
            Some("https://www.fedex.com/fedextrack/?trknbr=7946+%26+x")
        );
        assert_eq!(tracking_page("sendle", "S123"), None);
        assert_eq!(tracking_page("ups", "  "), None);
        // Every page it makes is a link wharf would accept from a person.
        for carrier in known_carriers() {
            if let Some(page) = tracking_page(carrier.slug, "AB12 <\"x\">") {
                assert!(
                    super::super::shipment::tracking_link(&page).is_ok(),
                    "{page}"
                );
            }
        }
    }
}
