extension PoolStateMachine {
    /// Why the state machine asks for a connection to be closed; for logs and counters.
    package enum CloseReason: Hashable, Sendable {
        /// Idle longer than `maxIdleTime` while the pool was above `minConnections`.
        case idleTimeout
        /// Reached its jittered `maxLifetime`.
        case lifetimeExpired
        /// Released as `.broken` by its lessee (or reported lost while leased).
        case broken
        /// The executor's zero-round-trip check at lease time found it dead.
        case brokenAtLease
        /// The ping after a long idle period failed.
        case pingFailed
        /// Rolling back a connection returned mid-transaction failed.
        case resetFailed
        /// The executor saw it die while idle or being checked.
        case lost
        /// Graceful shutdown.
        case shutdown
        /// The shutdown deadline passed while it was still leased, being opened or being checked.
        case shutdownForced
    }
}
