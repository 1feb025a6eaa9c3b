//! Line and column of many byte offsets in one pass.
//!
//! Every site and binding records where it was written. [`crate::text::line_column`] scans
//! from the start of the text on each call, which is quadratic over a 100 MB config with
//! thousands of bindings; this cursor moves from the previous offset instead, so asking in
//! document order (as the reader does) costs one pass over the text in total. It counts the
//! same way: one-based lines split at `\n`, one-based columns in characters.

use crate::text::{line_column, to_u32};

/// A cursor over `text` that remembers the last position it computed.
pub(crate) struct Positions<'t> {
    text: &'t str,
    offset: usize,
    line: u32,
    column: u32,
}

impl<'t> Positions<'t> {
    /// A cursor at the start of `text`.
    pub(crate) fn new(text: &'t str) -> Positions<'t> {
        Positions { text, offset: 0, line: 1, column: 1 }
    }

    /// One-based line and column of byte `offset` (clamped to the text).
    pub(crate) fn at(&mut self, offset: usize) -> (u32, u32) {
        let text = self.text;
        let offset = offset.min(text.len());
        let moved = if offset >= self.offset {
            match text.get(self.offset..offset) {
                Some(passed) => {
                    self.forward(passed);
                    true
                }
                None => false,
            }
        } else {
            text.get(offset..self.offset).is_some_and(|passed| self.backward(passed))
        };
        if !moved {
            // Not a character boundary, or back across a line break (only an error report
            // looks back that far): the slow exact answer is fine.
            (self.line, self.column) = line_column(self.text, offset);
        }
        self.offset = offset;
        (self.line, self.column)
    }

    fn forward(&mut self, passed: &str) {
        match passed.rfind('\n') {
            Some(last_break) => {
                self.line = self.line.saturating_add(to_u32(passed.matches('\n').count()));
                self.column = to_u32(passed[last_break + 1..].chars().count()).saturating_add(1);
            }
            None => {
                self.column = self.column.saturating_add(to_u32(passed.chars().count()));
            }
        }
    }

    /// False when `passed` holds a line break: the new line's start is then unknown.
    fn backward(&mut self, passed: &str) -> bool {
        if passed.contains('\n') {
            return false;
        }
        self.column = self.column.saturating_sub(to_u32(passed.chars().count())).max(1);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_line_column_in_any_order() {
        let text = "ab\r\nçd\n\t<x a=\"é\"/>\n\nlast";
        let boundaries: Vec<usize> = (0..=text.len() + 2)
            .filter(|offset| *offset > text.len() || text.is_char_boundary(*offset))
            .collect();
        let mut positions = Positions::new(text);
        for &offset in &boundaries {
            assert_eq!(positions.at(offset), line_column(text, offset), "{offset}");
        }
        for &offset in boundaries.iter().rev() {
            assert_eq!(positions.at(offset), line_column(text, offset), "{offset}");
        }
        for (&a, &b) in boundaries.iter().zip(boundaries.iter().rev()) {
            assert_eq!(positions.at(a), line_column(text, a));
            assert_eq!(positions.at(b), line_column(text, b));
        }
    }

    #[test]
    fn inside_a_character_falls_back_to_the_exact_answer() {
        let text = "é\né";
        let mut positions = Positions::new(text);
        assert_eq!(positions.at(1), line_column(text, 1));
        assert_eq!(positions.at(4), line_column(text, 4));
    }
}
