//! A document as PDF (A4), written with `pdf-writer` and the standard Helvetica fonts (no font embedded, no
//! system font read: the same bytes on every machine). Text is WinAnsi-encoded; widths come from the
//! Helvetica metrics below, so amounts line up on the right. Long tables continue on further pages with the
//! header repeated; every page carries "page N of M". Coordinates are layout points (f32), never money.
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::{Align, DocKind, Document};

const W: f32 = 595.0;
const H: f32 = 842.0;
const M: f32 = 48.0;
const BOTTOM: f32 = 64.0;
const ACCENT: (f32, f32, f32) = (0.043, 0.239, 0.569);
const MUTED: (f32, f32, f32) = (0.35, 0.39, 0.43);
const INK: (f32, f32, f32) = (0.12, 0.14, 0.16);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }
}

/// Helvetica advance widths (1/1000 em) for ASCII 32..=126 (Adobe's AFM).
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];

fn width(s: &str, font: Font, size: f32) -> f32 {
    // Helvetica-Bold runs about 6 % wider on letters; its digits and punctuation are as wide as the regular ones.
    let units: f32 = s
        .chars()
        .map(|c| {
            let w = match u32::from(c) {
                n @ 32..=126 => HELVETICA.get((n - 32) as usize).copied().unwrap_or(556),
                _ => 556,
            };
            let k = if font == Font::Bold && c.is_alphabetic() { 1.06 } else { 1.0 };
            f32::from(w) * k
        })
        .sum();
    units * size / 1000.0
}

/// WinAnsi bytes of `s` (Latin-1 and the usual typographic marks; anything else becomes `?`).
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => u32::from(c) as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '™' => 0x99,
            _ => b'?',
        })
        .collect()
}

/// Words of `s` in lines no wider than `max`.
fn wrap(s: &str, font: Font, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let next = if cur.is_empty() { word.to_string() } else { format!("{cur} {word}") };
        if width(&next, font, size) <= max || cur.is_empty() {
            cur = next;
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

struct Layout {
    pages: Vec<Content>,
    y: f32,
}

impl Layout {
    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let n = self.pages.len() - 1;
        &mut self.pages[n]
    }
    fn text(&mut self, font: Font, size: f32, x: f32, y: f32, s: &str, rgb: (f32, f32, f32)) {
        let c = self.page();
        c.set_fill_rgb(rgb.0, rgb.1, rgb.2);
        c.begin_text();
        c.set_font(font.name(), size);
        c.next_line(x, y);
        c.show(Str(&win_ansi(s)));
        c.end_text();
    }
    fn right(&mut self, font: Font, size: f32, right: f32, y: f32, s: &str, rgb: (f32, f32, f32)) {
        let x = right - width(s, font, size);
        self.text(font, size, x, y, s, rgb);
    }
    fn rule(&mut self, x1: f32, x2: f32, y: f32, w: f32, rgb: (f32, f32, f32)) {
        let c = self.page();
        c.set_stroke_rgb(rgb.0, rgb.1, rgb.2);
        c.set_line_width(w);
        c.move_to(x1, y);
        c.line_to(x2, y);
        c.stroke();
    }
    fn band(&mut self, y: f32, h: f32) {
        let c = self.page();
        c.set_fill_rgb(0.953, 0.961, 0.973);
        c.rect(M, y, W - 2.0 * M, h);
        c.fill_nonzero();
    }
    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = H - M;
    }
    /// Room for `h` more points on this page, else a new page (`header` redrawn there).
    fn room(&mut self, h: f32, doc: &Document, cols: &[(f32, Align)]) -> bool {
        if self.y - h < BOTTOM {
            self.new_page();
            table_header(self, doc, cols);
            return true;
        }
        false
    }
}

/// x of each column: left columns at their start, right columns at their right edge.
fn column_positions(doc: &Document) -> Vec<(f32, Align)> {
    let right: Vec<usize> = (0..doc.columns.len()).filter(|&i| doc.columns[i].align == Align::Right).collect();
    let mut out = Vec::with_capacity(doc.columns.len());
    let mut left_x = M + 6.0;
    let widths = [70.0, 78.0];
    let mut left_seen = 0;
    for (i, c) in doc.columns.iter().enumerate() {
        match c.align {
            Align::Left => {
                out.push((left_x, Align::Left));
                left_x += widths.get(left_seen).copied().unwrap_or(0.0);
                left_seen += 1;
            }
            Align::Right => {
                let k = right.iter().position(|&r| r == i).unwrap_or(0);
                let from_end = (right.len() - 1 - k) as f32;
                out.push((W - M - 6.0 - from_end * 92.0, Align::Right));
            }
        }
    }
    out
}

