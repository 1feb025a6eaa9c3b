//! The accepted fixes as one plan: each config's text as read and as repaired, and the mapping
//! operations that take the mappings as read to the mappings as repaired (a mapping two fixes
//! change is replaced once), ordered adds, then replaces, then deletes, so that a client
//! served before the plan is served at every step of it.

use std::collections::HashMap;

use crate::model::machine::Machine;
use crate::model::mapping::{Mapping, MappingKey};
use crate::model::source::Origin;
use crate::plan::{ConfigChange, MappingOp, Plan};

use super::State;

/// The plan from `machine` (with `texts`) to `repaired`; `steps` are the plans of the
/// accepted fixes, whose URL reservation operations and notes it keeps.
pub(crate) fn net_plan(machine: &Machine, texts: &[String], repaired: &State, steps: &[Plan]) -> Plan {
    let mut plan = Plan::default();
    for (position, (before, after)) in texts.iter().zip(&repaired.texts).enumerate() {
        if before != after {
            plan.configs.push(ConfigChange {
                config: position,
                path: machine.configs[position].path.clone(),
                before: before.clone(),
                after: after.clone(),
            });
        }
    }
    let original: HashMap<&MappingKey, &Mapping> =
        machine.mappings.iter().map(|mapping| (&mapping.key, mapping)).collect();
    let repaired_by_key: HashMap<&MappingKey, &Mapping> =
        repaired.machine.mappings.iter().map(|mapping| (&mapping.key, mapping)).collect();
    for mapping in &repaired.machine.mappings {
        if !original.contains_key(&mapping.key) {
            plan.ops.push(MappingOp::Add(mapping.clone()));
        }
    }
    for mapping in &machine.mappings {
        match repaired_by_key.get(&mapping.key) {
            Some(after) if !same_settings(mapping, after) => {
                let mut after = (*after).clone();
                after.origin = Origin::Planned;
                plan.ops.push(MappingOp::Replace { before: mapping.clone(), after });
            }
            Some(_) => {}
            None => plan.ops.push(MappingOp::Delete(mapping.clone())),
        }
    }
    plan.ops.sort_by_key(|op| match op {
        MappingOp::Add(_) => 0,
        MappingOp::Replace { .. } => 1,
        MappingOp::Delete(_) => 2,
    });
    for step in steps {
        plan.urlacl_ops.extend(step.urlacl_ops.iter().cloned());
        for note in &step.notes {
            if !plan.notes.contains(note) {
                plan.notes.push(note.clone());
            }
        }
    }
    plan
}

/// Whether two records hold the same settings, wherever they were read.
fn same_settings(before: &Mapping, after: &Mapping) -> bool {
    let mut after = after.clone();
    after.origin = before.origin.clone();
    *before == after
}
