//! Applying a sync plan: the changes of a [`SyncPlan`](sinch_contacts_model::SyncPlan) sent
//! through a [`Bulk`](crate::Bulk) runner in the plan's apply order, with one outcome per change.
//!
//! The plan itself is the model crate's pure function
//! ([`plan`](sinch_contacts_model::plan)), made from the source's rows and the current contacts
//! (listed with [`Bulk::list_contacts`](crate::Bulk::list_contacts), or read from a mirror);
//! [`apply_order`](sinch_contacts_model::apply_order) stages it. [`apply_plan`] runs the stages
//! one after the other, each through the runner:
//!
//! - **deletes** with [`Bulk::run_repeatable`](crate::Bulk::run_repeatable) (a `DELETE` is
//!   repeated after any passing failure; a 404 means the contact is already gone, which is
//!   what the delete wanted: [`Applied::AlreadyGone`]);
//! - **updates** with [`Bulk::run_repeatable`](crate::Bulk::run_repeatable): the patch sets
//!   fields to values, so sending it again after an unclear answer changes nothing more;
//! - **creates** with [`Bulk::create_safe_jobs`](crate::Bulk::create_safe_jobs): never twice,
//!   looked up by external id after an unclear answer, and before the first attempt when
//!   [`ApplyOptions::look_up_first`] says so (a change an earlier, killed run may have sent).
//!
//! A stage starts when every change of the stage before it has finished. A change waiting for
//! one that did not succeed (the delete or update that releases an identity it takes) is not
//! sent: it is [`ChangeError::HeldBack`], since applying it would leave the identity on two
//! contacts. A rerun plans again against the live state and picks it up.
//!
//! ```
//! use futures_util::StreamExt;
//! use sinch_contacts_model::{apply_order, plan, Columns, Contact, ContactField, DesiredContact, PlanOptions};
//! use sinch_contacts_port::sync::{apply_plan, ApplyOptions, Applied};
//! use sinch_contacts_port::test_util::{FakeTransport, json_response};
//! use sinch_contacts_port::{Auth, Bulk, BulkOptions, ContactsClient, Region};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap().block_on(async {
//! let transport = FakeTransport::new();
//! transport.set_handler(|_| async { Ok(json_response(200, r#"{"id":"01A","display_name":"Ada L."}"#)) });
//! let client = ContactsClient::builder(transport, "my-project")
//!     .region(Region::Eu)
//!     .auth(Auth::basic("key-id", "key-secret"))
//!     .build()?;
//!
//! let mut ada = Contact::default();
//! ada.id = Some("01A".to_owned());
//! ada.external_id = Some("crm-1".to_owned());
//! ada.display_name = Some("Ada".to_owned());
//! let current = vec![ada];
//! let rows = [DesiredContact::new("crm-1").with_display_name("Ada L.")];
//! let columns = Columns::new([ContactField::DisplayName]);
//! let plan = plan(&rows, &columns, &current, &PlanOptions::default())?;
//! let order = apply_order(&plan, &current);
//!
//! let bulk = Bulk::new(&client, BulkOptions::default())?;
//! let mut outcomes = apply_plan(&bulk, plan, order, ApplyOptions::default());
//! while let Some(outcome) = outcomes.next().await {
//!     let outcome = outcome?; // `Err` only when a systemic failure stopped the run
//!     assert_eq!(outcome.change.external_id, "crm-1");
//!     assert!(matches!(outcome.result, Ok(Applied::Updated(_))));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod apply;
mod change;
mod options;

pub use apply::{SyncApply, apply_plan};
pub use change::{Applied, Change, ChangeError, ChangeOutcome};
pub use options::ApplyOptions;
