//! Catalog products, variants and brands (scope `store_v2_products_read_only`).
//!
//! The `*_page` methods fetch one page so the caller can checkpoint between pages; `all_*`
//! collect every page of lists that stay small.

use jiff::Timestamp;
use jiff::tz::Offset;

use crate::client::StoreClient;
use crate::error::BcError;
use crate::models::brand::Brand;
use crate::models::product::{Product, Variant};
use crate::paging::{MAX_V3_PAGE_SIZE, V3Page};

/// Filters and paging for `GET /v3/catalog/products`.
///
/// `Default` asks for the first page of [`MAX_V3_PAGE_SIZE`] products, unfiltered, without
/// variants, in BigCommerce's default order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductQuery {
    /// 1-based.
    pub page: u32,
    /// At most [`MAX_V3_PAGE_SIZE`].
    pub limit: u32,
    /// `include=variants`.
    pub include_variants: bool,
    /// `date_modified:min`, sent as a full RFC 3339 timestamp with an explicit `+00:00` offset
    /// and rounded down to the second, so the filter never skips a product. (BigCommerce fills a
    /// bare date with the current time of day, silently skipping most of that day.)
    pub date_modified_min: Option<Timestamp>,
    /// `id:in`. An empty list matches no product: the request isn't sent.
    pub ids: Option<Vec<u64>>,
    /// `id:greater`: keyset paging. With `sort=id`, "ids after the last one seen" walks the
    /// catalog exactly once even when products are deleted mid-walk, which page numbers don't.
    pub id_greater: Option<u64>,
    /// `sort` and `direction`.
    pub sort: Option<ProductSort>,
}

impl Default for ProductQuery {
    fn default() -> Self {
        ProductQuery {
            page: 1,
            limit: MAX_V3_PAGE_SIZE,
            include_variants: false,
            date_modified_min: None,
            ids: None,
            id_greater: None,
            sort: None,
        }
    }
}

impl ProductQuery {
    /// The query string pairs, in a fixed order.
    fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut query = vec![
            ("page", self.page.to_string()),
            ("limit", self.limit.to_string()),
        ];
        if self.include_variants {
            query.push(("include", "variants".into()));
        }
        if let Some(min) = self.date_modified_min {
            query.push(("date_modified:min", filter_timestamp(min)));
        }
        if let Some(ids) = &self.ids {
            query.push(("id:in", comma_list(ids)));
        }
        if let Some(after) = self.id_greater {
            query.push(("id:greater", after.to_string()));
        }
        if let Some(sort) = self.sort {
            query.push(("sort", sort.field.as_str().into()));
            query.push(("direction", sort.direction.as_str().into()));
        }
        query
    }
}

/// Order of a product list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProductSort {
    pub field: ProductSortField,
    pub direction: SortDirection,
}

/// The `sort` values `GET /v3/catalog/products` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductSortField {
    Id,
    Name,
    Sku,
    Price,
    DateModified,
    DateLastImported,
    InventoryLevel,
    IsVisible,
    TotalSold,
    CalculatedPrice,
}

impl ProductSortField {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductSortField::Id => "id",
            ProductSortField::Name => "name",
            ProductSortField::Sku => "sku",
            ProductSortField::Price => "price",
            ProductSortField::DateModified => "date_modified",
            ProductSortField::DateLastImported => "date_last_imported",
            ProductSortField::InventoryLevel => "inventory_level",
            ProductSortField::IsVisible => "is_visible",
            ProductSortField::TotalSold => "total_sold",
            ProductSortField::CalculatedPrice => "calculated_price",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortDirection {
    #[default]
    Asc,
    Desc,
}

impl SortDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            SortDirection::Asc => "asc",
            SortDirection::Desc => "desc",
        }
    }
}

impl StoreClient {
    /// `GET v3/catalog/products`: one page, read row by row (a product that does not decode
    /// is in [`V3Page::unreadable`]). With an empty `ids` list no request is sent (an empty
    /// `id:in` could match every product) and the page is empty.
    pub async fn products_page(&self, query: &ProductQuery) -> Result<V3Page<Product>, BcError> {
        if query.ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(V3Page::empty());
        }
        self.get_v3_page_by_row("v3/catalog/products", &query.to_query())
            .await
    }

    /// `GET v3/catalog/products/{product_id}/variants`: one page.
    pub async fn product_variants_page(
        &self,
        product_id: u64,
        page: u32,
        limit: u32,
    ) -> Result<V3Page<Variant>, BcError> {
        self.get_v3_page_by_row(
            &format!("v3/catalog/products/{product_id}/variants"),
            &page_query(page, limit),
        )
        .await
    }

    /// Every variant of one product, all pages.
    pub async fn all_product_variants(&self, product_id: u64) -> Result<Vec<Variant>, BcError> {
        self.collect_v3(
            &format!("v3/catalog/products/{product_id}/variants"),
            &[],
            |variant: &Variant| variant.id,
        )
        .await
    }

    /// `GET v3/catalog/variants?product_id:in=…`: one page of the variants of several products.
    /// With no product ids no request is sent (an empty filter could match every variant) and
    /// the page is empty.
    pub async fn variants_page(
        &self,
        product_ids: &[u64],
        page: u32,
        limit: u32,
    ) -> Result<V3Page<Variant>, BcError> {
        if product_ids.is_empty() {
            return Ok(V3Page::empty());
        }
        let mut query = page_query(page, limit);
        query.push(("product_id:in", comma_list(product_ids)));
        self.get_v3_page_by_row("v3/catalog/variants", &query).await
    }

    /// `GET v3/catalog/brands`: one page.
    pub async fn brands_page(&self, page: u32, limit: u32) -> Result<V3Page<Brand>, BcError> {
        self.get_v3_page("v3/catalog/brands", &page_query(page, limit))
            .await
    }

    /// Every brand, all pages; brand lists are small enough to load at once.
    pub async fn all_brands(&self) -> Result<Vec<Brand>, BcError> {
        self.collect_v3("v3/catalog/brands", &[], |brand: &Brand| brand.id)
            .await
    }
}

pub(crate) fn page_query(page: u32, limit: u32) -> Vec<(&'static str, String)> {
    vec![("page", page.to_string()), ("limit", limit.to_string())]
}

pub(crate) fn comma_list(ids: &[u64]) -> String {
    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

/// `2025-01-15T00:03:17+00:00`: whole seconds, rounded down, explicit offset.
pub(crate) fn filter_timestamp(at: Timestamp) -> String {
    let second = at.as_second() - i64::from(at.subsec_nanosecond() < 0);
    let floored = Timestamp::from_second(second).unwrap_or(at);
    floored.display_with_offset(Offset::UTC).to_string()
}
