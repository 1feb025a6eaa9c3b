//! Fixes as users run them: a title and the exact commands, built by `httpsys::command` (which
//! change plans share) and re-exported here for the rules.

use std::fmt;

pub(crate) use crate::httpsys::command::{netsh_add, netsh_delete, netsh_show};

/// A way to fix a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fix {
    /// What the fix does, as an imperative sentence fragment.
    pub title: String,
    /// The commands to run, in order (empty when the fix is a manual step).
    pub commands: Vec<String>,
}

impl Fix {
    /// A fix with `title` and `commands`.
    pub fn new(title: impl Into<String>, commands: Vec<String>) -> Fix {
        Fix { title: title.into(), commands }
    }
}

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)?;
        for command in &self.commands {
            write!(f, "\n  {command}")?;
        }
        Ok(())
    }
}
