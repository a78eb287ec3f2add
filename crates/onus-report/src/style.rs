//! Terminal styling: colour only when asked for (a terminal without `NO_COLOR`).

use onus_model::{Severity, Status};

/// How text output is styled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    /// Emit ANSI colour codes.
    pub color: bool,
}

impl Style {
    /// Plain text.
    pub const PLAIN: Style = Style { color: false };

    fn paint(self, text: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Bold text.
    pub fn bold(self, text: &str) -> String {
        self.paint(text, "1")
    }

    /// Dimmed text.
    pub fn dim(self, text: &str) -> String {
        self.paint(text, "2")
    }

    /// A status word in its colour.
    pub fn status(self, status: Status, text: &str) -> String {
        let code = match status {
            Status::Unaddressed => "31",
            Status::Unknown => "33",
            Status::Addressed => "32",
            Status::NotApplicable => "2",
        };
        self.paint(text, code)
    }

    /// A severity word in its colour.
    pub fn severity(self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.paint(text, code)
    }
}
