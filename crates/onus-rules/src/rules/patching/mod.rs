pub(crate) mod missing_patches;
pub(crate) mod not_patch_managed;
