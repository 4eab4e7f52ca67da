//! A packing slip's layout, as PDF: the merchant's name in its accent colour, the store's
//! order number and date, where it ships, the customer's note, and the lines (SKU, item,
//! quantity — never a price). Each slip starts a page; lines that do not fit flow onto the
//! next, under the table's header again; long names wrap onto three lines and long SKUs onto
//! two at most, cut with an ellipsis beyond. Every page says which order and page it is.
//!
//! Pure: slips in, bytes out. pdf-writer writes the file; the text is set in Helvetica, a
//! base-14 font every reader has, so nothing is embedded and the text extracts as written.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::helvetica::{Face, encode, fit, width, wrap};

/// The merchant's look on a slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipBrand {
    pub name: String,
    /// The accent colour (red, green, blue), for the name and the table's rules.
    pub accent: [u8; 3],
}

impl SlipBrand {
    /// A brand from a `#rrggbb` accent, or the neutral dark grey when it is not one.
    pub fn new(name: &str, accent_hex: &str) -> SlipBrand {
        let hex = accent_hex.trim().trim_start_matches('#');
        let channel = |i: usize| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        let accent = match (hex.len(), channel(0), channel(2), channel(4)) {
            (6, Some(r), Some(g), Some(b)) => [r, g, b],
            _ => NEUTRAL_ACCENT,
        };
        SlipBrand {
            name: name.trim().to_owned(),
            accent,
        }
    }
}

const NEUTRAL_ACCENT: [u8; 3] = [0x33, 0x33, 0x33];

/// One slip: one purchase order's lines going to one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackingSlip {
    /// The store's order number.
    pub order_number: i64,
    /// The day the customer placed the order, in words ("7 Dec 2026").
    pub placed_on: Option<String>,
    /// The address, a line each; empty when BigCommerce named none.
    pub ship_to: Vec<String>,
    /// The customer's message at checkout.
    pub note: Option<String>,
    pub lines: Vec<SlipLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
}

// A4, in points.
const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
const TOP: f32 = PAGE_HEIGHT - MARGIN;
const BOTTOM: f32 = MARGIN + 24.0;
const SKU_X: f32 = MARGIN;
const SKU_WIDTH: f32 = 170.0;
const ITEM_X: f32 = 230.0;
const ITEM_WIDTH: f32 = 250.0;
const QUANTITY_RIGHT: f32 = PAGE_WIDTH - MARGIN;
const BODY: f32 = 10.0;
const LEADING: f32 = 14.0;
const MAX_NAME_LINES: usize = 3;
const MAX_SKU_LINES: usize = 2;

const REGULAR: Name = Name(b"F1");
const BOLD: Name = Name(b"F2");

/// The slips as one PDF, each starting a page.
pub fn render(brand: &SlipBrand, slips: &[PackingSlip]) -> Vec<u8> {
    let mut pages: Vec<Page> = Vec::new();
    for slip in slips {
        lay_out(brand, slip, &mut pages);
    }
    write(pages)
}

/// A page being laid out: what it shows, and for whom.
struct Page {
    order_number: i64,
    /// Page n of the slip, counted from 1.
    number: usize,
    /// How many pages the slip has, known once it is laid out.
    of: usize,
    content: Content,
}

struct Cursor<'a> {
    pages: &'a mut Vec<Page>,
    first: usize,
    y: f32,
    order_number: i64,
    accent: [f32; 3],
}

