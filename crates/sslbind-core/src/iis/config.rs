//! Reading the sites and bindings out of one `applicationHost.config`.
//!
//! The file is decoded the way every text source is (BOM first, so a UTF-16 file whose XML
//! declaration still says `utf-8` reads correctly), then parsed by roxmltree with DTDs
//! refused: applicationHost.config never has one, and entities are the one way a small file
//! becomes a huge one. Only `<site>` elements of a `<sites>` collection directly under
//! `<system.applicationHost>` are sites; the same element names appear elsewhere (WCF's
//! `<bindings>`, `<siteDefaults>`) with other meanings.
//!
//! Users also save and paste parts of the file: a `<system.applicationHost>` section, the
//! `<sites>` collection, or one `<site>` element. Such a fragment's sites are read (a root
//! `<sites>` or `<site>` counts as the real thing, since nothing else in IIS's schema has that
//! name at the top), with a warning that the rest of the server's configuration is not there;
//! a fragment with neither a site nor a `<sites>` collection in it is refused, so that it never
//! reads as a server without bindings.
//!
//! Positions are one-based lines and columns in characters of the decoded text, the same for
//! every encoding, so a message points at the same place whatever the file was saved as.

use std::sync::Arc;

use roxmltree::{Attribute, Document, Node, ParsingOptions};

use crate::iis::binding_info::parse_binding_information;
use crate::iis::position::Positions;
use crate::model::{Binding, BindingAddress, BindingEndpoint, ConfigFile, ServerFlavor, Site, SslFlags};
use crate::text::{self, Encoding, line_column};
use crate::{Location, Origin, SourceError, SourceWarning};

/// What [`read_config`] found: the config and the soft problems met on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigRead {
    /// The sites and bindings.
    pub config: ConfigFile,
    /// Problems that did not stop the reading, in document order.
    pub warnings: Vec<SourceWarning>,
}

/// Reads one applicationHost.config. `path` is the name used in messages.
///
/// `flavor` overrides [`detect_flavor`]. Fails on malformed XML, on a DTD and on an
/// `sslFlags` that is not an unsigned 32-bit number (IIS refuses such a file too); an http or
/// https binding whose `bindingInformation` does not parse is kept as
/// [`BindingEndpoint::Invalid`], for [`invalid_binding_errors`] or the caller to judge.
pub fn read_config(
    path: &Arc<str>,
    bytes: &[u8],
    flavor: Option<ServerFlavor>,
) -> Result<ConfigRead, SourceError> {
    // Valid UTF-8 (nearly every config) is parsed where it lies instead of copied.
    let owned;
    let (text, lossy_encoding) = match text::as_utf8(bytes) {
        Some((text, _)) => (text, None),
        None => {
            owned = text::decode(bytes);
            (owned.text.as_str(), owned.lossy.then_some(owned.encoding))
        }
    };
    let mut warnings = Vec::new();
    if let Some(encoding) = lossy_encoding {
        // The first replacement character is the best guess at where the damage is.
        let offset = text.find(char::REPLACEMENT_CHARACTER).unwrap_or(text.len());
        let (line, column) = line_column(text, offset);
        warnings.push(SourceWarning {
            location: Location::new(path, line, column),
            message: format!(
                "not valid {}: undecodable bytes were replaced with U+FFFD",
                encoding_name(encoding)
            ),
        });
    }
    let options = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    let document =
        Document::parse_with_options(text, options).map_err(|error| xml_error(path, text, &error))?;
    let mut reader = Reader { path, text, positions: Positions::new(text), warnings };
    let nodes = site_nodes(&document);
    let root = document.root_element();
    if !is_element(&root, "configuration") {
        let location = reader.location(root.range().start);
        let name = root.tag_name().name();
        let has_collection =
            is_element(&root, "sites") || document.descendants().any(|node| is_sites_collection(&node));
        if nodes.is_empty() && !has_collection {
            let what = if matches!(name, "bindings" | "binding") {
                "bindings without their `<site>` element, whose name and id they need"
            } else {
                "no `<site>` element under a `<sites>` collection"
            };
            return Err(SourceError::at(
                location,
                format!(
                    "not a whole applicationHost.config but a fragment rooted at `<{name}>`, with {what}: there are no sites to read; give the whole file (%windir%\\System32\\inetsrv\\config\\applicationHost.config, or IIS Express's), or a fragment rooted at `<configuration>`, `<system.applicationHost>`, `<sites>` or `<site>`"
                ),
            ));
        }
        let sites = match nodes.len() {
            0 => "its `<sites>` collection holds no site".to_owned(),
            1 => "its site is read".to_owned(),
            count => format!("its {count} sites are read"),
        };
        reader.warn(
            &location,
            format!(
                "a fragment rooted at `<{name}>`, not a whole applicationHost.config: {sites}, and the rest of the server's configuration is unknown"
            ),
        );
    } else if !document.descendants().any(|node| is_element(&node, "system.applicationHost")) {
        let location = reader.location(root.range().start);
        reader.warn(
            &location,
            "`<configuration>` without a `<system.applicationHost>` section: not an applicationHost.config (a web.config, or another program's?); no sites read".to_owned(),
        );
    }
    let mut sites = Vec::new();
    for site in nodes {
        sites.push(reader.site(site)?);
    }
    Ok(ConfigRead {
        config: ConfigFile {
            path: Arc::clone(path),
            flavor: flavor.unwrap_or_else(|| detect_flavor(text)),
            sites,
        },
        warnings: reader.warnings,
    })
}

