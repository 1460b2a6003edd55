import Metrics
import RealPoolSupport
import RealPoolConnection
import RealPoolNormalizer

/// Statement-cache counters and per-shape query durations through swift-metrics.
///
/// Durations are labelled with the shape's fingerprint, never its text or values; the number of
/// fingerprints labelled is bounded (further shapes share the label `other`) so a metrics backend
/// never sees unbounded cardinality from generated SQL.
package final class StatementMetrics: Sendable {
    private let prepared: Counter
    private let hits: Counter
    private let reprepareMissing: Counter
    private let reprepareChanged: Counter
    private let reprepareNameExists: Counter
    private let evictions: Counter
    private let fallbacks: Counter
    private let poolName: String
    private let maxShapes: Int
    private let durations = Locked<[UInt64: Timer]>([:])

    package init(poolName: String, maxShapes: Int) {
        let pool = ("db.client.connection.pool.name", poolName)
        self.poolName = poolName
        self.maxShapes = max(1, maxShapes)
        prepared = Counter(label: "realpool.statements.prepared", dimensions: [pool])
        hits = Counter(label: "realpool.statements.cache_hits", dimensions: [pool])
        reprepareMissing = Counter(label: "realpool.statements.reprepared", dimensions: [pool, ("cause", "missing")])
        reprepareChanged = Counter(label: "realpool.statements.reprepared", dimensions: [pool, ("cause", "plan_changed")])
        reprepareNameExists = Counter(label: "realpool.statements.reprepared", dimensions: [pool, ("cause", "name_exists")])
        evictions = Counter(label: "realpool.statements.evictions", dimensions: [pool])
        fallbacks = Counter(label: "realpool.statements.plain_fallbacks", dimensions: [pool])
    }

    package func record(_ delta: StatementCacheStatistics) {
        if delta.misses > 0 { prepared.increment(by: Int64(delta.misses)) }
        if delta.hits > 0 { hits.increment(by: Int64(delta.hits)) }
        if delta.repreparesMissing > 0 { reprepareMissing.increment(by: Int64(delta.repreparesMissing)) }
        if delta.repreparesPlanChanged > 0 { reprepareChanged.increment(by: Int64(delta.repreparesPlanChanged)) }
        if delta.repreparesNameExists > 0 { reprepareNameExists.increment(by: Int64(delta.repreparesNameExists)) }
        if delta.evictions > 0 { evictions.increment(by: Int64(delta.evictions)) }
        if delta.typeMismatchFallbacks > 0 { fallbacks.increment(by: Int64(delta.typeMismatchFallbacks)) }
    }

    /// The `db.client.operation.duration` of one statement, labelled with its shape.
    package func recordDuration(_ duration: Duration, fingerprint: UInt64, fingerprintHex: @autoclosure () -> String) {
        let timer = durations.withLock { timers -> Timer in
            if let t = timers[fingerprint] { return t }
            let known = timers.count < maxShapes
            let key = known ? fingerprint : 0
            if let t = timers[key] { return t }
            let t = Timer(label: "db.client.operation.duration", dimensions: [
                ("db.client.connection.pool.name", poolName), ("db.query.fingerprint", known ? fingerprintHex() : "other"),
            ])
            timers[key] = t
            return t
        }
        let (s, atto) = duration.components
        timer.recordNanoseconds(s * 1_000_000_000 + atto / 1_000_000_000)
    }
}
