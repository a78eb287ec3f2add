pub(crate) mod certificate_expiring;
pub(crate) mod certificate_weak_key;
pub(crate) mod old_tls_allowed;
pub(crate) mod plaintext_ftp_allowed;
pub(crate) mod tls_not_enforced;
