//! Sending one logical request: credentials, retries and the expired-token
//! refresh, around whatever [`Transport`](crate::Transport) the client has.

use std::sync::Arc;

use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};

use crate::auth::{Auth, Scheme, TokenCache, build_token_request, parse_token_response};
use crate::effects::EffectLog;
use crate::error::Error;
use crate::request::copy_request;
use crate::retry::{Failure, RetryPolicy, may_retry, parse_retry_after};
use crate::runtime::{Clock, Jitter, Sleep};
use crate::transport::{HttpRequest, HttpResponse, Transport};
use crate::transport_error::TransportError;

/// What happened while sending one logical request: how many times it went
/// to the transport, the status of the last answer, and why it was repeated.
/// Holds no header, token or body.
#[derive(Debug, Default)]
pub(crate) struct SendLog {
    pub(crate) attempts: u32,
    pub(crate) status: Option<StatusCode>,
    pub(crate) retry_reasons: Vec<String>,
}

/// How one clone of the client sends its requests: the retry policy of its
/// calls and, when set, where the effects of its requests are recorded.
#[derive(Debug, Clone)]
pub(crate) struct SendSettings {
    pub(crate) retry: RetryPolicy,
    pub(crate) effects: Option<Arc<EffectLog>>,
}

/// Everything the client needs to move a request, shared by its clones.
#[derive(Debug)]
pub(crate) struct Engine {
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) auth: Auth,
    /// `Basic base64(key_id:secret)`, computed once (also used to fetch tokens).
    pub(crate) basic_header: HeaderValue,
    pub(crate) tokens: TokenCache,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sleep: Option<Arc<dyn Sleep>>,
    pub(crate) jitter: Arc<dyn Jitter>,
}

impl Engine {
    /// Sends `request` with credentials; returns the final response whatever
    /// its status (callers turn non-2xx into [`ApiError`](crate::ApiError)).
    /// What happened on the way (attempts, retry reasons) goes to `log`.
    ///
    /// The credential is taken from the token cache before every attempt, not
    /// once per call: a back-off can outlive the token of the previous
    /// attempt, and the cache replaces a token ahead of its expiry. A
    /// `401` saying the token expired (the server and the client disagree on
    /// time, or the token was revoked) drops that token and repeats the
    /// attempt at once with a fresh one, at most once per call and without
    /// using up an attempt of the retry policy; a second such answer is
    /// returned. So one call sends at most `max_attempts + 1` requests.
    ///
    /// Retries follow `settings.retry`; each trip to the transport is also
    /// recorded in `settings.effects` when there is one.
    pub(crate) async fn send(
        &self,
        mut request: HttpRequest,
        settings: &SendSettings,
        log: &mut SendLog,
    ) -> Result<HttpResponse, Error> {
        let mut attempt = 1;
        let mut refreshed = false;
        loop {
            let credential = self.credential(&settings.retry).await?;
            request
                .headers_mut()
                .insert(AUTHORIZATION, credential.clone());
            let outcome = self.send_once(&request, log).await;
            if let Some(effects) = &settings.effects {
                effects.record(request.method(), &outcome);
            }
            if let Ok(response) = &outcome
                && self.auth.is_oauth2()
                && token_expired(response)
            {
                self.tokens.invalidate(&credential);
                if !refreshed {
                    refreshed = true;
                    log.retry_reasons.push("token_expired".to_owned());
                    continue;
                }
                return outcome.map_err(Error::from);
            }
            if !self
                .back_off(&settings.retry, attempt, &request, &outcome, log)
                .await
            {
                return outcome.map_err(Error::from);
            }
            attempt += 1;
        }
    }

    /// Waits a jittered delay drawn from `0..=ceiling` with the client's
    /// sleeper; without a sleeper (no `tokio` feature and none given) it
    /// returns at once.
    pub(crate) async fn pause(&self, ceiling: std::time::Duration) {
        if let Some(sleep) = &self.sleep {
            sleep.sleep(self.jitter.sample(ceiling)).await;
        }
    }

