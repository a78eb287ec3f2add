//! Framework files: parsing, checking, the built-in set and user directories.

use std::collections::BTreeSet;
use std::path::Path;

use onus_model::{Duty, Ownership};
use serde::Deserialize;

/// The frameworks built into onus: `(file name, text)`.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "ccm-4.0.toml",
        include_str!("../../../config/frameworks/ccm-4.0.toml"),
    ),
    (
        "cis-aws-5.0.toml",
        include_str!("../../../config/frameworks/cis-aws-5.0.toml"),
    ),
    (
        "cis-azure-4.0.toml",
        include_str!("../../../config/frameworks/cis-azure-4.0.toml"),
    ),
    (
        "cis-gcp-4.0.toml",
        include_str!("../../../config/frameworks/cis-gcp-4.0.toml"),
    ),
    (
        "nist-800-53-r5.toml",
        include_str!("../../../config/frameworks/nist-800-53-r5.toml"),
    ),
];

/// Why a framework file could not be used. Every variant names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameworkError {
    /// Not valid TOML, or a value of the wrong type or spelling.
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// Well-formed, but not a usable framework.
    #[error("{file}: at {path}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// The offending place (`control[3].rules`, `id`).
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The directory or a file in it could not be read.
    #[error("{file}: {message}")]
    Read {
        /// The directory or file.
        file: String,
        /// The operating system's reason.
        message: String,
    },
    /// `--framework` named a framework that is not loaded.
    #[error("unknown framework '{id}' (known: {known}; `onus frameworks` lists them)")]
    Unknown {
        /// The id asked for.
        id: String,
        /// The ids loaded, comma-separated.
        known: String,
    },
}

/// One domain (CCM) or section (CIS, NIST family) controls are grouped under.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    /// Its short id (`CEK`, `2`, `SC`).
    pub id: String,
    /// Its title.
    pub title: String,
}

/// One control of a framework.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// The control's id in the framework (`CEK-03`, `2.1.1`, `SC-28`).
    pub id: String,
    /// A short title in onus's words.
    pub title: String,
    /// The id of the domain it belongs to.
    #[serde(default)]
    pub domain: Option<String>,
    /// Who owns it per service model (CCM).
    #[serde(default)]
    pub ownership: Option<Ownership>,
    /// The duties whose statuses evidence it.
    #[serde(default)]
    pub duties: Vec<Duty>,
    /// The rules whose conclusions evidence it.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Set for a control no API shows: why it is verified by hand.
    #[serde(default)]
    pub manual: Option<String>,
    /// Where a fact about the control (its ownership) comes from, when it
    /// differs from the framework's `source`.
    #[serde(default)]
    pub note: Option<String>,
}

impl Control {
    /// Whether onus assesses it from the ledger (not by hand).
    pub fn is_automated(&self) -> bool {
        self.manual.is_none()
    }
}

/// A compliance framework.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Its id on the command line (`ccm-4.0`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// The framework's version.
    pub version: String,
    /// Where the control ids (and ownership) come from.
    pub source: String,
    /// The framework's home page.
    #[serde(default)]
    pub url: Option<String>,
    /// Whether every control carries its owner per service model.
    #[serde(default)]
    pub ownership: bool,
    /// The domains, in order.
    #[serde(default, rename = "domain")]
    pub domains: Vec<Domain>,
    /// The controls, in order.
    #[serde(rename = "control")]
    pub controls: Vec<Control>,
    /// The file it was read from (`built-in` for onus's own).
    #[serde(skip)]
    pub file: String,
}

impl Framework {
    /// Parse and check one framework file. `known_rules` are the rule codes a
    /// control may name.
    pub fn parse(
        text: &str,
        file: &str,
        known_rules: &[&str],
    ) -> Result<Framework, FrameworkError> {
        let mut framework: Framework = toml::from_str(text).map_err(|err| {
            let (line, column) = err
                .span()
                .map(|s| onus_model::line_column(text, s.start))
                .unwrap_or((1, 1));
            FrameworkError::Parse {
                file: file.to_owned(),
                line,
                column,
                message: err.message().to_owned(),
            }
        })?;
        framework.file = file.to_owned();
        framework.check(known_rules)?;
        Ok(framework)
    }

