import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

/// Transactions' decisions (`TransactionBlock`), and the async and blocking APIs driven through
/// the same scenarios, so that they cannot drift apart.
@Suite("Transaction blocks")
struct TransactionBlockTests {
    @Test func theOutermostBlockIsATransactionANestedOneASavepoint() throws {
        let outer = TransactionBlock.outermost
        #expect(outer.begin == "BEGIN" && outer.commit == "COMMIT" && outer.rollback == ["ROLLBACK"])
        let inner = outer.nested(number: 2)
        #expect(inner.begin == "SAVEPOINT realpool_sp_1_2")
        #expect(inner.commit == "RELEASE SAVEPOINT realpool_sp_1_2")
        #expect(inner.rollback == ["ROLLBACK TO SAVEPOINT realpool_sp_1_2", "RELEASE SAVEPOINT realpool_sp_1_2"])
        #expect(inner.nested(number: 1).savepoint == "realpool_sp_2_1")
        // a rollback only on a usable connection, and for the outermost block only inside a transaction
        #expect(!outer.mayRollBack(connectionUsable: false, status: .inTransaction))
        #expect(!outer.mayRollBack(connectionUsable: true, status: .idle))
        #expect(outer.mayRollBack(connectionUsable: true, status: .inFailedTransaction))
        #expect(inner.mayRollBack(connectionUsable: true, status: .inFailedTransaction))
        // a COMMIT the server turned into ROLLBACK is an error; a savepoint's release is not judged
        #expect(throws: UsageError.self) { try outer.checkCommitted(commandTag: "ROLLBACK") }
        try outer.checkCommitted(commandTag: "COMMIT")
        try inner.checkCommitted(commandTag: "ROLLBACK")
    }

    enum API: String, CaseIterable, Sendable { case async, blocking }

    /// One scenario, either API: a committed row, a nested block that throws and is rolled back to
    /// its savepoint while the outer block goes on, a caught statement error that turns COMMIT into
    /// ROLLBACK (an error, nothing written), and a statement after the block (refused).
    @Test(arguments: API.allCases) func bothAPIsKeepTheSameRules(api: API) async throws {
        let db = try TestServer.database()
        let t = TestServer.uniqueName("txblock")
        try await db.execute(SQLQuery(unsafeSQL: "CREATE TABLE \(t) (id int PRIMARY KEY)"))
        struct Boom: Error {}
        let insert = "INSERT INTO \(t) VALUES ($1)"
        let outcome: [String] = try await Self.run(api) { record in
            switch api {
            case .async:
                try await db.transaction { tx in
                    try await tx.execute(insert, 1)
                    _ = try? await tx.transaction { inner in
                        try await inner.execute(insert, 2)
                        throw Boom()
                    }
                    try await tx.transaction { inner in try await inner.execute(insert, 3) }
                }
                do {
                    try await db.transaction { tx in
                        try await tx.execute(insert, 4)
                        _ = try? await tx.execute(insert, 1)  // a duplicate key, caught
                    }
                } catch let e as UsageError { record(e.message) }
                var escaped: Transaction?
                try await db.transaction { tx in escaped = tx }
                do { try await escaped!.execute("SELECT 1") } catch let e as UsageError { record(e.message) }
            case .blocking:
                try await offThePool {
                    var messages: [String] = []
                    try db.blocking.transaction { tx in
                        try tx.execute(insert, 1)
                        _ = try? tx.transaction { inner in
                            try inner.execute(insert, 2)
                            throw Boom()
                        }
                        try tx.transaction { inner in try inner.execute(insert, 3) }
                    }
                    do {
                        try db.blocking.transaction { tx in
                            try tx.execute(insert, 4)
                            _ = try? tx.execute(insert, 1)
                        }
                    } catch let e as UsageError { messages.append(e.message) }
                    var escaped: BlockingTransaction?
                    try db.blocking.transaction { tx in escaped = tx }
                    do { try escaped!.execute("SELECT 1") } catch let e as UsageError { messages.append(e.message) }
                    return messages
                }.forEach(record)
            }
        }
        #expect(outcome.count == 2)
        #expect(outcome.first?.contains("COMMIT rolled it back") == true)
        #expect(outcome.last == UsageError.finished.message)
        let ids = try await db.execute(SQLQuery(unsafeSQL: "SELECT id FROM \(t) ORDER BY id")).map { try $0.decode(Int.self, column: 0) }
        #expect(ids == [1, 3])
        #expect(db.statistics.leased == 0)
        try await db.execute(SQLQuery(unsafeSQL: "DROP TABLE \(t)"))
        await db.shutdown()
    }

    /// Collects the messages a scenario records.
    static func run(_ api: API, _ scenario: (_ record: @escaping @Sendable (String) -> Void) async throws -> Void) async throws -> [String] {
        let messages = Locked<[String]>([])
        try await scenario { m in messages.withLock { $0.append(m) } }
        return messages.withLock { $0 }
    }
}