    /// The credential of a request; a token request it needs is repeated
    /// as `retry` says, the policy of the call that needs the token (a bulk
    /// run's client, which makes one request per call, fetches a token once
    /// per attempt and leaves the retries to the run).
    async fn credential(&self, retry: &RetryPolicy) -> Result<HeaderValue, Error> {
        match self.auth.scheme() {
            Scheme::Basic => Ok(self.basic_header.clone()),
            Scheme::OAuth2 { token_url, .. } => {
                self.tokens
                    .get(
                        || self.clock.now(),
                        || async {
                            let request = build_token_request(&self.basic_header, token_url)?;
                            let mut log = SendLog::default();
                            let fetch = self.send_with_retries(&request, retry, &mut log);
                            #[cfg(feature = "tracing")]
                            let span = crate::trace::token_span();
                            #[cfg(feature = "tracing")]
                            let response =
                                tracing::Instrument::instrument(fetch, span.clone()).await;
                            #[cfg(not(feature = "tracing"))]
                            let response = fetch.await;
                            let token = response.and_then(parse_token_response);
                            #[cfg(feature = "tracing")]
                            crate::trace::record(&span, &log, token.as_ref().err());
                            token
                        },
                    )
                    .await
            }
        }
    }

    /// Sends `request` as is (no credential added), repeating it while the
    /// retry policy and the safety rules allow. Returns the last response or
    /// transport error.
    pub(crate) async fn send_with_retries(
        &self,
        request: &HttpRequest,
        retry: &RetryPolicy,
        log: &mut SendLog,
    ) -> Result<HttpResponse, Error> {
        let mut attempt = 1;
        loop {
            let outcome = self.send_once(request, log).await;
            if !self.back_off(retry, attempt, request, &outcome, log).await {
                return outcome.map_err(Error::from);
            }
            attempt += 1;
        }
    }

    /// One trip to the transport, recorded in `log`.
    async fn send_once(
        &self,
        request: &HttpRequest,
        log: &mut SendLog,
    ) -> Result<HttpResponse, TransportError> {
        let outcome = self.transport.send(copy_request(request)).await;
        log.attempts += 1;
        log.status = outcome.as_ref().ok().map(|response| response.status());
        outcome
    }

    /// After attempt number `attempt` ended with `outcome`: when the retry
    /// policy and the safety rules allow another attempt, records why, waits
    /// the back-off and returns `true`; otherwise returns `false` at once.
    async fn back_off(
        &self,
        policy: &RetryPolicy,
        attempt: u32,
        request: &HttpRequest,
        outcome: &Result<HttpResponse, TransportError>,
        log: &mut SendLog,
    ) -> bool {
        let (failure, retry_after) = match outcome {
            Ok(response) if response.status().is_success() => return false,
            Ok(response) => (
                Failure::Status(response.status()),
                parse_retry_after(response.headers())
                    .map(|wait| wait.delay_from(self.clock.wall_now())),
            ),
            Err(error) => (Failure::Transport(error), None),
        };
        if attempt >= policy.max_attempts() || !may_retry(request.method(), failure) {
            return false;
        }
        let Some((sleep, delay)) =
            self.sleep
                .as_ref()
                .zip(policy.delay(attempt, retry_after, &*self.jitter))
        else {
            return false;
        };
        let reason = failure.reason();
        #[cfg(feature = "tracing")]
        tracing::debug!(
            attempt,
            reason = %reason,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "retrying"
        );
        log.retry_reasons.push(reason);
        sleep.sleep(delay).await;
        true
    }
}

/// A 401 whose `www-authenticate` mentions an expired token.
fn token_expired(response: &HttpResponse) -> bool {
    response.status() == StatusCode::UNAUTHORIZED
        && response
            .headers()
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .any(|value| {
                value
                    .to_str()
                    .is_ok_and(|text| text.to_ascii_lowercase().contains("expired"))
            })
}