    fn check(&self, known_rules: &[&str]) -> Result<(), FrameworkError> {
        let invalid = |path: String, message: String| FrameworkError::Invalid {
            file: self.file.clone(),
            path,
            message,
        };
        let id_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        };
        if !id_ok(&self.id) {
            return Err(invalid(
                "id".into(),
                format!(
                    "'{}' is not a framework id (lower-case letters, digits, '-' and '.')",
                    self.id
                ),
            ));
        }
        for (field, value) in [
            ("title", &self.title),
            ("version", &self.version),
            ("source", &self.source),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(field.into(), "must not be empty".into()));
            }
        }
        if self.controls.is_empty() {
            return Err(invalid(
                "control".into(),
                "a framework needs at least one control".into(),
            ));
        }
        let mut domains = BTreeSet::new();
        for (i, d) in self.domains.iter().enumerate() {
            if d.id.trim().is_empty() || d.title.trim().is_empty() {
                return Err(invalid(
                    format!("domain[{i}]"),
                    "id and title must not be empty".into(),
                ));
            }
            if !domains.insert(d.id.as_str()) {
                return Err(invalid(
                    format!("domain[{i}].id"),
                    format!("'{}' appears twice", d.id),
                ));
            }
        }
        let mut ids = BTreeSet::new();
        for (i, c) in self.controls.iter().enumerate() {
            let at = |field: &str| format!("control[{i}] ({}).{field}", c.id);
            if c.id.trim().is_empty() || c.id.chars().any(char::is_whitespace) || c.id.len() > 32 {
                return Err(invalid(
                    at("id"),
                    "a control id is 1 to 32 characters without spaces".into(),
                ));
            }
            if !ids.insert(c.id.as_str()) {
                return Err(invalid(at("id"), format!("'{}' appears twice", c.id)));
            }
            if c.title.trim().is_empty() || c.title.chars().count() > 120 || c.title.contains('\n')
            {
                return Err(invalid(
                    at("title"),
                    "a title is one line of 1 to 120 characters".into(),
                ));
            }
            match &c.domain {
                Some(d) if !domains.contains(d.as_str()) => {
                    return Err(invalid(
                        at("domain"),
                        format!("no domain '{d}' is declared"),
                    ));
                }
                None if !self.domains.is_empty() => {
                    return Err(invalid(
                        at("domain"),
                        "every control needs a domain when domains are declared".into(),
                    ));
                }
                _ => {}
            }
            let automated = !c.duties.is_empty() || !c.rules.is_empty();
            match (&c.manual, automated) {
                (Some(_), true) => {
                    return Err(invalid(
                        at("manual"),
                        "a control is either manual or assessed by duties and rules, not both"
                            .into(),
                    ));
                }
                (None, false) => {
                    return Err(invalid(
                        at("duties"),
                        "name the duties or rules that evidence the control, or say why it is manual".into(),
                    ));
                }
                (Some(m), false) if m.trim().is_empty() => {
                    return Err(invalid(
                        at("manual"),
                        "say why the control is verified by hand".into(),
                    ));
                }
                _ => {}
            }
            for r in &c.rules {
                if !known_rules.contains(&r.as_str()) {
                    return Err(invalid(
                        at("rules"),
                        format!("no rule '{r}' (`onus rules` lists them)"),
                    ));
                }
            }
            if self.ownership && c.ownership.is_none() {
                return Err(invalid(
                    at("ownership"),
                    "this framework gives ownership per service model: every control needs iaas, paas and saas".into(),
                ));
            }
        }
        Ok(())
    }

    /// The domain title of a control, when it has a domain.
    pub fn domain_title(&self, control: &Control) -> Option<&str> {
        let id = control.domain.as_deref()?;
        self.domains
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.title.as_str())
    }

    /// A control by id (case-insensitive).
    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id.eq_ignore_ascii_case(id))
    }

    /// Controls assessed from the ledger.
    pub fn automated(&self) -> usize {
        self.controls.iter().filter(|c| c.is_automated()).count()
    }
}

/// The frameworks loaded: the built-in ones and any from `--frameworks DIR`.
#[derive(Debug, Clone, Default)]
pub struct Frameworks {
    /// Every framework, built-in first, then user files by name.
    pub all: Vec<Framework>,
}

impl Frameworks {
    /// The built-in frameworks.
    pub fn builtin(known_rules: &[&str]) -> Result<Frameworks, FrameworkError> {
        let mut all = Vec::new();
        for (name, text) in BUILTIN {
            let mut f = Framework::parse(text, &format!("built-in {name}"), known_rules)?;
            f.file = "built-in".to_owned();
            all.push(f);
        }
        Ok(Frameworks { all })
    }

    /// Add every `*.toml` file of `dir`, in name order. An id that is already
    /// loaded is an error naming both files: a user file never silently
    /// replaces a framework.
    pub fn load_dir(&mut self, dir: &Path, known_rules: &[&str]) -> Result<(), FrameworkError> {
        let read_err = |file: &Path, e: std::io::Error| FrameworkError::Read {
            file: file.display().to_string(),
            message: e.to_string(),
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| read_err(dir, e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(FrameworkError::Read {
                file: dir.display().to_string(),
                message: "holds no *.toml framework file".into(),
            });
        }
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|e| read_err(&path, e))?;
            let name = path.display().to_string();
            let f = Framework::parse(&text, &name, known_rules)?;
            if let Some(other) = self.all.iter().find(|o| o.id == f.id) {
                return Err(FrameworkError::Invalid {
                    file: name,
                    path: "id".into(),
                    message: format!("framework '{}' is already loaded from {}", f.id, other.file),
                });
            }
            self.all.push(f);
        }
        Ok(())
    }

    /// A framework by id.
    pub fn get(&self, id: &str) -> Result<&Framework, FrameworkError> {
        self.all
            .iter()
            .find(|f| f.id == id)
            .ok_or_else(|| FrameworkError::Unknown {
                id: id.to_owned(),
                known: self
                    .all
                    .iter()
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Every control whose id matches `query`: `CEK-03` anywhere, or
    /// `cis-aws-5.0:1.4` in one framework.
    pub fn find_control(&self, query: &str) -> Vec<(&Framework, &Control)> {
        let (framework, id) = match query.split_once(':') {
            Some((f, id)) => (Some(f), id),
            None => (None, query),
        };
        self.all
            .iter()
            .filter(|f| framework.is_none_or(|want| f.id == want))
            .filter_map(|f| f.control(id).map(|c| (f, c)))
            .collect()
    }
}
