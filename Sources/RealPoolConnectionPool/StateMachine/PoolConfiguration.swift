/// How the pool sizes, ages, checks and shuts down its connections.
///
/// Every knob has a default chosen for RealPool's *release-ASAP* model: a connection is leased for one
/// statement outside a transaction and returned as soon as the result is read, so a pool serves far more
/// concurrent callers per connection than a hold-for-the-request pool does. The defaults therefore keep
/// the pool small and let it shrink back when load goes away.
///
/// - `minConnections` (default **1**): connections kept open even when idle. One warm connection removes
///   the connect cost (TCP, TLS, authentication, per-connection setup SQL: milliseconds to tens of
///   milliseconds) from the first statement after a quiet period, and in a release-ASAP pool one
///   connection serves the whole low-load case. It costs one idle server backend. Use 0 for short-lived
///   tools or when the server may be unavailable at start-up (no connect is then attempted until the
///   first lease).
/// - `maxConnections` (default **10**): the hard cap, counting connections being opened and being closed,
///   so the server never sees more than this many backends from one pool. Release-ASAP needs few; ten
///   lets several application instances share PostgreSQL's default `max_connections = 100`.
/// - `acquireTimeout` (default **30 s**): how long a lease request waits before it fails with a timeout
///   (carrying the last connect error, if connects are failing). Long enough to ride out a server restart
///   or fail-over with connect retries, short enough that an overloaded or misconfigured application gets
///   an error instead of hanging. (HikariCP uses the same default.)
/// - `maxLifetime` (default **30 min**, `nil` = unlimited) with `lifetimeJitter` (default **0.1**):
///   connections are retired after this age, so server-side memory bloat, changed `pg_hba`/role settings
///   and fail-over DNS changes are picked up. The jitter shortens each connection's lifetime by a random
///   fraction up to `lifetimeJitter`, so connections opened together do not all expire together; it only
///   shortens, so a lifetime set just below a load balancer's limit is never exceeded. An expired
///   connection is never handed out; a leased one is closed when it comes back.
/// - `maxIdleTime` (default **10 min**, `nil` = never): connections above `minConnections` idle longer
///   than this are closed, so the pool shrinks back after a burst. With last-in-first-out reuse only the
///   connections that load really needs stay busy; the rest age out.
/// - `pingAfterIdle` (default **60 s**, `nil` = never): an idle connection that has been idle longer than
///   this is pinged (one round trip) before it is handed out. The zero-round-trip socket check done on
///   every lease catches connections the server or a proxy closed, but not a connection silently dropped
///   by a NAT or firewall; a statement sent on such a connection fails in a way that cannot be retried
///   safely. The ping costs one round trip only after a quiet minute, when latency matters least.
/// - `maxWaiters` (default **10 000**): lease requests allowed to wait at once; past it a request fails
///   immediately with `tooManyWaiters`. Bounds memory and turns runaway overload into a clear error
///   instead of ever-growing latency.
/// - `leakDetectionThreshold` (default `nil` = off): a lease held longer than this produces one warning
///   naming the lease (the executor knows its call site). Off by default because transactions, sessions
///   and streaming queries may legitimately hold a connection for a long time; turn it on in development.
/// - `backgroundMaintenance` (default **true**): timers close idle and expired connections and keep
///   `minConnections` open even when the application is quiet. With it off no idle or lifetime timers are
///   scheduled and expiry and idle trimming happen on lease and release events instead (acquire timeouts,
///   connect retries for waiters, leak warnings and the shutdown deadline still use timers). Useful for
///   executors that must not run background work.
/// - `connectRetryBackoff` (default **100 ms doubling to 10 s, ±20 % jitter**): after a failed connect,
///   the next attempt waits this long, and only one connect is in flight until one succeeds. A server
///   that is down is then probed, not hammered, and a server that comes back is found within seconds.
public struct PoolConfiguration: Sendable, Hashable {
    /// Connections kept open even when idle. Default 1.
    public var minConnections: Int
    /// The hard cap, counting connections being opened and closed. Default 10.
    public var maxConnections: Int
    /// How long a lease request waits before it fails. Default 30 s.
    public var acquireTimeout: Duration
    /// Connections are retired after this age. Default 30 min; nil is unlimited.
    public var maxLifetime: Duration?
    /// Each lifetime is shortened by a random fraction up to this. Default 0.1.
    public var lifetimeJitter: Double
    /// Connections above the minimum idle this long are closed. Default 10 min; nil is never.
    public var maxIdleTime: Duration?
    /// A connection idle longer than this is pinged before it is handed out. Default 60 s; nil is never.
    public var pingAfterIdle: Duration?
    /// Lease requests allowed to wait at once. Default 10 000.
    public var maxWaiters: Int
    /// A lease held longer than this logs one warning naming its call site. Default nil (off).
    public var leakDetectionThreshold: Duration?
    /// Whether timers trim idle and expired connections and keep the minimum while quiet. Default true.
    public var backgroundMaintenance: Bool
    /// The wait between failed connects. Default 100 ms doubling to 10 s, ±20 %.
    public var connectRetryBackoff: ConnectRetryBackoff
    /// A configuration; out-of-range values are brought into range rather than trapped on, since
    /// a configuration may come from a file. Fields set later are checked when the pool is created
    /// (``inRange()``), and each correction is logged.
    public init(
        minConnections: Int = 1,
        maxConnections: Int = 10,
        acquireTimeout: Duration = .seconds(30),
        maxLifetime: Duration? = .seconds(30 * 60),
        lifetimeJitter: Double = 0.1,
        maxIdleTime: Duration? = .seconds(10 * 60),
        pingAfterIdle: Duration? = .seconds(60),
        maxWaiters: Int = 10_000,
        leakDetectionThreshold: Duration? = nil,
        backgroundMaintenance: Bool = true,
        connectRetryBackoff: ConnectRetryBackoff = ConnectRetryBackoff()
    ) {
        self.maxConnections = maxConnections
        self.minConnections = minConnections
        self.acquireTimeout = acquireTimeout
        self.maxLifetime = maxLifetime
        self.lifetimeJitter = lifetimeJitter
        self.maxIdleTime = maxIdleTime
        self.pingAfterIdle = pingAfterIdle
        self.maxWaiters = maxWaiters
        self.leakDetectionThreshold = leakDetectionThreshold
        self.backgroundMaintenance = backgroundMaintenance
        self.connectRetryBackoff = connectRetryBackoff
        // Into range instead of trapping: a configuration is data that may come from a file, and a
        // pool with a nonsensical size should still behave predictably (see `inRange()`).
        self = inRange().configuration
    }
}
