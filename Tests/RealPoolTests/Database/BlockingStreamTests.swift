import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

/// `db.blocking.forEachRow`: streaming for thread-based code, run on a thread of its own (the
/// blocking API must never run on the cooperative pool).
@Suite("Blocking stream")
struct BlockingStreamTests {
    /// Runs `body` on a new thread and waits (without blocking) for its outcome.
    func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> Result<T, any Error> {
        let outcome = Locked<Result<T, any Error>?>(nil)
        Thread {
            let result = Result { try body() }  // outside the lock: the waiting task polls it
            outcome.withLock { $0 = result }
        }.start()
        try await TestServer.waitUntil(timeout: .seconds(60), "the thread finishes") { outcome.withLock { $0 != nil } }
        return outcome.withLock { $0! }
    }

    @Test func everyRowInOrderWhileTheConnectionIsHeld() async throws {
        let db = try TestServer.database()
        let seen = try await onThread { () -> [Int] in
            var values: [Int] = []
            var leasedWhileReading = true
            try db.blocking.forEachRow("SELECT g FROM generate_series(1, $1) g", parameters: [2500], batchSize: 1000) { row in
                values.append(try row.decode(Int.self, column: 0))
                if db.statistics.leased != 1 { leasedWhileReading = false }
            }
            return leasedWhileReading ? values : []
        }.get()
        #expect(seen == Array(1...2500))
        #expect(db.statistics.leased == 0 && db.statistics.idle == 1)
        await db.shutdown()
    }

    @Test func aThrowingBodyStopsTheStreamAndReturnsAUsableConnection() async throws {
        let db = try TestServer.database()
        struct Enough: Error {}
        let outcome = try await onThread { () -> Int in
            var count = 0
            do {
                try db.blocking.forEachRow(SQLQuery(unsafeSQL: "SELECT g FROM generate_series(1, 100000) g"), batchSize: 100) { _ in
                    count += 1
                    if count == 150 { throw Enough() }
                }
            } catch is Enough {
                return count
            }
            return -1
        }.get()
        #expect(outcome == 150)
        #expect(db.statistics.leased == 0)
        // the cursor's transaction was rolled back: the connection is idle and usable
        #expect(try await db.execute("SELECT 8")[0].decode(Int.self, column: 0) == 8)
        #expect(db.statistics.connectionsOpened == 1 && db.statistics.resets == 0)
        await db.shutdown()
    }

    @Test func aStatementThatReturnsNoRowsIsRefused() async throws {
        let db = try TestServer.database()
        let outcome = try await onThread { try db.blocking.forEachRow("CREATE TABLE never_made (id int)", parameters: []) { _ in } }
        #expect(throws: UsageError.self) { try outcome.get() }
        #expect(db.statistics.acquires == 0)
        await db.shutdown()
    }
}
