import Logging
import ServiceLifecycle
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements

/// `Database` as a swift-service-lifecycle `Service`: the group's graceful shutdown, or the
/// cancellation of `run()`, shuts the pool down, and nothing of it is left on the server.
@Suite("Database as a Service")
struct DatabaseServiceTests {
    static func database(_ name: String) throws -> Database {
        var pool = PoolConfiguration()
        pool.maxConnections = 3
        pool.minConnections = 2
        return Database(DatabaseConfiguration(
            ConnectionConfiguration(try TestServer.connectionString(), connectTimeout: .seconds(30), applicationName: name), pool: pool))
    }

    static func backends(_ name: String) async throws -> Int {
        let observer = try await TestServer.connect()
        defer { observer.close() }
        return try await observer.query("SELECT count(*)::int FROM pg_stat_activity WHERE application_name = $1", [name])[0]
            .decode(Int.self, column: 0)
    }

    @Test func aGracefulShutdownOfTheGroupClosesEveryConnection() async throws {
        let name = TestServer.uniqueName("service")
        let db = try Self.database(name)
        let group = ServiceGroup(services: [db], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        let sum = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for i in 1...20 { tasks.addTask { try await db.execute("SELECT \(i)::int")[0].decode(Int.self, column: 0) } }
            return try await tasks.reduce(0, +)
        }
        #expect(sum == 210)
        try await TestServer.waitUntil("the pool has its minimum open") { db.statistics.idle >= 2 }
        #expect(try await Self.backends(name) >= 2)

        await group.triggerGracefulShutdown()
        try await running.value
        #expect(db.statistics.size == 0)
        let e = await #expect(throws: PoolError.self) { try await db.execute("SELECT 1") }
        #expect(e?.kind == .shutdown)
        try await TestServer.waitUntil("the server has no backend of the pool left") { try await Self.backends(name) == 0 }
    }

    @Test func cancellingRunShutsThePoolDown() async throws {
        let name = TestServer.uniqueName("service")
        let db = try Self.database(name)
        let running = Task { try await db.run() }
        #expect(try await db.execute("SELECT 1")[0].decode(Int.self, column: 0) == 1)
        running.cancel()
        try await running.value
        #expect(db.statistics.size == 0)
        try await TestServer.waitUntil("the server has no backend of the pool left") { try await Self.backends(name) == 0 }
    }
}