/// IIS Express or IIS, from the config's markers.
///
/// IIS Express's template mentions `%IIS_USER_HOME%` and `%IIS_BIN%` (its per-user home and
/// install folder) and names itself; full IIS configs have none of these. Case is ignored.
pub fn detect_flavor(text: &str) -> ServerFlavor {
    const MARKERS: [&[u8]; 4] = [b"%iis_user_home%", b"%iis_bin%", b"iisexpress", b"iis express"];
    let bytes = text.as_bytes();
    // Every marker starts with `%` or `i`, so most positions are rejected by one comparison
    // and a 100 MB file is still one quick pass.
    let found = bytes.iter().enumerate().any(|(start, byte)| {
        matches!(byte, b'%' | b'i' | b'I')
            && MARKERS.iter().any(|marker| {
                bytes
                    .get(start..start + marker.len())
                    .is_some_and(|window| window.eq_ignore_ascii_case(marker))
            })
    });
    if found { ServerFlavor::IisExpress } else { ServerFlavor::Iis }
}

/// One [`SourceError`] (file:line:column of the bindingInformation value) for every http/https
/// binding whose end point is [`BindingEndpoint::Invalid`], in document order.
pub fn invalid_binding_errors(config: &ConfigFile) -> Vec<SourceError> {
    config
        .sites
        .iter()
        .flat_map(|site| {
            site.bindings.iter().filter_map(move |binding| {
                let BindingEndpoint::Invalid { reason } = &binding.endpoint else {
                    return None;
                };
                if !binding.is_http_family() {
                    return None;
                }
                let location =
                    binding.origin.location().cloned().unwrap_or_else(|| Location::new(&config.path, 1, 1));
                Some(SourceError::at(
                    location,
                    format!(
                        "invalid {} binding `{}` of site `{}`: {reason}",
                        binding.protocol, binding.information, site.name
                    ),
                ))
            })
        })
        .collect()
}

/// The walk over one parsed document; owns the position cursor and the warnings.
struct Reader<'a> {
    path: &'a Arc<str>,
    text: &'a str,
    positions: Positions<'a>,
    warnings: Vec<SourceWarning>,
}

