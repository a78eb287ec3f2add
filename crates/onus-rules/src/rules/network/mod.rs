pub(crate) mod admin_ports_open;
pub(crate) mod all_ports_open;
pub(crate) mod cluster_endpoint_open;
pub(crate) mod database_ports_open;
pub(crate) mod default_group_open;
pub(crate) mod service_firewall_open;
pub(crate) mod storage_network_open;
pub(crate) mod subnet_assigns_public_ip;
