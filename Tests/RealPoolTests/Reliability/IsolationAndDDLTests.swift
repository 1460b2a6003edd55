import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

@Suite("Session isolation and DDL under load")
struct IsolationAndDDLTests {
    @Test(arguments: TestServer.pipelineDepths) func rolesAndSearchPathNeverReachTheNextLessee(pipelineDepth: Int) async throws {
        let db = try TestServer.database(pipelineDepth: pipelineDepth)  // one connection: every lessee gets the same backend
        let r1 = TestServer.uniqueName("role_a"), r2 = TestServer.uniqueName("role_b")
        let schema = TestServer.uniqueName("iso")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE ROLE \(r1); CREATE ROLE \(r2); CREATE SCHEMA \(schema)"))
        let pid = try await db.execute("SELECT pg_backend_pid()")[0].decode(Int32.self, column: 0)

        try await db.withSession { s in
            try await s.execute(SQLQuery(unsafeSQL: "SET ROLE \(r1)"))
            #expect(try await s.execute("SELECT current_user")[0].decode(String.self, column: 0) == r1)
            try await s.execute(SQLQuery(unsafeSQL: "SET search_path TO \(schema)"))
        }
        try await db.withSession { s in
            try await s.execute(SQLQuery(unsafeSQL: "SET SESSION AUTHORIZATION \(r2)"))
            #expect(try await s.execute("SELECT session_user")[0].decode(String.self, column: 0) == r2)
        }
        // the same backend, back to the pool's own identity and settings
        let after = try await db.execute("SELECT pg_backend_pid(), current_user, session_user, current_setting('search_path')")
        #expect(try after[0].decode(Int32.self, column: 0) == pid)
        #expect(try after[0].decode(String.self, column: 1) == "postgres")
        #expect(try after[0].decode(String.self, column: 2) == "postgres")
        #expect(try after[0].decode(String.self, column: 3) == "\"$user\", public")
        // and a one-shot SET ROLE never runs at all
        await #expect(throws: UsageError.self) { try await db.execute(SQLQuery(unsafeSQL: "SET ROLE \(r1)")) }
        try await db.execute(SQLQuery(unsafeSQL: "DROP SCHEMA \(schema); DROP ROLE \(r1); DROP ROLE \(r2)"))
        await db.shutdown()
    }

    @Test(arguments: TestServer.pipelineDepths) func addingDroppingAndRetypingColumnsUnderLoad(pipelineDepth: Int) async throws {
        let db = try TestServer.database(maxConnections: 3, pipelineDepth: pipelineDepth)
        let t = TestServer.uniqueName("ddl")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int PRIMARY KEY, v int NOT NULL)"))
        try await db.execute(SQLQuery(unsafeSQL: "INSERT INTO \(t) SELECT g, g FROM generate_series(1, 100) g"))
        try db.addPrepareTarget("SELECT * FROM \(t) WHERE id = $1")
        let errors = Locked<[String]>([])
        let reads = Locked(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<12 {
                group.addTask {
                    for i in 0..<40 {
                        do {
                            let r = try await db.execute("SELECT * FROM \(unsafeRaw: t) WHERE id = \((worker * 40 + i) % 100 + 1)")
                            if r.count == 1 { reads.withLock { $0 += 1 } }
                        } catch {
                            errors.withLock { $0.append("\(error)") }
                        }
                    }
                }
            }
            group.addTask {
                for ddl in ["ADD COLUMN extra text DEFAULT 'x'", "ALTER COLUMN v TYPE bigint", "DROP COLUMN extra",
                            "ALTER COLUMN v TYPE numeric", "ADD COLUMN more int"] {
                    try await Task.sleep(for: .milliseconds(15))
                    try await db.execute(SQLQuery(unsafeSQL: "ALTER TABLE \(t) \(ddl)"))
                }
            }
            try await group.waitForAll()
        }
        // outside transactions, a plan invalidated by DDL is re-prepared and retried: no reader fails
        #expect(errors.withLock { $0 } == [])
        #expect(reads.withLock { $0 } == 12 * 40)
        #expect(db.statistics.repreparesPlanChanged >= 1, "the DDL never invalidated a cached plan: the test exercised nothing")
        let final = try await db.execute("SELECT * FROM \(unsafeRaw: t) WHERE id = \(1)")
        #expect(final.columns.map(\.name) == ["id", "v", "more"])
        #expect(final.columns[1].type == .numeric)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }
}
