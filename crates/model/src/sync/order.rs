//! The order a plan's changes are applied in: which must finish before which, so that no
//! identity is held by two contacts on the way (except in a swap).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::SyncPlan;
use super::compare::{IdentityKey, identity_keys};
use super::scc::components;
use crate::{Contact, Patch};

/// One change of a [`SyncPlan`], by its place in the plan's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// `plan.deletes[index]`.
    Delete(usize),
    /// `plan.updates[index]`.
    Update(usize),
    /// `plan.creates[index]`.
    Create(usize),
}

/// Changes applied together: a stage starts when every change of the stage before it has
/// finished.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stage {
    /// The changes, all of one kind, in plan order.
    pub steps: Vec<Step>,
    /// Whether the stage holds updates that take identities from each other in a cycle (a swap:
    /// `a` takes `b`'s identity and `b` takes `a`'s). No order avoids a moment where two
    /// contacts hold one of those identities; they are applied together.
    pub cycle: bool,
}

/// The stages a plan is applied in, and what each change waits for. See [`apply_order`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApplyOrder {
    /// The stages, in order: the deletes, then the updates in waves (the updates that take no
    /// identity another contact holds now come first; an update that takes one comes after the
    /// change that releases it), then the creates. Empty stages are left out.
    pub stages: Vec<Stage>,
    depends_on: BTreeMap<Step, Vec<Step>>,
}

impl ApplyOrder {
    /// The changes that release an identity `step` takes, all in earlier stages: when one of
    /// them fails, applying `step` would leave the identity on two contacts, so it should be
    /// held back too. Empty for a change that takes no held identity.
    pub fn depends_on(&self, step: Step) -> &[Step] {
        self.depends_on.get(&step).map_or(&[], Vec::as_slice)
    }

    /// How many changes the stages hold.
    pub fn len(&self) -> usize {
        self.stages.iter().map(|stage| stage.steps.len()).sum()
    }

    /// Whether there is nothing to apply.
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }
}

