//! [`Shared`]: what every clone of an emulator shares, and the changes made to it under its
//! locks. The request handlers and the public [`Emulator`](crate::Emulator) work through it.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sinch_contacts_model::{Contact, ContactCreateRequest, ValidationError, validate_create};

use crate::config::Config;
use crate::consent::{self, Direction, OptChange, OptInjected};
use crate::faults::{FaultCounts, FaultInjector, FaultKind, FaultSpec};
use crate::inbound::{InboundMessage, Injected, inject};
use crate::injected_callback::{self, CallbackError, CallbackInjected};
use crate::rate_limit::RateLimit;
use crate::rate_limiter::{RateLimitCounts, RateLimiter};
use crate::request_counts::{ApiRequestCounts, RequestCounter};
use crate::state::{State, contact_from};
use crate::token_bucket::Wait;
use crate::webhooks::{Notification, Outbox};

/// The configuration, the contacts and tokens, the rate limit, the faults and the webhooks of
/// one emulator.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: Config,
    state: Mutex<State>,
    faults: Mutex<FaultInjector>,
    /// The project's token bucket, when a rate limit is set.
    rate_limiter: Option<Mutex<RateLimiter>>,
    /// The API requests received, by method.
    requests: RequestCounter,
    pub(crate) outbox: Outbox,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The state holds plain data; a panic elsewhere while holding the lock leaves it usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(config: Config, faults: FaultSpec) -> Self {
        Self {
            state: Mutex::new(State::new(config.seed)),
            faults: Mutex::new(FaultInjector::new(faults, config.seed)),
            rate_limiter: config
                .rate_limit
                .map(|limit| Mutex::new(RateLimiter::new(limit, Instant::now()))),
            requests: RequestCounter::default(),
            outbox: Outbox::new(
                config.app_id.clone(),
                config.project_id.clone(),
                config.delivery,
                config.seed,
            ),
            config,
        }
    }

    pub(crate) fn lock_state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Runs `change` under the state lock, gives the callbacks it produces their accepted times
    /// (in the order of the changes), and hands them to the webhooks once the lock is released.
    pub(crate) fn change<T>(&self, change: impl FnOnce(&mut State) -> (T, Vec<Notification>)) -> T {
        let (result, notifications) = {
            let mut state = self.lock_state();
            let (result, mut notifications) = change(&mut state);
            state.stamp(&mut notifications);
            (result, notifications)
        };
        self.outbox.post(notifications);
        result
    }

    /// Takes a token of the project's rate limit for one API request, or says how long until
    /// there is one; always `Ok` without a limit. The clock is read under the lock, so the
    /// bucket sees the instants of concurrent requests in the order it serves them.
    pub(crate) fn take_rate_token(&self) -> Result<(), Wait> {
        match &self.rate_limiter {
            Some(limiter) => lock(limiter).admit(Instant::now()),
            None => Ok(()),
        }
    }

    /// Counts an API request of `method` (whatever its answer will be).
    pub(crate) fn count_request(&self, method: &http::Method) {
        self.requests.count(method);
    }

    /// The API requests received so far, by method.
    pub(crate) fn request_counts(&self) -> ApiRequestCounts {
        self.requests.counts()
    }

    /// The rate limit in force and its counts, when there is one.
    pub(crate) fn rate_limit(&self) -> Option<(RateLimit, RateLimitCounts)> {
        self.rate_limiter.as_ref().map(|limiter| {
            let limiter = lock(limiter);
            (limiter.limit(), limiter.counts())
        })
    }

    /// The fault to apply to the next API request, if any, and the latency to add.
    pub(crate) fn draw_fault(&self) -> (Option<FaultKind>, Duration) {
        lock(&self.faults).draw()
    }

    pub(crate) fn set_faults(&self, spec: FaultSpec) {
        lock(&self.faults).set_spec(spec);
    }

    pub(crate) fn faults(&self) -> (FaultSpec, FaultCounts) {
        let faults = lock(&self.faults);
        (faults.spec(), faults.counts())
    }

    pub(crate) fn reset(&self) {
        let mut state = self.lock_state();
        state.store.clear();
        state.tokens.clear();
        drop(state);
        lock(&self.faults).reset();
        self.requests.reset();
        if let Some(limiter) = &self.rate_limiter {
            lock(limiter).reset(Instant::now());
        }
        self.outbox.reset();
    }

    pub(crate) fn inject_inbound(&self, message: &InboundMessage) -> Injected {
        self.change(|state| inject(state, &self.config, message))
    }

    pub(crate) fn inject_opt(&self, direction: Direction, change: &OptChange) -> OptInjected {
        self.change(|state| consent::inject(state, direction, change))
    }

    /// Checks that `body` is a callback of a typed trigger, then logs and queues it, as given,
    /// for every webhook subscribed to that trigger.
    pub(crate) fn inject_callback(&self, body: &[u8]) -> Result<CallbackInjected, CallbackError> {
        let trigger = injected_callback::check(body)?;
        // The parser has checked that the body is UTF-8.
        let text = String::from_utf8_lossy(body);
        let offered = self.outbox.post_body(&trigger, &text);
        Ok(CallbackInjected::new(trigger, offered))
    }

    /// Validates every request first, then stores them all (no callbacks): all or nothing.
    pub(crate) fn seed(
        &self,
        requests: Vec<ContactCreateRequest>,
    ) -> Result<Vec<Contact>, (usize, ValidationError)> {
        for (index, request) in requests.iter().enumerate() {
            validate_create(request).map_err(|error| (index, error))?;
        }
        let mut state = self.lock_state();
        Ok(requests
            .into_iter()
            .map(|request| state.insert_quietly(contact_from(request)))
            .collect())
    }

    pub(crate) fn expire_tokens(&self) {
        self.lock_state().tokens.expire_all();
    }
}
