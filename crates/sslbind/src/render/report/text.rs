//! Text from the machine as the page shows it. Names come from whoever owns a site on a
//! shared server, so besides escaping (maud's), characters that could make a name look like
//! another are shown for what they are: bidirectional controls, zero-width characters and
//! other invisible or control characters appear as a marked `U+XXXX`. A value that shares a
//! line with other text is isolated ([`isolated`], `<bdi>`) so that a right-to-left name
//! cannot reorder the text around it; a value alone in its cell needs no isolation (a table
//! cell is a paragraph of its own), which keeps a 20,000-site page small.

use maud::{Markup, html};

/// `value` isolated from the text around it, with its invisible characters made visible.
pub fn isolated(value: &str) -> Markup {
    html! { bdi { (shown(value)) } }
}

/// `value` as text with its invisible characters made visible, for a value alone in its
/// cell or line.
pub fn shown(value: &str) -> Markup {
    if !value.chars().any(is_invisible) {
        return html! { (value) };
    }
    let mut pieces: Vec<Piece<'_>> = Vec::new();
    let mut start = 0;
    for (at, character) in value.char_indices() {
        if is_invisible(character) {
            if start < at {
                pieces.push(Piece::Text(&value[start..at]));
            }
            pieces.push(Piece::Marked(character));
            start = at + character.len_utf8();
        }
    }
    if start < value.len() {
        pieces.push(Piece::Text(&value[start..]));
    }
    html! {
        @for piece in &pieces {
            @match piece {
                Piece::Text(text) => (text),
                Piece::Marked(character) => span.cc title="invisible character" {
                    "U+" (format!("{:04X}", u32::from(*character)))
                },
            }
        }
    }
}

enum Piece<'a> {
    Text(&'a str),
    Marked(char),
}

/// Characters that change how text reads without being seen: C0 and C1 controls, the
/// bidirectional embeddings, overrides, isolates and marks, zero-width characters, the
/// byte order mark, and other format characters that render as nothing.
fn is_invisible(character: char) -> bool {
    character.is_control()
        || matches!(
            character,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}
