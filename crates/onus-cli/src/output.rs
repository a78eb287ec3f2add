//! The one writer of every command: reports, listings, tables, inventories.
//!
//! - `-` (or no path) is standard output;
//! - a path that exists and is not a regular file (a terminal, a pipe, a FIFO, a
//!   character device such as `/dev/null`, `/dev/stdout`) is written through, never
//!   replaced;
//! - a regular file, or a path that does not exist yet, is replaced atomically: the
//!   text goes to a temporary file with an unpredictable name created exclusively
//!   beside it (never through a planted symlink), is flushed to disk, takes the old
//!   file's permissions, and is renamed over the target. The temporary file is
//!   removed on every failure, so the target holds the old report or the new one,
//!   never half of one; concurrent runs to one path each land whole;
//! - a closed pipe (the reader went away: `onus rules | head -1`) ends the output
//!   quietly; any other write error is an error (exit 2) naming the target.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use onus_model::AuditReport;
use onus_report::{Format, RenderOptions, Style};

/// Where output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Standard output.
    Stdout,
    /// A path: written through or replaced atomically, as the module says.
    Path(PathBuf),
}

impl Target {
    /// `None` and `-` are standard output.
    pub(crate) fn new(path: Option<&Path>) -> Target {
        match path {
            None => Target::Stdout,
            Some(p) if p == Path::new("-") => Target::Stdout,
            Some(p) => Target::Path(p.to_path_buf()),
        }
    }

    /// The target as a person names it in a message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Target::Stdout => "standard output".to_owned(),
            Target::Path(p) => crate::safe(&p.display().to_string()),
        }
    }

    /// Whether this is an existing directory (several formats go into one).
    pub(crate) fn is_dir(&self) -> bool {
        matches!(self, Target::Path(p) if p.is_dir())
    }
}

/// Write what `render` produces to `target`.
pub(crate) fn write_with(
    target: &Target,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    let result = match target {
        Target::Stdout => {
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            render(&mut out).and_then(|()| out.flush())
        }
        Target::Path(path) => write_path(path, render),
    };
    match result {
        Ok(()) => Ok(()),
        // The reader is gone: nothing more to say to it, and nothing went wrong.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot write {}", target.describe())),
    }
}

/// Write `text` to `target`.
pub(crate) fn write_text(target: &Target, text: &str) -> anyhow::Result<()> {
    write_with(target, |w| w.write_all(text.as_bytes()))
}

/// Write `text` to standard output.
pub(crate) fn stdout(text: &str) -> anyhow::Result<()> {
    write_text(&Target::Stdout, text)
}

fn write_path(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match std::fs::metadata(path) {
        // Anything but a regular file is written through: replacing /dev/null, a
        // FIFO or a terminal with a regular file would break the system or the reader.
        Ok(meta) if !meta.is_file() && !meta.is_dir() => {
            let file = std::fs::OpenOptions::new().write(true).open(path)?;
            let mut out = BufWriter::new(file);
            render(&mut out)?;
            out.flush()
        }
        Ok(meta) if meta.is_dir() => Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory (several formats go into a directory; one format needs a file)",
        )),
        Ok(meta) => replace(path, Some(meta.permissions()), render),
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace(path, None, render),
        Err(e) => Err(e),
    }
}

