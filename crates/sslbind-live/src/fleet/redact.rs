//! Passwords out of text that may show a PostgreSQL connection string: the target a user
//! gave, and whatever an engine's error says (client errors can echo the URL). It errs on the
//! side of hiding: everything between `user:` and the last `@` of a URL's authority, and every
//! `password=` value, becomes `***`.

const SCHEMES: [&str; 2] = ["postgresql://", "postgres://"];
const HIDDEN: &str = "***";

/// `text` with every postgres URL's password (and every `password=` value) replaced by `***`.
pub fn redact(text: &str) -> String {
    redact_password_parameters(&redact_urls(text))
}

fn redact_urls(text: &str) -> String {
    let mut output = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((start, scheme)) = next_scheme(rest) {
        let authority_start = start + scheme.len();
        output.push_str(&rest[..authority_start]);
        let after_scheme = &rest[authority_start..];
        // A URL in a message ends at white space or a quote; its user information ends at the
        // last `@` before that (a password may hold `/` or `@` a careless user did not encode).
        let url_end = after_scheme
            .find(|character: char| {
                character.is_whitespace() || matches!(character, '"' | '\'' | '`' | '<' | '>')
            })
            .unwrap_or(after_scheme.len());
        let url = &after_scheme[..url_end];
        match url.rfind('@') {
            Some(at) => {
                let user_information = &url[..at];
                match user_information.find(':') {
                    Some(colon) => {
                        output.push_str(&user_information[..=colon]);
                        output.push_str(HIDDEN);
                    }
                    None => output.push_str(user_information),
                }
                output.push_str(&url[at..]);
            }
            None => output.push_str(url),
        }
        rest = &after_scheme[url_end..];
    }
    output.push_str(rest);
    output
}

/// The first scheme in `text` (ASCII case-insensitive), as its byte position and the scheme.
fn next_scheme(text: &str) -> Option<(usize, &'static str)> {
    let lowercase = text.to_ascii_lowercase();
    SCHEMES
        .iter()
        .filter_map(|scheme| lowercase.find(scheme).map(|position| (position, *scheme)))
        .min_by_key(|(position, scheme)| (*position, std::cmp::Reverse(scheme.len())))
}

/// Key-value connection strings and URL query parameters: `password=VALUE`.
fn redact_password_parameters(text: &str) -> String {
    const KEY: &str = "password=";
    let lowercase = text.to_ascii_lowercase();
    let mut output = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search_from = 0;
    while let Some(found) = lowercase[search_from..].find(KEY) {
        let value_start = search_from + found + KEY.len();
        let value = &text[value_start..];
        let value_end = value_start
            + value
                .find(|character: char| {
                    character.is_whitespace() || matches!(character, '&' | '"' | '\'' | '`')
                })
                .unwrap_or(value.len());
        output.push_str(&text[copied..value_start]);
        if value_end > value_start {
            output.push_str(HIDDEN);
        }
        copied = value_end;
        search_from = value_end;
    }
    output.push_str(&text[copied..]);
    output
}
