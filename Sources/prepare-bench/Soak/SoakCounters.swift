import Foundation
import RealPool

/// What the soak run counts, shared by the workers and the fault loops. One lock: the workers do
/// a few hundred updates per second each at most, far below any contention that would matter
/// next to a round trip to the server.
final class SoakCounters: @unchecked Sendable {
    struct Snapshot: Sendable {
        var statements = 0
        var transactionsCommitted = 0
        var transactionsFailed = 0
        var reads = 0
        var wrongResults = 0
        var expectedErrors = 0
        var unexpectedErrors = 0
        var firstUnexpected: [String] = []
        var kills = 0
        var discards = 0
        var ddl = 0
        var faultErrors = 0
    }

    private let lock = NSLock()
    private var value = Snapshot()
    /// Request ids whose transaction the caller saw commit.
    private var committed = Set<Int>()
    /// Request ids whose transaction failed before COMMIT was sent: must not be in the ledger.
    private var failedBeforeCommit = Set<Int>()
    /// Request ids whose COMMIT failed (connection lost): may or may not be in the ledger.
    private var ambiguous = Set<Int>()
    private var lastRequestID = 0

    var snapshot: Snapshot { lock.withLock { value } }
    var outcomes: (committed: Set<Int>, failedBeforeCommit: Set<Int>, ambiguous: Set<Int>) {
        lock.withLock { (committed, failedBeforeCommit, ambiguous) }
    }

    /// A request id no other transaction of this run uses.
    func nextRequestID() -> Int { lock.withLock { lastRequestID += 1; return lastRequestID } }

    func read(ok: Bool) {
        lock.withLock {
            value.statements += 1
            value.reads += 1
            if !ok { value.wrongResults += 1 }
        }
    }

    func update(_ body: (inout Snapshot) -> Void) { lock.withLock { body(&value) } }

    func committed(_ id: Int, statements: Int) {
        lock.withLock {
            committed.insert(id)
            value.transactionsCommitted += 1
            value.statements += statements
        }
    }

    func failed(_ id: Int, atCommit: Bool) {
        lock.withLock {
            if atCommit { ambiguous.insert(id) } else { failedBeforeCommit.insert(id) }
            value.transactionsFailed += 1
        }
    }

    func error(_ error: any Error) {
        let expected = SoakCounters.isExpected(error)
        lock.withLock {
            if expected {
                value.expectedErrors += 1
            } else {
                value.unexpectedErrors += 1
                if value.firstUnexpected.count < 5 { value.firstUnexpected.append(BenchError.oneLine(error)) }
            }
        }
    }

    /// A killed backend surfaces as a lost connection, or as the server's own FATAL 57P01
    /// ("terminating connection due to administrator command") when it arrives with a result.
    /// Anything else is a failure of RealPool's recovery.
    static func isExpected(_ error: any Error) -> Bool {
        guard let e = error as? PostgresError else { return false }
        return e.kind == .connectionLost || e.sqlState == "57P01"
    }
}
