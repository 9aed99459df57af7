//! A simulated server behind a token bucket, on Tokio's paused clock: the
//! bulk runner's tests count what it sends in simulated time.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use sinch_contacts_port::test_util::json_response;
use sinch_contacts_port::{
    Auth, Clock, ContactsClient, HttpRequest, HttpResponse, RandomJitter, Region, Sleep,
    TokioSleep, Transport, TransportError,
};

/// A [`Clock`] reading Tokio's clock, so that it follows a paused runtime.
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    start: tokio::time::Instant,
}

impl TokioClock {
    pub fn new() -> Self {
        Self {
            start: tokio::time::Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }

    fn wall_now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000) + self.start.elapsed()
    }
}

/// A client of `transport` with Basic auth, Tokio's clock and sleeper and
/// a seeded jitter.
pub fn client_over(transport: impl Transport + 'static, seed: u64) -> ContactsClient {
    client_sleeping(transport, seed, Arc::new(TokioSleep))
}

/// [`client_over`] with `sleep` for its waits.
pub fn client_sleeping(
    transport: impl Transport + 'static,
    seed: u64,
    sleep: Arc<dyn Sleep>,
) -> ContactsClient {
    ContactsClient::builder(transport, "project-1")
        .region(Region::Eu)
        .auth(Auth::basic("key-id", "key-secret"))
        .clock(Arc::new(TokioClock::new()))
        .sleep(sleep)
        .jitter(Arc::new(RandomJitter::with_seed(seed)))
        .build()
        .unwrap()
}

/// How the simulated server answers.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// Requests per second its bucket refills.
    pub rate: u64,
    /// The bucket's size.
    pub burst: u64,
    /// The time to answer a served request: `base + (0..spread)`.
    pub base: Duration,
    pub spread: Duration,
    /// The time to answer a 429.
    pub throttled_latency: Duration,
    /// Whether a served request's time grows with the requests in flight:
    /// `base × in flight` (itself included), like a server that queues.
    pub queueing: bool,
    /// The time a request takes to reach the bucket: `0..transit` at
    /// random (nanoseconds, applied to the bucket's arithmetic, finer than
    /// Tokio's millisecond timer).
    pub transit: Duration,
    /// The share of requests refused with 429 at random, whatever the
    /// rate, before the bucket (`Retry-After` 0 or 1 at random): a proxy or
    /// a server refusing some requests that are not over any quota.
    pub refused_share: f64,
    /// The share of requests answered 503 at random (no `Retry-After`).
    pub failed_share: f64,
    /// A spell of jitter, when the transit to the bucket is longer.
    pub spell: Option<Spell>,
    /// From this time on (since the server was made), the bucket refills
    /// at this rate instead of `rate`: a quota that falls (another client
    /// of the same project starts, say).
    pub fall: Option<(Duration, u64)>,
    /// The share of requests whose connection drops before the server
    /// reads them (an I/O error).
    pub dropped_before_share: f64,
    /// The share of requests whose connection drops after the server
    /// served them (an I/O error).
    pub dropped_after_share: f64,
}

impl Profile {
    pub fn bucket(rate: u64, burst: u64) -> Self {
        Self {
            rate,
            burst,
            base: Duration::from_millis(40),
            spread: Duration::from_millis(20),
            throttled_latency: Duration::from_millis(5),
            queueing: false,
            transit: Duration::ZERO,
            refused_share: 0.0,
            failed_share: 0.0,
            dropped_before_share: 0.0,
            dropped_after_share: 0.0,
            spell: None,
            fall: None,
        }
    }

    /// A bucket on loopback: served in 0.3–1 ms, refused in 0.3 ms (Tokio's
    /// paused clock moves in whole milliseconds, so both take 1 ms).
    pub fn loopback(rate: u64, burst: u64) -> Self {
        Self {
            base: Duration::from_micros(300),
            spread: Duration::from_micros(700),
            throttled_latency: Duration::from_micros(300),
            ..Self::bucket(rate, burst)
        }
    }

    /// No quota: a bucket of a billion requests per second, holding as
    /// many.
    pub fn unlimited(self) -> Self {
        Self {
            rate: 1_000_000_000,
            burst: 1_000_000_000,
            ..self
        }
    }

