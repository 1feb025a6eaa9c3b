//! Lossless editing of `applicationHost.config`: adding, removing and changing bindings and
//! removing sites, without rewriting anything else.
//!
//! The document is parsed with roxmltree (with the reader's options: no DTD) only to find
//! byte ranges; every edit is a splice into the *original* text, and the document is never
//! serialized again. Bytes outside the changed range are untouched: comments, blank lines,
//! attribute order and quoting, tabs, trailing whitespace, CRLF or LF. An edit that changes
//! nothing (setting an attribute to the value it already has) returns the text unchanged.
//! Sites and bindings are the ones [`crate::iis::read_config`] reads: `<site>` children of a
//! `<sites>` directly under `<system.applicationHost>` (or, in a fragment, of a root `<sites>`,
//! or the root `<site>` itself), and `<binding>` children of the site's `<bindings>`.
//!
//! Site names, protocols and `bindingInformation` are compared without case, as IIS does.
//!
//! # Encoding and byte order mark
//!
//! The functions work on decoded text. A caller keeps the file's encoding and BOM by decoding
//! with [`crate::text::decode`], editing, and encoding with [`crate::text::encode`] and the
//! *same* [`crate::text::Encoding`]:
//!
//! ```
//! # let bytes: Vec<u8> = sslbind_core::text::encode(
//! #     "<configuration><system.applicationHost><sites>\r\n<site name=\"Default Web Site\" id=\"1\">\r\n\
//! #      <bindings>\r\n<binding protocol=\"http\" bindingInformation=\"*:80:\" />\r\n</bindings>\r\n\
//! #      </site>\r\n</sites></system.applicationHost></configuration>\r\n",
//! #     sslbind_core::text::Encoding::Utf16Le,
//! # );
//! let decoded = sslbind_core::text::decode(&bytes);
//! let edited = sslbind_core::iis::edit::add_binding(&decoded.text, "Default Web Site", "https", "*:443:", Some(0))?;
//! let bytes_to_write = sslbind_core::text::encode(&edited, decoded.encoding);
//! # assert_eq!(decoded.encoding, sslbind_core::text::Encoding::Utf16Le);
//! # let written = sslbind_core::text::decode(&bytes_to_write);
//! # assert_eq!(written.encoding, decoded.encoding);
//! # assert!(written.text.contains(r#"<binding protocol="https" bindingInformation="*:443:" sslFlags="0" />"#));
//! # Ok::<(), sslbind_core::iis::EditError>(())
//! ```
//!
//! A file that decoded lossily (`decoded.lossy`) must not be written back: its replaced bytes
//! would be lost.
//!
//! # Where new text goes
//!
//! - A new `<binding protocol="…" bindingInformation="…" />` (with ` sslFlags="N"` when given)
//!   becomes a new line after the last `<binding>` or `<clear/>` of the site's first
//!   `<bindings>`, indented like that sibling's line and ended like it (CRLF or LF).
//! - Into a `<bindings>` without bindings it goes on a line of its own before `</bindings>`,
//!   indented one unit deeper than `</bindings>`. The unit is the step from the site's line to
//!   its first child's line, else from the `<sites>` line to the site's, else a tab when most
//!   indented lines of the document start with a tab, else four spaces. A self-closing
//!   `<bindings />` (or `<bindings></bindings>` alone on its line) becomes an open/close pair
//!   over three lines; inside a line with other markup the new element goes just before
//!   `</bindings>` instead.
//! - A site without `<bindings>` gets one as its first child line.
//! - When the last binding shares its line with more markup (a site written on one line, or a
//!   comment after the binding), the new element goes right after it on the same line, with no
//!   line break and no space; removing it again gives back the original text.
//!
//! Removing an element alone on its line(s) (only spaces or tabs before it on its first line
//! and after it on its last) removes those whole lines with their line ending; otherwise just
//! the element's bytes go. Neighbouring comments always stay.
//!
//! ## Limitations
//!
//! Things these edits do not preserve or do not do:
//!
//! - New elements and attributes are always written in one style: double quotes and
//!   `<binding protocol="…" bindingInformation="…" sslFlags="…" />`, whatever quoting and
//!   spacing the neighbours use. Trailing whitespace after the sibling that is copied for
//!   indentation is not copied.
//! - A changed attribute value is written whole: character and entity references in the old
//!   value (`&#58;`, `&amp;`) are not kept, and the new value is escaped (`&amp;`, `&lt;`, the
//!   quote character as `&quot;` or `&apos;`, and tab, CR and LF as `&#9;`, `&#13;`, `&#10;`
//!   so they read back as themselves instead of as spaces). An unchanged value keeps its bytes.
//! - Adding then removing a binding restores the text byte for byte except when the add had
//!   to create structure: a `<bindings />` or `<site … />` that was self-closing, a missing
//!   `<bindings>`, or an empty `<bindings></bindings>` on a line of its own. Removal then leaves
//!   the created (empty) `<bindings>` pair, as removing the last binding always does.
//! - Inline insertions (one-line sites, a binding followed by a comment on its line) put no
//!   space or line break before the new element.
//! - Removing an element that shares its line with other markup leaves the whitespace around
//!   it, and removing a site leaves its `<location path="…">` sections, its application pool
//!   and anything else that refers to it by name.
//! - Duplicate bindings (same protocol and information, which IIS refuses) are all removed or
//!   all changed by one call. A second `<bindings>` element in a site (also refused by IIS) is
//!   searched, but new bindings go into the first.
//! - Bindings of `<siteDefaults>` are not sites' bindings and cannot be edited here.
//! - The site at the root of a fragment (a file holding one `<site>` element) cannot be
//!   removed: nothing would be left of the document ([`EditError::RootSite`]).
//! - Values are not checked against the `bindingInformation` grammar (use
//!   [`crate::iis::parse_binding_information`]); only empty keys, a non-numeric `sslFlags`,
//!   characters XML 1.0 cannot hold and attribute names that are not plain XML names are
//!   refused.
//! - A line ends at LF; a lone CR (classic Mac OS) is not a line ending.
//! - [`EditError::Xml`] names the file `applicationHost.config`, since the functions are not
//!   told its path; callers replace `location.path`.

