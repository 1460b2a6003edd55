/// The pool's decisions, as a pure state machine: events in, actions out.
///
/// It does no I/O, reads no clock and draws no random numbers: the executor (async or blocking) passes
/// `now` with every event and random values where jitter is wanted, runs the returned actions in order,
/// and reports their outcome as further events. That makes every decision testable without a server or
/// a real clock, and lets one set of rules drive both executors.
///
/// Rules, in short (see the PoolConfigurationGuide article in RealPool.docc):
/// - Waiters are served first-come first-served. An idle connection never coexists with a waiting request
///   after an event has been processed.
/// - Idle connections are reused last-in first-out: the most recently used one is warm (its socket is the
///   least likely to be dead) and the others age out by `maxIdleTime`.
/// - Connections are opened lazily, one per waiter not already covered by a connection being opened or
///   reset, up to `maxConnections` (which counts connections being opened and being closed), and kept at
///   `minConnections`.
/// - A failed connect frees its slot; the next attempt waits for the back-off, and only one connect is in
///   flight until one succeeds.
/// - A connection has one exclusive lessee, or up to `sharedLesseesPerConnection` shared
///   ones (pipelined multiplexing). A shared request takes an idle connection first, then joins the
///   least busy shared connection with room; it never overtakes an earlier waiter, so an exclusive request
///   at the head of the queue lets shared connections drain until one is free for it.
///
/// The executor must serialise calls (one mutation at a time: a lock or an actor around the value).
package struct PoolStateMachine: Sendable {
    package typealias ConnectionID = Int
    package typealias RequestID = Int

    enum Lifecycle: Hashable, Sendable {
        case running
        /// Waiting for leased connections to come back until the deadline.
        case shuttingDown(deadline: Instant, forced: Bool)
        case shutDown
    }

    package let configuration: PoolConfiguration
    package var statistics = PoolStatistics()
    var lifecycle = Lifecycle.running

    package var connections: [ConnectionID: ConnectionRecord] = [:]
    /// Idle connections, least recently used first. Leases take from the end (LIFO); trimming takes from
    /// the front, which is also sorted by idle-since, so a sweep stops at the first connection that is
    /// not yet due.
    var idleStack: [ConnectionID] = []
    package var queue = WaiterQueue()
    /// Requests that hold a lease, and on which connection (what `leakDetection` and cancellation races
    /// look up).
    var leasedRequests: [RequestID: ConnectionID] = [:]
    /// Requests whose connection is being pinged before it is handed to them.
    package var checkingRequests: [RequestID: ConnectionID] = [:]
    var nextConnectionID: ConnectionID = 0

    /// Consecutive connect failures since the last success.
    package var connectFailureStreak = 0
    /// No connect starts before this instant (back-off after a failure).
    var connectBackoffUntil: Instant?
    /// When the `connectRetry` timer is scheduled, if it is.
    var connectRetryScheduledAt: Instant?
    /// When the pool-wide `idleCheck` timer is scheduled, if it is.
    var idleCheckScheduledAt: Instant?
    /// Whether the `shutdownDeadline` timer is pending.
    var shutdownTimerScheduled = false
    /// The description of the most recent failed connect, while connects have been failing since the
    /// last success (`nil` once one succeeds). Carried by timeout failures.
    package var lastConnectError: String?

    /// How many *shared* lessees one connection may carry at once (1: every lease is exclusive).
    /// Not part of `PoolConfiguration`: the layer above, which knows what a lessee runs, says which
    /// leases may share a connection, and how many (``DatabaseConfiguration/pipelineDepth``).
    package let sharedLesseesPerConnection: Int

    package init(configuration: PoolConfiguration, sharedLesseesPerConnection: Int = 1) {
        self.configuration = configuration
        self.sharedLesseesPerConnection = max(1, sharedLesseesPerConnection)
    }

    /// Opens `minConnections`. Call once, when the pool is created.
    package mutating func start(now: Instant) -> [Action] {
        var actions: [Action] = []
        openConnectionsIfNeeded(now: now, into: &actions)
        return actions
    }
}
