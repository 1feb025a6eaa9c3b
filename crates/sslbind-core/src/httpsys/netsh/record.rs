//! A netsh record as collected, line by line, before its fields are interpreted: whether to
//! read it by label or by position can only be decided once all its lines are known.

use std::collections::HashSet;

use super::labels::FieldId;
use super::line::FieldLine;
use crate::model::mapping::MappingKey;

/// A record as collected, before its fields are interpreted: whether to read it by label or
/// by position can only be decided once all its lines are known.
pub(super) struct RawRecord<'t> {
    pub(super) key: MappingKey,
    pub(super) line: u32,
    pub(super) column: u32,
    pub(super) fields: Vec<RawField<'t>>,
    /// Labels seen outside extended-property blocks: a label seen twice means the lines no
    /// longer belong to this record.
    pub(super) seen: HashSet<String>,
    /// The fields of the known labels among them.
    pub(super) seen_fields: Vec<FieldId>,
    pub(super) in_extended: bool,
    /// The last line of the file is a label cut before its colon.
    pub(super) cut: bool,
    /// An elision follows the record.
    pub(super) elided: bool,
}

pub(super) struct RawField<'t> {
    pub(super) line: u32,
    /// Where the value starts (where the label starts for an `Extended Properties:` line).
    pub(super) column: u32,
    /// `None` for an `Extended Properties:` line.
    pub(super) field: Option<FieldLine<'t>>,
    /// The field this label names, if known.
    pub(super) id: Option<FieldId>,
    /// Inside an `Extended Properties:` block.
    pub(super) in_extended: bool,
    /// The last line with content in the file: the only one that can be cut off mid-way.
    pub(super) last: bool,
}

impl<'t> RawRecord<'t> {
    /// Adds a field line; `false` if its label was already seen, so that it cannot belong here.
    pub(super) fn push(&mut self, field: FieldLine<'t>, line: u32, column: u32, last: bool) -> bool {
        let id = field.id;
        // Unknown labels after `Extended Properties:` belong to the block; a known field ends it.
        let in_extended = self.in_extended && id.is_none();
        if !in_extended {
            self.in_extended = false;
            // Known labels (nearly all) are told apart by their field, without a copy.
            let new = match id {
                Some(id) if !self.seen_fields.contains(&id) => {
                    self.seen_fields.push(id);
                    true
                }
                Some(_) => false,
                None => self.seen.insert(field.norm.to_string()),
            };
            if !new {
                return false;
            }
        }
        self.fields.push(RawField { line, column, field: Some(field), id, in_extended, last });
        true
    }

    pub(super) fn push_extended(&mut self, line: u32, column: u32) {
        self.in_extended = true;
        self.fields.push(RawField { line, column, field: None, id: None, in_extended: true, last: false });
    }
}

/// How complete a record turned out while its values were read.
#[derive(Default)]
pub(super) struct Completeness {
    /// A value on the last line was cut off.
    pub(super) cut: bool,
    /// A value was elided (`61d3…`).
    pub(super) elided: bool,
}
