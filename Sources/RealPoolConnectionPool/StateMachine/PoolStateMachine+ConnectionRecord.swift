extension PoolStateMachine {
    /// What the state machine knows about one physical connection.
    package struct ConnectionRecord: Hashable, Sendable {
        enum State: Hashable, Sendable {
            /// The executor is opening it. Counts against `maxConnections`.
            case connecting
            /// Ready and unused since the instant given.
            case idle(since: Instant)
            /// Being pinged before it is handed to the waiter (`nil` once that waiter has gone: timed
            /// out, cancelled or shut down; the connection is then offered to the next one).
            case checking(Waiter?)
            /// Handed out. At most `PoolStateMachine.maxLesseesPerConnection` lessees.
            case leased([Lease])
            /// Being rolled back after a return inside a transaction.
            case resetting
            /// Asked to close; still counts against `maxConnections` until the executor confirms, so
            /// the server never sees more than `maxConnections` backends from this pool.
            case closing(CloseReason)
        }

        let id: ConnectionID
        var state: State
        /// When the connection must be retired (`nil`: never, or not yet open).
        var lifetimeDeadline: Instant?
        /// Whether a `lifetimeExpiry` timer was scheduled, so it is cancelled when the connection goes.
        var lifetimeTimerScheduled = false
        /// Whether the connect succeeded; closing a connection that never opened counts as an aborted
        /// connect, not a close.
        var opened = false
        /// Reported lost while leased: the lessee will find out; close it when it comes back whatever
        /// state it is returned in.
        var lostWhileLeased = false
        /// The `affinity` of the waiter that last leased it while it had no other lessee.
        package var affinity: Int?

        init(id: ConnectionID) {
            self.id = id
            self.state = .connecting
        }

        func isExpired(at now: Instant) -> Bool {
            guard let lifetimeDeadline else { return false }
            return lifetimeDeadline <= now
        }

        var isClosing: Bool {
            if case .closing = state { return true }
            return false
        }

        package var lessees: [Lease] {
            if case .leased(let leases) = state { return leases }
            return []
        }
    }
}
