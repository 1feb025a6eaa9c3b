//! The state machine that walks the cleaned lines of netsh output: it opens a record at each
//! key line, gives it the field lines that follow, skips noise and orphaned fields with
//! warnings, and keeps one mapping per key.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::NetshRead;
use super::clean::{Cleaning, column_of, line_number, lines};
use super::keys::{KeyStart, key_start};
use super::labels::is_cut_label;
use super::line::{FieldLine, Kind, classify};
use super::record::RawRecord;
use crate::model::mapping::{Mapping, MappingKey, MappingKind};
use crate::model::source::{Closing, Location, SourceError, SourceErrorKind, Warnings};
use crate::text::quote;

/// Where the reader is between records.
pub(super) enum State<'t> {
    /// No record open: field lines here have lost their key line.
    Outside,
    Record(Box<RawRecord<'t>>),
    /// Inside a record whose key is not a key: its lines are skipped without more warnings.
    Skipping,
}

/// Field lines met outside any record, reported once per run.
pub(super) struct Orphans {
    pub(super) line: u32,
    pub(super) column: u32,
    pub(super) count: usize,
    pub(super) reason: Option<String>,
    /// The run is one `label :` line without a value: a localised heading
    /// (`Liaisons de certificats SSL :`) when a rule follows it.
    pub(super) heading: bool,
}

pub(super) struct Reader<'p> {
    pub(super) path: &'p Arc<str>,
    pub(super) mappings: Vec<Mapping>,
    /// Where each key's mapping is in `mappings`, by key (hosts compare by their normalised form).
    pub(super) keys: HashMap<MappingKey, usize>,
    pub(super) warnings: Warnings,
    pub(super) orphans: Option<Orphans>,
    /// Localised key labels that started a record, normalised: the same label starts a record
    /// wherever it appears again, even one with spaces.
    pub(super) localised_key_labels: HashSet<String>,
    /// The first line shaped like part of a record (a field with a value, a key line): where
    /// the refusal of a file from which no record was read points.
    pub(super) first_record_like: Option<(u32, u32)>,
    /// The first record skipped for its key, and why: the likeliest reason nothing was read.
    pub(super) first_bad_key: Option<(u32, u32, String)>,
}

