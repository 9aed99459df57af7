//! A simulated server behind a token bucket, on Tokio's paused clock: the
//! bulk runner's tests count what it sends in simulated time.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use sinch_contacts_port::test_util::json_response;
use sinch_contacts_port::{
    Auth, Clock, ContactsClient, HttpRequest, HttpResponse, RandomJitter, Region, TokioSleep,
    Transport, TransportError,
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
    ContactsClient::builder(transport, "project-1")
        .region(Region::Eu)
        .auth(Auth::basic("key-id", "key-secret"))
        .clock(Arc::new(TokioClock::new()))
        .sleep(Arc::new(TokioSleep))
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
        }
    }
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
    /// the answer leaves.
    fn decide(&self, path: &str) -> (HttpResponse, Duration) {
        let profile = self.profile;
        let mut state = self.lock();
        let now = state.start.elapsed();
        let at = now.as_nanos();
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
        let interval = 1_000_000_000 / u128::from(profile.rate);
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
        // xorshift, for a latency spread that repeats from run to run.
        state.random ^= state.random << 13;
        state.random ^= state.random >> 7;
        state.random ^= state.random << 17;
        let spread = profile.spread.as_nanos().max(1);
        let extra = u128::from(state.random) % spread;
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
        Ok(response)
    }
}
