//! [`precise_delay`]: a delay that ends within tens of microseconds of its
//! deadline, for the short waits that space requests at a rate.
//!
//! An async runtime's timer usually fires on a millisecond tick (Tokio's
//! does), so a wait of 5.3 ms ends after 6 or 7. Against a quota of one
//! request every 5 ms with no burst, that millisecond decides whether a
//! request is served. The delays here are ended by one background thread
//! that sleeps on a channel with a timeout (a futex wait with the kernel's
//! high-resolution timer on Linux), so they need no runtime and spin on
//! nothing.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// A delay that ends at `deadline`, woken by the timer thread.
pub(crate) fn precise_delay(deadline: Instant) -> PreciseDelay {
    PreciseDelay {
        deadline,
        shared: None,
    }
}

/// The future of [`precise_delay`].
#[derive(Debug)]
pub(crate) struct PreciseDelay {
    deadline: Instant,
    /// The waker the timer thread calls; registered on the first pending
    /// poll.
    shared: Option<Arc<Mutex<Option<Waker>>>>,
}

impl Future for PreciseDelay {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        match &self.shared {
            Some(shared) => {
                *shared.lock().unwrap_or_else(PoisonError::into_inner) = Some(cx.waker().clone());
            }
            None => {
                let shared = Arc::new(Mutex::new(Some(cx.waker().clone())));
                if !timer().register(self.deadline, shared.clone()) {
                    // No timer thread: wake at once and poll again; a
                    // process that cannot spawn a thread has worse troubles.
                    cx.waker().wake_by_ref();
                }
                self.shared = Some(shared);
            }
        }
        Poll::Pending
    }
}

/// A registered wake-up: the deadline, and who to wake.
struct Entry {
    deadline: Instant,
    waker: Arc<Mutex<Option<Waker>>>,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.deadline == other.deadline
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.deadline.cmp(&other.deadline)
    }
}

/// The process's timer thread, started on first use.
struct Timer {
    sender: Mutex<Option<Sender<Entry>>>,
}

impl Timer {
    /// Hands `waker` to the thread; false when the thread is gone.
    fn register(&self, deadline: Instant, waker: Arc<Mutex<Option<Waker>>>) -> bool {
        let sender = self.sender.lock().unwrap_or_else(PoisonError::into_inner);
        sender
            .as_ref()
            .is_some_and(|sender| sender.send(Entry { deadline, waker }).is_ok())
    }
}

fn timer() -> &'static Timer {
    static TIMER: OnceLock<Timer> = OnceLock::new();
    TIMER.get_or_init(|| {
        let (sender, receiver) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("sinch-contacts-timer".into())
            .spawn(move || run(&receiver))
            .is_ok();
        Timer {
            sender: Mutex::new(spawned.then_some(sender)),
        }
    })
}

/// Wakes each entry at its deadline, earliest first.
fn run(receiver: &Receiver<Entry>) {
    let mut due: BinaryHeap<Reverse<Entry>> = BinaryHeap::new();
    loop {
        let now = Instant::now();
        while due
            .peek()
            .is_some_and(|Reverse(entry)| entry.deadline <= now)
        {
            let Reverse(entry) = due.pop().expect("peeked");
            let waker = entry
                .waker
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            if let Some(waker) = waker {
                waker.wake();
            }
        }
        let received = match due.peek() {
            Some(Reverse(entry)) => receiver.recv_timeout(entry.deadline - now),
            // Nothing pending: wait for the next registration (a day at a
            // time, so the loop never needs an unbounded wait).
            None => receiver.recv_timeout(Duration::from_secs(86_400)),
        };
        match received {
            Ok(entry) => due.push(Reverse(entry)),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits on the current thread for `future`, with a waker that unparks
    /// it: no runtime involved.
    fn block_on(future: impl Future<Output = ()>) {
        struct Unpark(std::thread::Thread);
        impl std::task::Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        while future.as_mut().poll(&mut cx).is_pending() {
            std::thread::park();
        }
    }

    #[test]
    fn a_delay_ends_at_or_after_its_deadline() {
        for micros in [0_u64, 300, 1_700, 5_300] {
            let deadline = Instant::now() + Duration::from_micros(micros);
            block_on(precise_delay(deadline));
            assert!(Instant::now() >= deadline, "{micros} µs");
        }
    }

    #[test]
    fn delays_registered_out_of_order_each_end_after_their_own_deadline() {
        let start = Instant::now();
        let handles: Vec<_> = [9_u64, 2, 6, 4]
            .into_iter()
            .map(|ms| {
                std::thread::spawn(move || {
                    let deadline = start + Duration::from_millis(ms);
                    block_on(precise_delay(deadline));
                    assert!(Instant::now() >= deadline);
                })
            })
            .collect();
        for handle in handles {
            handle.join().expect("no panic");
        }
    }
}
