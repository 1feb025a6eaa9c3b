//! Applying a plan's mapping operations in order, and undoing the ones already applied when a
//! later one fails, so that a failed change leaves HTTP.sys as it was.
//!
//! The order of calls (set, then update when the key exists, then delete-and-set when update
//! is not supported; then each extended property the same way) and the undo are the part of
//! writing to HTTP.sys that can go wrong in subtle ways, so they are written against the
//! small [`MappingWriter`] trait and tested here with a fake; the Windows implementation only
//! makes the calls.
//!
//! A record's extended properties (HTTP/2 window and settings limits, and the newer
//! parameter types) are separate `…Ex` entries that the record's own structure has no room
//! for: after a record is created or changed, every property of the mapping is set, one call
//! each, and a property the record had but the mapping has not is deleted, so that the
//! record ends up with exactly the mapping's properties. Undoing puts the previous record's
//! properties back the same way.

use sslbind_core::model::{ExtendedProperty, Mapping};
use sslbind_core::plan::ops::MappingOp;

use crate::windows::error::{ERROR_ALREADY_EXISTS, ERROR_FILE_NOT_FOUND, LiveError, Win32Error};
use crate::windows::marshal::property_type;

/// The HTTP.sys calls a plan needs: set, update and delete, for records and for their
/// extended properties.
pub trait MappingWriter {
    /// Checks that `mapping` can be written at all (it has a hash, an AppId), before anything
    /// is changed.
    fn check(&self, mapping: &Mapping) -> Result<(), LiveError>;
    /// Checks that every extended property of `mapping` can be written back as it was read.
    fn check_properties(&self, mapping: &Mapping) -> Result<(), LiveError>;
    /// `HttpSetServiceConfiguration`: creates the record; `ERROR_ALREADY_EXISTS` (183) when
    /// the key exists.
    fn create(&mut self, mapping: &Mapping) -> Result<(), Win32Error>;
    /// `HttpUpdateServiceConfiguration`: changes the existing record with the same key.
    fn update(&mut self, mapping: &Mapping) -> Result<(), Win32Error>;
    /// `HttpDeleteServiceConfiguration`: deletes the record with `mapping`'s key.
    fn delete(&mut self, mapping: &Mapping) -> Result<(), Win32Error>;
    /// `HttpSetServiceConfiguration` with the `…Ex` config ID: sets `property` on the record
    /// with `mapping`'s key; 183 when the record has a property of that type already.
    fn create_property(&mut self, mapping: &Mapping, property: &ExtendedProperty) -> Result<(), Win32Error>;
    /// `HttpUpdateServiceConfiguration` with the `…Ex` config ID: changes the record's
    /// property of `property`'s type.
    fn update_property(&mut self, mapping: &Mapping, property: &ExtendedProperty) -> Result<(), Win32Error>;
    /// `HttpDeleteServiceConfiguration` with the `…Ex` config ID: removes the record's
    /// property of `property`'s type.
    fn delete_property(&mut self, mapping: &Mapping, property: &ExtendedProperty) -> Result<(), Win32Error>;
}

/// Applies `ops` in order. When one fails, the ones before it are undone in reverse order
/// (an added record deleted, a deleted one re-created from its `before`, a replaced one set
/// back) and the error says what failed and whether undoing did.
pub fn apply_with_undo<W: MappingWriter>(writer: &mut W, ops: &[MappingOp]) -> Result<(), LiveError> {
    for op in ops {
        match op {
            MappingOp::Add(mapping) => {
                writer.check(mapping)?;
                writer.check_properties(mapping)?;
            }
            MappingOp::Replace { before, after } => {
                writer.check(before)?;
                writer.check(after)?;
                writer.check_properties(after)?;
            }
            MappingOp::Delete(mapping) => writer.check(mapping)?,
        }
    }
    for (index, op) in ops.iter().enumerate() {
        let mut undo_failures = Vec::new();
        let Err(error) = apply_one(writer, op, &mut undo_failures) else { continue };
        let mut undone = 0;
        for done in ops[..index].iter().rev() {
            match undo_one(writer, done, &mut undo_failures) {
                Ok(()) => undone += 1,
                Err(undo_error) => undo_failures.push(format!("{}: {undo_error}", undo_description(done))),
            }
        }
        return Err(LiveError::Apply { operation: description(op), error, undone, undo_failures });
    }
    Ok(())
}

