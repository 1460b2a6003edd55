extension PoolStateMachine {
    /// A lease request that has not been handed a connection yet.
    package struct Waiter: Hashable, Sendable {
        package var id: RequestID
        /// When the request arrived; wait-time statistics are measured from here.
        var enqueuedAt: Instant
        /// `enqueuedAt + acquireTimeout`. Kept across re-queueing (a connection found broken at lease)
        /// so that a request never waits longer than `acquireTimeout` in total.
        var deadline: Instant
        /// Whether an `acquireTimeout` timer is scheduled for it, so that a request served at once costs
        /// no timer traffic.
        var timerScheduled: Bool = false
        /// A shared request may join a connection that other shared lessees hold (pipelined
        /// multiplexing); an exclusive one needs a connection to itself.
        var shared: Bool = false
        /// The I/O thread the requester runs on (``Database/ioExecutors(_:)``), if any: a
        /// connection last leased from that thread is preferred, so a multiplexed connection's
        /// callers and its reader share a thread and no result hops between threads.
        var affinity: Int? = nil
    }
}
