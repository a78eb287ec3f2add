pub(crate) mod access_key_stale;
pub(crate) mod console_user_without_mfa;
pub(crate) mod imds_v1_allowed;
pub(crate) mod root_without_mfa;
pub(crate) mod secret_rotation_off;
pub(crate) mod tenant_mfa_not_required;
pub(crate) mod unauthenticated_function_url;
pub(crate) mod weak_password_policy;