use std::ops::Range;
use std::sync::Arc;

use roxmltree::{Document, Node, ParsingOptions};

use crate::SourceError;
use crate::iis::config::site_nodes;
use crate::iis::read_config;
use crate::text;

/// The file name [`EditError::Xml`] locations carry.
const SOURCE_NAME: &str = "applicationHost.config";

/// Why an edit was refused. The text is never changed when an error is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// The text is not well-formed XML (or has a DTD), with the same message
    /// [`crate::iis::read_config`] gives; the location's path is `applicationHost.config`.
    #[error(transparent)]
    Xml(SourceError),
    /// No site has this name (compared without case).
    #[error("no site is named `{site}`")]
    SiteNotFound {
        /// The name asked for.
        site: String,
    },
    /// More than one site has this name when case is ignored.
    #[error("{count} sites are named `{site}` (names compared without case)")]
    SiteAmbiguous {
        /// The name asked for.
        site: String,
        /// How many sites match.
        count: usize,
    },
    /// The site has no binding with this protocol and information.
    #[error("site `{site}` has no {protocol} binding `{information}`")]
    BindingNotFound {
        /// The site name asked for.
        site: String,
        /// The protocol asked for.
        protocol: String,
        /// The `bindingInformation` asked for.
        information: String,
    },
    /// The site already has a binding with this protocol and information; adding it again is a
    /// no-op for most callers.
    #[error("site `{site}` already has a {protocol} binding `{information}`")]
    BindingExists {
        /// The site name asked for.
        site: String,
        /// The protocol of the existing binding's key.
        protocol: String,
        /// The `bindingInformation` of the existing binding's key.
        information: String,
    },
    /// The site is the root element of a fragment: removing it would leave no document.
    #[error(
        "site `{site}` is the root element of this file (a fragment holding one site): removing it would leave no document"
    )]
    RootSite {
        /// The site name asked for.
        site: String,
    },
    /// A value or attribute name that cannot be written.
    #[error("invalid {attribute} `{value}`: {reason}")]
    InvalidValue {
        /// The attribute being written.
        attribute: String,
        /// The refused value (or attribute name).
        value: String,
        /// Why, as a sentence fragment.
        reason: String,
    },
}