/// Takes back `ops`, which were all applied, last first: after a later step of the same
/// change failed (a config that could not be replaced). Every operation is tried even when
/// one fails; the error lists those that could not be taken back.
pub fn undo_applied<W: MappingWriter>(writer: &mut W, ops: &[MappingOp]) -> Result<(), LiveError> {
    let mut failures = Vec::new();
    for op in ops.iter().rev() {
        if let Err(error) = undo_one(writer, op, &mut failures) {
            failures.push(format!("{}: {error}", undo_description(op)));
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(LiveError::Undo { failures }) }
}

/// What `op` does, for messages: `adding mapping 0.0.0.0:443`.
pub fn description(op: &MappingOp) -> String {
    match op {
        MappingOp::Add(mapping) => format!("adding mapping {}", mapping.key),
        MappingOp::Replace { after, .. } => format!("changing mapping {}", after.key),
        MappingOp::Delete(mapping) => format!("deleting mapping {}", mapping.key),
    }
}

fn undo_description(op: &MappingOp) -> String {
    match op {
        MappingOp::Add(mapping) => format!("deleting the added mapping {}", mapping.key),
        MappingOp::Replace { before, .. } => format!("restoring mapping {}", before.key),
        MappingOp::Delete(mapping) => format!("re-creating the deleted mapping {}", mapping.key),
    }
}

fn apply_one<W: MappingWriter>(
    writer: &mut W,
    op: &MappingOp,
    lost: &mut Vec<String>,
) -> Result<(), Win32Error> {
    match op {
        // A record that exists although the plan says it does not belongs to someone who
        // made it since: it is not overwritten (183 is reported).
        MappingOp::Add(mapping) => {
            writer.create(mapping)?;
            let Err(error) = write_properties(writer, None, mapping) else { return Ok(()) };
            // The operation failed as a whole: the half-made record goes.
            if let Err(undo) = writer.delete(mapping) {
                lost.push(format!(
                    "mapping {} was added without all its extended properties and could not be deleted again: {undo}",
                    mapping.key
                ));
            }
            Err(error)
        }
        MappingOp::Replace { before, after } => replace(writer, before, after, lost),
        MappingOp::Delete(mapping) => writer.delete(mapping),
    }
}

fn undo_one<W: MappingWriter>(
    writer: &mut W,
    op: &MappingOp,
    lost: &mut Vec<String>,
) -> Result<(), Win32Error> {
    match op {
        MappingOp::Add(mapping) => writer.delete(mapping),
        MappingOp::Replace { before, after } => replace(writer, after, before, lost),
        MappingOp::Delete(mapping) => {
            writer.create(mapping)?;
            write_properties(writer, None, mapping)
        }
    }
}

/// Turns the record `current` into `target` (same key), extended properties included: the
/// record as `replace_record` does, then the properties; when a property cannot be written,
/// `current` is put back whole. A record that could not be put back is described in `lost`.
pub fn replace<W: MappingWriter>(
    writer: &mut W,
    current: &Mapping,
    target: &Mapping,
    lost: &mut Vec<String>,
) -> Result<(), Win32Error> {
    let recreated = replace_record(writer, current, target, lost)?;
    // A re-created record starts with no properties.
    let previous = if recreated { None } else { Some(current) };
    let Err(error) = write_properties(writer, previous, target) else { return Ok(()) };
    let restored = replace_record(writer, target, current, lost).and_then(|recreated| {
        let previous = if recreated { None } else { Some(target) };
        write_properties(writer, previous, current)
    });
    if let Err(restore) = restored {
        lost.push(format!(
            "mapping {} could not be put back after its extended properties failed: {restore}",
            current.key
        ));
    }
    Err(error)
}

/// Turns the record `current` into `target` without their extended properties: set, and
/// when the key exists (183) update; when update is not supported, delete and set, putting
/// `current` back if that set fails. Returns whether the record was deleted and re-created
/// (and so lost its properties). A record that could not be put back is described in `lost`.
fn replace_record<W: MappingWriter>(
    writer: &mut W,
    current: &Mapping,
    target: &Mapping,
    lost: &mut Vec<String>,
) -> Result<bool, Win32Error> {
    match writer.create(target) {
        Err(error) if error.code == ERROR_ALREADY_EXISTS => {}
        other => return other.map(|()| false),
    }
    match writer.update(target) {
        Err(error) if error.is_unsupported() => {}
        other => return other.map(|()| false),
    }
    writer.delete(current)?;
    let Err(error) = writer.create(target) else { return Ok(true) };
    if let Err(restore) = writer.create(current) {
        lost.push(format!(
            "mapping {} was deleted to be re-created and could not be put back: {restore}",
            current.key
        ));
    } else if let Err(restore) = write_properties(writer, None, current) {
        lost.push(format!(
            "mapping {} was re-created without all its extended properties: {restore}",
            current.key
        ));
    }
    Err(error)
}

/// Gives the record with `target`'s key exactly `target`'s extended properties: each one set
/// (set, and when the type is there already update; when update is not supported, delete and
/// set), and each type the record had as `previous` but `target` has not, deleted.
/// `previous` is `None` for a record just created, which has none.
fn write_properties<W: MappingWriter>(
    writer: &mut W,
    previous: Option<&Mapping>,
    target: &Mapping,
) -> Result<(), Win32Error> {
    for property in &target.extended_properties {
        match writer.create_property(target, property) {
            Err(error) if error.code == ERROR_ALREADY_EXISTS => {}
            other => {
                other?;
                continue;
            }
        }
        match writer.update_property(target, property) {
            Err(error) if error.is_unsupported() => {}
            other => {
                other?;
                continue;
            }
        }
        writer.delete_property(target, property)?;
        writer.create_property(target, property)?;
    }
    let Some(previous) = previous else { return Ok(()) };
    let kept: Vec<Option<i32>> =
        target.extended_properties.iter().map(|property| property_type(property).ok()).collect();
    for property in &previous.extended_properties {
        if kept.contains(&property_type(property).ok()) {
            continue;
        }
        match writer.delete_property(previous, property) {
            // Already gone: what the delete was for.
            Err(error) if error.code == ERROR_FILE_NOT_FOUND => {}
            other => other?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use sslbind_core::Origin;
    use sslbind_core::model::{AppId, MappingKey, Thumbprint};

    use super::*;
    use crate::windows::error::{ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER};
    use crate::windows::marshal::encode_property;

    /// An in-memory HTTP.sys: records by key text, failing the calls it is told to fail.
    #[derive(Default)]
    struct Fake {
        records: BTreeMap<String, Mapping>,
        /// `(call, key)` pairs that fail with the code, once each.
        failures: Vec<(&'static str, String, u32)>,
        update_unsupported: bool,
        calls: Vec<String>,
    }

    impl Fake {
        fn fail(&mut self, call: &'static str, key: &str) -> Option<Win32Error> {
            let index = self.failures.iter().position(|(c, k, _)| *c == call && k == key)?;
            Some(Win32Error::new(self.failures.remove(index).2))
        }
    }

    impl MappingWriter for Fake {
        fn check(&self, mapping: &Mapping) -> Result<(), LiveError> {
            match mapping.app_id {
                Some(_) => Ok(()),
                None => Err(LiveError::Environment(format!("{} has no AppId", mapping.key))),
            }
        }

        fn check_properties(&self, mapping: &Mapping) -> Result<(), LiveError> {
            for property in &mapping.extended_properties {
                encode_property(&mapping.key, property)
                    .map_err(|error| LiveError::Encode { key: mapping.key.to_string(), error })?;
            }
            Ok(())
        }

        fn create(&mut self, mapping: &Mapping) -> Result<(), Win32Error> {
            let key = mapping.key.to_string();
            self.calls.push(format!("create {key}"));
            if let Some(error) = self.fail("create", &key) {
                return Err(error);
            }
            if self.records.contains_key(&key) {
                return Err(Win32Error::new(ERROR_ALREADY_EXISTS));
            }
            // The record's structure has no room for its extended properties.
            let mut record = mapping.clone();
            record.extended_properties.clear();
            self.records.insert(key, record);
            Ok(())
        }

        fn update(&mut self, mapping: &Mapping) -> Result<(), Win32Error> {
            let key = mapping.key.to_string();
            self.calls.push(format!("update {key}"));
            if self.update_unsupported {
                return Err(Win32Error::new(ERROR_INVALID_PARAMETER));
            }
            if let Some(error) = self.fail("update", &key) {
                return Err(error);
            }
            match self.records.get_mut(&key) {
                Some(record) => {
                    let properties = std::mem::take(&mut record.extended_properties);
                    *record = mapping.clone();
                    record.extended_properties = properties;
                    Ok(())
                }
                None => Err(Win32Error::new(ERROR_FILE_NOT_FOUND)),
            }
        }

        fn delete(&mut self, mapping: &Mapping) -> Result<(), Win32Error> {
            let key = mapping.key.to_string();
            self.calls.push(format!("delete {key}"));
            if let Some(error) = self.fail("delete", &key) {
                return Err(error);
            }
            self.records.remove(&key).map(|_| ()).ok_or(Win32Error::new(ERROR_FILE_NOT_FOUND))
        }

        fn create_property(
            &mut self,
            mapping: &Mapping,
            property: &ExtendedProperty,
        ) -> Result<(), Win32Error> {
            let key = mapping.key.to_string();
            self.calls.push(format!("create property {} {key}", id(property)));
            if let Some(error) = self.fail("create property", &key) {
                return Err(error);
            }
            let record = self.records.get_mut(&key).ok_or(Win32Error::new(ERROR_FILE_NOT_FOUND))?;
            if record.extended_properties.iter().any(|held| id(held) == id(property)) {
                return Err(Win32Error::new(ERROR_ALREADY_EXISTS));
            }
            record.extended_properties.push(property.clone());
            Ok(())
        }

        fn update_property(
            &mut self,
            mapping: &Mapping,
            property: &ExtendedProperty,
        ) -> Result<(), Win32Error> {
            let key = mapping.key.to_string();
            self.calls.push(format!("update property {} {key}", id(property)));
            if self.update_unsupported {
                return Err(Win32Error::new(ERROR_INVALID_PARAMETER));
            }
            let record = self.records.get_mut(&key).ok_or(Win32Error::new(ERROR_FILE_NOT_FOUND))?;
            let held = record
                .extended_properties
                .iter_mut()
                .find(|held| id(held) == id(property))
                .ok_or(Win32Error::new(ERROR_FILE_NOT_FOUND))?;
            *held = property.clone();
            Ok(())
        }

        fn delete_property(
            &mut self,
            mapping: &Mapping,
            property: &ExtendedProperty,
        ) -> Result<(), Win32Error> {
            let key = mapping.key.to_string();
            self.calls.push(format!("delete property {} {key}", id(property)));
            let record = self.records.get_mut(&key).ok_or(Win32Error::new(ERROR_FILE_NOT_FOUND))?;
            let before = record.extended_properties.len();
            record.extended_properties.retain(|held| id(held) != id(property));
            if record.extended_properties.len() == before {
                return Err(Win32Error::new(ERROR_FILE_NOT_FOUND));
            }
            Ok(())
        }
    }

    /// A property's type, as HTTP.sys keys a record's properties.
    fn id(property: &ExtendedProperty) -> i32 {
        property_type(property).expect("a typed property")
    }

    /// The HTTP/2 receive window as the decoder reads it.
    fn window(size: u32) -> ExtendedProperty {
        ExtendedProperty {
            property_id: Some(0),
            values: vec![("Receive Window".to_owned(), size.to_string())],
        }
    }

    /// The HTTP/2 settings limits as the decoder reads them.
    fn limits(per_frame: u32, per_minute: u32) -> ExtendedProperty {
        ExtendedProperty {
            property_id: Some(1),
            values: vec![
                ("Max Settings Per Frame".to_owned(), per_frame.to_string()),
                ("Max Settings Per Minute".to_owned(), per_minute.to_string()),
            ],
        }
    }

    fn mapping(key: &str, hash: &str) -> Mapping {
        let mut mapping = Mapping::new(MappingKey::Ip(key.parse().expect("an address")), Origin::Planned);
        mapping.certificate_hash = Some(Thumbprint::parse(&hash.repeat(40)).expect("a hash"));
        mapping.app_id = Some(AppId(1));
        mapping
    }

    fn fake_with(records: &[&Mapping]) -> Fake {
        let mut fake = Fake::default();
        for record in records {
            fake.records.insert(record.key.to_string(), (*record).clone());
        }
        fake
    }

    #[test]
    fn operations_apply_in_order() {
        let old = mapping("0.0.0.0:443", "a");
        let new = mapping("0.0.0.0:443", "b");
        let gone = mapping("0.0.0.0:8443", "c");
        let added = mapping("10.0.0.5:443", "d");
        let mut fake = fake_with(&[&old, &gone]);
        let ops = [
            MappingOp::Replace { before: old.clone(), after: new.clone() },
            MappingOp::Delete(gone.clone()),
            MappingOp::Add(added.clone()),
        ];
        apply_with_undo(&mut fake, &ops).expect("applies");
        assert_eq!(fake.records.len(), 2);
        assert_eq!(fake.records["0.0.0.0:443"], new);
        assert_eq!(fake.records["10.0.0.5:443"], added);
        assert_eq!(
            fake.calls,
            ["create 0.0.0.0:443", "update 0.0.0.0:443", "delete 0.0.0.0:8443", "create 10.0.0.5:443"]
        );
    }

    #[test]
    fn a_failure_undoes_what_came_before() {
        let old = mapping("0.0.0.0:443", "a");
        let new = mapping("0.0.0.0:443", "b");
        let gone = mapping("0.0.0.0:8443", "c");
        let added = mapping("10.0.0.5:443", "d");
        let mut fake = fake_with(&[&old, &gone]);
        fake.failures.push(("create", "10.0.0.5:443".to_owned(), 1312));
        let ops = [
            MappingOp::Replace { before: old.clone(), after: new },
            MappingOp::Delete(gone.clone()),
            MappingOp::Add(added),
        ];
        let error = apply_with_undo(&mut fake, &ops).expect_err("fails");
        let LiveError::Apply { operation, error, undone, undo_failures } = &error else {
            panic!("not an apply error: {error}");
        };
        assert_eq!(operation, "adding mapping 10.0.0.5:443");
        assert_eq!(error.code, 1312);
        assert_eq!(*undone, 2);
        assert!(undo_failures.is_empty());
        assert_eq!(fake.records.len(), 2);
        assert_eq!(fake.records["0.0.0.0:443"], old);
        assert_eq!(fake.records["0.0.0.0:8443"], gone);
    }

    #[test]
    fn undo_failures_are_reported() {
        let added = mapping("10.0.0.5:443", "d");
        let second = mapping("10.0.0.6:443", "e");
        let mut fake = Fake::default();
        fake.failures.push(("create", "10.0.0.6:443".to_owned(), ERROR_ACCESS_DENIED));
        fake.failures.push(("delete", "10.0.0.5:443".to_owned(), ERROR_ACCESS_DENIED));
        let ops = [MappingOp::Add(added), MappingOp::Add(second)];
        let error = apply_with_undo(&mut fake, &ops).expect_err("fails");
        let text = error.to_string();
        assert!(text.starts_with("adding mapping 10.0.0.6:443 failed: access denied"), "{text}");
        assert!(
            text.contains("undoing failed for: deleting the added mapping 10.0.0.5:443: access denied"),
            "{text}"
        );
    }

    #[test]
    fn applied_operations_are_taken_back_last_first() {
        let old = mapping("0.0.0.0:443", "a");
        let new = mapping("0.0.0.0:443", "b");
        let gone = mapping("0.0.0.0:8443", "c");
        let added = mapping("10.0.0.5:443", "d");
        let mut fake = fake_with(&[&old, &gone]);
        let ops = [
            MappingOp::Replace { before: old.clone(), after: new },
            MappingOp::Delete(gone.clone()),
            MappingOp::Add(added),
        ];
        apply_with_undo(&mut fake, &ops).expect("applies");
        fake.calls.clear();
        undo_applied(&mut fake, &ops).expect("undone");
        assert_eq!(fake.records.len(), 2);
        assert_eq!(fake.records["0.0.0.0:443"], old);
        assert_eq!(fake.records["0.0.0.0:8443"], gone);
        assert_eq!(
            fake.calls,
            ["delete 10.0.0.5:443", "create 0.0.0.0:8443", "create 0.0.0.0:443", "update 0.0.0.0:443"]
        );
    }

    #[test]
    fn an_undo_that_fails_goes_on_and_names_what_stays() {
        let first = mapping("10.0.0.5:443", "d");
        let second = mapping("10.0.0.6:443", "e");
        let ops = [MappingOp::Add(first), MappingOp::Add(second)];
        let mut fake = Fake::default();
        apply_with_undo(&mut fake, &ops).expect("applies");
        fake.failures.push(("delete", "10.0.0.6:443".to_owned(), ERROR_ACCESS_DENIED));
        let error = undo_applied(&mut fake, &ops).expect_err("one stays");
        assert!(
            error
                .to_string()
                .starts_with("undoing the HTTP.sys changes failed for: deleting the added mapping 10.0.0.6:443: access denied"),
            "{error}"
        );
        assert_eq!(fake.records.keys().collect::<Vec<_>>(), ["10.0.0.6:443"]);
    }

    #[test]
    fn an_existing_record_is_not_overwritten_by_an_add() {
        let theirs = mapping("0.0.0.0:443", "a");
        let ours = mapping("0.0.0.0:443", "b");
        let mut fake = fake_with(&[&theirs]);
        let error = apply_with_undo(&mut fake, &[MappingOp::Add(ours)]).expect_err("exists");
        assert!(error.to_string().contains("already exists"), "{error}");
        assert_eq!(fake.records["0.0.0.0:443"], theirs);
    }

    #[test]
    fn without_update_a_replace_deletes_and_sets() {
        let old = mapping("0.0.0.0:443", "a");
        let new = mapping("0.0.0.0:443", "b");
        let mut fake = fake_with(&[&old]);
        fake.update_unsupported = true;
        apply_with_undo(&mut fake, &[MappingOp::Replace { before: old, after: new.clone() }])
            .expect("applies");
        assert_eq!(fake.records["0.0.0.0:443"], new);
        assert_eq!(
            fake.calls,
            ["create 0.0.0.0:443", "update 0.0.0.0:443", "delete 0.0.0.0:443", "create 0.0.0.0:443"]
        );
    }

    #[test]
    fn a_failed_delete_and_set_puts_the_old_record_back() {
        let old = mapping("0.0.0.0:443", "a");
        let new = mapping("0.0.0.0:443", "b");
        let mut fake = fake_with(&[&old]);
        fake.update_unsupported = true;
        // The first create meets the existing key (183); the second, after the delete, fails.
        fake.failures.push(("create", "0.0.0.0:443".to_owned(), ERROR_ALREADY_EXISTS));
        fake.failures.push(("create", "0.0.0.0:443".to_owned(), 1312));
        let error = apply_with_undo(&mut fake, &[MappingOp::Replace { before: old.clone(), after: new }])
            .expect_err("fails");
        assert!(matches!(&error, LiveError::Apply { error, .. } if error.code == 1312), "{error}");
        assert_eq!(fake.records["0.0.0.0:443"], old);
    }

    #[test]
    fn unwritable_mappings_stop_the_plan_before_any_change() {
        let good = mapping("10.0.0.5:443", "d");
        let mut bad = mapping("10.0.0.6:443", "e");
        bad.app_id = None;
        let mut fake = Fake::default();
        let error =
            apply_with_undo(&mut fake, &[MappingOp::Add(good), MappingOp::Add(bad)]).expect_err("refused");
        assert!(error.to_string().contains("no AppId"), "{error}");
        assert!(fake.calls.is_empty());
    }

    #[test]
    fn a_replace_keeps_the_extended_properties() {
        let mut old = mapping("0.0.0.0:443", "a");
        old.extended_properties = vec![window(1_048_576), limits(2_796_202, u32::MAX)];
        let mut new = old.clone();
        new.certificate_hash = mapping("0.0.0.0:443", "b").certificate_hash;
        let mut fake = fake_with(&[&old]);
        apply_with_undo(&mut fake, &[MappingOp::Replace { before: old, after: new.clone() }])
            .expect("applies");
        assert_eq!(fake.records["0.0.0.0:443"], new);
        assert_eq!(
            fake.calls,
            [
                "create 0.0.0.0:443",
                "update 0.0.0.0:443",
                "create property 0 0.0.0.0:443",
                "update property 0 0.0.0.0:443",
                "create property 1 0.0.0.0:443",
                "update property 1 0.0.0.0:443",
            ]
        );
    }

    #[test]
    fn a_re_created_record_gets_its_extended_properties_again() {
        let mut old = mapping("0.0.0.0:443", "a");
        old.extended_properties = vec![window(1_048_576), limits(2_796_202, u32::MAX)];
        let mut new = old.clone();
        new.certificate_hash = mapping("0.0.0.0:443", "b").certificate_hash;
        let mut fake = fake_with(&[&old]);
        fake.update_unsupported = true;
        apply_with_undo(&mut fake, &[MappingOp::Replace { before: old, after: new.clone() }])
            .expect("applies");
        assert_eq!(fake.records["0.0.0.0:443"], new);
        assert_eq!(
            fake.calls,
            [
                "create 0.0.0.0:443",
                "update 0.0.0.0:443",
                "delete 0.0.0.0:443",
                "create 0.0.0.0:443",
                "create property 0 0.0.0.0:443",
                "create property 1 0.0.0.0:443",
            ]
        );
    }

    #[test]
    fn an_add_writes_its_extended_properties() {
        let mut added = mapping("10.0.0.5:443", "d");
        added.extended_properties = vec![limits(7, 7)];
        let mut fake = Fake::default();
        apply_with_undo(&mut fake, &[MappingOp::Add(added.clone())]).expect("applies");
        assert_eq!(fake.records["10.0.0.5:443"], added);
    }

    #[test]
    fn undoing_a_replace_restores_the_previous_extended_properties() {
        let mut old = mapping("0.0.0.0:443", "a");
        old.extended_properties = vec![window(65_535)];
        let mut new = mapping("0.0.0.0:443", "b");
        new.extended_properties = vec![window(1_048_576), limits(7, 7)];
        let mut fake = fake_with(&[&old]);
        let ops = [MappingOp::Replace { before: old.clone(), after: new.clone() }];
        apply_with_undo(&mut fake, &ops).expect("applies");
        assert_eq!(fake.records["0.0.0.0:443"], new);
        undo_applied(&mut fake, &ops).expect("undone");
        assert_eq!(fake.records["0.0.0.0:443"], old);
    }

    #[test]
    fn a_failed_extended_property_takes_the_whole_change_back() {
        let mut old = mapping("0.0.0.0:443", "a");
        old.extended_properties = vec![window(65_535)];
        let mut new = old.clone();
        new.certificate_hash = mapping("0.0.0.0:443", "b").certificate_hash;
        new.extended_properties = vec![window(1_048_576)];
        let mut added = mapping("10.0.0.5:443", "d");
        added.extended_properties = vec![limits(7, 7)];
        let mut fake = fake_with(&[&old]);
        fake.failures.push(("create property", "10.0.0.5:443".to_owned(), ERROR_ACCESS_DENIED));
        let ops = [MappingOp::Replace { before: old.clone(), after: new }, MappingOp::Add(added)];
        let error = apply_with_undo(&mut fake, &ops).expect_err("fails");
        let LiveError::Apply { operation, undone, undo_failures, .. } = &error else {
            panic!("not an apply error: {error}");
        };
        assert_eq!(operation, "adding mapping 10.0.0.5:443");
        assert_eq!(*undone, 1);
        assert!(undo_failures.is_empty(), "{undo_failures:?}");
        assert_eq!(fake.records.len(), 1);
        assert_eq!(fake.records["0.0.0.0:443"], old);
    }

    #[test]
    fn extended_properties_that_cannot_be_written_stop_the_plan_before_any_change() {
        let good = mapping("10.0.0.5:443", "d");
        let mut keys = mapping("10.0.0.6:443", "e");
        keys.extended_properties = vec![ExtendedProperty {
            property_id: Some(5),
            values: vec![("SessionTicketKeyCount".to_owned(), "3".to_owned())],
        }];
        let mut fake = Fake::default();
        let error =
            apply_with_undo(&mut fake, &[MappingOp::Add(good), MappingOp::Add(keys)]).expect_err("refused");
        assert!(error.to_string().contains("session ticket keys"), "{error}");
        assert!(fake.calls.is_empty());
    }
}