impl Reader<'_> {
    fn location(&mut self, offset: usize) -> Location {
        let (line, column) = self.positions.at(offset);
        Location::new(self.path, line, column)
    }

    fn warn(&mut self, location: &Location, message: String) {
        self.warnings.push(SourceWarning { location: location.clone(), message });
    }

    fn site(&mut self, node: Node<'_, '_>) -> Result<Site, SourceError> {
        let location = self.location(node.range().start);
        let name = match node.attribute("name") {
            Some(name) => name.to_owned(),
            None => {
                self.warn(&location, "site without a `name` attribute, read with an empty name".to_owned());
                String::new()
            }
        };
        let id = match node.attribute("id") {
            Some(id) => {
                let parsed = parse_u32(id);
                if parsed.is_none() {
                    self.warn(
                        &location,
                        format!(
                            "site `{name}` has id `{id}`, which is not a number from 0 to 4294967295; read without an id"
                        ),
                    );
                }
                parsed
            }
            None => {
                self.warn(&location, format!("site `{name}` has no `id` attribute; read without an id"));
                None
            }
        };
        let mut bindings = Vec::new();
        let mut bindings_cleared = false;
        let collections = node.children().filter(|child| is_element(child, "bindings"));
        for (index, collection) in collections.enumerate() {
            if index > 0 {
                let location = self.location(collection.range().start);
                self.warn(
                    &location,
                    format!("site `{name}` has a second `<bindings>` element, which IIS refuses; its bindings are read too"),
                );
            }
            for child in collection.children().filter(Node::is_element) {
                match child.tag_name().name() {
                    "binding" => bindings.push(self.binding(child, &name)?),
                    "clear" => bindings_cleared = true,
                    other => {
                        let location = self.location(child.range().start);
                        self.warn(
                            &location,
                            format!(
                                "`<{other}>` in the bindings of site `{name}` is not a binding (only `<binding>` and `<clear/>` are allowed); ignored"
                            ),
                        );
                    }
                }
            }
        }
        Ok(Site { name, id, bindings, bindings_cleared, origin: Origin::File(location) })
    }

    fn binding(&mut self, node: Node<'_, '_>, site: &str) -> Result<Binding, SourceError> {
        let information_attribute = plain_attribute(node, "bindingInformation");
        let start = information_attribute
            .as_ref()
            .map_or(node.range().start, |attribute| value_start(self.text, attribute));
        let location = self.location(start);
        let protocol = node.attribute("protocol");
        let information = information_attribute.as_ref().map(Attribute::value);
        let ssl_flags = match plain_attribute(node, "sslFlags") {
            None => SslFlags::empty(),
            Some(attribute) => match parse_u32(attribute.value()) {
                Some(flags) => SslFlags::from_bits_retain(flags),
                None => {
                    let (line, column) = line_column(self.text, value_start(self.text, &attribute));
                    return Err(SourceError::new(
                        self.path,
                        line,
                        column,
                        format!(
                            "sslFlags `{}` of a binding of site `{site}` is not a number from 0 to 4294967295 (IIS refuses such a config too)",
                            attribute.value()
                        ),
                    ));
                }
            },
        };
        let endpoint = match (protocol, information) {
            (Some(protocol), Some(information)) => parse_binding_information(protocol, information),
            (Some(protocol), None) => {
                self.warn(
                    &location,
                    format!("`{protocol}` binding of site `{site}` has no `bindingInformation` attribute; kept with an empty one"),
                );
                if is_http_family(protocol) {
                    BindingEndpoint::Invalid {
                        reason: "the bindingInformation attribute is missing".to_owned(),
                    }
                } else {
                    BindingEndpoint::Opaque
                }
            }
            (None, information) => {
                self.warn(
                    &location,
                    format!(
                        "binding `{}` of site `{site}` has no `protocol` attribute; kept with an empty protocol",
                        information.unwrap_or_default()
                    ),
                );
                BindingEndpoint::Opaque
            }
        };
        if let BindingEndpoint::Http(endpoint) = &endpoint
            && endpoint.address == BindingAddress::Empty
        {
            self.warn(
                &location,
                format!(
                    "binding `{}` of site `{site}` has an empty address, treated as all unassigned `*`",
                    information.unwrap_or_default()
                ),
            );
        }
        Ok(Binding {
            protocol: protocol.unwrap_or_default().to_owned(),
            information: information.unwrap_or_default().to_owned(),
            ssl_flags,
            endpoint,
            origin: Origin::File(location),
        })
    }
}

fn is_http_family(protocol: &str) -> bool {
    protocol.eq_ignore_ascii_case("http") || protocol.eq_ignore_ascii_case("https")
}

