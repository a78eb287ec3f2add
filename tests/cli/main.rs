//! End-to-end tests of the `onus` binary: one integration test binary, one
//! module per area (ripgrep's layout). Harnesses first, then the areas; a
//! module that needs a collector is compiled only with its feature.

mod util;

#[cfg(any(feature = "aws", feature = "azure", feature = "gcp"))]
mod fault;

#[cfg(feature = "azure")]
mod mock_arm;
#[cfg(feature = "gcp")]
mod mock_gcp;
#[cfg(feature = "saas")]
mod mock_saas;
#[cfg(feature = "aws")]
mod moto;

mod adversarial;
mod audit;
#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "azure")]
mod azure;
mod compliance;
mod duties;
mod formats;
#[cfg(feature = "gcp")]
mod gcp;
mod outputs;
mod plan;
mod readme;
mod recipes;
#[cfg(feature = "saas")]
mod saas;
mod store;