/// Adds `<binding protocol="…" bindingInformation="…" />` (with ` sslFlags="N"` when
/// `ssl_flags` is given) to `site`, after its last binding; see the module docs for where
/// exactly it goes.
///
/// Fails with [`EditError::BindingExists`] when the site already has the binding (protocol and
/// information compared without case), and with [`EditError::InvalidValue`] for an empty
/// protocol or information or characters XML cannot hold.
pub fn add_binding(
    text: &str,
    site: &str,
    protocol: &str,
    information: &str,
    ssl_flags: Option<u32>,
) -> Result<String, EditError> {
    check_key("protocol", protocol)?;
    check_key("bindingInformation", information)?;
    let document = parse(text)?;
    let site_node = find_site(&document, site)?;
    if bindings(site_node).any(|binding| has_key(binding, protocol, information)) {
        return Err(EditError::BindingExists {
            site: site.to_owned(),
            protocol: protocol.to_owned(),
            information: information.to_owned(),
        });
    }
    let mut element = format!(
        "<binding protocol=\"{}\" bindingInformation=\"{}\"",
        escape(protocol, '"'),
        escape(information, '"')
    );
    if let Some(flags) = ssl_flags {
        element.push_str(&format!(" sslFlags=\"{flags}\""));
    }
    element.push_str(" />");
    let splice = insertion(text, site_node, &element);
    Ok(apply(text, vec![splice]))
}

/// Removes the binding with this protocol and information (compared without case) from
/// `site`: whole lines when it is alone on them, else only its bytes.
///
/// Duplicates (which IIS refuses) are all removed. Removing the last binding leaves the
/// `<bindings>` element, empty. Fails with [`EditError::BindingNotFound`] when there is none.
pub fn remove_binding(
    text: &str,
    site: &str,
    protocol: &str,
    information: &str,
) -> Result<String, EditError> {
    let document = parse(text)?;
    let site_node = find_site(&document, site)?;
    let splices: Vec<Splice> = bindings(site_node)
        .filter(|binding| has_key(*binding, protocol, information))
        .map(|binding| removal(text, binding.range()))
        .collect();
    if splices.is_empty() {
        return Err(not_found(site, protocol, information));
    }
    Ok(apply(text, splices))
}

/// Removes only the `occurrence`-th (from 0, in document order) of the bindings of `site`
/// with this protocol and information: the repeat of a binding that `duplicate-binding`
/// reports, leaving the first in place.
///
/// Fails with [`EditError::BindingNotFound`] when the site has no such occurrence.
pub fn remove_binding_occurrence(
    text: &str,
    site: &str,
    protocol: &str,
    information: &str,
    occurrence: usize,
) -> Result<String, EditError> {
    let document = parse(text)?;
    let site_node = find_site(&document, site)?;
    let Some(binding) =
        bindings(site_node).filter(|binding| has_key(*binding, protocol, information)).nth(occurrence)
    else {
        return Err(not_found(site, protocol, information));
    };
    Ok(apply(text, vec![removal(text, binding.range())]))
}

