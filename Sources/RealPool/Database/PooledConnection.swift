import Logging


/// One physical connection as the ``Database`` pools it: the libpq connection plus what the
/// façade tracks about it. The pool sees it only as a ``PoolableConnection``.
final class PooledConnection: PoolableConnection, @unchecked Sendable {
    let connection: Connection
    /// What this connection has prepared. Used only by the lessee, like the connection itself.
    let statements: StatementCache
    /// For `db.report()`, read from other threads while the connection is leased.
    private let info = Locked(Info())

    struct Info {
        var lastStatement: String?
        var preparedStatements = 0
        var transactionStatus = TransactionStatus.idle
        var broken = false
    }

    init(connection: Connection, statements: StatementCache) {
        self.connection = connection
        self.statements = statements
    }

    /// What the report shows, as of the lessee's last statement: the report runs on other
    /// threads and must not read the connection or its cache while the lessee uses them.
    var snapshot: Info { info.withLock { $0 } }

    /// Copies what the report shows out of the lessee-only connection and cache. Called by the
    /// lessee after each statement.
    func refreshSnapshot() {
        let n = statements.count
        let status = connection.transactionStatus
        let broken = connection.isBroken || connection.isClosed
        info.withLock {
            $0.preparedStatements = n
            $0.transactionStatus = status
            $0.broken = broken
        }
    }

    func noteStatement(_ sql: String) {
        // the report shows the statement text, never parameter values
        let short = sql.count > 120 ? String(sql.prefix(119)) + "…" : sql
        info.withLock { $0.lastStatement = short }
    }

    /// `DISCARD ALL` ran: the server forgot every prepared statement of this connection.
    func sessionWasReset() { statements.invalidateAll() }

    // MARK: PoolableConnection

    func isAlive() -> Bool { connection.isAlive() }

    func ping() async -> Bool {
        // an empty query is one round trip and touches nothing
        (try? await connection.simpleQuery("")) != nil && connection.transactionStatus == .idle
    }

    func reset() async -> Bool {
        guard (try? await connection.simpleQuery("ROLLBACK")) != nil else { return false }
        return connection.transactionStatus == .idle
    }

    // never on the caller's thread: PQcancel opens a connection and may block
    func interrupt() { connection.cancelInBackground() }

    func close() { connection.close() }

    var logMetadata: Logger.Metadata { ["db.backend_pid": "\(connection.backendPID)"] }

    /// The condition to return the connection in, judged from what the server last said.
    var releaseState: PoolStateMachine.ReleaseState {
        if connection.isClosed || connection.isBroken { return .broken }
        switch connection.transactionStatus {
        case .idle: return .idle
        case .inTransaction, .inFailedTransaction, .active: return .needsReset
        case .unknown: return .broken
        }
    }
}
