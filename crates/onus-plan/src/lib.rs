//! `onus plan`: the pre-migration duty assessment.
//!
//! For each asset of an estate (a CMDB export as CSV or JSON), the candidate
//! targets from the catalog under each migration strategy, and for each target
//! the responsibility shift against on-premises, where the customer owns every
//! layer: which duties move to the provider, become shared, or stay; the
//! checklist of controls that stay, tied to the rules that will verify them and
//! ordered by the asset's classification and exposure; totals; and, after the
//! move, verification against an audit report.

mod assets;
mod plan;
pub mod render;

pub use assets::{
    Asset, AssetError, Classification as DataClassification, assets_json_schema, read_assets,
};
pub use onus_catalog::Strategy;
pub use plan::{
    Cloud, ControlItem, ControlShift, DutyShift, OwnershipShift, PLAN_SCHEMA, Plan, PlannedAsset,
    Shift, TargetPlan, Totals, TotalsBuilder, Verification, Verifier, plan, plan_asset, verify,
};
