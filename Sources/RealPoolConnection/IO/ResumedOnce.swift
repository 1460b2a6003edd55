/// The continuation through which RealPool's I/O code wakes a waiting task from another thread
/// (the socket poller's, a multiplexer's reader): checked in debug builds, unchecked in release.
///
/// Every waiter leaves the shared state under its lock before it is resumed, so each is resumed
/// once; in release builds the checked variant would only repeat that, at the cost of two
/// allocations and an atomic exchange per wait (measured: about 6 % of the client's CPU per
/// multiplexed statement on the I/O executor). Debug builds pay that to have it verified.
///
/// They also keep ThreadSanitizer's reports true. A continuation resumed before its task has
/// suspended (the poller or reader finished first, a common race) lets the task run on at once:
/// Swift's runtime orders that by an atomic it does not annotate for the sanitizer on this path,
/// while `UnsafeContinuation.resume` is inlined into our instrumented code. The sanitizer then
/// sees the resumer's read of the task's frame and the task's next write to it unordered, and
/// reports a race that is not there (it did, under `--sanitize=thread`, in the multiplexer). The
/// checked variant resumes from inside the standard library, where nothing is instrumented.
#if DEBUG
typealias ResumedOnce<T> = CheckedContinuation<T, any Error>
#else
typealias ResumedOnce<T> = UnsafeContinuation<T, any Error>
#endif

@inline(__always)
func withResumedOnce<T>(isolation: isolated (any Actor)? = #isolation,
                        _ body: (ResumedOnce<T>) -> Void) async throws -> sending T {
    #if DEBUG
    try await withCheckedThrowingContinuation(isolation: isolation, body)
    #else
    try await withUnsafeThrowingContinuation(isolation: isolation, body)
    #endif
}
