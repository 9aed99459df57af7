//! [`ApplyOptions`]: what a caller decides about an [`apply_plan`](super::apply_plan) run.

use std::fmt;
use std::sync::Arc;

use super::Change;

type LookUp = Arc<dyn Fn(&str) -> bool + Send + Sync>;
type BeforeSend = Box<dyn FnMut(&Change) -> bool + Send>;

/// Options of [`apply_plan`](super::apply_plan).
///
/// ```
/// use std::collections::HashSet;
/// use sinch_contacts_port::sync::ApplyOptions;
///
/// let in_doubt: HashSet<String> = HashSet::from(["crm-7".to_owned()]);
/// let options = ApplyOptions::default()
///     .look_up_first(move |external_id| in_doubt.contains(external_id))
///     .max_rounds(5)
///     .before_send(|change| {
///         println!("sending {:?} for {}", change.step, change.external_id);
///         true // false: take no new change
///     });
/// assert_eq!(options.max_rounds_value(), 5);
/// ```
pub struct ApplyOptions {
    look_up_first: Option<LookUp>,
    max_rounds: u32,
    before_send: Option<BeforeSend>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            look_up_first: None,
            max_rounds: crate::SafeCreateOptions::default().max_rounds(),
            before_send: None,
        }
    }
}

impl fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("look_up_first", &self.look_up_first.is_some())
            .field("max_rounds", &self.max_rounds)
            .field("before_send", &self.before_send.is_some())
            .finish()
    }
}

impl ApplyOptions {
    /// Which creates are looked up by external id before their first attempt (`true` for an
    /// external id an earlier run may have created: a resumed run, or current contacts read
    /// from a mirror that may lag behind the server). Default: none; a create whose answer is
    /// lost is looked up before it is sent again whatever this says.
    #[must_use]
    pub fn look_up_first(mut self, look_up: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        self.look_up_first = Some(Arc::new(look_up));
        self
    }

    /// How many creates with an unclear answer a create may send before it is given up (see
    /// [`SafeCreateOptions::max_rounds`](crate::SafeCreateOptions::max_rounds)).
    #[must_use]
    pub fn max_rounds(mut self, rounds: u32) -> Self {
        self.max_rounds = rounds.max(1);
        self
    }

    /// The rounds set by [`max_rounds`](Self::max_rounds).
    pub fn max_rounds_value(&self) -> u32 {
        self.max_rounds
    }

    /// Called for each change right before the runner takes it (so before anything of it can
    /// be sent), in the runner's task: a caller journals it here. Returning `false` takes no
    /// new change: the changes in flight finish, no later stage starts, and the stream ends.
    #[must_use]
    pub fn before_send(mut self, before: impl FnMut(&Change) -> bool + Send + 'static) -> Self {
        self.before_send = Some(Box::new(before));
        self
    }

    pub(super) fn into_parts(self) -> (Option<LookUp>, u32, Option<BeforeSend>) {
        (self.look_up_first, self.max_rounds, self.before_send)
    }
}
