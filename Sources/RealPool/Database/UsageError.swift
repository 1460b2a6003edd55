import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
/// A statement that RealPool will not run where it was asked to, with what to do instead.
public struct UsageError: Error, Sendable, CustomStringConvertible {
    /// What was refused, why, and what to do instead.
    public let message: String
    public var description: String { message }

    static func sessionState(_ sql: String) -> UsageError {
        UsageError(message: """
            `\(abbreviate(sql))` changes session state, which would leak to the next user of this pooled connection \
            (or vanish when it is replaced). Instead: use `SET LOCAL` inside `db.transaction { }`; or run it in \
            `db.withSession { }`, which pins one connection for the session and resets it after; or set it for every \
            connection with DatabaseConfiguration.searchPath / timeZone / statementTimeout / setupSQL.
            """)
    }

    static func transactionControl(_ sql: String) -> UsageError {
        UsageError(message: """
            `\(abbreviate(sql))` controls a transaction, but a one-shot execute returns its connection to the pool \
            right after the statement. Use `db.transaction { tx in ... }` (commit on success, rollback on error), or \
            `db.withSession { s in ... }`, in which BEGIN pins the connection until COMMIT or ROLLBACK.
            """)
    }

    static func transactionControlInBlock(_ sql: String) -> UsageError {
        UsageError(message: """
            `\(abbreviate(sql))` would end or restart the transaction that `transaction { }` manages. Return normally \
            to commit, throw to roll back, and nest `tx.transaction { }` for a savepoint.
            """)
    }

    static func sessionStateInTransaction(_ sql: String) -> UsageError {
        UsageError(message: """
            `\(abbreviate(sql))` changes session state, which outlives the transaction and would leak to the next user \
            of the connection. Use `SET LOCAL` (it ends with the transaction), or run it in `db.withSession { }`.
            """)
    }

    static let concurrentUse = UsageError(message: """
        a transaction or session runs one statement at a time on its connection; await each statement before starting \
        the next (use the Database itself for concurrent statements)
        """)

    static let finished = UsageError(message: "this transaction or session has already ended; statements can only run inside its block")

    static let blockingOnIOExecutor = UsageError(message: """
        a blocking call (db.blocking, a blocking session) ran on RealPool's I/O executor, whose thread delivers every \
        connection and reply of the process: waiting there would never end. Call the async API instead (`try await \
        db.execute(...)`), or run the blocking code on a thread of its own
        """)

    static func abbreviate(_ sql: String) -> String {
        let oneLine = sql.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return oneLine.count > 80 ? String(oneLine.prefix(79)) + "…" : oneLine
    }
}

import Foundation
