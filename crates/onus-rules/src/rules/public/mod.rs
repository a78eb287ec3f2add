pub(crate) mod anonymous_sharing_links;
pub(crate) mod database_internet_reachable;
pub(crate) mod public_access_not_blocked;
pub(crate) mod public_grant;
pub(crate) mod public_snapshot;
pub(crate) mod resource_policy_public;
pub(crate) mod service_open_to_all_networks;