fn table_header(l: &mut Layout, doc: &Document, cols: &[(f32, Align)]) {
    l.band(l.y - 20.0, 20.0);
    let y = l.y - 13.5;
    for (c, (x, a)) in doc.columns.iter().zip(cols) {
        let t = c.title.to_uppercase();
        match a {
            Align::Left => l.text(Font::Bold, 7.5, *x, y, &t, MUTED),
            Align::Right => l.right(Font::Bold, 7.5, *x, y, &t, MUTED),
        }
    }
    l.y -= 20.0;
}

fn top(l: &mut Layout, doc: &Document) {
    let mut y = H - M - 8.0;
    l.text(Font::Bold, 15.0, M, y, &doc.issuer.name, ACCENT);
    for line in &doc.issuer.lines {
        y -= 12.0;
        l.text(Font::Regular, 8.5, M, y, line, MUTED);
    }
    let mut ty = H - M - 12.0;
    l.right(Font::Bold, 21.0, W - M, ty, &doc.kind.title().to_uppercase(), ACCENT);
    ty -= 17.0;
    l.right(Font::Bold, 11.0, W - M, ty, &doc.number, INK);
    if doc.draft {
        ty -= 15.0;
        l.right(Font::Bold, 10.0, W - M, ty, "DRAFT \u{b7} NOT ISSUED", (0.71, 0.14, 0.09));
    }
    y = y.min(ty) - 14.0;
    l.rule(M, W - M, y, 1.6, ACCENT);
    y -= 24.0;
    // bill-to on the left, the facts on the right
    let to = if doc.kind == DocKind::Statement { "STATEMENT FOR" } else { "BILL TO" };
    l.text(Font::Bold, 7.5, M, y, to, MUTED);
    let mut ly = y - 14.0;
    l.text(Font::Bold, 11.0, M, ly, &doc.customer.name, INK);
    for line in &doc.customer.lines {
        ly -= 12.0;
        l.text(Font::Regular, 9.0, M, ly, line, MUTED);
    }
    let mut fy = y;
    let label_x = W / 2.0 - 20.0;
    for (k, v) in &doc.facts {
        for (i, part) in wrap(v, Font::Bold, 9.0, W - M - label_x - 85.0).iter().enumerate() {
            if i == 0 {
                l.text(Font::Regular, 9.0, label_x, fy, k, MUTED);
            }
            l.right(Font::Bold, 9.0, W - M, fy, part, INK);
            fy -= 13.0;
        }
    }
    l.y = ly.min(fy) - 22.0;
}

fn lines(l: &mut Layout, doc: &Document) {
    let cols = column_positions(doc);
    table_header(l, doc, &cols);
    // the widest left column: up to the first right column's text
    let first_right = cols.iter().find(|c| c.1 == Align::Right).map_or(W - M, |c| c.0 - 70.0);
    for r in &doc.rows {
        if r.heading {
            l.room(34.0, doc, &cols);
            l.y -= 18.0;
            let t = r.cells.first().map(String::as_str).unwrap_or("");
            l.text(Font::Bold, 9.5, M + 6.0, l.y, t, ACCENT);
            l.y -= 6.0;
            continue;
        }
        let last_left = cols.iter().rposition(|c| c.1 == Align::Left).unwrap_or(0);
        let max = first_right - cols.get(last_left).map_or(M, |c| c.0) - 8.0;
        let text = r.cells.get(last_left).map(String::as_str).unwrap_or("");
        let wrapped = wrap(text, Font::Regular, 9.5, max.max(60.0));
        let h = 8.0 + 12.0 * wrapped.len() as f32;
        l.room(h, doc, &cols);
        let y = l.y - 14.0;
        for (i, (x, a)) in cols.iter().enumerate() {
            let v = r.cells.get(i).map(String::as_str).unwrap_or("");
            match a {
                Align::Left if i == last_left => {
                    for (k, part) in wrapped.iter().enumerate() {
                        l.text(Font::Regular, 9.5, *x, y - 12.0 * k as f32, part, INK);
                    }
                }
                Align::Left => l.text(Font::Regular, 9.5, *x, y, v, INK),
                Align::Right => l.right(Font::Regular, 9.5, *x, y, v, INK),
            }
        }
        l.y -= h;
        l.rule(M, W - M, l.y, 0.5, (0.82, 0.84, 0.87));
    }
}

