//! The threads the commands run work on. `sslbind-core` starts none (its `diagnose` takes a
//! [`Parallelism`] from the caller), so running work side by side is chosen at the edge, and
//! written once, here.

use sslbind_core::doctor::Parallelism;

/// `doctor`'s rules in two halves, the second on a thread of its own: what `sslbind doctor`
/// and the scale bench choose.
pub fn rules_on_two_threads() -> Parallelism {
    Parallelism::Halves(|first, second| join(|| first.run(), || second.run()))
}

/// Runs `first` on the calling thread and `second` on a scoped thread of its own, and returns
/// both results. A panic in either is passed on, not hidden: it is a bug.
pub fn join<A: Send, B: Send>(first: impl FnOnce() -> A + Send, second: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|scope| {
        let other = scope.spawn(second);
        let first = first();
        (first, other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}
