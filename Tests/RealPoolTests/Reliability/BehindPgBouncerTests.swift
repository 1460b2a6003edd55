import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

/// RealPool through Debian's pgbouncer in transaction pooling mode, whose version (1.18) does not
/// track prepared statements: each request of one client connection may run on another server
/// connection, so a statement prepared "on this connection" may be missing (26000) or already
/// there (42P05) on the backend that serves the next request. Results must be correct anyway.
@Suite("Behind pgbouncer (transaction pooling)", .serialized, PgBouncer.installedOrRequired)
struct BehindPgBouncerTests {
    /// By default RealPool notices the pooler at connect and runs everything plainly: registered
    /// targets, transactions and writes from many tasks on several connections give the right
    /// answers, and the warning is logged once.
    @Test func detectsThePoolerAndRunsPlainlyUnderConcurrency() async throws {
        try await PgBouncerFixture.with(serverConnections: 2) { f in
            let capture = LogCapture()
            let db = f.database(maxConnections: 4, capture: capture)
            try db.addPrepareTarget(f.lookup)
            let ledger = TestServer.uniqueName("bouncer_ledger")
            try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(ledger) (request_id int PRIMARY KEY, name text NOT NULL)"))

            let errors = Locked<[String]>([])
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<12 {
                    group.addTask {
                        for i in 0..<20 {
                            let id = (worker * 20 + i) % 100 + 1
                            do {
                                if i % 4 == 0 {
                                    // a transaction: read through the target, write the ledger
                                    try await db.transaction { tx in
                                        let name = try await tx.execute("SELECT name FROM \(unsafeRaw: f.table) WHERE id = \(id)")[0].decode(String.self, column: 0)
                                        try await tx.execute("INSERT INTO \(unsafeRaw: ledger) VALUES (\(worker * 1000 + i), \(name))")
                                    }
                                } else {
                                    let name = try await db.execute("SELECT name FROM \(unsafeRaw: f.table) WHERE id = \(id)")[0].decode(String.self, column: 0)
                                    if name != "n\(id)" { errors.withLock { $0.append("id \(id) gave \(name)") } }
                                }
                            } catch {
                                errors.withLock { $0.append("\(error)") }
                            }
                        }
                    }
                }
            }
            #expect(errors.withLock { $0 } == [])
            let rows = try await db.execute(SQLQuery(unsafeSQL: "SELECT request_id, name FROM \(ledger) ORDER BY request_id"))
            #expect(rows.count == 12 * 5)
            for row in rows {
                let request = try row.decode(Int.self, column: 0)
                let id = ((request / 1000) * 20 + request % 1000) % 100 + 1
                #expect(try row.decode(String.self, column: 1) == "n\(id)")
            }
            #expect(db.prepareTargets.rewritingDisabledReason != nil)
            let warnings = capture.messages.filter { $0.contains("connection pooler") }
            #expect(warnings.count == 1, "expected one warning line, got \(warnings)")
            #expect(db.statistics.hits == 0 && db.statistics.misses == 0)
            #expect(db.statistics.leased == 0)
            try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(ledger)"))
            await db.shutdown()
        }
    }

    /// With rewriting kept on (`rewriteBehindPooler`), a statement prepared on one server
    /// connection and then served by the other is missing there (26000): outside a transaction
    /// RealPool prepares it again and the caller gets the result. Which backend serves RealPool
    /// is forced by holding the other one in a transaction from a side client.
    @Test func healsAStatementThePoolerMovedToAnotherBackend() async throws {
        try await PgBouncerFixture.with(serverConnections: 2) { f in
            let db = f.database(maxConnections: 1) { $0.rewriteBehindPooler = true }
            try db.addPrepareTarget(f.lookup)

            // hold one backend; RealPool's first statement is prepared on the other one (X)
            let first = try await f.bouncer.connect()
            defer { first.close() }
            let held = try await holdBackend(first)
            #expect(try await db.execute("SELECT name FROM \(unsafeRaw: f.table) WHERE id = \(7)")[0].decode(String.self, column: 0) == "n7")
            #expect(db.statistics.misses == 1)
            _ = try await first.simpleQuery("COMMIT")

            // now hold X, the backend that has the statement, so RealPool is served by the other
            let second = try await f.bouncer.connect()
            defer { second.close() }
            var holder = second
            if try await holdBackend(second) == held {
                // the side client got the backend without the statement: take X with a third one
                let third = try await f.bouncer.connect()
                defer { third.close() }
                #expect(try await holdBackend(third) != held)
                _ = try await second.simpleQuery("COMMIT")
                holder = third
                try await expectHealed(db, f)
                _ = try await holder.simpleQuery("COMMIT")
            } else {
                try await expectHealed(db, f)
                _ = try await holder.simpleQuery("COMMIT")
            }
            #expect(db.statistics.leased == 0)
            await db.shutdown()
        }
    }

    /// With one server connection behind two Databases, the second finds the name taken (42P05)
    /// by the first one's statement: it adopts it (same text) and returns the right rows.
    @Test func adoptsAStatementAnotherClientPreparedOnTheSameBackend() async throws {
        try await PgBouncerFixture.with(serverConnections: 1) { f in
            let a = f.database(maxConnections: 1) { $0.rewriteBehindPooler = true }
            let b = f.database(maxConnections: 1) { $0.rewriteBehindPooler = true }
            try a.addPrepareTarget(f.lookup)
            try b.addPrepareTarget(f.lookup)
            #expect(try await a.execute("SELECT name FROM \(unsafeRaw: f.table) WHERE id = \(3)")[0].decode(String.self, column: 0) == "n3")
            #expect(try await b.execute("SELECT name FROM \(unsafeRaw: f.table) WHERE id = \(4)")[0].decode(String.self, column: 0) == "n4")
            #expect(b.statistics.repreparesNameExists == 1)
            #expect(try await b.execute("SELECT name FROM \(unsafeRaw: f.table) WHERE id = \(5)")[0].decode(String.self, column: 0) == "n5")
            await a.shutdown()
            await b.shutdown()
        }
    }

    /// Rewriting kept on, many tasks on four RealPool connections over two server connections:
    /// statements keep moving, 26000 and 42P05 come at random, and every result is right.
    @Test func rewritingKeptOnGivesCorrectResultsUnderConcurrency() async throws {
        try await PgBouncerFixture.with(serverConnections: 2) { f in
            let db = f.database(maxConnections: 4) { $0.rewriteBehindPooler = true }
            try db.addPrepareTarget(f.lookup)
            try db.addPrepareTarget("SELECT count(*) FROM \(f.table) WHERE id <= $1")
            let errors = Locked<[String]>([])
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        for i in 0..<25 {
                            let id = (worker * 25 + i) % 100 + 1
                            do {
                                let name = try await db.execute("SELECT name FROM \(unsafeRaw: f.table) WHERE id = \(id)")[0].decode(String.self, column: 0)
                                if name != "n\(id)" { errors.withLock { $0.append("id \(id) gave \(name)") } }
                                let n = try await db.execute("SELECT count(*) FROM \(unsafeRaw: f.table) WHERE id <= \(id)")[0].decode(Int.self, column: 0)
                                if n != id { errors.withLock { $0.append("count up to \(id) gave \(n)") } }
                            } catch {
                                errors.withLock { $0.append("\(error)") }
                            }
                        }
                    }
                }
            }
            #expect(errors.withLock { $0 } == [])
            #expect(db.prepareTargets.rewritingDisabledReason == nil)
            #expect(db.statistics.hits > 0, "nothing ran prepared; the test exercised nothing")
            #expect(db.statistics.leased == 0)
            await db.shutdown()
        }
    }

    // MARK: helpers

    /// Opens a transaction on `side` and returns the PID of the server connection it holds.
    private func holdBackend(_ side: Connection) async throws -> Int32 {
        _ = try await side.simpleQuery("BEGIN")
        return try await side.query("SELECT pg_backend_pid()")[0].decode(Int32.self, column: 0)
    }

    private func expectHealed(_ db: Database, _ f: PgBouncerFixture) async throws {
        #expect(try await db.execute("SELECT name FROM \(unsafeRaw: f.table) WHERE id = \(8)")[0].decode(String.self, column: 0) == "n8")
        #expect(db.statistics.repreparesMissing == 1)
    }
}
