extension PoolStateMachine {
    /// A timer the executor runs on the state machine's behalf.
    ///
    /// Timers have identities: scheduling a timer whose identity is already scheduled *replaces* it.
    /// A timer that fires late or after the state it was meant for has gone is harmless: the state
    /// machine re-checks its condition against `now` and ignores stale firings, so `cancelTimer` is an
    /// optimisation, not something correctness depends on.
    package enum Timer: Hashable, Sendable {
        /// The waiter's `acquireTimeout` has elapsed.
        case acquireTimeout(RequestID)
        /// Pool-wide: the earliest idle connection reaches `maxIdleTime`. One timer for the pool rather
        /// than one per idle connection keeps the lease/release hot path free of timer traffic.
        case idleCheck
        /// The connection reaches its (jittered) `maxLifetime`. Scheduled once, when it opens.
        case lifetimeExpiry(ConnectionID)
        /// The connect back-off has elapsed; try opening connections again. It also serves as the
        /// keep-warm retry when the pool has fallen below `minConnections` and connects are failing.
        case connectRetry
        /// The lease has been held for `leakDetectionThreshold`.
        case leakDetection(RequestID)
        /// The shutdown grace period is over: force-close what is left.
        case shutdownDeadline
    }
}
