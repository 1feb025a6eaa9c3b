//! Changes to bindings and mappings: config edits plus mapping operations, reference-counted.
//!
//! [`changes::plan`] turns a [`Change`] into a [`Plan`]; `ops` holds the mapping operations
//! and `script` renders them as netsh or PowerShell scripts to run on the server; `validate`
//! checks the values a change would write before anything is planned.

mod changes;
pub mod ops;
pub mod script;
pub(crate) mod validate;

pub use changes::{
    Change, ConfigChange, Plan, PlanError, PlanInput, Refusal, apply_ops, apply_urlacl_ops, plan,
    plan_analysed, planned_machine,
};
pub use ops::{MappingOp, UrlAclOp};
pub use validate::{InvalidValue, check_change};
