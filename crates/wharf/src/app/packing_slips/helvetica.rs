//! Helvetica, one of the PDF base-14 fonts every reader has: how wide its glyphs are (from
//! Adobe's AFM metrics, in thousandths of the font size) and how text is written in its
//! WinAnsi encoding. Nothing is embedded, so the text of a slip extracts as written.

/// The two faces a slip uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// Widths of the printable ASCII characters, space (32) to tilde (126).
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// Wider than most glyphs outside ASCII, so text measured with it never overruns its column.
const OTHER: u16 = 722;
const ELLIPSIS: char = '…';

/// How wide `text` is in `face` at `size` points.
pub fn width(face: Face, size: f32, text: &str) -> f32 {
    let table = match face {
        Face::Regular => &REGULAR,
        Face::Bold => &BOLD,
    };
    let units: u32 = text
        .chars()
        .map(|c| match c {
            ' '..='~' => u32::from(table[c as usize - 32]),
            ELLIPSIS => 1000,
            _ => u32::from(OTHER),
        })
        .sum();
    units as f32 * size / 1000.0
}

/// `text` in WinAnsi bytes: Latin-1 as itself, the typographic marks WinAnsi has at their
/// codes, control characters as spaces and anything else as `?`.
pub fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            'Œ' => 0x8c,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '™' => 0x99,
            'œ' => 0x9c,
            c if c.is_control() => b' ',
            _ => b'?',
        })
        .collect()
}

/// `text` cut to fit `max` points, ending in an ellipsis when cut.
pub fn fit(face: Face, size: f32, text: &str, max: f32) -> String {
    if width(face, size, text) <= max {
        return text.to_owned();
    }
    let mut cut: String = text.to_owned();
    while !cut.is_empty() && width(face, size, &cut) + width(face, size, "…") > max {
        cut.pop();
    }
    format!("{}…", cut.trim_end())
}

/// `text` broken into lines of at most `max` points, between words where it can (a word
/// longer than a line is cut), at most `max_lines` of them; the last ends in an ellipsis when
/// text is left over.
pub fn wrap(face: Face, size: f32, text: &str, max: f32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if width(face, size, &candidate) <= max {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        current = word.to_owned();
        while width(face, size, &current) > max {
            // A word wider than the line: break it where it overflows.
            let mut head = String::new();
            for c in current.chars() {
                if width(face, size, &format!("{head}{c}")) > max {
                    break;
                }
                head.push(c);
            }
            if head.is_empty() {
                break;
            }
            current = current[head.len()..].to_owned();
            lines.push(head);
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines - 1).join(" ");
        lines.push(fit(face, size, &format!("{rest}…"), max));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_metrics() {
        assert!((width(Face::Regular, 10.0, "Wi") - 11.66).abs() < 1e-4);
        assert!(width(Face::Bold, 10.0, "b") > width(Face::Regular, 10.0, "b"));
    }

    #[test]
    fn text_is_written_in_win_ansi() {
        assert_eq!(encode("Café – 5€\t"), b"Caf\xe9 \x96 5\x80 ".to_vec());
        assert_eq!(encode("日本"), b"??".to_vec());
    }

    #[test]
    fn long_text_wraps_and_is_cut_with_an_ellipsis() {
        let name = "A very long product name that goes on and on about the mug it describes";
        let lines = wrap(Face::Regular, 10.0, name, 120.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| width(Face::Regular, 10.0, l) <= 120.0));
        assert!(lines[1].ends_with('…'), "{lines:?}");
        assert_eq!(wrap(Face::Regular, 10.0, "Mug", 120.0, 2), ["Mug"]);
        let sku = fit(Face::Regular, 10.0, "ACME-EXTREMELY-LONG-SKU-0001", 60.0);
        assert!(sku.ends_with('…') && width(Face::Regular, 10.0, &sku) <= 60.0);
        let unbroken = wrap(Face::Regular, 10.0, &"W".repeat(40), 100.0, 9);
        assert!(
            unbroken.len() > 1
                && unbroken
                    .iter()
                    .all(|l| width(Face::Regular, 10.0, l) <= 100.0)
        );
    }
}