/// Sets `attribute` of the binding with this protocol and information to `value`.
///
/// An existing attribute keeps its place and quote character and only its value's bytes
/// change (nothing at all when the value is already `value`); a missing one is added as
/// ` attribute="value"` after the start tag's last attribute. `sslFlags` must be a decimal
/// number from 0 to 4294967295, `protocol` and `bindingInformation` must not be empty and must
/// not make the binding equal to another binding of the site ([`EditError::BindingExists`]).
pub fn set_binding_attribute(
    text: &str,
    site: &str,
    protocol: &str,
    information: &str,
    attribute: &str,
    value: &str,
) -> Result<String, EditError> {
    check_attribute_name(attribute)?;
    check_representable(attribute, value)?;
    match attribute {
        "sslFlags" => check_u32(attribute, value)?,
        "protocol" | "bindingInformation" => check_key(attribute, value)?,
        _ => {}
    }
    let document = parse(text)?;
    let site_node = find_site(&document, site)?;
    let targets: Vec<Node<'_, '_>> =
        bindings(site_node).filter(|binding| has_key(*binding, protocol, information)).collect();
    if targets.is_empty() {
        return Err(not_found(site, protocol, information));
    }
    let new_key = match attribute {
        "protocol" => Some((value, information)),
        "bindingInformation" => Some((protocol, value)),
        _ => None,
    };
    if let Some((new_protocol, new_information)) = new_key {
        let clash = bindings(site_node).any(|binding| {
            !targets.iter().any(|target| target.id() == binding.id())
                && has_key(binding, new_protocol, new_information)
        });
        if clash {
            return Err(EditError::BindingExists {
                site: site.to_owned(),
                protocol: new_protocol.to_owned(),
                information: new_information.to_owned(),
            });
        }
    }
    let mut splices = Vec::new();
    for target in targets {
        let existing = target
            .attributes()
            .find(|candidate| candidate.namespace().is_none() && candidate.name() == attribute);
        match existing {
            Some(existing) if existing.value() == value => {}
            Some(existing) => {
                let range = existing.range();
                let raw = text.get(range.clone()).unwrap_or_default();
                // A name never holds a quote, so the first quote opens the value and the
                // attribute's range ends with the matching closing quote.
                let (Some(open), Some(quote)) = (raw.find(['"', '\'']), raw.chars().last()) else {
                    continue;
                };
                let value_range =
                    range.start + open + 1..range.end.saturating_sub(1).max(range.start + open + 1);
                splices.push(Splice { range: value_range, text: escape(value, quote) });
            }
            None => {
                let at = target
                    .attributes()
                    .map(|existing| existing.range().end)
                    .max()
                    .unwrap_or_else(|| start_tag(text, target).name_end);
                splices
                    .push(Splice { range: at..at, text: format!(" {attribute}=\"{}\"", escape(value, '"')) });
            }
        }
    }
    Ok(apply(text, splices))
}

/// Removes the whole `<site>` element named `site` (whole lines when it is alone on them),
/// leaving everything else, including `<location>` sections that name it.
pub fn remove_site(text: &str, site: &str) -> Result<String, EditError> {
    let document = parse(text)?;
    let site_node = find_site(&document, site)?;
    if site_node == document.root_element() {
        return Err(EditError::RootSite { site: site.to_owned() });
    }
    Ok(apply(text, vec![removal(text, site_node.range())]))
}

/// Whether `site` has a binding with this protocol and information (compared without case).
///
/// Fails like the edits do when the text does not parse or the site is missing or ambiguous.
pub fn has_binding(text: &str, site: &str, protocol: &str, information: &str) -> Result<bool, EditError> {
    let document = parse(text)?;
    let site_node = find_site(&document, site)?;
    Ok(bindings(site_node).any(|binding| has_key(binding, protocol, information)))
}

// ---------------------------------------------------------------------------------------------
// Finding things

fn parse(text: &str) -> Result<Document<'_>, EditError> {
    let options = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    Document::parse_with_options(text, options).map_err(|error| EditError::Xml(xml_error(text, &error)))
}

/// The reader's own message for the same parse failure, or a plain one with roxmltree's
/// position when the text would not reach the reader unchanged (a leading U+FEFF, or content
/// that looks like BOM-less UTF-16).
fn xml_error(text: &str, error: &roxmltree::Error) -> SourceError {
    let path: Arc<str> = Arc::from(SOURCE_NAME);
    if text::decode(text.as_bytes()).text == text
        && let Err(reader_error) = read_config(&path, text.as_bytes(), None)
    {
        return reader_error;
    }
    let position = error.pos();
    SourceError::new(&path, position.row.max(1), position.col.max(1), format!("malformed XML: {error}"))
}

