//! The figures of docs/port.md, printed:
//! `cargo test -p sinch-contacts-port --test it bulk::figures -- --ignored --nocapture`
//! ("Simulated figures", and the spells of "Why the rate recovers towards its
//! peak").

use sinch_contacts_port::BulkOptions;

use super::rate::{Case, Link};
use super::run::{buffered, bulk};
use super::sim::Profile;
use super::spell::{run, secs, spell};

#[tokio::test(start_paused = true)]
#[ignore = "prints the figures of docs/port.md"]
async fn print_the_quota_figures() {
    println!("| link | R | burst | max concurrency | jobs | rate ÷ R | 429 share | failed |");
    println!("|---|---|---|---|---|---|---|---|");
    for link in Link::ALL {
        for case in Case::grid(link) {
            let figures = case.run().await;
            println!(
                "| {} | {} | {} | {} | {} × R | {:.3} | {:.2} % | {} |",
                link.name(),
                case.rate,
                case.burst,
                case.max_concurrency,
                case.seconds,
                figures.rate() / case.rate as f64,
                figures.throttled_share() * 100.0,
                figures.failed
            );
        }
    }
}

#[tokio::test(start_paused = true)]
#[ignore = "prints the figures of docs/port.md"]
async fn print_the_figures_without_a_quota() {
    println!(
        "| server | in flight | jobs | faults | jobs/s | ratio | input jobs/s | ratio | 429 share | failed |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let links = [
        ("loopback", Profile::loopback(1, 1).unlimited(), 10_000),
        ("40–60 ms", Profile::bucket(1, 1).unlimited(), 3_000),
    ];
    for (name, profile, jobs) in links {
        for max_concurrency in [16, 64] {
            let jobs = jobs * max_concurrency / 16;
            let options = BulkOptions::default().with_max_concurrency(max_concurrency);
            let plain = buffered(profile, max_concurrency, jobs).await;
            println!(
                "| {name} | {max_concurrency} | {jobs} | none, `buffer_unordered` | {:.0} | | {:.0} | | | {} |",
                plain.rate(),
                plain.input_rate(),
                plain.failed
            );
            let clean = bulk(profile, options.clone(), jobs, 1).await;
            let faulty = [
                ("none", profile),
                ("5 % 429", profile.with_refused_share(0.05)),
                ("10 % 429", profile.with_refused_share(0.10)),
                ("fault mix", profile.with_fault_mix()),
            ];
            for (faults, profile) in faulty {
                let run = if faults == "none" {
                    clean
                } else {
                    bulk(profile, options.clone(), jobs, 1).await
                };
                let base = if faults == "none" { plain } else { clean };
                println!(
                    "| {name} | {max_concurrency} | {jobs} | {faults} | {:.0} | {:.3} | {:.0} | {:.3} | {:.2} % | {} |",
                    run.rate(),
                    run.rate() / base.rate(),
                    run.input_rate(),
                    run.input_rate() / base.input_rate(),
                    run.throttled_share() * 100.0,
                    run.failed
                );
            }
        }
    }
}

/// docs/port.md, "Why the rate recovers towards its peak": 4,000 jobs against 200/s holding one
/// token on loopback, with a spell from 5 s; served ÷ R per second.
#[tokio::test(start_paused = true)]
#[ignore = "prints the figures of docs/port.md"]
async fn print_the_spell_figures() {
    println!(
        "| transit in the spell | spell | whole run ÷ R | refused | served ÷ R, each second from 4 s to 14 s |"
    );
    println!("|---|---|---|---|---|");
    for transit_ms in [3, 8, 12] {
        for length in [1.0, 3.0] {
            let seen = run(
                Profile::loopback(200, 1).with_spell(spell(transit_ms, length)),
                4_000,
            )
            .await;
            let seconds: Vec<String> = (4..14)
                .map(|from| {
                    format!(
                        "{:.2}",
                        seen.served_rate(secs(from as f64), secs(from as f64 + 1.0)) / 200.0
                    )
                })
                .collect();
            println!(
                "| 0–{transit_ms} ms | {length} s | {:.3} | {} | {} |",
                seen.served.len() as f64 / seen.end().as_secs_f64() / 200.0,
                seen.refused.len(),
                seconds.join(" ")
            );
        }
    }
}
