/// Pool counters, maintained by the pool's state machine as it makes its decisions.
///
/// Gauges (`size` … `waiting`) describe the pool now; the rest only grow. All are plain `Int`s so
/// that the executor can export them as one flat dictionary (`asDictionary()`) to logs, metrics or
/// `db.report()`.
public struct PoolStatistics: Sendable, Hashable {
    // MARK: Gauges
    /// Pool size: every connection the pool holds a slot for, `connecting + idle + leased + checking +
    /// resetting + closing`. Never more than `maxConnections`.
    public internal(set) var size = 0
    /// Connections open and free.
    public internal(set) var idle = 0
    /// Connections with at least one lessee.
    public internal(set) var leased = 0
    /// Connections being opened.
    public internal(set) var connecting = 0
    /// Connections being pinged before they are handed out.
    public internal(set) var checking = 0
    /// Connections being rolled back after a return inside a transaction.
    public internal(set) var resetting = 0
    /// Connections being closed.
    public internal(set) var closing = 0
    /// Requests waiting in the queue.
    public internal(set) var waiting = 0

    // MARK: Requests
    /// Lease requests made.
    public internal(set) var leaseRequests = 0
    /// Leases granted (a lease undone because the connection was found broken is not counted).
    public internal(set) var acquires = 0
    /// Total and maximum time from a lease request to its lease, in microseconds.
    public internal(set) var waitTimeTotalMicroseconds = 0
    /// The longest wait for a lease, in microseconds.
    public internal(set) var waitTimeMaxMicroseconds = 0
    /// Requests that failed after `acquireTimeout`.
    public internal(set) var timeouts = 0
    /// Requests refused because `maxWaiters` were already waiting.
    public internal(set) var rejectedTooManyWaiters = 0
    /// Waiting requests whose task was cancelled.
    public internal(set) var cancelledWaiters = 0
    /// Requests failed because the pool was (or went) shutting down.
    public internal(set) var failedShutdown = 0
    /// Leases returned by their lessee.
    public internal(set) var releases = 0
    /// Leases ended by the pool rather than by a release: the connection was force-closed at the
    /// shutdown deadline or reported closed under its lessee.
    public internal(set) var leasesRevoked = 0
    /// The most connections leased at the same time.
    public internal(set) var maxLeased = 0
    /// Shared leases that joined a connection other shared lessees held (pipelined multiplexing).
    public internal(set) var sharedJoins = 0
    /// The most lessees one connection carried at once.
    public internal(set) var maxLesseesOnOneConnection = 0

    // MARK: Connections
    /// Connects started.
    public internal(set) var connectAttempts = 0
    /// Connects that succeeded.
    public internal(set) var connectionsOpened = 0
    /// Connects that failed.
    public internal(set) var connectFailures = 0
    /// Connect attempts abandoned because the shutdown deadline passed.
    public internal(set) var connectsAborted = 0
    /// Opened connections the pool closed, for any reason (including lost and broken ones).
    public internal(set) var connectionsClosed = 0
    /// Of those, connections that died: broken on return, found broken at lease, failed ping, lost.
    public internal(set) var connectionsLost = 0
    /// Idle connections found dead by the check at lease time (nothing was sent on them).
    public internal(set) var brokenAtLease = 0
    /// Pings sent to connections idle longer than `pingAfterIdle`.
    public internal(set) var pings = 0
    /// Pings that failed (the connection was closed and replaced).
    public internal(set) var pingFailures = 0
    /// Returns rolled back successfully ("returns rolled back") / whose rollback failed (the connection
    /// is then closed).
    public internal(set) var resets = 0
    /// Returns whose rollback failed; the connection was closed.
    public internal(set) var resetFailures = 0
    /// Connections retired at `maxLifetime`.
    public internal(set) var expired = 0
    /// Connections closed after `maxIdleTime`.
    public internal(set) var idleTrimmed = 0
    /// Leases that outlived `leakDetectionThreshold`.
    public internal(set) var leakWarnings = 0

    /// All counters at zero.
    public init() {}

    /// The counters as a flat dictionary, keyed by the property names (`"idle"`, `"acquires"`, …).
    public func asDictionary() -> [String: Int] {
        [
            "size": size, "idle": idle, "leased": leased, "connecting": connecting,
            "checking": checking, "resetting": resetting, "closing": closing, "waiting": waiting,
            "leaseRequests": leaseRequests, "acquires": acquires,
            "waitTimeTotalMicroseconds": waitTimeTotalMicroseconds,
            "waitTimeMaxMicroseconds": waitTimeMaxMicroseconds,
            "timeouts": timeouts, "rejectedTooManyWaiters": rejectedTooManyWaiters,
            "cancelledWaiters": cancelledWaiters, "failedShutdown": failedShutdown, "releases": releases,
            "leasesRevoked": leasesRevoked, "sharedJoins": sharedJoins,
            "maxLesseesOnOneConnection": maxLesseesOnOneConnection,
            "maxLeased": maxLeased, "connectAttempts": connectAttempts,
            "connectionsOpened": connectionsOpened, "connectFailures": connectFailures,
            "connectsAborted": connectsAborted, "connectionsClosed": connectionsClosed,
            "connectionsLost": connectionsLost, "brokenAtLease": brokenAtLease, "pings": pings,
            "pingFailures": pingFailures, "resets": resets, "resetFailures": resetFailures,
            "expired": expired, "idleTrimmed": idleTrimmed, "leakWarnings": leakWarnings,
        ]
    }
}
