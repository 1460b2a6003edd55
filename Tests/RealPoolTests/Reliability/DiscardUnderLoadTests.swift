import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

@Suite("DISCARD ALL and DEALLOCATE ALL under load")
struct DiscardUnderLoadTests {
    @Test(arguments: TestServer.pipelineDepths) func readersNeverSeeAMissingStatement(pipelineDepth: Int) async throws {
        let db = try TestServer.database(maxConnections: 2, pipelineDepth: pipelineDepth)
        let t = TestServer.uniqueName("discard")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int PRIMARY KEY, v text)"))
        try await db.execute(SQLQuery(unsafeSQL: "INSERT INTO \(t) SELECT g, 'v' || g FROM generate_series(1, 50) g"))
        try db.addPrepareTarget("SELECT v FROM \(t) WHERE id = $1")
        let errors = Locked<[String]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for i in 0..<30 {
                        let id = (worker * 30 + i) % 50 + 1
                        do {
                            let v = try await db.execute("SELECT v FROM \(unsafeRaw: t) WHERE id = \(id)")[0].decode(String.self, column: 0)
                            if v != "v\(id)" { errors.withLock { $0.append("wrong row for \(id): \(v)") } }
                        } catch {
                            errors.withLock { $0.append("\(error)") }
                        }
                    }
                }
            }
            group.addTask {
                for command in ["DISCARD ALL", "DEALLOCATE ALL", "DISCARD ALL", "DEALLOCATE ALL"] {
                    try await db.withSession { s in
                        _ = try await s.execute("SELECT v FROM \(unsafeRaw: t) WHERE id = \(1)")
                        try await s.execute(SQLQuery(unsafeSQL: command))
                        _ = try await s.execute("SELECT v FROM \(unsafeRaw: t) WHERE id = \(2)")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(errors.withLock { $0 } == [])
        #expect(db.statistics.leased == 0)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }
}