fn replace(
    path: &Path,
    permissions: Option<std::fs::Permissions>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".onus-").suffix(".tmp");
    #[cfg(unix)]
    if permissions.is_none() {
        // A new report gets the permissions any new file gets (0666 less the umask).
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Exclusive creation with a random name: a planted file or symlink is never followed.
    let tmp = builder.tempfile_in(dir)?;
    let mut out = BufWriter::new(tmp);
    render(&mut out)?;
    let tmp = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p)?;
    }
    tmp.as_file().sync_all()?;
    // On error the temporary file is removed when `tmp` drops.
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A line to standard error, for notes and errors. A standard error that cannot
/// be written (closed, full) is not worth a panic.
pub(crate) fn note(text: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

/// The formats to write: as asked (each once, in order), else the default for the
/// output (by its extension; table on a terminal, JSON elsewhere); several need an
/// output directory.
pub(crate) fn resolve_formats(asked: &[Format], output: &Target) -> anyhow::Result<Vec<Format>> {
    let mut formats: Vec<Format> = Vec::new();
    for f in asked {
        if !formats.contains(f) {
            formats.push(*f);
        }
    }
    if formats.is_empty() {
        formats.push(match output {
            Target::Stdout if io::stdout().is_terminal() => Format::Table,
            Target::Stdout => Format::Json,
            Target::Path(p) => Format::for_file_name(&p.to_string_lossy()),
        });
    }
    if formats.len() > 1 && *output == Target::Stdout {
        bail!("several formats ({}) need --output DIR", formats.len());
    }
    Ok(formats)
}

/// The width tables and prose wrap to on standard output: the terminal's,
/// else 100 columns.
pub(crate) fn terminal_width() -> usize {
    if io::stdout().is_terminal() {
        terminal_size::terminal_size()
            .map_or(100, |(w, _)| usize::from(w.0))
            .clamp(40, 200)
    } else {
        100
    }
}

/// Write `report` in `formats` to standard output, a file, or a directory (one
/// `onus.<ext>` per format), all through the one writer.
pub(crate) fn write_outputs(
    report: &AuditReport,
    formats: &[Format],
    output: &Target,
    style: Style,
    trend: &[onus_model::TrendPoint],
) -> anyhow::Result<Vec<String>> {
    // The table's prose wraps to the terminal, else to 100 columns.
    let width = match output {
        Target::Stdout => terminal_width(),
        _ => 100,
    };
    let options = |style| RenderOptions {
        style,
        trend,
        width,
    };
    match output {
        Target::Stdout => {
            let format = formats[0];
            write_with(output, |w| format.render(report, &options(style), w))?;
            Ok(Vec::new())
        }
        Target::Path(p) if formats.len() == 1 && !output.is_dir() => {
            let format = formats[0];
            // Colour only ever goes to standard output on a terminal.
            write_with(output, |w| format.render(report, &options(Style::PLAIN), w))?;
            Ok(vec![p.display().to_string()])
        }
        Target::Path(dir) => {
            std::fs::create_dir_all(dir).with_context(|| {
                format!(
                    "cannot create output directory {}",
                    crate::safe(&dir.display().to_string())
                )
            })?;
            let mut written = Vec::new();
            for format in formats {
                let path = dir.join(format.file_name());
                let target = Target::Path(path.clone());
                write_with(&target, |w| {
                    format.render(report, &options(Style::PLAIN), w)
                })?;
                written.push(path.display().to_string());
            }
            Ok(written)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_a_regular_file_keeping_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        write_text(&Target::new(Some(&path)), "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn a_failed_render_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        std::fs::write(&path, "old").unwrap();
        let err = write_with(&Target::new(Some(&path)), |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("boom"))
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("boom"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dash_is_standard_output() {
        assert_eq!(Target::new(Some(Path::new("-"))), Target::Stdout);
        assert_eq!(Target::new(None), Target::Stdout);
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn formats_are_written_once_each_in_order() {
        let asked = [
            Format::Json,
            Format::Sarif,
            Format::Json,
            Format::Html,
            Format::Sarif,
        ];
        let dir = Target::new(Some(Path::new("out")));
        let got = resolve_formats(&asked, &dir).unwrap();
        assert_eq!(got, vec![Format::Json, Format::Sarif, Format::Html]);
        assert_eq!(
            resolve_formats(&[], &Target::new(Some(Path::new("r.sarif")))).unwrap(),
            vec![Format::Sarif]
        );
        assert!(resolve_formats(&[Format::Json, Format::Csv], &Target::Stdout).is_err());
        assert_eq!(
            resolve_formats(&[Format::Json, Format::Json], &Target::Stdout).unwrap(),
            vec![Format::Json]
        );
    }
}
