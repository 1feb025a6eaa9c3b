//! `doctor --summary`: the findings counted per code and per site instead of listed one by
//! one, because a hosting server of 20,000 sites has tens of thousands of findings and a
//! person needs the shape of them first. A pure function over findings, so the counts are
//! the same whatever renders them.

use std::collections::HashMap;

use crate::doctor::{Code, Finding, Severity};

/// The findings counted: per code, per site, and in all.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// One row per code and severity found: errors first, then warnings, then infos; within
    /// a severity the most frequent code first, then by code name.
    pub by_code: Vec<CodeCount>,
    /// One row per site with a finding, the worst first (most errors, then warnings, then
    /// infos; ties in the order the findings name them), then the findings about no site
    /// (mappings and certificates alone), if any, last.
    pub by_site: Vec<SiteCount>,
    /// Every finding counted by severity.
    pub totals: SeverityCounts,
}

/// How many findings one code has at one severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodeCount {
    /// The code.
    pub code: Code,
    /// The severity its findings have after overrides (a code keeps one severity per run,
    /// but a row per severity is kept should two findings of a code ever differ).
    pub severity: Severity,
    /// How many findings.
    pub count: usize,
}

/// How many findings of each severity one site has.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SiteCount {
    /// The site's name as the findings give it; `None` for the findings about mappings and
    /// certificates that no site is named in.
    pub site: Option<String>,
    /// Its findings by severity.
    pub counts: SeverityCounts,
}

/// Findings counted by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeverityCounts {
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
}

impl SeverityCounts {
    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
}

/// Counts `findings` per code and per site. Linear in the number of findings but for the
/// sorts, so it stays cheap on the largest machines.
pub fn summarize(findings: &[Finding]) -> Summary {
    let mut totals = SeverityCounts::default();
    let mut by_code: HashMap<(Code, Severity), usize> = HashMap::new();
    // Sites in the order findings first name them, so that ties keep that order.
    let mut site_index: HashMap<&str, usize> = HashMap::new();
    let mut by_site: Vec<SiteCount> = Vec::new();
    let mut no_site = SeverityCounts::default();
    for finding in findings {
        totals.add(finding.severity);
        *by_code.entry((finding.code, finding.severity)).or_default() += 1;
        let Some(site) = finding.site.as_deref() else {
            no_site.add(finding.severity);
            continue;
        };
        let index = *site_index.entry(site).or_insert_with(|| {
            by_site.push(SiteCount { site: Some(site.to_owned()), counts: SeverityCounts::default() });
            by_site.len() - 1
        });
        by_site[index].counts.add(finding.severity);
    }
    let mut by_code: Vec<CodeCount> =
        by_code.into_iter().map(|((code, severity), count)| CodeCount { code, severity, count }).collect();
    by_code.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then(b.count.cmp(&a.count)).then(a.code.name().cmp(b.code.name()))
    });
    // A stable sort: sites with equal counts keep the order the findings named them in.
    by_site.sort_by(|a, b| {
        let key = |counts: &SeverityCounts| (counts.errors, counts.warnings, counts.infos);
        key(&b.counts).cmp(&key(&a.counts))
    });
    if no_site != SeverityCounts::default() {
        by_site.push(SiteCount { site: None, counts: no_site });
    }
    Summary { by_code, by_site, totals }
}