    /// With `0..transit` on the way to the bucket.
    pub fn with_transit(self, transit: Duration) -> Self {
        Self { transit, ..self }
    }

    /// The CLI benchmark's fault mix: 10 % answered 503, 5 % 429, 1 %
    /// dropped before the server reads them, 1 % after it served them.
    pub fn with_fault_mix(self) -> Self {
        Self {
            refused_share: 0.05,
            failed_share: 0.10,
            dropped_before_share: 0.01,
            dropped_after_share: 0.01,
            ..self
        }
    }

    /// With a spell of jitter.
    pub fn with_spell(self, spell: Spell) -> Self {
        Self {
            spell: Some(spell),
            ..self
        }
    }

    /// With the bucket's rate falling to `rate` at `at`.
    pub fn with_fall(self, at: Duration, rate: u64) -> Self {
        Self {
            fall: Some((at, rate)),
            ..self
        }
    }

    /// The bucket's rate at `at`.
    fn rate_at(&self, at: Duration) -> u64 {
        match self.fall {
            Some((from, rate)) if at >= from => rate,
            _ => self.rate,
        }
    }

    /// The transit to the bucket for a request that arrives `at` (since
    /// the server was made).
    fn transit_at(&self, at: Duration) -> Duration {
        match self.spell {
            Some(spell) if at >= spell.from && at < spell.from + spell.length => spell.transit,
            _ => self.transit,
        }
    }

    /// Refusing `share` of the requests at random.
    pub fn with_refused_share(self, share: f64) -> Self {
        Self {
            refused_share: share,
            ..self
        }
    }
}

/// A spell of jitter: from `from` (since the server was made) for
/// `length`, requests take `0..transit` to reach the bucket, at random.
/// Loopback on a busy machine: the 99th percentile of a request's latency
/// goes from 1–2 ms to 10 ms for seconds at a time.
#[derive(Debug, Clone, Copy)]
pub struct Spell {
    pub from: Duration,
    pub length: Duration,
    pub transit: Duration,
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// Since the server was made.
    pub at: Duration,
    pub path: String,
    pub throttled: bool,
}

struct State {
    start: tokio::time::Instant,
    /// The bucket as a "theoretical arrival time" (GCRA), in nanoseconds
    /// since `start`: a request arriving at `t` is served when
    /// `t >= tat - (burst - 1) × interval`, and then moves `tat` to
    /// `max(tat, t) + interval`.
    tat: u128,
    random: u64,
    arrivals: Vec<Arrival>,
    /// Answers to give instead of the bucket's, by path, for a number of
    /// requests: (path, status, retry-after seconds, remaining).
    overrides: Vec<(String, u16, Option<u64>, u32)>,
    in_flight: usize,
    max_in_flight: usize,
}

impl State {
    /// xorshift, for draws that repeat from run to run.
    fn next_random(&mut self) -> u64 {
        self.random ^= self.random << 13;
        self.random ^= self.random >> 7;
        self.random ^= self.random << 17;
        self.random
    }
}

/// The simulated server, a [`Transport`].
#[derive(Clone)]
pub struct SimServer {
    profile: Profile,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for SimServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimServer").finish_non_exhaustive()
    }
}

