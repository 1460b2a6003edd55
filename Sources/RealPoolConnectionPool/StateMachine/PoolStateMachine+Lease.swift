extension PoolStateMachine {
    /// One lessee's hold on a connection.
    package struct Lease: Hashable, Sendable {
        /// The request that was served, kept so it can be re-queued if the executor finds the
        /// connection broken before handing it over.
        package var waiter: Waiter
        /// When the lease was granted; leak detection and the report measure from here.
        var since: Instant
        /// The wait time added to the statistics when the lease was granted, subtracted again if the
        /// lease is undone by `connectionFoundBroken`.
        var chargedWait: Duration
    }
}