fn is_element(node: &Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

/// The one site named `name`, compared without case.
fn find_site<'a, 'input>(document: &'a Document<'input>, name: &str) -> Result<Node<'a, 'input>, EditError> {
    let mut matches = site_nodes(document)
        .into_iter()
        .filter(|site| same_text(site.attribute("name").unwrap_or_default(), name));
    let Some(first) = matches.next() else {
        return Err(EditError::SiteNotFound { site: name.to_owned() });
    };
    let others = matches.count();
    if others > 0 {
        return Err(EditError::SiteAmbiguous { site: name.to_owned(), count: others + 1 });
    }
    Ok(first)
}

/// The `<binding>` elements of every `<bindings>` of `site`, in document order.
fn bindings<'a, 'input>(site: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    site.children()
        .filter(|child| is_element(child, "bindings"))
        .flat_map(|collection| collection.children().filter(|child| is_element(child, "binding")))
}

fn has_key(binding: Node<'_, '_>, protocol: &str, information: &str) -> bool {
    same_text(binding.attribute("protocol").unwrap_or_default(), protocol)
        && same_text(binding.attribute("bindingInformation").unwrap_or_default(), information)
}

/// Equal when case is ignored (Unicode lower case, as Windows compares names).
fn same_text(left: &str, right: &str) -> bool {
    left.chars().flat_map(char::to_lowercase).eq(right.chars().flat_map(char::to_lowercase))
}

fn not_found(site: &str, protocol: &str, information: &str) -> EditError {
    EditError::BindingNotFound {
        site: site.to_owned(),
        protocol: protocol.to_owned(),
        information: information.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Checking and escaping values

fn invalid(attribute: &str, value: &str, reason: impl Into<String>) -> EditError {
    EditError::InvalidValue {
        attribute: attribute.to_owned(),
        value: value.to_owned(),
        reason: reason.into(),
    }
}

/// `protocol` and `bindingInformation` are the collection's key: required and non-empty.
fn check_key(attribute: &str, value: &str) -> Result<(), EditError> {
    if value.is_empty() {
        return Err(invalid(attribute, value, "must not be empty (IIS requires it)"));
    }
    check_representable(attribute, value)
}

/// XML 1.0 cannot hold most C0 controls, U+FFFE or U+FFFF, not even as references.
fn check_representable(attribute: &str, value: &str) -> Result<(), EditError> {
    let bad = value.chars().find(|&character| {
        (character < ' ' && !matches!(character, '\t' | '\n' | '\r'))
            || matches!(character, '\u{FFFE}' | '\u{FFFF}')
    });
    match bad {
        Some(character) => Err(invalid(
            attribute,
            value,
            format!("contains U+{:04X}, which XML 1.0 cannot hold", u32::from(character)),
        )),
        None => Ok(()),
    }
}

fn check_u32(attribute: &str, value: &str) -> Result<(), EditError> {
    if value.is_empty() || !value.bytes().all(|byte| byte.is_ascii_digit()) || value.parse::<u32>().is_err() {
        return Err(invalid(attribute, value, "must be a decimal number from 0 to 4294967295"));
    }
    Ok(())
}

/// A plain XML name without a namespace prefix, as IIS's schema names attributes.
fn check_attribute_name(name: &str) -> Result<(), EditError> {
    let mut characters = name.chars();
    let valid_start = characters.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_');
    let valid_rest = characters.all(|next| next.is_ascii_alphanumeric() || matches!(next, '_' | '-' | '.'));
    if !valid_start || !valid_rest || name.to_ascii_lowercase().starts_with("xml") {
        return Err(invalid(
            "attribute name",
            name,
            "must be a plain XML name (ASCII letters, digits, `_`, `-`, `.`; no prefix)",
        ));
    }
    Ok(())
}

/// `value` as the text of an attribute quoted with `quote`.
fn escape(value: &str, quote: char) -> String {
    let mut escaped = String::with_capacity(value.len());
    for character in value.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '"' if quote == '"' => escaped.push_str("&quot;"),
            '\'' if quote == '\'' => escaped.push_str("&apos;"),
            // Raw whitespace other than a space is read back as a space (attribute value
            // normalisation); a reference keeps it.
            '\t' => escaped.push_str("&#9;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            other => escaped.push(other),
        }
    }
    escaped
}

// ---------------------------------------------------------------------------------------------
// Layout: lines, indentation, tags

/// One replacement of a byte range of the original text.
struct Splice {
    range: Range<usize>,
    text: String,
}

impl Splice {
    fn insert(at: usize, text: String) -> Splice {
        Splice { range: at..at, text }
    }
}

/// The text with every splice made; splices never overlap.
fn apply(text: &str, mut splices: Vec<Splice>) -> String {
    splices.sort_by_key(|splice| (splice.range.start, splice.range.end));
    let mut out =
        String::with_capacity(text.len() + splices.iter().map(|splice| splice.text.len()).sum::<usize>());
    let mut copied = 0;
    for splice in splices {
        let start = splice.range.start.max(copied);
        out.push_str(text.get(copied..start).unwrap_or_default());
        out.push_str(&splice.text);
        copied = splice.range.end.max(start);
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

fn is_blank(text: &str) -> bool {
    text.bytes().all(|byte| matches!(byte, b' ' | b'\t' | b'\r'))
}

fn line_start(text: &str, at: usize) -> usize {
    text.get(..at).and_then(|before| before.rfind('\n')).map_or(0, |newline| newline + 1)
}

/// The index of the `\n` ending the line that holds `at`.
fn line_end(text: &str, at: usize) -> Option<usize> {
    text.get(at..).and_then(|after| after.find('\n')).map(|newline| at + newline)
}

/// Only spaces or tabs between the start of its line and `at`.
fn first_on_line(text: &str, at: usize) -> bool {
    text.get(line_start(text, at)..at).is_some_and(is_blank)
}

/// The spaces and tabs that start the line holding `at`.
fn indentation(text: &str, at: usize) -> &str {
    let start = line_start(text, at);
    let line = text.get(start..).unwrap_or_default();
    let length = line.bytes().take_while(|byte| matches!(byte, b' ' | b'\t')).count();
    line.get(..length).unwrap_or_default()
}

/// The line ending of the line holding `at`, else the document's first, else CRLF (what IIS
/// writes).
fn line_ending_at(text: &str, at: usize) -> &'static str {
    let newline = line_end(text, at).or_else(|| text.find('\n'));
    match newline {
        Some(newline) if newline > 0 && text.as_bytes().get(newline - 1) == Some(&b'\r') => "\r\n",
        Some(_) => "\n",
        None => "\r\n",
    }
}

/// One level of indentation: the step from the site's line to its first child's line, else
/// from the `<sites>` line to the site's, else a tab when most indented lines start with one,
/// else four spaces.
fn indent_unit(text: &str, site: Node<'_, '_>) -> String {
    let child = site.children().find(Node::is_element);
    let pairs = [child.map(|child| (site, child)), site.parent_element().map(|parent| (parent, site))];
    for (outer, inner) in pairs.into_iter().flatten() {
        let (outer, inner) = (outer.range().start, inner.range().start);
        if first_on_line(text, outer) && first_on_line(text, inner) {
            let step = indentation(text, inner).strip_prefix(indentation(text, outer));
            if let Some(step) = step.filter(|step| !step.is_empty()) {
                return step.to_owned();
            }
        }
    }
    let (tabs, spaces) =
        text.lines().fold((0usize, 0usize), |(tabs, spaces), line| match line.bytes().next() {
            Some(b'\t') => (tabs + 1, spaces),
            Some(b' ') => (tabs, spaces + 1),
            _ => (tabs, spaces),
        });
    if tabs > spaces { "\t".to_owned() } else { "    ".to_owned() }
}

/// Whether the element in `range` is alone on its line(s).
fn alone_on_lines(text: &str, range: &Range<usize>) -> bool {
    first_on_line(text, range.start)
        && match line_end(text, range.end) {
            Some(newline) => text.get(range.end..newline).is_some_and(is_blank),
            None => text.get(range.end..).is_some_and(is_blank),
        }
}

/// Where an element's start tag ends.
struct StartTag {
    /// Just after the element's qualified name.
    name_end: usize,
    /// Just after the last attribute, else after the name: where `>` or `/>` can be rewritten.
    content_end: usize,
    /// The `>` closing the start tag.
    close: usize,
    /// Whether the start tag is `… />`.
    self_closing: bool,
}

fn start_tag(text: &str, node: Node<'_, '_>) -> StartTag {
    let start = node.range().start;
    let rest = text.get(start..node.range().end).unwrap_or_default();
    let name_length = rest
        .char_indices()
        .skip(1)
        .find(|(_, character)| character.is_whitespace() || matches!(character, '/' | '>'))
        .map_or(rest.len(), |(index, _)| index);
    let name_end = start + name_length;
    let content_end =
        node.attributes().map(|attribute| attribute.range().end).max().unwrap_or(name_end).max(name_end);
    // The first `>` outside quotes (a namespace declaration's value may hold one).
    let mut quote = None;
    let mut close = node.range().end.saturating_sub(1);
    for (index, character) in text.get(content_end..node.range().end).unwrap_or_default().char_indices() {
        match (quote, character) {
            (None, '"' | '\'') => quote = Some(character),
            (Some(open), _) if open == character => quote = None,
            (None, '>') => {
                close = content_end + index;
                break;
            }
            _ => {}
        }
    }
    let self_closing = close > 0 && text.as_bytes().get(close - 1) == Some(&b'/');
    StartTag { name_end, content_end, close, self_closing }
}

/// The qualified name as written in the start tag.
fn qname<'t>(text: &'t str, node: Node<'_, '_>, tag: &StartTag) -> &'t str {
    text.get(node.range().start + 1..tag.name_end).unwrap_or("bindings")
}

/// Where the end tag of a non-self-closing element starts.
fn end_tag_start(text: &str, node: Node<'_, '_>) -> usize {
    let range = node.range();
    text.get(range.clone()).and_then(|raw| raw.rfind("</")).map_or(range.end, |index| range.start + index)
}

// ---------------------------------------------------------------------------------------------
// Insertions and removals

/// Where and how a new binding `element` goes into `site`.
fn insertion(text: &str, site: Node<'_, '_>, element: &str) -> Splice {
    let Some(collection) = site.children().find(|child| is_element(child, "bindings")) else {
        return new_bindings(text, site, element);
    };
    let last =
        collection.children().rev().find(|child| is_element(child, "binding") || is_element(child, "clear"));
    match last {
        Some(sibling) => after_sibling(text, site, collection, sibling, element),
        None => into_empty(text, site, collection, element),
    }
}

/// A new line after `sibling`'s line, or inline right after it when markup follows it.
fn after_sibling(
    text: &str,
    site: Node<'_, '_>,
    collection: Node<'_, '_>,
    sibling: Node<'_, '_>,
    element: &str,
) -> Splice {
    let range = sibling.range();
    match line_end(text, range.end) {
        Some(newline) if text.get(range.end..newline).is_some_and(is_blank) => {
            let indent = if first_on_line(text, range.start) {
                indentation(text, range.start).to_owned()
            } else if line_start(text, collection.range().start) == line_start(text, range.start) {
                // `<bindings><clear />` on one line: one unit deeper than `<bindings>`.
                format!("{}{}", indentation(text, range.start), indent_unit(text, site))
            } else {
                indentation(text, range.start).to_owned()
            };
            let ending = line_ending_at(text, range.end);
            Splice::insert(newline + 1, format!("{indent}{element}{ending}"))
        }
        _ => Splice::insert(range.end, element.to_owned()),
    }
}

/// Into a `<bindings>` that has no binding or `<clear/>`.
fn into_empty(text: &str, site: Node<'_, '_>, collection: Node<'_, '_>, element: &str) -> Splice {
    let range = collection.range();
    let tag = start_tag(text, collection);
    let alone = alone_on_lines(text, &range);
    let indent = indentation(text, range.start);
    let unit = indent_unit(text, site);
    let ending = line_ending_at(text, range.start);
    if tag.self_closing {
        let name = qname(text, collection, &tag);
        let replacement = if alone {
            format!(">{ending}{indent}{unit}{element}{ending}{indent}</{name}>")
        } else {
            format!(">{element}</{name}>")
        };
        return Splice { range: tag.content_end..range.end, text: replacement };
    }
    let close = end_tag_start(text, collection);
    let close_line = line_start(text, close);
    if close_line > tag.close && first_on_line(text, close) {
        // `</bindings>` starts its own line: the new line goes just before it.
        let indent = indentation(text, close);
        let ending =
            if text.get(..close_line).is_some_and(|before| before.ends_with("\r\n")) { "\r\n" } else { "\n" };
        return Splice::insert(close_line, format!("{indent}{unit}{element}{ending}"));
    }
    if alone {
        // `<bindings></bindings>` on a line of its own: open it up over three lines.
        let content = text.get(tag.close + 1..close).unwrap_or_default();
        let trailing = content.len() - content.trim_end_matches([' ', '\t']).len();
        return Splice {
            range: close - trailing..close,
            text: format!("{ending}{indent}{unit}{element}{ending}{indent}"),
        };
    }
    Splice::insert(close, element.to_owned())
}

/// A new `<bindings>` as the first child line of `site`.
fn new_bindings(text: &str, site: Node<'_, '_>, element: &str) -> Splice {
    let range = site.range();
    let tag = start_tag(text, site);
    let unit = indent_unit(text, site);
    let site_indent = indentation(text, range.start);
    let ending = line_ending_at(text, tag.close);
    if tag.self_closing {
        let name = qname(text, site, &tag);
        let replacement = if alone_on_lines(text, &range) {
            let inner = format!("{site_indent}{unit}");
            format!(
                ">{ending}{inner}<bindings>{ending}{inner}{unit}{element}{ending}{inner}</bindings>{ending}{site_indent}</{name}>"
            )
        } else {
            format!("><bindings>{element}</bindings></{name}>")
        };
        return Splice { range: tag.content_end..range.end, text: replacement };
    }
    match line_end(text, tag.close) {
        Some(newline) if text.get(tag.close + 1..newline).is_some_and(is_blank) => {
            let first_child = site.children().find(Node::is_element).map(|child| child.range().start);
            let inner = match first_child.filter(|&child| first_on_line(text, child)) {
                Some(child) => indentation(text, child).to_owned(),
                None => format!("{site_indent}{unit}"),
            };
            Splice::insert(
                newline + 1,
                format!("{inner}<bindings>{ending}{inner}{unit}{element}{ending}{inner}</bindings>{ending}"),
            )
        }
        _ => Splice::insert(tag.close + 1, format!("<bindings>{element}</bindings>")),
    }
}

/// Removes the element in `range`: its whole lines when it is alone on them, else its bytes.
fn removal(text: &str, range: Range<usize>) -> Splice {
    if first_on_line(text, range.start) {
        let start = line_start(text, range.start);
        match line_end(text, range.end) {
            Some(newline) if text.get(range.end..newline).is_some_and(is_blank) => {
                return Splice { range: start..newline + 1, text: String::new() };
            }
            None if text.get(range.end..).is_some_and(is_blank) => {
                // The last line has no line ending: take the previous line's instead.
                let before = text.get(..start).unwrap_or_default();
                let start = before
                    .strip_suffix('\n')
                    .map_or(start, |rest| rest.strip_suffix('\r').unwrap_or(rest).len());
                return Splice { range: start..text.len(), text: String::new() };
            }
            _ => {}
        }
    }
    Splice { range, text: String::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_quote() {
        assert_eq!(escape("a&b<c\"d'e", '"'), "a&amp;b&lt;c&quot;d'e");
        assert_eq!(escape("a&b<c\"d'e", '\''), "a&amp;b&lt;c\"d&apos;e");
        assert_eq!(escape("\t\r\n>", '"'), "&#9;&#13;&#10;>");
    }

    #[test]
    fn splices_apply_in_order() {
        let splices = vec![Splice { range: 4..5, text: "X".to_owned() }, Splice::insert(0, "<".to_owned())];
        assert_eq!(apply("abcdef", splices), "<abcdXf");
        assert_eq!(apply("abc", Vec::new()), "abc");
    }

    #[test]
    fn removal_at_the_end_without_a_line_ending_takes_the_previous_one() {
        let text = "a\r\n  <b/>";
        let splice = removal(text, 5..text.len());
        assert_eq!(apply(text, vec![splice]), "a");
    }

    #[test]
    fn attribute_names_are_plain() {
        assert!(check_attribute_name("sslFlags").is_ok());
        for bad in ["", "1a", "a b", "x:y", "xmlns", "a\"", "a>"] {
            assert!(check_attribute_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn numbers_are_digits_only() {
        assert!(check_u32("sslFlags", "4294967295").is_ok());
        for bad in ["", "+1", "-1", " 1", "4294967296", "0x1"] {
            assert!(check_u32("sslFlags", bad).is_err(), "{bad:?}");
        }
    }
}
