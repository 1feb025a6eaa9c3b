//! Interpreting a collected record's lines into a mapping: by label, or by position in the
//! classic order when the labels are localised and every value has the shape its place
//! expects; each value that cannot be used becomes a warning.

use super::labels::{CLASSIC_ORDER, FieldId, label_of, same_label};
use super::line::FieldLine;
use super::reader::Reader;
use super::record::{Completeness, RawField, RawRecord};
use super::values::{
    Switch, could_be_cut, has_shape, is_elided, is_null, parse_switch, split_text, split_token,
};
use crate::model::flags::DefaultFlags;
use crate::model::ids::{AppId, Thumbprint};
use crate::model::mapping::{ExtendedProperty, Mapping};
use crate::model::source::{Location, Origin, SourceError, SourceErrorKind};
use crate::text::quote;

impl Reader<'_> {
    /// Interprets a record's lines: by label, or by position when no label of the classic
    /// fields is recognised (localised output).
    pub(super) fn build(&mut self, record: RawRecord<'_>) -> Result<Mapping, SourceError> {
        let origin = Origin::File(Location::new(self.path, record.line, record.column));
        let mut mapping = Mapping::new(record.key.clone(), origin);
        let mut completeness = Completeness::default();
        let knows_classic_label = record
            .fields
            .iter()
            .any(|raw| !raw.in_extended && raw.id.is_some_and(|id| CLASSIC_ORDER.contains(&id)));
        let starts_unknown = record.fields.first().is_some_and(|raw| raw.field.is_some() && raw.id.is_none());
        let positional = !knows_classic_label && starts_unknown;

        let mut by_label = record.fields.as_slice();
        let mut complete = false;
        if positional {
            let placed = self.read_by_position(&record, &mut mapping, &mut completeness)?;
            complete = placed == CLASSIC_ORDER.len();
            by_label = record.fields.get(placed..).unwrap_or_default();
        }
        self.read_by_label(by_label, &mut mapping, &mut completeness);
        if !positional {
            complete = record.fields.iter().any(|raw| {
                !raw.in_extended && raw.id == Some(FieldId::Flag(DefaultFlags::NEGOTIATE_CLIENT_CERT))
            });
        }

        let reason = if record.elided {
            Some("an elision follows it")
        } else if completeness.elided {
            Some("a value was elided")
        } else if record.cut || completeness.cut {
            Some("its last line is cut off")
        } else if !complete {
            Some("it stops before `Negotiate Client Certificate`")
        } else {
            None
        };
        if let Some(reason) = reason {
            mapping.truncated = true;
            self.warn(
                record.line,
                record.column,
                format!("record `{}` is cut short ({reason}); kept with the fields it has", record.key),
            );
        }
        Ok(mapping)
    }

    /// Reads the leading fields of a record with unknown labels by their position in the
    /// classic order, checking that each value has the shape expected there; returns how many
    /// fields were placed.
    pub(super) fn read_by_position(
        &mut self,
        record: &RawRecord<'_>,
        mapping: &mut Mapping,
        completeness: &mut Completeness,
    ) -> Result<usize, SourceError> {
        let placed = record
            .fields
            .iter()
            .take(CLASSIC_ORDER.len())
            .take_while(|raw| raw.field.is_some() && !raw.in_extended && raw.id.is_none())
            .count();
        let refuse = |line: u32, column: u32, what: String| {
            SourceError::new(
                self.path,
                line,
                column,
                format!(
                    "the output appears to be localised: the labels of the record at line {} were not recognised, and {what}, so its fields cannot be read safely; run `netsh http show sslcert` with English output",
                    record.line
                ),
            )
            .with_kind(SourceErrorKind::Localised)
        };
        if placed < CLASSIC_ORDER.len()
            && let Some(next) = record.fields.get(placed)
        {
            let expected = CLASSIC_ORDER.get(placed).map_or("field", |id| label_of(*id));
            return Err(refuse(
                next.line,
                next.column,
                format!("this line stands where `{expected}` was expected"),
            ));
        }
        for (raw, id) in record.fields.iter().zip(CLASSIC_ORDER).take(placed) {
            let Some(field) = &raw.field else { continue };
            let fits = has_shape(id, field.value)
                || (raw.last && (field.value.is_empty() || could_be_cut(id, field.value)));
            if !fits {
                return Err(refuse(
                    raw.line,
                    raw.column,
                    format!(
                        "`{}` does not look like the `{}` expected at its position",
                        quote(field.value),
                        label_of(id)
                    ),
                ));
            }
            self.apply(mapping, id, raw, field, completeness);
        }
        if placed > 0 {
            self.warn(
                record.line,
                record.column,
                format!(
                    "record `{}`: the field labels were not recognised (localised output?); the fields were read by position in the classic order ({placed} of {})",
                    record.key,
                    CLASSIC_ORDER.len()
                ),
            );
        }
        Ok(placed)
    }

    pub(super) fn read_by_label(
        &mut self,
        fields: &[RawField<'_>],
        mapping: &mut Mapping,
        completeness: &mut Completeness,
    ) {
        let mut block: Option<ExtendedProperty> = None;
        for raw in fields {
            let Some(field) = &raw.field else {
                mapping.extended_properties.extend(block.take());
                block = Some(ExtendedProperty { property_id: None, values: Vec::new() });
                continue;
            };
            if raw.in_extended {
                let current =
                    block.get_or_insert_with(|| ExtendedProperty { property_id: None, values: Vec::new() });
                if same_label(&field.norm, "PropertyId") {
                    // A second id without its own header still starts a new block.
                    if current.property_id.is_some() || !current.values.is_empty() {
                        mapping.extended_properties.extend(block.take());
                    }
                    let property_id = match field.value.parse::<u32>() {
                        Ok(id) => Some(id),
                        Err(_) => {
                            self.warn(
                                raw.line,
                                raw.column,
                                format!(
                                    "`PropertyId` value `{}` is not a number; left empty",
                                    quote(field.value)
                                ),
                            );
                            None
                        }
                    };
                    block = Some(ExtendedProperty { property_id, values: Vec::new() });
                } else {
                    current.values.push((field.label.to_owned(), field.value.to_owned()));
                }
                continue;
            }
            mapping.extended_properties.extend(block.take());
            match raw.id {
                Some(id) => self.apply(mapping, id, raw, field, completeness),
                None => {
                    self.warn_line(
                        raw.line,
                        raw.column,
                        format!("label `{}` not recognised; kept as an unknown field", quote(field.label)),
                    );
                    mapping.unknown_fields.push((field.label.to_owned(), field.value.to_owned()));
                }
            }
        }
        mapping.extended_properties.extend(block);
    }

    /// Sets one field of `mapping` from its line, warning about what it cannot use.
    pub(super) fn apply(
        &mut self,
        mapping: &mut Mapping,
        id: FieldId,
        raw: &RawField<'_>,
        field: &FieldLine<'_>,
        completeness: &mut Completeness,
    ) {
        let label = label_of(id);
        let (line, column) = (raw.line, raw.column);
        if field.value.is_empty() {
            if raw.last {
                completeness.cut = true;
                self.warn(line, column, format!("`{label}` is cut off before its value"));
            } else {
                self.warn(line, column, format!("`{label}` has no value; left empty"));
            }
            return;
        }
        let switch = matches!(
            id,
            FieldId::VerifyRevocation | FieldId::CachedOnly | FieldId::UsageCheck | FieldId::Flag(_)
        );
        if switch {
            let (words, _) = split_text(field.value);
            if is_elided(words) {
                completeness.elided = true;
                self.warn(line, column, format!("`{label}` value `{}` was elided; left empty", quote(words)));
                return;
            }
            let on = match parse_switch(field.value, raw.last) {
                Switch::Known(on, annotation) => {
                    self.annotation(line, column, label, annotation);
                    Some(on)
                }
                Switch::Cut(on, word) => {
                    completeness.cut = true;
                    self.warn(
                        line,
                        column,
                        format!("`{label}` value `{}` is cut off; read as `{word}`", quote(field.value)),
                    );
                    Some(on)
                }
                Switch::CutUnclear => {
                    completeness.cut = true;
                    self.warn(
                        line,
                        column,
                        format!("`{label}` value `{}` is cut off; left empty", quote(field.value)),
                    );
                    None
                }
                Switch::Unknown => {
                    self.warn(
                        line,
                        column,
                        format!(
                            "`{label}` value `{}` is neither enabled nor disabled; left empty",
                            quote(field.value)
                        ),
                    );
                    None
                }
            };
            match (id, on) {
                (FieldId::VerifyRevocation, _) => mapping.params.verify_client_cert_revocation = on,
                (FieldId::CachedOnly, _) => mapping.params.verify_revocation_cached_only = on,
                (FieldId::UsageCheck, _) => mapping.params.usage_check = on,
                (FieldId::Flag(bit), Some(true)) => mapping.flags.insert(bit),
                (FieldId::Flag(bit), Some(false)) => mapping.flags.remove(bit),
                _ => {}
            }
            // Only builds that print the protocol lines (Disable HTTP2 and later, 0x10 up)
            // tell a clear protocol bit from one that was never shown.
            if matches!(id, FieldId::Flag(bit) if bit.bits() >= DefaultFlags::DISABLE_HTTP2.bits())
                && on.is_some()
            {
                mapping.flags_known = true;
            }
            return;
        }

        let single_token =
            matches!(id, FieldId::Hash | FieldId::AppId | FieldId::FreshnessTime | FieldId::UrlTimeout);
        let (value, annotation) =
            if single_token { split_token(field.value) } else { split_text(field.value) };
        self.annotation(line, column, label, annotation);
        if is_elided(value) {
            completeness.elided = true;
            self.warn(line, column, format!("`{label}` value `{}` was elided; left empty", quote(value)));
            return;
        }
        let null = is_null(value);
        match id {
            FieldId::Hash if !null => match Thumbprint::parse(value) {
                Ok(hash) => mapping.certificate_hash = Some(hash),
                Err(error) => self.bad_value(raw, id, value, &error.to_string(), completeness),
            },
            FieldId::AppId if !null => match AppId::parse(value) {
                Ok(app_id) => mapping.app_id = Some(app_id),
                Err(error) => self.bad_value(raw, id, value, &error.to_string(), completeness),
            },
            FieldId::Store if !null => mapping.certificate_store = Some(value.to_owned()),
            FieldId::CtlIdentifier if !null => {
                mapping.params.ctl_identifier = Some(value.to_owned());
            }
            FieldId::CtlStoreName if !null => {
                mapping.params.ctl_store_name = Some(value.to_owned());
            }
            FieldId::FreshnessTime | FieldId::UrlTimeout => {
                let number = match value.parse::<u32>() {
                    Ok(number) => Some(number),
                    Err(_) => {
                        self.bad_value(raw, id, value, "not a whole number up to 4294967295", completeness);
                        None
                    }
                };
                if id == FieldId::FreshnessTime {
                    mapping.params.revocation_freshness_time = number;
                } else {
                    mapping.params.url_retrieval_timeout = number;
                }
            }
            // `(null)`: netsh's way of saying the record has none.
            _ => {}
        }
    }

    pub(super) fn bad_value(
        &mut self,
        raw: &RawField<'_>,
        id: FieldId,
        value: &str,
        why: &str,
        completeness: &mut Completeness,
    ) {
        let label = label_of(id);
        // A short hash or GUID on the file's last line is the excerpt's end, not a bad value.
        // A number there may be cut too, but it cannot be told from a complete one.
        let cut = raw.last && matches!(id, FieldId::Hash | FieldId::AppId) && could_be_cut(id, value);
        if cut {
            completeness.cut = true;
            self.warn(
                raw.line,
                raw.column,
                format!("`{label}` value `{}` is cut off; left empty", quote(value)),
            );
        } else {
            self.warn(
                raw.line,
                raw.column,
                format!("`{label}` value `{}` is not valid ({why}); left empty", quote(value)),
            );
        }
    }

    pub(super) fn annotation(&mut self, line: u32, column: u32, label: &str, annotation: &str) {
        if !annotation.is_empty() {
            self.warn(
                line,
                column,
                format!("text after the `{label}` value ignored: `{}`", quote(annotation)),
            );
        }
    }
}
