import Metrics
import MetricsTestKit
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

/// The metrics a backend sees, with OpenTelemetry's names for connection pools.
@Suite("Pool metrics")
struct PoolMetricsTests {
    /// swift-metrics is bootstrapped once per process; pools created before it record nowhere.
    static let metrics: TestMetrics = {
        let m = TestMetrics()
        MetricsSystem.bootstrap(m)
        return m
    }()

    @Test func poolAndStatementMetricsAreRecorded() async throws {
        let metrics = Self.metrics
        let db = try TestServer.database(maxConnections: 2) { $0.name = "metrics-test" }
        try db.addPrepareTarget("SELECT $1::int AS v")
        for i in 0..<3 { _ = try await db.execute("SELECT $1::int AS v", i) }

        let pool = ("db.client.connection.pool.name", "metrics-test")
        let idle = try metrics.expectGauge("db.client.connection.count", [pool, ("db.client.connection.state", "idle")])
        let used = try metrics.expectGauge("db.client.connection.count", [pool, ("db.client.connection.state", "used")])
        #expect(idle.lastValue == 1)
        #expect(used.lastValue == 0)
        #expect(try metrics.expectGauge("db.client.connection.max", [pool]).lastValue == 2)
        #expect(try metrics.expectTimer("db.client.connection.wait_time", [pool]).values.count == 3)
        #expect(try metrics.expectTimer("db.client.connection.use_time", [pool]).values.count == 3)
        #expect(try metrics.expectTimer("db.client.connection.create_time", [pool]).values.count == 1)
        #expect(try metrics.expectCounter("realpool.statements.prepared", [pool]).totalValue == 1)
        #expect(try metrics.expectCounter("realpool.statements.cache_hits", [pool]).totalValue == 2)
        let shape = db.normalize("SELECT $1::int AS v", dollarStyle: true)
        let durations = try metrics.expectTimer("db.client.operation.duration", [pool, ("db.query.fingerprint", shape.fingerprintHex)])
        #expect(durations.values.count == 3)
        await db.shutdown()
    }
}
