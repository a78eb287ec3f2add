pub(crate) mod backup_not_geo_redundant;
pub(crate) mod backups_disabled;
pub(crate) mod point_in_time_recovery_off;
pub(crate) mod vault_not_locked;
pub(crate) mod versioning_off;
