extension PoolStateMachine {
    /// The condition a lessee returns a connection in.
    package enum ReleaseState: Hashable, Sendable {
        /// No open transaction, no unread result: can be reused as is.
        case idle
        /// Returned inside a (possibly failed) transaction or with a half-read result: roll back first.
        case needsReset
        /// The connection failed while leased: close it.
        case broken
    }
}
