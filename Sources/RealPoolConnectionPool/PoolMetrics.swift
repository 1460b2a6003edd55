import Metrics

/// The pool's figures through swift-metrics, named after OpenTelemetry's semantic conventions for
/// database client connection pools, so any backend (Prometheus, OpenTelemetry, ...) exports them
/// per process and the monitoring system aggregates them.
///
/// With no metrics backend bootstrapped, swift-metrics records into a no-op handler, so this
/// costs a few virtual calls per lease.
struct PoolMetrics: Sendable {
    /// The three gauges every pool event moves: idle, used (leased, being checked or reset) and waiting.
    typealias Gauges = (idle: Int, used: Int, waiting: Int)

    let idle: Gauge
    let used: Gauge
    let pending: Gauge
    let timeouts: Counter
    let createTime: Timer
    let waitTime: Timer
    let useTime: Timer
    /// Connections returned inside a transaction and rolled back before reuse.
    let returnsRolledBack: Counter

    init(poolName: String, configuration: PoolConfiguration) {
        let pool = ("db.client.connection.pool.name", poolName)
        idle = Gauge(label: "db.client.connection.count", dimensions: [pool, ("db.client.connection.state", "idle")])
        used = Gauge(label: "db.client.connection.count", dimensions: [pool, ("db.client.connection.state", "used")])
        pending = Gauge(label: "db.client.connection.pending_requests", dimensions: [pool])
        timeouts = Counter(label: "db.client.connection.timeouts", dimensions: [pool])
        createTime = Timer(label: "db.client.connection.create_time", dimensions: [pool])
        waitTime = Timer(label: "db.client.connection.wait_time", dimensions: [pool])
        useTime = Timer(label: "db.client.connection.use_time", dimensions: [pool])
        returnsRolledBack = Counter(label: "realpool.pool.returns_rolled_back", dimensions: [pool])
        // the configured bounds, as the conventions ask
        Gauge(label: "db.client.connection.max", dimensions: [pool]).record(configuration.maxConnections)
        Gauge(label: "db.client.connection.idle.min", dimensions: [pool]).record(configuration.minConnections)
        Gauge(label: "db.client.connection.idle.max", dimensions: [pool]).record(configuration.maxConnections)
    }

    /// Mirrors the state machine's gauges after an event.
    func update(_ gauges: Gauges) {
        idle.record(gauges.idle)
        used.record(gauges.used)
        pending.record(gauges.waiting)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}
