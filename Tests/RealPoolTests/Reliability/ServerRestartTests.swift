import EmbeddedPostgres
import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport
@testable import RealPoolConnectionPool

/// Faults that take the whole server away. They run against a server of their own, so that the
/// tests sharing the main test server are not disturbed.
@Suite("Server restart", .serialized)
struct ServerRestartTests {
    /// Started off the cooperative pool on first use (see `offThePool`).
    static let server = MadeOnce { () throws -> EmbeddedPostgres in
        let s = try EmbeddedPostgres.start()
        started.withLock { $0 = s }
        atexit { ServerRestartTests.started.withLock { $0 }?.stop() }
        return s
    }
    static let started = Locked<EmbeddedPostgres?>(nil)

    func database(acquireTimeout: Duration = .seconds(10), pipelineDepth: Int) async throws -> (Database, EmbeddedPostgres) {
        let server = try await Self.server.get()
        var pool = PoolConfiguration()
        pool.maxConnections = 2
        pool.minConnections = 0
        pool.acquireTimeout = acquireTimeout
        pool.connectRetryBackoff.initial = .milliseconds(50)
        pool.connectRetryBackoff.maximum = .milliseconds(200)
        var config = DatabaseConfiguration(ConnectionConfiguration(server.connectionString, connectTimeout: .seconds(2)), pool: pool)
        config.name = "restart"
        config.pipelineDepth = pipelineDepth
        return (Database(config), server)
    }

    @Test(arguments: TestServer.pipelineDepths) func preparedStatementsSurviveARestart(pipelineDepth: Int) async throws {
        let (db, server) = try await database(pipelineDepth: pipelineDepth)
        let t = TestServer.uniqueName("restart")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int PRIMARY KEY, v text)"))
        try await db.execute(SQLQuery(unsafeSQL: "INSERT INTO \(t) SELECT g, 'v' || g FROM generate_series(1, 10) g"))
        try db.addPrepareTarget("SELECT v FROM \(t) WHERE id = $1")
        #expect(try await db.execute("SELECT v FROM \(unsafeRaw: t) WHERE id = \(3)")[0].decode(String.self, column: 0) == "v3")
        let opened = db.statistics.connectionsOpened

        try await offThePool { try server.restart() }

        // the idle connection died with the old server: it is replaced at lease, the statement is
        // prepared again on the new connection, and the caller sees no error
        #expect(try await db.execute("SELECT v FROM \(unsafeRaw: t) WHERE id = \(4)")[0].decode(String.self, column: 0) == "v4")
        #expect(db.statistics.connectionsOpened > opened)
        #expect(db.statistics.misses == 2)
        #expect(db.statistics.leased == 0)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }

    @Test(arguments: TestServer.pipelineDepths) func serverDownGivesClearBoundedErrorsThenRecovers(pipelineDepth: Int) async throws {
        let (db, server) = try await database(acquireTimeout: .seconds(1), pipelineDepth: pipelineDepth)
        _ = try await db.execute("SELECT 1")
        try await offThePool { try server.stopServer() }
        let start = ContinuousClock.now
        let e = await #expect(throws: (any Error).self) { try await db.execute("SELECT 1") }
        #expect(ContinuousClock.now - start < .seconds(5))
        let text = "\(e.map { "\($0)" } ?? "")"
        #expect(text.contains("acquireTimeout") || text.contains("connect"), "unclear error: \(text)")

        try await offThePool { try server.startServer() }
        try await TestServer.waitUntil(timeout: .seconds(20), "the pool reconnects by itself") {
            (try? await db.execute("SELECT 2")) != nil
        }
        #expect(db.statistics.leased == 0)
        await db.shutdown()
    }
}
