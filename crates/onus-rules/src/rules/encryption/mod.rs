pub(crate) mod customer_managed_key_missing;
pub(crate) mod database_unencrypted;
pub(crate) mod ebs_default_encryption_off;
pub(crate) mod key_rotation_off;
pub(crate) mod storage_unencrypted;
