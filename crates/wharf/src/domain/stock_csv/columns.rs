//! A stock file's header: the operator's [`ColumnMapping`] (with the default names' aliases),
//! and finding which column holds the SKU, the quantity and the warehouse, refusing a missing or
//! ambiguous column.

use crate::domain::csv_lines::header_key;
use csv::StringRecord;

/// How many header names a "missing column" message lists.
const MAX_HEADERS_SHOWN: usize = 20;

const SKU_ALIASES: &[&str] = &["sku", "vendor_sku", "item", "item_sku", "part_number"];
const QUANTITY_ALIASES: &[&str] = &[
    "quantity",
    "qty",
    "stock",
    "on_hand",
    "available",
    "inventory",
];
const WAREHOUSE_ALIASES: &[&str] = &["warehouse", "location", "warehouse_code"];

/// Which header holds which value; stored per feed by the operator.
///
/// A name is matched against the header exactly, ignoring case and surrounding spaces. The
/// default names (`sku`, `quantity`, `warehouse`) additionally accept their usual aliases
/// ("Vendor SKU", "Qty", "On Hand", "Location", …) when no header has exactly that name, so the
/// default mapping reads most exports as they are.
///
/// `warehouse: None` ignores any warehouse column. With the default name the column is
/// optional; with any other name it is required, because an operator who named it expects
/// per-warehouse rows, and reading them without the warehouse would merge them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ColumnMapping {
    pub sku: String,
    pub quantity: String,
    pub warehouse: Option<String>,
}

impl Default for ColumnMapping {
    fn default() -> Self {
        ColumnMapping {
            sku: SKU_ALIASES[0].to_owned(),
            quantity: QUANTITY_ALIASES[0].to_owned(),
            warehouse: Some(WAREHOUSE_ALIASES[0].to_owned()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Sku,
    Quantity,
    Warehouse,
}

impl Field {
    const ALL: [Field; 3] = [Field::Sku, Field::Quantity, Field::Warehouse];

    /// Accepted header names for the default mapping, in [`header_key`] form; the first is the
    /// default name.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Sku => SKU_ALIASES,
            Field::Quantity => QUANTITY_ALIASES,
            Field::Warehouse => WAREHOUSE_ALIASES,
        }
    }

    fn default_name(self) -> &'static str {
        self.aliases()[0]
    }

    fn configured(self, mapping: &ColumnMapping) -> Option<&str> {
        match self {
            Field::Sku => Some(&mapping.sku),
            Field::Quantity => Some(&mapping.quantity),
            Field::Warehouse => mapping.warehouse.as_deref(),
        }
    }
}

/// A configured name matches exactly, ignoring only case and surrounding spaces.
fn exact_key(header: &str) -> String {
    header.trim().to_lowercase()
}

/// Where each field is in the file, and the header it was found under (used in messages, so
/// they name the column as the vendor's file does).
pub(super) struct Columns([Option<(usize, String)>; Field::ALL.len()]);

impl Columns {
    pub(super) fn from_header(
        header: &StringRecord,
        mapping: &ColumnMapping,
    ) -> Result<Self, String> {
        let mut columns = Columns([None, None, None]);
        let mut missing = Vec::new();
        for field in Field::ALL {
            let Some(wanted) = field.configured(mapping) else {
                continue;
            };
            let uses_aliases = header_key(wanted) == field.default_name();
            match find_column(header, field, wanted, uses_aliases)? {
                Some(index) => {
                    columns.0[field as usize] = Some((index, header[index].to_owned()));
                }
                None if field == Field::Warehouse && uses_aliases => {}
                None if uses_aliases => missing.push(format!(
                    "{} (or {})",
                    field.default_name(),
                    field.aliases()[1..].join(", ")
                )),
                None => missing.push(format!("{wanted:?}")),
            }
        }
        if !missing.is_empty() {
            return Err(format!(
                "Missing required column{}: {}. The header has: {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(" and "),
                list_headers(header)
            ));
        }
        columns.check_distinct()?;
        Ok(columns)
    }

    /// A mapping like `sku = "item", quantity = "item"` would read one cell as both.
    fn check_distinct(&self) -> Result<(), String> {
        for (i, a) in Field::ALL.into_iter().enumerate() {
            for b in Field::ALL.into_iter().skip(i + 1) {
                if let (Some((x, name)), Some((y, _))) = (&self.0[a as usize], &self.0[b as usize])
                    && x == y
                {
                    return Err(format!(
                        "Column {name:?} is mapped as both the {} and the {}; map each to its \
                         own column",
                        a.default_name(),
                        b.default_name()
                    ));
                }
            }
        }
        Ok(())
    }

    /// The name used in messages for a field: the file's header when the column was found.
    pub(super) fn name(&self, field: Field) -> &str {
        self.0[field as usize]
            .as_ref()
            .map_or(field.default_name(), |(_, name)| name)
    }

    /// The row's trimmed value for a field; "" when the column or the cell is absent.
    pub(super) fn get<'r>(&self, record: &'r StringRecord, field: Field) -> &'r str {
        self.0[field as usize]
            .as_ref()
            .and_then(|(index, _)| record.get(*index))
            .unwrap_or("")
    }
}

/// The index of the column for `field`: the header named exactly `wanted` if there is one,
/// else (for the default names) the one header matching an alias. Two candidates are refused
/// rather than guessed between.
fn find_column(
    header: &StringRecord,
    field: Field,
    wanted: &str,
    uses_aliases: bool,
) -> Result<Option<usize>, String> {
    let wanted_key = exact_key(wanted);
    let exact: Vec<usize> = (0..header.len())
        .filter(|&i| exact_key(&header[i]) == wanted_key)
        .collect();
    let candidates = if exact.is_empty() && uses_aliases {
        (0..header.len())
            .filter(|&i| field.aliases().contains(&header_key(&header[i]).as_str()))
            .collect()
    } else {
        exact
    };
    match candidates[..] {
        [] => Ok(None),
        [index] => Ok(Some(index)),
        [first, second, ..] => Err(format!(
            "Columns {:?} and {:?} could both be the {}; remove one, or name the right one in \
             the feed's column mapping",
            &header[first],
            &header[second],
            field.default_name()
        )),
    }
}

/// The header as found, so a wrong delimiter or a different report is obvious at a glance.
fn list_headers(header: &StringRecord) -> String {
    let mut names: Vec<String> = header
        .iter()
        .take(MAX_HEADERS_SHOWN)
        .map(|name| format!("{name:?}"))
        .collect();
    if header.len() > MAX_HEADERS_SHOWN {
        names.push(format!("… ({} columns in all)", header.len()));
    }
    names.join(", ")
}
