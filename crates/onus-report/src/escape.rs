//! Hostile text made inert for each medium.
//!
//! Names, tags, ids and messages come from whoever can write to an audited
//! account. They must never become a terminal escape, a spreadsheet formula or
//! Markdown markup. Each function here takes data and returns it safe for one
//! medium; renderers call them on every data-derived string, never on onus's
//! own layout.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters that change how text is displayed without being visible: the bidi
/// overrides and isolates (Trojan Source), which can make a name read as another.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` must be shown escaped in a terminal.
fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn push_escaped(out: &mut String, c: char) {
    let n = u32::from(c);
    if n < 0x100 {
        let _ = write!(out, "\\x{n:02x}");
    } else {
        let _ = write!(out, "\\u{{{n:04x}}}");
    }
}

/// Data for a terminal: every control character (C0 including newline and tab,
/// DEL, C1 including CSI) and every bidi control is shown escaped (`\x1b`), so
/// data can neither move the cursor, clear the screen, open a hyperlink, set the
/// title, nor break the layout.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A message of several lines for a terminal (an error with its causes): newlines
/// are kept, every other control character is escaped as in [`terminal`].
pub fn terminal_lines(s: &str) -> String {
    s.split('\n').map(terminal).collect::<Vec<_>>().join("\n")
}

/// A CSV cell that no spreadsheet will evaluate and no terminal will obey: a
/// cell starting with `=`, `+`, `-`, `@`, TAB or CR is prefixed with `'`, as
/// OWASP recommends against CSV injection, and every control and bidi
/// character (ESC, BEL, C1, line breaks) is shown escaped as in [`terminal`],
/// so `cat report.csv` cannot be steered either. Quoting is the CSV writer's
/// business.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let formula = matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    match (formula, terminal(s)) {
        (false, cell) => cell,
        (true, cell) => Cow::Owned(format!("'{cell}")),
    }
}

/// Characters that open or close Markdown inline markup anywhere in a line:
/// code spans, emphasis, strikethrough, links and images, HTML tags and
/// entities, table cells, math, and the backslash itself.
fn is_inline_markup(c: char) -> bool {
    matches!(
        c,
        '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' | '$'
    )
}

/// The word joiner: invisible, and breaks GitHub's mention and URL autolinking.
const WORD_JOINER: char = '\u{2060}';

/// Data as Markdown text (a table cell, a list item): characters that open inline
/// markup are backslash-escaped, and so is a first character that could open a
/// block (`#`, `>`, `-`, `+`, `=`, `1.`), so data opens no code span, emphasis,
/// link, image, HTML tag, entity, heading, list or table cell; control characters
/// and line breaks are shown escaped, so data starts no new line; and a word
/// joiner breaks `@mentions`, `://` and `www.` so nothing is autolinked.
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    let chars: Vec<char> = s.chars().collect();
    // A leading run of digits followed by `.` or `)` would start an ordered list.
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    for (i, &c) in chars.iter().enumerate() {
        if needs_escape(c) {
            // `\x1b` shown as text: the backslash itself escaped.
            out.push('\\');
            push_escaped(&mut out, c);
            continue;
        }
        let opens_block = (i == 0 && c.is_ascii_punctuation())
            || (digits > 0 && i == digits && matches!(c, '.' | ')'));
        if is_inline_markup(c) || opens_block {
            out.push('\\');
        }
        out.push(c);
        let next = chars.get(i + 1).copied();
        let breaks_link = match c {
            '@' => true,
            ':' => next == Some('/'),
            '.' => {
                i >= 3
                    && chars[i - 3..i]
                        .iter()
                        .collect::<String>()
                        .eq_ignore_ascii_case("www")
            }
            _ => false,
        };
        if breaks_link {
            out.push(WORD_JOINER);
        }
    }
    out
}

/// Data as an inline code span that is safe in a GFM table cell: the fence is one
/// backtick longer than the longest run of backticks in the data, so the data
/// cannot close it; `|` is escaped for the table; control characters and line
/// breaks are shown escaped.
pub fn markdown_code(s: &str) -> String {
    if s.is_empty() {
        return "` `".to_owned();
    }
    let mut body = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '|' => body.push_str("\\|"),
            c if needs_escape(c) => push_escaped(&mut body, c),
            c => body.push(c),
        }
    }
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') || body.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// Text for XML 1.0 (JUnit): characters XML cannot carry even escaped (C0 other
/// than tab, newline and carriage return; U+FFFE and U+FFFF) are shown escaped.
pub fn xml_text(s: &str) -> Cow<'_, str> {
    // C0 but tab and line breaks (XML 1.0 cannot carry them), and DEL, C1
    // and the bidi controls (a CI page or a terminal would obey them).
    let bad = |c: char| {
        (needs_escape(c) && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{fffe}' | '\u{ffff}')
    };
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_controls_and_bidi() {
        assert_eq!(terminal("plain name"), "plain name");
        assert_eq!(terminal("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(terminal("x\u{9b}31m"), "x\\x9b31m");
        assert_eq!(
            terminal("line\nbreak\ttab\r"),
            "line\\x0abreak\\x09tab\\x0d"
        );
        assert_eq!(terminal("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(terminal_lines("one\ntwo\x07"), "one\ntwo\\x07");
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_cell(s).starts_with('\''), "{s:?}");
        }
        assert_eq!(csv_cell("web-1"), "web-1");
        // Controls are shown escaped: `cat report.csv` cannot be steered.
        assert_eq!(csv_cell("a\x1b]0;t\x07b"), "a\\x1b]0;t\\x07b");
        assert_eq!(csv_cell("a\nverdict: PASS"), "a\\x0averdict: PASS");
        assert_eq!(csv_cell("=1+1\u{9b}"), "'=1+1\\x9b");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn markdown_text_escapes_every_construct() {
        let s = markdown_text("`x` <img src=x> [a](b) *e* @bob https://e.com www.e.com $m$");
        assert!(s.contains("\\`x\\`"));
        assert!(s.contains("\\<img src=x\\>"));
        assert!(s.contains("\\[a\\](b)"));
        assert!(s.contains("\\*e\\*"));
        assert!(s.contains("@\u{2060}bob"));
        assert!(s.contains("https:\u{2060}//"));
        assert!(s.contains("www.\u{2060}"));
        assert!(s.contains("\\$m\\$"));
        assert_eq!(markdown_text("a\r\n## b"), "a\\\\x0d\\\\x0a## b");
        assert_eq!(markdown_text("# h"), "\\# h");
        assert_eq!(markdown_text("12. x"), "12\\. x");
        assert_eq!(
            markdown_text("2 critical, 1 failed (x)"),
            "2 critical, 1 failed (x)"
        );
    }

    #[test]
    fn markdown_code_cannot_be_closed_by_data() {
        assert_eq!(markdown_code("abc"), "`abc`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x``"), "``` `x`` ```");
        assert_eq!(markdown_code("a|b"), "`a\\|b`");
        assert_eq!(markdown_code(""), "` `");
    }

    #[test]
    fn xml_text_drops_what_xml_cannot_carry() {
        assert_eq!(xml_text("a\x1bb"), "a\\x1bb");
        assert_eq!(xml_text("a\tb\n"), "a\tb\n");
        // DEL, C1 (CSI) and bidi controls, which a CI page or terminal would obey.
        assert_eq!(xml_text("a\u{9b}2J\u{7f}"), "a\\x9b2J\\x7f");
        assert_eq!(xml_text("x\u{202e}y"), "x\\u{202e}y");
    }
}