fn summary(l: &mut Layout, doc: &Document) {
    let need = 26.0 + 18.0 * doc.totals.len().max(doc.tax_summary.len() + 1) as f32;
    if l.y - need < BOTTOM {
        l.new_page();
    }
    let top_y = l.y - 16.0;
    // totals on the right
    let mut y = top_y;
    let label_x = W - M - 200.0;
    for t in &doc.totals {
        if t.strong {
            y -= 4.0;
            l.rule(label_x, W - M, y + 12.0, 1.4, INK);
            l.text(Font::Bold, 11.0, label_x, y, &t.label, INK);
            l.right(Font::Bold, 11.0, W - M - 6.0, y, &t.amount, INK);
        } else {
            l.text(Font::Regular, 9.5, label_x, y, &t.label, INK);
            l.right(Font::Regular, 9.5, W - M - 6.0, y, &t.amount, INK);
        }
        y -= 16.0;
    }
    // tax summary on the left
    let mut ty = top_y;
    if !doc.tax_summary.is_empty() {
        l.text(Font::Bold, 7.5, M, ty, "TAX SUMMARY", MUTED);
        ty -= 13.0;
        l.text(Font::Bold, 8.5, M, ty, "Rate", MUTED);
        l.right(Font::Bold, 8.5, M + 150.0, ty, "Taxable amount", MUTED);
        l.right(Font::Bold, 8.5, M + 220.0, ty, "Tax", MUTED);
        for [rate, base, tax] in &doc.tax_summary {
            ty -= 13.0;
            l.text(Font::Regular, 9.0, M, ty, rate, INK);
            l.right(Font::Regular, 9.0, M + 150.0, ty, base, INK);
            l.right(Font::Regular, 9.0, M + 220.0, ty, tax, INK);
        }
    }
    l.y = y.min(ty) - 12.0;
}

fn notes(l: &mut Layout, doc: &Document) {
    for n in &doc.notes {
        let wrapped: Vec<String> = n.lines.iter().flat_map(|x| wrap(x, Font::Regular, 9.5, W - 2.0 * M)).collect();
        let h = 34.0 + 13.0 * wrapped.len() as f32;
        if l.y - h < BOTTOM {
            l.new_page();
        }
        l.y -= 10.0;
        l.rule(M, W - M, l.y, 0.6, (0.82, 0.84, 0.87));
        l.y -= 16.0;
        l.text(Font::Bold, 7.5, M, l.y, &n.heading.to_uppercase(), MUTED);
        for line in wrapped {
            l.y -= 13.0;
            l.text(Font::Regular, 9.5, M, l.y, &line, INK);
        }
        l.y -= 6.0;
    }
}

/// The document as PDF bytes.
pub fn render(doc: &Document) -> Vec<u8> {
    let mut l = Layout { pages: vec![Content::new()], y: H - M };
    top(&mut l, doc);
    lines(&mut l, doc);
    summary(&mut l, doc);
    notes(&mut l, doc);
    let n = l.pages.len();
    let heading = doc.heading();
    for i in 0..n {
        let foot = format!("{heading} \u{b7} page {} of {n}", i + 1);
        let c = &mut l.pages[i];
        c.set_fill_rgb(MUTED.0, MUTED.1, MUTED.2);
        c.begin_text();
        c.set_font(Font::Regular.name(), 7.5);
        c.next_line(M, 30.0);
        c.show(Str(&win_ansi(&doc.issuer.name)));
        c.end_text();
        let x = W - M - width(&foot, Font::Regular, 7.5);
        c.begin_text();
        c.set_font(Font::Regular.name(), 7.5);
        c.next_line(x, 30.0);
        c.show(Str(&win_ansi(&foot)));
        c.end_text();
    }

    let mut pdf = Pdf::new();
    let (catalog, tree, regular, bold, info) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5));
    let page_ids: Vec<Ref> = (0..n).map(|i| Ref::new(10 + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(n as i32);
    pdf.document_info(info).title(TextStr(&heading)).producer(TextStr("billops"));
    for (font, id, base) in [(Font::Regular, regular, "Helvetica"), (Font::Bold, bold, "Helvetica-Bold")] {
        let _ = font;
        pdf.type1_font(id).base_font(Name(base.as_bytes())).encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (i, content) in l.pages.into_iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(11 + 2 * i as i32);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, W, H)).parent(tree).contents(content_id);
        let mut res = page.resources();
        res.fonts().pair(Font::Regular.name(), regular).pair(Font::Bold.name(), bold);
        res.finish();
        page.finish();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_and_encoded_for_the_standard_fonts() {
        assert!((width("1,234.00", Font::Regular, 10.0) - 38.92).abs() < 0.01);
        assert_eq!(width("1,234.00", Font::Bold, 10.0), width("1,234.00", Font::Regular, 10.0));
        assert_eq!(win_ansi("Café – 5 €"), b"Caf\xe9 \x96 5 \x80".to_vec());
        assert_eq!(win_ansi("日本"), b"??".to_vec());
        let w = wrap("a long description that does not fit", Font::Regular, 10.0, 60.0);
        assert!(w.len() > 2 && w.iter().all(|l| width(l, Font::Regular, 10.0) <= 60.0 || !l.contains(' ')));
    }
}