impl Cursor<'_> {
    fn page(&mut self) -> &mut Content {
        &mut self.pages.last_mut().expect("a page is open").content
    }

    fn start_page(&mut self) {
        let number = self.pages.len() - self.first + 1;
        self.pages.push(Page {
            order_number: self.order_number,
            number,
            of: 0,
            content: Content::new(),
        });
        self.y = TOP;
    }

    fn text(&mut self, face: Face, size: f32, x: f32, text: &str) {
        let y = self.y;
        let font = match face {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
        };
        let bytes = encode(text);
        let page = self.page();
        page.begin_text();
        page.set_font(font, size);
        page.next_line(x, y);
        page.show(Str(&bytes));
        page.end_text();
    }

    fn rule(&mut self) {
        let [r, g, b] = self.accent;
        let y = self.y;
        let page = self.page();
        page.set_stroke_rgb(r, g, b);
        page.set_line_width(0.8);
        page.move_to(MARGIN, y);
        page.line_to(PAGE_WIDTH - MARGIN, y);
        page.stroke();
    }

    /// Moves down by `height`, onto a new page (under the table's header) when it would pass
    /// the bottom margin.
    fn room_for(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.start_page();
            self.text(
                Face::Bold,
                12.0,
                MARGIN,
                &format!("Order #{} (continued)", self.order_number),
            );
            self.y -= 2.0 * LEADING;
            self.table_header();
        }
    }

    fn table_header(&mut self) {
        self.text(Face::Bold, BODY, SKU_X, "SKU");
        self.text(Face::Bold, BODY, ITEM_X, "Item");
        let label = "Quantity";
        self.text(
            Face::Bold,
            BODY,
            QUANTITY_RIGHT - width(Face::Bold, BODY, label),
            label,
        );
        self.y -= 6.0;
        self.rule();
        self.y -= LEADING;
    }
}

fn lay_out(brand: &SlipBrand, slip: &PackingSlip, pages: &mut Vec<Page>) {
    let first = pages.len();
    let mut cursor = Cursor {
        first,
        pages,
        y: TOP,
        order_number: slip.order_number,
        accent: brand.accent.map(|c| f32::from(c) / 255.0),
    };
    cursor.start_page();

    if !brand.name.is_empty() {
        let [r, g, b] = cursor.accent;
        cursor.page().set_fill_rgb(r, g, b);
        let name = fit(Face::Bold, 20.0, &brand.name, PAGE_WIDTH - 2.0 * MARGIN);
        cursor.text(Face::Bold, 20.0, MARGIN, &name);
        cursor.page().set_fill_rgb(0.0, 0.0, 0.0);
        cursor.y -= 30.0;
    }
    cursor.text(Face::Bold, 14.0, MARGIN, "Packing slip");
    cursor.y -= 20.0;
    let mut heading = format!("Order #{}", slip.order_number);
    if let Some(day) = &slip.placed_on {
        heading.push_str(&format!(" · placed {day}"));
    }
    cursor.text(Face::Regular, 11.0, MARGIN, &heading);
    cursor.y -= 2.0 * LEADING;

    cursor.text(Face::Bold, BODY, MARGIN, "Ship to");
    cursor.y -= LEADING;
    if slip.ship_to.is_empty() {
        cursor.text(
            Face::Regular,
            BODY,
            MARGIN,
            "No shipping address on the order",
        );
        cursor.y -= LEADING;
    }
    for line in &slip.ship_to {
        let line = fit(Face::Regular, BODY, line, PAGE_WIDTH - 2.0 * MARGIN);
        cursor.text(Face::Regular, BODY, MARGIN, &line);
        cursor.y -= LEADING;
    }
    if let Some(note) = &slip.note {
        cursor.y -= LEADING / 2.0;
        cursor.text(Face::Bold, BODY, MARGIN, "Note from the customer");
        cursor.y -= LEADING;
        for line in wrap(Face::Regular, BODY, note, PAGE_WIDTH - 2.0 * MARGIN, 6) {
            cursor.text(Face::Regular, BODY, MARGIN, &line);
            cursor.y -= LEADING;
        }
    }
    cursor.y -= LEADING;
    cursor.table_header();

    for line in &slip.lines {
        let name = wrap(Face::Regular, BODY, &line.name, ITEM_WIDTH, MAX_NAME_LINES);
        let sku = wrap(Face::Regular, BODY, &line.sku, SKU_WIDTH, MAX_SKU_LINES);
        let rows = name.len().max(sku.len()).max(1);
        cursor.room_for(rows as f32 * LEADING);
        let quantity = line.quantity.to_string();
        cursor.text(
            Face::Bold,
            BODY,
            QUANTITY_RIGHT - width(Face::Bold, BODY, &quantity),
            &quantity,
        );
        let top = cursor.y;
        for (n, part) in sku.iter().enumerate() {
            cursor.y = top - n as f32 * LEADING;
            cursor.text(Face::Regular, BODY, SKU_X, part);
        }
        for (n, part) in name.iter().enumerate() {
            cursor.y = top - n as f32 * LEADING;
            cursor.text(Face::Regular, BODY, ITEM_X, part);
        }
        cursor.y = top - rows as f32 * LEADING;
    }
    let count = cursor.pages.len() - first;
    for page in &mut cursor.pages[first..] {
        page.of = count;
    }
}

