import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements

/// Prepared-statement rewriting seen from the `Database`: lazy per-connection preparation,
/// healing after DDL, DISCARD ALL and a killed backend.
@Suite("Rewriting through the pool")
struct RewritingThroughThePoolTests {
    func makeTable(_ db: Database) async throws -> String {
        let t = TestServer.uniqueName("rw")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int PRIMARY KEY, status text NOT NULL, score int NOT NULL)"))
        try await db.execute(SQLQuery(unsafeSQL: "INSERT INTO \(t) SELECT g, CASE WHEN g % 2 = 0 THEN 'active' ELSE 'gone' END, g * 10 FROM generate_series(1, 20) g"))
        return t
    }

    @Test func literalVariantsRunAsThePreparedStatementOnEachConnection() async throws {
        let db = try TestServer.database(maxConnections: 2)
        let t = try await makeTable(db)
        let target = try db.addPrepareTarget("SELECT score FROM \(t) WHERE status = 'active' AND id = $1")
        #expect(try db.addPrepareTarget("select SCORE from \(t) where STATUS='active' and ID=?".replacingOccurrences(of: "?", with: "$1")) == target)
        #expect(target.parameterCount == 1)

        // literal lifted into $1, different whitespace, case and a comment
        let r = try await db.execute(SQLQuery(unsafeSQL: "select score  from \(t) /* hot */ where STATUS='active' and id=4"))
        #expect(try r[0].decode(Int.self, column: "score") == 40)
        #expect(db.statistics.misses == 1)
        // another literal: the same statement (declared int4, named with that signature)
        let r2 = try await db.execute(SQLQuery(unsafeSQL: "SELECT score FROM \(t) WHERE status = 'active' AND id = 6"))
        #expect(try r2[0].decode(Int.self, column: 0) == 60)
        #expect(db.statistics.hits == 1)
        // a different literal where the target has one: not this target, runs plainly
        let plain = try await db.execute(SQLQuery(unsafeSQL: "SELECT score FROM \(t) WHERE status = 'gone' AND id = 3"))
        #expect(try plain[0].decode(Int.self, column: 0) == 30)
        #expect(db.statistics.hits == 1)

        // a second connection prepares it lazily, once
        try await db.transaction { tx in
            try await db.transaction { tx2 in
                for conn in [tx, tx2] {
                    _ = try await conn.execute("SELECT score FROM \(unsafeRaw: t) WHERE status = 'active' AND id = \(8)")
                    let n = try await conn.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = \(target.name)")
                    #expect(try n[0].decode(Int.self, column: 0) == 1)
                }
            }
        }
        // the untyped parameter's statement (the target's own name) on each connection, plus the
        // int4 literal variant on the first
        #expect(db.statistics.misses == 3)
        #expect(db.report().entries.reduce(0) { $0 + $1.preparedStatements } == 3)
        // the select's shape, whichever literal it was written with
        let top = try #require(db.topQueries(20).first { $0.canonical.hasPrefix("select score from") && $0.preparedExecutions > 0 })
        #expect(top.preparedExecutions >= 3)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }

    @Test func registrationRefusesWhatCannotBePrepared() async throws {
        let db = try TestServer.database()
        #expect(throws: (any Error).self) { try db.addPrepareTarget("SELECT 1; SELECT 2") }
        #expect(throws: (any Error).self) { try db.addPrepareTarget("CREATE TABLE x (id int)") }
        #expect(throws: (any Error).self) { try db.addPrepareTarget("SELECT 'unterminated") }
        await db.shutdown()
    }

    @Test func alterTableHealsOutsideATransactionAndIsClearInside() async throws {
        let db = try TestServer.database()
        let t = try await makeTable(db)
        try db.addPrepareTarget("SELECT * FROM \(t) WHERE id = $1")
        _ = try await db.execute("SELECT * FROM \(unsafeRaw: t) WHERE id = \(1)")
        try await db.execute(SQLQuery(unsafeSQL: "ALTER TABLE \(t) ADD COLUMN extra int DEFAULT 7"))
        let healed = try await db.execute("SELECT * FROM \(unsafeRaw: t) WHERE id = \(1)")
        #expect(healed.columns.map(\.name) == ["id", "status", "score", "extra"])
        #expect(try healed[0].decode(Int.self, column: "extra") == 7)
        #expect(db.statistics.repreparesPlanChanged == 1)

        try await db.execute(SQLQuery(unsafeSQL: "ALTER TABLE \(t) DROP COLUMN extra"))
        let e = await #expect(throws: PostgresError.self) {
            try await db.transaction { tx in
                _ = try await tx.execute("SELECT * FROM \(unsafeRaw: t) WHERE id = \(1)")
            }
        }
        #expect(e?.sqlState == "0A000")
        #expect(e?.message.contains("schema") == true || e?.message.contains("transaction") == true)
        // and the next one outside a transaction works again
        #expect(try await db.execute("SELECT * FROM \(unsafeRaw: t) WHERE id = \(1)").columns.count == 3)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }

    @Test func userDiscardAllAndDeallocateAllAreSurvived() async throws {
        let db = try TestServer.database()
        let t = try await makeTable(db)
        try db.addPrepareTarget("SELECT score FROM \(t) WHERE id = $1")
        _ = try await db.execute("SELECT score FROM \(unsafeRaw: t) WHERE id = \(2)")
        try await db.withSession { s in
            try await s.execute("DISCARD ALL")
            #expect(try await s.execute("SELECT score FROM \(unsafeRaw: t) WHERE id = \(2)")[0].decode(Int.self, column: 0) == 20)
            try await s.execute("DEALLOCATE ALL")
            #expect(try await s.execute("SELECT score FROM \(unsafeRaw: t) WHERE id = \(4)")[0].decode(Int.self, column: 0) == 40)
        }
        #expect(try await db.execute("SELECT score FROM \(unsafeRaw: t) WHERE id = \(6)")[0].decode(Int.self, column: 0) == 60)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }

    @Test func nextExecuteAfterTerminateBackendWorks() async throws {
        let db = try TestServer.database()
        let t = try await makeTable(db)
        try db.addPrepareTarget("SELECT score FROM \(t) WHERE id = $1")
        let pid = try await db.execute("SELECT pg_backend_pid()")[0].decode(Int32.self, column: 0)
        _ = try await db.execute("SELECT score FROM \(unsafeRaw: t) WHERE id = \(2)")
        let killer = try await TestServer.connect()
        defer { killer.close() }
        _ = try await killer.query("SELECT pg_terminate_backend($1)", [pid])
        try await TestServer.waitUntil("the backend is gone") {
            try await killer.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", [pid])[0].decode(Int.self, column: 0) == 0
        }
        // the dead idle connection is replaced at lease time; the caller sees no error
        let r = try await db.execute("SELECT score FROM \(unsafeRaw: t) WHERE id = \(2)")
        #expect(try r[0].decode(Int.self, column: 0) == 20)
        #expect(try await db.execute("SELECT pg_backend_pid()")[0].decode(Int32.self, column: 0) != pid)
        #expect(db.statistics.brokenAtLease == 1)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }

    @Test func topQueriesCountsPerShape() async throws {
        let db = try TestServer.database()
        for i in 1...5 { _ = try await db.execute(SQLQuery(unsafeSQL: "SELECT \(i) + 1 AS v")) }
        _ = try? await db.execute("SELECT 1/0")
        let top = db.topQueries(10)
        let plus = try #require(top.first { $0.calls == 5 })
        #expect(plus.rows == 5)
        #expect(plus.plainExecutions == 5)
        #expect(plus.maxTime >= plus.meanTime)
        #expect(top.contains { $0.errors == 1 })
        await db.shutdown()
    }

    @Test func autoPrepareAfterThreshold() async throws {
        let db = try TestServer.database { $0.autoPrepareThreshold = 3 }
        for i in 1...5 { _ = try await db.execute("SELECT $1::int + 1", i) }
        #expect(db.statistics.misses == 1)
        #expect(db.statistics.hits >= 1)
        await db.shutdown()
    }
}
