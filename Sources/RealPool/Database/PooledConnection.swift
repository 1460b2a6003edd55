import Synchronization

/// One physical connection as the ``Database`` pools it: the libpq connection plus what the
/// façade tracks about it. The pool sees it only as a ``PoolableConnection``.
final class PooledConnection: PoolableConnection, @unchecked Sendable {
    let connection: Connection
    /// What this connection has prepared. Used only by the lessee, like the connection itself.
    let statements: StatementCache
    /// For `db.report()`, read from other threads while the connection is leased.
    private let info = Mutex(Info())

    struct Info {
        var lastStatement: String?
        var preparedStatements = 0
    }

    init(connection: Connection, statements: StatementCache) {
        self.connection = connection
        self.statements = statements
    }

    var lastStatement: String? { info.withLock { $0.lastStatement } }
    /// How many statements the connection had prepared after its last statement.
    var preparedStatements: Int { info.withLock { $0.preparedStatements } }

    /// Copies what the report shows out of the lessee-only cache.
    func notePrepared() {
        let n = statements.count
        info.withLock { $0.preparedStatements = n }
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

    func interrupt() { connection.cancel() }

    func close() { connection.close() }

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
