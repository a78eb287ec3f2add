pub(crate) mod auto_minor_upgrade_off;
pub(crate) mod deprecated_runtime;
pub(crate) mod image_scan_off;
pub(crate) mod managed_updates_off;
