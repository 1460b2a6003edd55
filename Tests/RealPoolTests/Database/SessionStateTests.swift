import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

@Suite("Session state")
struct SessionStateTests {
    @Test(arguments: [
        "SET search_path TO public", "SET ROLE postgres", "SET SESSION AUTHORIZATION postgres", "LISTEN chan",
        "CREATE TEMP TABLE tt (id int)", "SELECT pg_advisory_lock(1)", "PREPARE p AS SELECT 1", "RESET ALL",
        "SELECT 1; SET search_path TO public", "BEGIN; SET work_mem = '8MB'; COMMIT",
    ])
    func oneShotSessionStateIsRefusedWithAdvice(_ sql: String) async throws {
        let db = try TestServer.database()
        let e = await #expect(throws: UsageError.self) { try await db.execute(SQLQuery(unsafeSQL: sql)) }
        #expect(e?.message.contains("SET LOCAL") == true)
        #expect(e?.message.contains("withSession") == true)
        #expect(db.statistics.acquires == 0)  // refused before leasing anything
        await db.shutdown()
    }

    @Test func multiStatementTransactionInOneStringRuns() async throws {
        let db = try TestServer.database()
        let r = try await db.execute("BEGIN; SELECT 1; SELECT 2 AS two; COMMIT")
        #expect(r.commandTag == "COMMIT")
        #expect(db.statistics.leased == 0)
        await db.shutdown()
    }

    @Test func oneShotTransactionControlIsRefused() async throws {
        let db = try TestServer.database()
        await #expect(throws: UsageError.self) { try await db.execute("BEGIN") }
        await #expect(throws: UsageError.self) { try await db.execute("COMMIT") }
        await db.shutdown()
    }

    @Test func setLocalInsideATransactionWorksAndDoesNotLeak() async throws {
        let db = try TestServer.database()
        try await db.transaction { tx in
            try await tx.execute("SET LOCAL statement_timeout = '1234ms'")
            #expect(try await tx.execute("SHOW statement_timeout")[0].decode(String.self, column: 0) == "1234ms")
            await #expect(throws: UsageError.self) { try await tx.execute("SET statement_timeout = '5s'") }
            await #expect(throws: UsageError.self) { try await tx.execute("COMMIT") }
        }
        #expect(try await db.execute("SHOW statement_timeout")[0].decode(String.self, column: 0) == "0")
        await db.shutdown()
    }

    @Test func sessionStatePinsTheSessionAndIsResetAfter() async throws {
        let db = try TestServer.database()
        try await db.withSession { s in
            try await s.execute("SET application_name = 'pinned-session'")
            #expect(s.isPinned)
            #expect(db.statistics.leased == 1)
            try await s.execute("CREATE TEMP TABLE session_tmp (id int)")
            try await s.execute("INSERT INTO session_tmp VALUES (1)")
            #expect(try await s.execute("SHOW application_name")[0].decode(String.self, column: 0) == "pinned-session")
        }
        #expect(db.statistics.leased == 0)
        // the same physical connection (pool of one) no longer has the setting or the table
        #expect(try await db.execute("SHOW application_name")[0].decode(String.self, column: 0) == "RealPoolTests")
        await #expect(throws: PostgresError.self) { try await db.execute("SELECT * FROM session_tmp") }
        await db.shutdown()
    }

    @Test func sessionEndingInsideATransactionRollsBack() async throws {
        let db = try TestServer.database()
        let t = TestServer.uniqueName("sess_rb")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int)"))
        try await db.withSession { s in
            try await s.execute("BEGIN")
            try await s.execute("INSERT INTO \(unsafeRaw: t) VALUES (1)")
        }
        #expect(db.statistics.leased == 0)
        #expect(try await db.execute(SQLQuery(unsafeSQL: "SELECT count(*) FROM \(t)"))[0].decode(Int.self, column: 0) == 0)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }

    @Test func setupIsAppliedOnEveryNewConnection() async throws {
        let db = try TestServer.database(maxConnections: 2) { c in
            c.searchPath = "pg_catalog, public"
            c.timeZone = "Asia/Kolkata"
            c.statementTimeout = .seconds(7)
            c.setupSQL = ["SELECT set_config('realpool.marker', 'set-up', false)"]
        }
        // two connections at once, so both are set up
        try await db.transaction { tx in
            try await db.transaction { tx2 in
                for t in [tx, tx2] {
                    let r = try await t.execute("SELECT current_setting('search_path'), current_setting('TimeZone'), current_setting('statement_timeout'), current_setting('realpool.marker')")
                    #expect(r[0][0] == "pg_catalog, public")
                    #expect(r[0][1] == "Asia/Kolkata")
                    #expect(r[0][2] == "7s")
                    #expect(r[0][3] == "set-up")
                }
            }
        }
        #expect(db.statistics.connectionsOpened == 2)
        await db.shutdown()
    }
}

@Suite("Blocking session")
struct BlockingSessionTests {
    @Test func pinsForBeginAndSessionStateAndResetsAfter() async throws {
        let db = try TestServer.database()
        let outcome = Locked<[String]>([])
        let thread = Thread {
            do {
                try db.blocking.withSession { s in
                    try s.execute("BEGIN")
                    outcome.withLock { $0.append("pinned=\(s.isPinned)") }
                    try s.execute("COMMIT")
                    outcome.withLock { $0.append("pinned=\(s.isPinned)") }
                    try s.execute("SET application_name = 'blocking-session'")
                    outcome.withLock { $0.append("pinned=\(s.isPinned)") }
                }
                let name = try db.blocking.execute("SHOW application_name")[0].decode(String.self, column: 0)
                outcome.withLock { $0.append(name) }
            } catch {
                outcome.withLock { $0.append("error: \(error)") }
            }
        }
        thread.start()
        // an upper bound, not a guess: a loaded 2-core machine can take seconds to connect
        try await TestServer.waitUntil(timeout: .seconds(60), "the thread finishes") { outcome.withLock { $0.count } == 4 }
        #expect(outcome.withLock { $0 } == ["pinned=true", "pinned=false", "pinned=true", "RealPoolTests"])
        #expect(db.statistics.leased == 0)
        await db.shutdown()
    }
}
