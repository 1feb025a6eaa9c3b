//! Text measured as a terminal shows it: columns line up, lines wrap and cells are cut by
//! display width, not by characters, because a CJK site name takes two columns per character
//! and a combining accent none. Also the one plural rule of every count people read.

use unicode_width::UnicodeWidthStr as _;

/// How many terminal columns `text` takes.
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` followed by spaces up to `columns` display columns (unchanged when already wider).
pub fn pad(text: &str, columns: usize) -> String {
    let mut padded = text.to_owned();
    padded.push_str(&" ".repeat(columns.saturating_sub(width(text))));
    padded
}

/// `text` cut to at most `columns` display columns, ending in `…` when cut.
pub fn fit(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_owned();
    }
    let room = columns.saturating_sub(1);
    let mut cut = String::new();
    let mut used = 0;
    for character in text.chars() {
        let character_width = unicode_width::UnicodeWidthChar::width(character).unwrap_or(0);
        if used + character_width > room {
            break;
        }
        used += character_width;
        cut.push(character);
    }
    cut.push('…');
    cut
}

/// `text` broken into lines of at most `columns` display columns at spaces (a longer word gets
/// a line of its own).
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && width(&line) + 1 + width(word) > columns {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `1 config`, `2 configs`, `0 configs`: a count and its noun, made plural with an `s`.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("{count} {noun}") } else { format!("{count} {noun}s") }
}
