import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
/// The decisions of one `transaction { }` block, made once for the async and the blocking API
/// alike, without I/O: what opens it, what ends it on normal exit and on a throw, when the
/// rollback may be sent, and what a `COMMIT` answered with `ROLLBACK` means. The two APIs only
/// send what it says and wait.
///
/// The outermost block is `BEGIN` … `COMMIT`/`ROLLBACK`; a nested one is a savepoint, released on
/// normal exit and rolled back to (then released) on a throw, so the outer block goes on.
struct TransactionBlock: Sendable, Equatable {
    /// 0 for the outermost block.
    let depth: Int
    /// The savepoint's name (nil for the outermost block), unique within the transaction.
    let savepoint: String?

    static let outermost = TransactionBlock(depth: 0, savepoint: nil)

    /// The block nested in this one, the `number`-th of this block's nested blocks.
    func nested(number: Int) -> TransactionBlock {
        TransactionBlock(depth: depth + 1, savepoint: "realpool_sp_\(depth + 1)_\(number)")
    }

    /// Sent before the body runs.
    var begin: String { savepoint.map { "SAVEPOINT \($0)" } ?? "BEGIN" }

    /// Sent after the body returned.
    var commit: String { savepoint.map { "RELEASE SAVEPOINT \($0)" } ?? "COMMIT" }

    /// Sent, in order, after the body threw, when `mayRollBack` allows it.
    var rollback: [String] {
        savepoint.map { ["ROLLBACK TO SAVEPOINT \($0)", "RELEASE SAVEPOINT \($0)"] } ?? ["ROLLBACK"]
    }

    /// Whether the rollback is worth sending: the connection is still usable, and (for the
    /// outermost block) a transaction is still open on it. Errors of the rollback itself are not
    /// the caller's (the body's error is); a connection left in a transaction is rolled back by the
    /// pool when it comes back.
    func mayRollBack(connectionUsable: Bool, status: TransactionStatus) -> Bool {
        guard connectionUsable else { return false }
        return savepoint != nil || status != .idle
    }

    /// The server answers a `COMMIT` of a transaction in which a statement failed (its error caught
    /// by the body) with the tag `ROLLBACK`: nothing was written, and the caller must know.
    func checkCommitted(commandTag: String?) throws {
        guard savepoint == nil, commandTag == "ROLLBACK" else { return }
        throw UsageError(message: "the transaction had failed (a statement in it raised an error that was caught), so COMMIT rolled it back: nothing was written")
    }
}
