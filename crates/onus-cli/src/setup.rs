//! What several commands load: the catalog.

use std::path::Path;

use anyhow::{Context as _, bail};
use onus_catalog::Catalog;

/// Load the built-in catalog, with `path` merged over it when given.
pub(crate) fn load_catalog(path: Option<&Path>) -> anyhow::Result<Catalog> {
    match path {
        None => Ok(Catalog::builtin()?),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read catalog {}", path.display()))?;
            let catalog = Catalog::with_override(&text, &path.display().to_string())?;
            for (kind, entry) in catalog.kinds() {
                if let Some(code) = entry.rules.iter().find(|c| onus_rules::find(c).is_none()) {
                    bail!(
                        "{}: at kinds.\"{kind}\".rules: unknown rule '{code}' (`onus rules` lists the rules)",
                        path.display()
                    );
                }
            }
            Ok(catalog)
        }
    }
}