fn is_element(node: &Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

fn is_sites_collection(node: &Node<'_, '_>) -> bool {
    is_element(node, "sites")
        && node.parent_element().is_some_and(|parent| is_element(&parent, "system.applicationHost"))
}

/// The `<site>` elements of a document, in document order: the children of every `<sites>`
/// collection directly under `<system.applicationHost>`, or in a fragment saved on its own, the
/// children of a root `<sites>` or the root `<site>` itself. The reader and the editor both
/// use this, so that what is read is what can be edited.
pub(crate) fn site_nodes<'a, 'input>(document: &'a Document<'input>) -> Vec<Node<'a, 'input>> {
    let root = document.root_element();
    if is_element(&root, "site") {
        return vec![root];
    }
    let sites = |collection: Node<'a, 'input>| collection.children().filter(|node| is_element(node, "site"));
    if is_element(&root, "sites") {
        return sites(root).collect();
    }
    document.descendants().filter(is_sites_collection).flat_map(sites).collect()
}

/// The attribute without a namespace prefix, as IIS's schema names it.
fn plain_attribute<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Attribute<'a, 'input>> {
    node.attributes().find(|attribute| attribute.namespace().is_none() && attribute.name() == name)
}

/// Byte offset where an attribute's value text starts, just after its opening quote.
///
/// Found from the attribute's own range rather than roxmltree's `range_value`, which is only
/// approximate when many spaces surround the `=`; a name never holds a quote, so the first
/// quote in the range is the opening one.
fn value_start(text: &str, attribute: &Attribute<'_, '_>) -> usize {
    let range = attribute.range();
    text.get(range.clone())
        .and_then(|raw| raw.find(['"', '\'']))
        .map_or(range.start, |quote| range.start + quote + 1)
}

/// A decimal `uint` as IIS's schema types it: digits only, surrounding whitespace allowed.
fn parse_u32(value: &str) -> Option<u32> {
    let digits = value.trim();
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn encoding_name(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => "UTF-8",
        Encoding::Utf16Le | Encoding::Utf16LeNoBom => "UTF-16 LE",
        Encoding::Utf16Be | Encoding::Utf16BeNoBom => "UTF-16 BE",
    }
}

/// A roxmltree error in plain words, at the place it names.
fn xml_error(path: &Arc<str>, text: &str, error: &roxmltree::Error) -> SourceError {
    use roxmltree::Error as E;
    let end = || line_column(text, text.len());
    let (message, position) = match error {
        E::DtdDetected => {
            let (line, column) = line_column(text, doctype_offset(text));
            return SourceError::new(
                path,
                line,
                column,
                "the document type declaration (DTD) is not allowed: applicationHost.config never has one, and entities could expand without bound",
            );
        }
        E::UnexpectedEndOfStream => (
            "unexpected end of stream: the file ends inside a tag, comment or value (truncated?)"
                .to_owned(),
            end(),
        ),
        E::UnclosedRootNode => (
            "unexpected end of stream: the root element is never closed (truncated, or a missing closing tag?)"
                .to_owned(),
            end(),
        ),
        E::NoRootNode => ("the document has no root element".to_owned(), end()),
        E::NodesLimitReached => ("too many nodes".to_owned(), (1, 1)),
        E::AttributesLimitReached => ("too many attributes".to_owned(), (1, 1)),
        E::NamespacesLimitReached => ("too many namespaces".to_owned(), (1, 1)),
        E::InvalidXmlPrefixUri(pos) => (
            "the `xml` namespace prefix is bound to the wrong URI".to_owned(),
            row_col(*pos),
        ),
        E::UnexpectedXmlUri(pos) => (
            "the `xml` namespace URI is bound to a prefix other than `xml`".to_owned(),
            row_col(*pos),
        ),
        E::UnexpectedXmlnsUri(pos) => (
            "the `xmlns` namespace URI must not be declared".to_owned(),
            row_col(*pos),
        ),
        E::InvalidElementNamePrefix(pos) => (
            "`xmlns` cannot be an element's prefix".to_owned(),
            row_col(*pos),
        ),
        E::DuplicatedNamespace(name, pos) => (
            format!("namespace prefix `{name}` is declared twice on one element"),
            row_col(*pos),
        ),
        E::UnknownNamespace(prefix, pos) => (
            format!("namespace prefix `{prefix}` is not declared"),
            row_col(*pos),
        ),
        E::UnexpectedCloseTag(expected, actual, pos) => (
            format!("closing tag `</{actual}>` does not match the open `<{expected}>`"),
            row_col(*pos),
        ),
        E::UnexpectedEntityCloseTag(pos) => (
            "an entity starts with a closing tag".to_owned(),
            row_col(*pos),
        ),
        E::UnknownEntityReference(name, pos) => (
            format!("unknown entity `&{name};` (write a literal `&` as `&amp;`)"),
            row_col(*pos),
        ),
        E::MalformedEntityReference(pos) => (
            "a `&` that does not start an entity reference (write a literal `&` as `&amp;`)"
                .to_owned(),
            row_col(*pos),
        ),
        E::EntityReferenceLoop(pos) => (
            "entity references nest too deeply".to_owned(),
            row_col(*pos),
        ),
        E::InvalidAttributeValue(pos) => (
            "an attribute value contains `<` (write it as `&lt;`)".to_owned(),
            row_col(*pos),
        ),
        E::DuplicatedAttribute(name, pos) => (
            format!("attribute `{name}` appears twice on one element"),
            row_col(*pos),
        ),
        E::UnexpectedDeclaration(pos) => (
            "an XML declaration `<?xml …?>` that is not at the very start of the file".to_owned(),
            row_col(*pos),
        ),
        E::InvalidName(pos) => ("an invalid element or attribute name".to_owned(), row_col(*pos)),
        E::NonXmlChar(character, pos) => (
            format!(
                "character U+{:04X} is not allowed in XML",
                u32::from(*character)
            ),
            row_col(*pos),
        ),
        E::InvalidChar(expected, actual, pos) => (
            format!("expected {} but found {}", byte_name(*expected), byte_name(*actual)),
            row_col(*pos),
        ),
        E::InvalidChar2(expected, actual, pos) => (
            format!("expected {expected} but found {}", byte_name(*actual)),
            row_col(*pos),
        ),
        E::InvalidString(expected, pos) => (format!("expected `{expected}`"), row_col(*pos)),
        E::InvalidExternalID(pos) => (
            "an invalid external ID in the document type declaration".to_owned(),
            row_col(*pos),
        ),
        E::EntityResolver(pos, message) => (
            format!("an external entity could not be resolved: {message}"),
            row_col(*pos),
        ),
        E::InvalidComment(pos) => (
            "a comment contains `--` or ends with `-`".to_owned(),
            row_col(*pos),
        ),
        E::InvalidCharacterData(pos) => (
            "`]]>` outside a CDATA section".to_owned(),
            row_col(*pos),
        ),
        E::UnknownToken(pos) => (
            if second_root_element(text, *pos) {
                "a second top-level element: the file holds several elements without a common root (`<site>` elements pasted one after another?); wrap them in `<sites>` … `</sites>`".to_owned()
            } else {
                "unexpected content (after the root element, or not markup)".to_owned()
            },
            row_col(*pos),
        ),
    };
    let (line, column) = position;
    SourceError::new(path, line, column, format!("malformed XML: {message}"))
}

/// Whether an element starts at `pos` (roxmltree's one-based row and column in characters),
/// where roxmltree expected the document to end.
fn second_root_element(text: &str, pos: roxmltree::TextPos) -> bool {
    let line = text.split('\n').nth(pos.row.saturating_sub(1) as usize).unwrap_or_default();
    let rest: String = line.chars().skip(pos.col.saturating_sub(1) as usize).take(2).collect();
    let mut chars = rest.chars();
    chars.next() == Some('<') && chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
}

fn row_col(pos: roxmltree::TextPos) -> (u32, u32) {
    (pos.row.max(1), pos.col.max(1))
}

fn byte_name(byte: u8) -> String {
    if byte.is_ascii_graphic() { format!("`{}`", char::from(byte)) } else { format!("byte 0x{byte:02X}") }
}

/// Where `<!DOCTYPE` starts: after the declaration, comments and processing instructions,
/// which is the only place roxmltree looks for it.
fn doctype_offset(text: &str) -> usize {
    let mut offset = 0;
    loop {
        let rest = &text[offset..];
        let trimmed = rest.trim_start();
        offset += rest.len() - trimmed.len();
        let skipped = if trimmed.starts_with("<?") {
            trimmed.find("?>").map(|end| end + 2)
        } else if trimmed.starts_with("<!--") {
            trimmed.find("-->").map(|end| end + 3)
        } else {
            None
        };
        match skipped {
            Some(length) => offset += length,
            None => break,
        }
    }
    if text[offset..].starts_with("<!DOCTYPE") { offset } else { text.find("<!DOCTYPE").unwrap_or(0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doctype_is_found_after_comments_and_declaration() {
        let text = "<?xml version=\"1.0\"?>\n<!-- <!DOCTYPE no> -->\n<!DOCTYPE c []><c/>";
        assert_eq!(&text[doctype_offset(text)..][..9], "<!DOCTYPE");
        assert!(doctype_offset(text) > 40);
        assert_eq!(doctype_offset("<c/>"), 0);
    }

    #[test]
    fn unsigned_numbers_are_digits_only() {
        assert_eq!(parse_u32(" 12\t"), Some(12));
        assert_eq!(parse_u32("4294967295"), Some(u32::MAX));
        for bad in ["", " ", "+1", "-1", "0x1", "4294967296", "1 2"] {
            assert_eq!(parse_u32(bad), None, "{bad:?}");
        }
    }
}