impl SimServer {
    pub fn new(profile: Profile) -> Self {
        Self {
            profile,
            state: Arc::new(Mutex::new(State {
                start: tokio::time::Instant::now(),
                tat: 0,
                random: 0x2545_F491_4F6C_DD1D,
                arrivals: Vec::new(),
                overrides: Vec::new(),
                in_flight: 0,
                max_in_flight: 0,
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next `times` requests to a path ending in `/{id}` are answered
    /// `status` (with `Retry-After: retry_after` when given).
    pub fn answer(&self, id: &str, status: u16, retry_after: Option<u64>, times: u32) {
        self.lock()
            .overrides
            .push((format!("/{id}"), status, retry_after, times));
    }

    pub fn arrivals(&self) -> Vec<Arrival> {
        self.lock().arrivals.clone()
    }

    /// A client of this server (see [`client_over`]).
    pub fn client(&self, seed: u64) -> ContactsClient {
        client_over(self.clone(), seed)
    }

    /// The most requests it had in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.lock().max_in_flight
    }

    /// Serves or refuses a request arriving now, and says after how long
    /// the answer (or the dropped connection) leaves.
    fn decide(&self, path: &str) -> (Result<HttpResponse, TransportError>, Duration) {
        let profile = self.profile;
        let (mut dropped_before, mut dropped_after, mut failed) = (false, false, false);
        {
            let mut state = self.lock();
            let mut draw = |share: f64| {
                share > 0.0 && ((state.next_random() >> 11) as f64 / (1_u64 << 53) as f64) < share
            };
            dropped_before |= draw(profile.dropped_before_share);
            dropped_after |= draw(profile.dropped_after_share);
            failed |= draw(profile.failed_share);
        }
        if dropped_before {
            return (
                Err(TransportError::io("connection reset")),
                profile.throttled_latency,
            );
        }
        if failed {
            let mut state = self.lock();
            let at = state.start.elapsed();
            state.arrivals.push(Arrival {
                at,
                path: path.to_owned(),
                throttled: false,
            });
            return (Ok(json_response(503, "{}")), profile.throttled_latency);
        }
        let (response, latency) = self.decide_bucket(path);
        if dropped_after && response.status() == 200 {
            return (Err(TransportError::io("connection reset")), latency);
        }
        (Ok(response), latency)
    }

    fn decide_bucket(&self, path: &str) -> (HttpResponse, Duration) {
        let profile = self.profile;
        let mut state = self.lock();
        let now = state.start.elapsed();
        let transit = profile.transit_at(now).as_nanos();
        let at = now.as_nanos()
            + if transit > 0 {
                u128::from(state.next_random()) % transit
            } else {
                0
            };
        let overridden = state
            .overrides
            .iter_mut()
            .find(|(suffix, _, _, left)| *left > 0 && path.ends_with(suffix.as_str()));
        if let Some((_, status, retry_after, left)) = overridden {
            *left -= 1;
            let (status, retry_after) = (*status, *retry_after);
            state.arrivals.push(Arrival {
                at: now,
                path: path.to_owned(),
                throttled: status == 429,
            });
            let mut response = json_response(status, "{}");
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert("retry-after", seconds.to_string().parse().unwrap());
            }
            return (response, profile.throttled_latency);
        }
        if profile.refused_share > 0.0 {
            let draw = state.next_random();
            let draw_share = (draw >> 11) as f64 / (1_u64 << 53) as f64;
            if draw_share < profile.refused_share {
                state.arrivals.push(Arrival {
                    at: now,
                    path: path.to_owned(),
                    throttled: true,
                });
                let mut response = json_response(429, r#"{"error":{"code":429}}"#);
                let seconds = if draw & 1 == 0 { "0" } else { "1" };
                response
                    .headers_mut()
                    .insert("retry-after", seconds.parse().unwrap());
                return (response, profile.throttled_latency);
            }
        }
        let interval = 1_000_000_000 / u128::from(profile.rate_at(now));
        let tolerance = interval * u128::from(profile.burst.saturating_sub(1));
        let earliest = state.tat.saturating_sub(tolerance);
        let throttled = at < earliest;
        state.arrivals.push(Arrival {
            at: now,
            path: path.to_owned(),
            throttled,
        });
        if throttled {
            let wait = earliest - at;
            let seconds = wait.div_ceil(1_000_000_000).max(1);
            let mut response = json_response(429, r#"{"error":{"code":429}}"#);
            response
                .headers_mut()
                .insert("retry-after", seconds.to_string().parse().unwrap());
            return (response, profile.throttled_latency);
        }
        state.tat = state.tat.max(at) + interval;
        let spread = profile.spread.as_nanos().max(1);
        let extra = u128::from(state.next_random()) % spread;
        let latency = if profile.queueing {
            profile.base * (state.in_flight as u32 + 1)
        } else {
            profile.base + Duration::from_nanos(extra as u64)
        };
        let id = path.rsplit('/').next().unwrap_or_default();
        (json_response(200, &format!(r#"{{"id":"{id}"}}"#)), latency)
    }
}

#[async_trait]
impl Transport for SimServer {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let (response, latency) = self.decide(request.uri().path());
        {
            let mut state = self.lock();
            state.in_flight += 1;
            state.max_in_flight = state.max_in_flight.max(state.in_flight);
        }
        tokio::time::sleep(latency).await;
        self.lock().in_flight -= 1;
        response
    }
}
