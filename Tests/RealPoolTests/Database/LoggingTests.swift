import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

/// The levels and metadata keys the Logging & Metrics article promises: warnings name the pool
/// and the backend (to find it in the server's log and `pg_stat_activity`), statement-cache
/// events stay at debug and name the shape and the SQLSTATE that caused them.
@Suite("Logging")
struct LoggingTests {
    @Test func returnRolledBackWarnsWithPoolNameAndBackendPID() async throws {
        let capture = LogCapture()
        let db = try TestServer.database {
            $0.name = "orders"
            $0.logger = capture.logger()
        }
        let pid = try await db.execute("SELECT pg_backend_pid()")[0].decode(Int.self, column: 0)
        // a multi-statement string that leaves a transaction open on the pool's one connection
        await #expect(throws: UsageError.self) { try await db.execute(SQLQuery(unsafeSQL: "BEGIN; SELECT 1")) }
        try await TestServer.waitUntil("the reset completes") { db.statistics.resets == 1 && db.statistics.idle == 1 }

        let warning = try #require(capture.entries.first { $0.message.contains("rolling it back") })
        #expect(warning.level == .warning)
        #expect(warning.metadata["db.client.connection.pool.name"] == "orders")
        #expect(warning.metadata["db.backend_pid"] == "\(pid)")
        await db.shutdown()
    }

    @Test func prepareAndReprepareLogAtDebugWithShapeAndSQLState() async throws {
        let capture = LogCapture()
        let db = try TestServer.database { $0.logger = capture.logger() }
        let t = TestServer.uniqueName("logs")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int PRIMARY KEY, name text)"))
        try await db.execute(SQLQuery(unsafeSQL: "INSERT INTO \(t) VALUES (1, 'one')"))
        let target = try db.addPrepareTarget("SELECT * FROM \(t) WHERE id = $1")
        let shape = Fingerprint.hex(target.fingerprint)

        _ = try await db.execute("SELECT * FROM \(unsafeRaw: t) WHERE id = \(1)")
        let prepared = try #require(capture.entries.first { $0.message.contains("prepared a statement") })
        #expect(prepared.level == .debug)
        #expect(prepared.metadata["db.query.fingerprint"] == "\(shape)")
        #expect(prepared.metadata["realpool.statement"] == "\(target.name)")
        #expect(prepared.metadata["db.backend_pid"] != nil)

        // DDL changes the cached plan's result type: 0A000, re-prepared and retried once
        try await db.execute(SQLQuery(unsafeSQL: "ALTER TABLE \(t) ADD COLUMN extra int"))
        _ = try await db.execute("SELECT * FROM \(unsafeRaw: t) WHERE id = \(1)")
        #expect(db.statistics.repreparesPlanChanged == 1)
        let reprepared = try #require(capture.entries.first { $0.message.contains("re-preparing") })
        #expect(reprepared.level == .debug)
        #expect(reprepared.metadata["db.query.fingerprint"] == "\(shape)")
        #expect(reprepared.metadata["db.sqlstate"] == "0A000")
        #expect(reprepared.metadata["db.client.connection.pool.name"] == "\(db.configuration.name)")

        // nothing the statements above did is worth more than debug
        #expect(capture.entries.allSatisfy { $0.level <= .debug }, "\(capture.messages)")
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }
}
