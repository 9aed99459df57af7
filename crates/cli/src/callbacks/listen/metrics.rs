//! What the receiver counts, and its Prometheus text (`GET /metrics`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use sinch_contacts_callbacks::axum_handler::RejectReason;
use sinch_contacts_store::WriterStats;

/// The receiver's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    applied: AtomicU64,
    redelivered: AtomicU64,
    rejected: Mutex<BTreeMap<&'static str, u64>>,
}

/// The counters at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Deliveries applied now (answered 200).
    pub applied: u64,
    /// Deliveries found applied before (answered 200, nothing changed).
    pub redelivered: u64,
    /// Deliveries refused, by reason.
    pub rejected: BTreeMap<&'static str, u64>,
}

impl Counts {
    /// Every delivery received.
    pub fn received(&self) -> u64 {
        self.applied + self.redelivered + self.rejected.values().sum::<u64>()
    }

    /// The deliveries refused for `reason`.
    pub fn rejected(&self, reason: RejectReason) -> u64 {
        self.rejected.get(reason.as_str()).copied().unwrap_or(0)
    }
}

impl Metrics {
    /// Counts a delivery answered 200: applied now, or found applied before.
    pub fn applied(&self, fresh: bool) {
        let counter = if fresh {
            &self.applied
        } else {
            &self.redelivered
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a delivery refused for `reason`.
    pub fn rejected(&self, reason: RejectReason) {
        *self
            .rejected
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(reason.as_str())
            .or_default() += 1;
    }

    /// The counters now.
    pub fn counts(&self) -> Counts {
        let mut rejected: BTreeMap<&'static str, u64> = RejectReason::ALL
            .iter()
            .map(|reason| (reason.as_str(), 0))
            .collect();
        for (reason, count) in self
            .rejected
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
        {
            rejected.insert(reason, *count);
        }
        Counts {
            applied: self.applied.load(Ordering::Relaxed),
            redelivered: self.redelivered.load(Ordering::Relaxed),
            rejected,
        }
    }

    /// The Prometheus text exposition of the counters, and of the store's writer when there is
    /// one.
    pub fn render(&self, store: Option<&WriterStats>) -> String {
        let counts = self.counts();
        let mut text = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, samples: &[(String, String)]| {
            let _ = writeln!(text, "# HELP {name} {help}");
            let _ = writeln!(text, "# TYPE {name} {kind}");
            for (labels, value) in samples {
                let _ = writeln!(text, "{name}{labels} {value}");
            }
        };
        metric(
            "sinch_callbacks_applied_total",
            "counter",
            "Deliveries applied (answered 200).",
            &[(String::new(), counts.applied.to_string())],
        );
        metric(
            "sinch_callbacks_redelivered_total",
            "counter",
            "Deliveries already applied before (answered 200, nothing changed).",
            &[(String::new(), counts.redelivered.to_string())],
        );
        let rejected: Vec<(String, String)> = counts
            .rejected
            .iter()
            .map(|(reason, count)| (format!("{{reason=\"{reason}\"}}"), count.to_string()))
            .collect();
        metric(
            "sinch_callbacks_rejected_total",
            "counter",
            "Deliveries answered with another status than 200, by reason.",
            &rejected,
        );
        if let Some(stats) = store {
            metric(
                "sinch_callbacks_queue_depth",
                "gauge",
                "Deliveries waiting for the store's writer.",
                &[(String::new(), stats.queued.to_string())],
            );
            metric(
                "sinch_callbacks_queue_capacity",
                "gauge",
                "Deliveries that may wait for the store's writer.",
                &[(String::new(), stats.capacity.to_string())],
            );
            metric(
                "sinch_callbacks_transactions_total",
                "counter",
                "Transactions the store committed (each holds a group of deliveries).",
                &[(String::new(), stats.groups.to_string())],
            );
            let latency = &stats.commit_latency;
            let mut samples: Vec<(String, String)> = latency
                .cumulative()
                .into_iter()
                .map(|(bound, count)| (format!("_bucket{{le=\"{bound}\"}}"), count.to_string()))
                .collect();
            samples.push((
                "_bucket{le=\"+Inf\"}".to_owned(),
                latency.count().to_string(),
            ));
            samples.push(("_sum".to_owned(), latency.sum_seconds().to_string()));
            samples.push(("_count".to_owned(), latency.count().to_string()));
            metric(
                "sinch_callbacks_commit_latency_seconds",
                "histogram",
                "From queueing a delivery to its commit.",
                &samples,
            );
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_has_a_line_per_counter_and_reason() {
        let metrics = Metrics::default();
        metrics.applied(true);
        metrics.applied(true);
        metrics.applied(false);
        metrics.rejected(RejectReason::Unauthorized);
        let text = metrics.render(None);
        assert!(
            text.contains("\nsinch_callbacks_applied_total 2\n"),
            "{text}"
        );
        assert!(
            text.contains("\nsinch_callbacks_redelivered_total 1\n"),
            "{text}"
        );
        assert!(
            text.contains("sinch_callbacks_rejected_total{reason=\"unauthorized\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("sinch_callbacks_rejected_total{reason=\"overloaded\"} 0\n"),
            "{text}"
        );
        assert!(!text.contains("queue_depth"), "{text}");
        assert_eq!(metrics.counts().received(), 4);
    }
}
