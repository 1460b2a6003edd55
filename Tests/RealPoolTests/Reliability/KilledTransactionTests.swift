import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements

@Suite("Backend killed mid-transaction")
struct KilledTransactionTests {
    @Test(arguments: TestServer.pipelineDepths) func theCallerIsToldAndNothingIsWritten(pipelineDepth: Int) async throws {
        let db = try TestServer.database(pipelineDepth: pipelineDepth)
        let ledger = TestServer.uniqueName("ledger_kill")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(ledger) (request_id int PRIMARY KEY)"))
        let killer = try await TestServer.connect()
        defer { killer.close() }

        let e = await #expect(throws: PostgresError.self) {
            try await db.transaction { tx in
                try await tx.execute("INSERT INTO \(unsafeRaw: ledger) VALUES (\(1))")
                let pid = try await tx.execute("SELECT pg_backend_pid()")[0].decode(Int32.self, column: 0)
                _ = try await killer.query("SELECT pg_terminate_backend($1)", [pid])
                try await TestServer.waitUntil("the backend is gone") {
                    try await killer.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", [pid])[0].decode(Int.self, column: 0) == 0
                }
                try await tx.execute("INSERT INTO \(unsafeRaw: ledger) VALUES (\(2))")
            }
        }
        #expect(e?.kind == .connectionLost)
        #expect(e?.sqlState == "57P01")
        // nothing of the transaction was committed, the pool replaced the connection, and the
        // caller can run it again
        #expect(try await db.execute(SQLQuery(unsafeSQL: "SELECT count(*) FROM \(ledger)"))[0].decode(Int.self, column: 0) == 0)
        try await db.transaction { tx in
            try await tx.execute("INSERT INTO \(unsafeRaw: ledger) VALUES (\(1)), (\(2))")
        }
        #expect(try await db.execute(SQLQuery(unsafeSQL: "SELECT count(*) FROM \(ledger)"))[0].decode(Int.self, column: 0) == 2)
        #expect(db.statistics.leased == 0)
        #expect(db.statistics.connectionsOpened == 2)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(ledger)"))
        await db.shutdown()
    }
}