impl<'p> Reader<'p> {
    pub(super) fn new(path: &'p Arc<str>) -> Reader<'p> {
        Reader {
            path,
            mappings: Vec::new(),
            keys: HashMap::new(),
            warnings: Warnings::new(Warnings::LIMIT, Warnings::NOISE_LIMIT, Closing::FromHere),
            orphans: None,
            localised_key_labels: HashSet::new(),
            first_record_like: None,
            first_bad_key: None,
        }
    }

    /// Whether a localised key label with spaces may start a record here: where no record is
    /// open, after a blank line (netsh separates records with one and never puts one inside a
    /// record), or when the same label has already started one.
    pub(super) fn may_start_record(&self, state: &State<'_>, blank_before: bool, norm: &str) -> bool {
        !matches!(state, State::Record(_)) || blank_before || self.localised_key_labels.contains(norm)
    }

    /// Why no record could be read, when lines shaped like records were found.
    pub(super) fn no_record_read(&self) -> Option<SourceError> {
        if !self.mappings.is_empty() {
            return None;
        }
        if let Some((line, column, why)) = &self.first_bad_key {
            return Some(SourceError::new(
                self.path,
                *line,
                *column,
                format!(
                    "no netsh record could be read from this file: the record at line {line} was skipped because {why}"
                ),
            )
            .with_kind(SourceErrorKind::NoRecord));
        }
        let (line, column) = self.first_record_like?;
        Some(SourceError::new(
            self.path,
            line,
            column,
            format!(
                "no netsh record could be read from this file: line {line} has the shape of a record's field, but no key line (`IP:port`, `Hostname:port`, `Central Certificate Store`, or a localised label of the shape `words:word` with an address:port value) starts a record before it; the output may be localised beyond what can be read safely, or its key lines were left out: save it with English output"
            ),
        )
        .with_kind(SourceErrorKind::Localised))
    }

    pub(super) fn warn(&mut self, line: u32, column: u32, message: String) {
        self.warnings.push(Location::new(self.path, line, column), message);
    }

    /// A warning about one line of noise: these are many in garbage, so they have a budget.
    pub(super) fn warn_line(&mut self, line: u32, column: u32, message: String) {
        self.warnings.noise(Location::new(self.path, line, column), message);
    }

    pub(super) fn finish(mut self) -> NetshRead {
        self.flush_orphans();
        let no_record_read = self.no_record_read();
        NetshRead { mappings: self.mappings, warnings: self.warnings.finish(), no_record_read }
    }

    pub(super) fn read(&mut self, text: &str, cleaning: &Cleaning<'_>) -> Result<(), SourceError> {
        let mut state = State::Outside;
        // Whether the line before this one broke the text (a blank line, a header, a rule, a
        // prompt, an elision, the start of the file): where a record may start.
        let mut blank_before = true;
        for (index, raw) in lines(text).enumerate() {
            let number = line_number(index);
            let line = cleaning.clean(raw);
            let last = cleaning.last_content_line == Some(index);
            let start = column_of(raw, line.trim_start());
            let shown = || quote(line.trim());
            let kind = classify(line);
            let breaks = !matches!(kind, Kind::Field(_) | Kind::Bare | Kind::ExtendedProperties);
            let after_break = std::mem::replace(&mut blank_before, breaks);
            match kind {
                Kind::Blank => {}
                Kind::Header | Kind::Rule => {
                    if self.orphans.as_ref().is_some_and(|run| run.heading && run.line + 1 == number) {
                        self.orphans = None;
                    }
                    self.flush_orphans();
                    state = self.close(state)?;
                }
                Kind::Prompt => {
                    self.flush_orphans();
                    state = self.close(state)?;
                    self.warn_line(number, start, format!("command prompt skipped: `{}`", shown()));
                }
                Kind::Elision => {
                    self.flush_orphans();
                    if let State::Record(record) = &mut state {
                        record.elided = true;
                    }
                    state = self.close(state)?;
                    self.warn_line(
                        number,
                        start,
                        format!("elision `{}`: the output was shortened here", shown()),
                    );
                }
                Kind::ExtendedProperties => match &mut state {
                    State::Record(record) => record.push_extended(number, start),
                    State::Skipping => {}
                    State::Outside => self.orphan(number, start, None, false),
                },
                Kind::Field(field) => {
                    let value_column = column_of(raw, field.value);
                    if !field.value.is_empty() {
                        self.first_record_like.get_or_insert((number, start));
                    }
                    let key = key_start(&field, |norm| self.may_start_record(&state, after_break, norm));
                    if let Some(key) = key {
                        self.flush_orphans();
                        self.close(state)?;
                        state = self.open(key, &field, number, start, value_column);
                        continue;
                    }
                    let mut lost = None;
                    let label = field.label;
                    let heading = field.value.is_empty();
                    match &mut state {
                        State::Record(record) => {
                            if !record.push(field, number, value_column, last) {
                                lost = Some(format!(
                                    "a second `{}` line: the record at line {} ended before it",
                                    quote(label),
                                    record.line
                                ));
                            }
                        }
                        State::Skipping => {}
                        State::Outside => self.orphan(number, start, None, heading),
                    }
                    if let Some(reason) = lost {
                        state = self.close(state)?;
                        self.orphan(number, start, Some(reason), false);
                    }
                }
                Kind::Bare => {
                    self.flush_orphans();
                    match &mut state {
                        State::Record(record) if last && is_cut_label(line.trim()) => {
                            record.cut = true;
                            self.warn(
                                number,
                                start,
                                format!("the line is cut off before its value: `{}`", shown()),
                            );
                        }
                        _ => self.warn_line(
                            number,
                            start,
                            format!("line skipped: not part of a netsh record: `{}`", shown()),
                        ),
                    }
                }
            }
        }
        self.flush_orphans();
        self.close(state)?;
        Ok(())
    }

    pub(super) fn open<'t>(
        &mut self,
        key: KeyStart,
        field: &FieldLine<'t>,
        line: u32,
        column: u32,
        value_column: u32,
    ) -> State<'t> {
        match key {
            KeyStart::Valid { key, localised, annotation } => {
                if localised {
                    self.localised_key_labels.insert(field.norm.to_string());
                    self.warn(
                        line,
                        column,
                        format!(
                            "key label `{}` not recognised; read as an `{}` record from the shape of its value `{key}`",
                            quote(field.label),
                            key.kind()
                        ),
                    );
                }
                if !annotation.is_empty() {
                    self.warn(
                        line,
                        value_column,
                        format!("text after the key ignored: `{}`", quote(&annotation)),
                    );
                }
                State::Record(Box::new(RawRecord {
                    key,
                    line,
                    column,
                    fields: Vec::new(),
                    seen: HashSet::new(),
                    seen_fields: Vec::new(),
                    in_extended: false,
                    cut: false,
                    elided: false,
                }))
            }
            KeyStart::Invalid { kind, token } => {
                let expected = match kind {
                    MappingKind::Ip => "an address:port",
                    MappingKind::Sni | MappingKind::ScopedCcs => "an address:port (host:port)",
                    MappingKind::Ccs => "an address:port (for Central Certificate Store: a port)",
                };
                self.first_bad_key.get_or_insert_with(|| {
                    (line, column, format!("its key `{}` is not {expected}", quote(&token)))
                });
                self.warn(
                    line,
                    column,
                    format!("record skipped: its key `{}` is not {expected}", quote(&token)),
                );
                State::Skipping
            }
        }
    }

    pub(super) fn orphan(&mut self, line: u32, column: u32, reason: Option<String>, heading: bool) {
        match &mut self.orphans {
            Some(run) => {
                run.count += 1;
                run.heading = false;
            }
            None => self.orphans = Some(Orphans { line, column, count: 1, reason, heading }),
        }
    }

    pub(super) fn flush_orphans(&mut self) {
        if let Some(run) = self.orphans.take() {
            let (lines, why) = if run.count == 1 {
                ("a field line".to_owned(), "no key line before it")
            } else {
                (format!("{} field lines", run.count), "no key line before them")
            };
            let why = run.reason.unwrap_or_else(|| why.to_owned());
            self.warn_line(run.line, run.column, format!("{lines} skipped: {why}"));
        }
    }

    /// Ends the open record, if any, and adds its mapping.
    pub(super) fn close<'t>(&mut self, state: State<'t>) -> Result<State<'t>, SourceError> {
        if let State::Record(record) = state {
            let mapping = self.build(*record)?;
            self.add(mapping);
        }
        Ok(State::Outside)
    }

    pub(super) fn add(&mut self, mapping: Mapping) {
        let identity = mapping.key.clone();
        let key = mapping.key.to_string();
        // Mappings read here always come from a line of the file.
        let (line, column) = mapping.origin.location().and_then(Location::line_column).unwrap_or((0, 1));
        let Some(&index) = self.keys.get(&identity) else {
            self.keys.insert(identity, self.mappings.len());
            self.mappings.push(mapping);
            return;
        };
        let Some(first) = self.mappings.get_mut(index) else {
            return;
        };
        let first_line = first.origin.location().and_then(Location::line_column).map_or(0, |(line, _)| line);
        // The same output pasted twice, or an excerpt followed by the full listing: HTTP.sys
        // holds one record per key, so one is kept, the complete one if only one is.
        if first.truncated && !mapping.truncated {
            *first = mapping;
            self.warn(
                line,
                column,
                format!("record `{key}` appears again (first at line {first_line}, cut short there); this complete one is kept"),
            );
        } else {
            self.warn(
                line,
                column,
                format!("record `{key}` appears again (first at line {first_line}); this one is skipped"),
            );
        }
    }
}
