pub(crate) mod data_unclassified;