fn write(pages: Vec<Page>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first_page = 6;
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info)
        .title(TextStr("Packing slips"))
        .producer(TextStr("wharf"));
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|n| Ref::new(first_page + 2 * n as i32))
        .collect();
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (page, &id) in pages.into_iter().zip(&page_ids) {
        let contents = Ref::new(id.get() + 1);
        let mut writer = pdf.page(id);
        writer
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree)
            .contents(contents);
        writer
            .resources()
            .fonts()
            .pair(REGULAR, regular)
            .pair(BOLD, bold);
        writer.finish();
        let mut content = page.content;
        let footer = format!(
            "Order #{} · page {} of {}",
            page.order_number, page.number, page.of
        );
        let bytes = encode(&footer);
        content.begin_text();
        content.set_font(REGULAR, 8.0);
        content.next_line(MARGIN, MARGIN);
        content.show(Str(&bytes));
        content.end_text();
        pdf.stream(contents, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slip(order_number: i64, lines: usize) -> PackingSlip {
        PackingSlip {
            order_number,
            placed_on: Some("7 Dec 2026".into()),
            ship_to: vec!["Jane Doe".into(), "100 Main Street".into()],
            note: None,
            lines: (1..=lines)
                .map(|n| SlipLine {
                    sku: format!("SKU-{n:03}"),
                    name: format!("Item number {n} with a name long enough to wrap onto a second line of the table"),
                    quantity: n as i64,
                })
                .collect(),
        }
    }

    fn pages_text(pdf: &[u8]) -> Vec<String> {
        let document = lopdf::Document::load_mem(pdf).expect("a PDF lopdf reads");
        let pages = document.get_pages();
        (1..=pages.len() as u32)
            .map(|n| document.extract_text(&[n]).unwrap())
            .collect()
    }

    #[test]
    fn a_long_order_flows_onto_further_pages_under_its_header() {
        let pdf = render(
            &SlipBrand::new("Acme Outfitters", "#0a7cff"),
            &[slip(118, 60)],
        );
        let pages = pages_text(&pdf);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let of = pages.len();
        for (n, text) in pages.iter().enumerate() {
            assert!(
                text.contains(&format!("Order #118 · page {} of {of}", n + 1)),
                "{text}"
            );
            assert!(text.contains("SKU") && text.contains("Quantity"), "{text}");
        }
        assert!(pages[0].contains("Acme Outfitters") && pages[0].contains("Jane Doe"));
        assert!(pages[1].contains("Order #118 (continued)"));
        let all = pages.concat();
        for n in 1..=60 {
            assert!(
                all.contains(&format!("SKU-{n:03}")),
                "line {n} is on no page"
            );
        }
    }

    #[test]
    fn each_slip_of_a_selection_starts_a_page() {
        let pdf = render(
            &SlipBrand::new("", "not a colour"),
            &[slip(1, 2), slip(2, 1)],
        );
        let pages = pages_text(&pdf);
        assert_eq!(pages.len(), 2);
        assert!(pages[0].contains("Order #1 · page 1 of 1"));
        assert!(pages[1].contains("Order #2 · page 1 of 1"));
    }

    #[test]
    fn an_accent_is_read_from_hex_or_left_neutral() {
        assert_eq!(
            SlipBrand::new(" Acme ", "#0A7CFF").accent,
            [0x0a, 0x7c, 0xff]
        );
        assert_eq!(SlipBrand::new("Acme", "blue").accent, NEUTRAL_ACCENT);
        assert_eq!(SlipBrand::new(" Acme ", "").name, "Acme");
    }
}