/// The order in which to apply `plan`, made from `current` (the contacts it was planned
/// against): what the plan's conflict rule ("held after the plan") asks of whoever applies it.
///
/// An identity a change *takes* (an update adding it, a create holding it) may be held now by
/// another contact that the plan deletes or whose update drops it: that change *releases* it,
/// and must finish first. So:
///
/// 1. the deletes (they take nothing);
/// 2. the updates, in waves: first those that take no identity another contact holds now (they
///    may give some up), then each update one wave after the last update it waits for;
///    updates that wait for each other in a cycle (a swap) share one wave, marked
///    [`Stage::cycle`];
/// 3. the creates, last.
///
/// [`ApplyOrder::depends_on`] names, for each change, the changes it waits for, so that a
/// caller can hold a change back when one of them failed. Identities compare as in [`plan`]
/// (channel, identity, and the app on app-scoped channels).
///
/// [`plan`]: crate::plan
///
/// ```
/// use sinch_contacts_model::{
///     apply_order, plan, ChannelIdentity, Columns, Contact, ContactField, ConversationChannel,
///     DesiredContact, PlanOptions, Step,
/// };
///
/// let sms = |number: &str| ChannelIdentity::new(ConversationChannel::Sms, number);
/// let mut old = Contact::default();
/// old.id = Some("01A".to_owned());
/// old.external_id = Some("a".to_owned());
/// old.channel_identities = vec![sms("+1")];
/// let mut new = Contact::default();
/// new.id = Some("01B".to_owned());
/// new.external_id = Some("b".to_owned());
/// new.channel_identities = vec![sms("+2")];
/// // `+1` moves from `a` to `b`: `a`'s update must finish before `b`'s.
/// let rows = [
///     DesiredContact::new("a").with_identity(sms("+3")),
///     DesiredContact::new("b").with_identity(sms("+1")),
/// ];
/// let columns = Columns::new([ContactField::ChannelIdentities]);
/// let current = [old, new];
/// let plan = plan(&rows, &columns, &current, &PlanOptions::default()).unwrap();
/// let order = apply_order(&plan, &current);
/// assert_eq!(order.stages.len(), 2);
/// assert_eq!(order.stages[0].steps, [Step::Update(0)]);
/// assert_eq!(order.stages[1].steps, [Step::Update(1)]);
/// assert_eq!(order.depends_on(Step::Update(1)), [Step::Update(0)]);
/// ```
pub fn apply_order(plan: &SyncPlan, current: &[Contact]) -> ApplyOrder {
    let by_id: HashMap<&str, &Contact> = current
        .iter()
        .filter_map(|contact| contact.id.as_deref().map(|id| (id, contact)))
        .collect();
    let held_by = |contact_id: &str| {
        by_id
            .get(contact_id)
            .map(|contact| identity_keys(&contact.channel_identities))
            .unwrap_or_default()
    };

    // Who releases each identity, and what each update takes.
    let mut releasers: BTreeMap<IdentityKey<'_>, Vec<Step>> = BTreeMap::new();
    for (index, delete) in plan.deletes.iter().enumerate() {
        for key in held_by(&delete.contact_id) {
            releasers.entry(key).or_default().push(Step::Delete(index));
        }
    }
    let mut update_takes: Vec<BTreeSet<IdentityKey<'_>>> = Vec::with_capacity(plan.updates.len());
    for (index, update) in plan.updates.iter().enumerate() {
        let after = match &update.patch.channel_identities {
            Patch::Keep => {
                update_takes.push(BTreeSet::new());
                continue;
            }
            Patch::Clear => BTreeSet::new(),
            Patch::Set(identities) => identity_keys(identities),
        };
        let before = held_by(&update.contact_id);
        for key in before.difference(&after) {
            releasers.entry(*key).or_default().push(Step::Update(index));
        }
        update_takes.push(after.difference(&before).copied().collect());
    }
    let waits_for = |takes: &BTreeSet<IdentityKey<'_>>| -> Vec<Step> {
        let steps: BTreeSet<Step> = takes
            .iter()
            .filter_map(|key| releasers.get(key))
            .flatten()
            .copied()
            .collect();
        steps.into_iter().collect()
    };

    let mut depends_on: BTreeMap<Step, Vec<Step>> = BTreeMap::new();
    let update_waits: Vec<Vec<Step>> = update_takes.iter().map(waits_for).collect();
    let update_edges: Vec<Vec<usize>> = update_waits
        .iter()
        .map(|steps| {
            steps
                .iter()
                .filter_map(|step| match step {
                    Step::Update(other) => Some(*other),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let waves = update_waves(&update_edges);
    for (index, steps) in update_waits.into_iter().enumerate() {
        // An update cannot wait for one applied in the same wave (a cycle).
        let own = waves.wave_of[index];
        let steps: Vec<Step> = steps
            .into_iter()
            .filter(|step| !matches!(step, Step::Update(other) if waves.wave_of[*other] == own))
            .collect();
        if !steps.is_empty() {
            depends_on.insert(Step::Update(index), steps);
        }
    }
    for (index, create) in plan.creates.iter().enumerate() {
        let steps = waits_for(&identity_keys(&create.channel_identities));
        if !steps.is_empty() {
            depends_on.insert(Step::Create(index), steps);
        }
    }

    let mut stages = Vec::new();
    if !plan.deletes.is_empty() {
        stages.push(Stage {
            steps: (0..plan.deletes.len()).map(Step::Delete).collect(),
            cycle: false,
        });
    }
    for (steps, cycle) in waves.waves {
        stages.push(Stage {
            steps: steps.into_iter().map(Step::Update).collect(),
            cycle,
        });
    }
    if !plan.creates.is_empty() {
        stages.push(Stage {
            steps: (0..plan.creates.len()).map(Step::Create).collect(),
            cycle: false,
        });
    }
    ApplyOrder { stages, depends_on }
}

/// The waves of the updates, from what each waits for (`edges[u]`: the updates `u` waits for).
struct Waves {
    /// Each wave's updates (ascending) and whether it holds a cycle.
    waves: Vec<(Vec<usize>, bool)>,
    /// The wave of each update.
    wave_of: Vec<usize>,
}

/// Groups the updates into waves: an update's wave is one more than the latest wave of an
/// update it waits for (0 when it waits for none); updates that wait for each other in a cycle
/// (a strongly connected component) share a wave.
fn update_waves(edges: &[Vec<usize>]) -> Waves {
    // Components come dependencies first, so each one's wave is known from those before it.
    let components = components(edges);
    let mut component_of = vec![0; edges.len()];
    for (number, members) in components.iter().enumerate() {
        for &member in members {
            component_of[member] = number;
        }
    }
    let mut component_wave = vec![0usize; components.len()];
    let mut wave_of = vec![0usize; edges.len()];
    let mut waves: Vec<(Vec<usize>, bool)> = Vec::new();
    for (number, members) in components.iter().enumerate() {
        let wave = members
            .iter()
            .flat_map(|&member| &edges[member])
            .map(|&other| component_of[other])
            .filter(|&other| other != number)
            .map(|other| component_wave[other] + 1)
            .max()
            .unwrap_or(0);
        component_wave[number] = wave;
        if waves.len() <= wave {
            waves.resize_with(wave + 1, || (Vec::new(), false));
        }
        let cycle = members.len() > 1;
        waves[wave].0.extend(members);
        waves[wave].1 |= cycle;
        for &member in members {
            wave_of[member] = wave;
        }
    }
    for (members, _) in &mut waves {
        members.sort_unstable();
    }
    Waves { waves, wave_of }
}
