pub(crate) mod access_logging_off;
pub(crate) mod audit_log_off;
pub(crate) mod control_plane_audit_off;
pub(crate) mod flow_logs_off;
pub(crate) mod log_retention_short;
