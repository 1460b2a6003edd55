import Logging
import RealPoolSupport
import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool


/// One physical connection as the ``Database`` pools it: the libpq connection plus what the
/// façade tracks about it. The pool sees it only as a ``PoolableConnection``.
final class PooledConnection: PoolableConnection, @unchecked Sendable {
    let connection: Connection
    /// What this connection has prepared. Used only by the lessee, like the connection itself, or
    /// under the multiplexer's lock while shared lessees use it.
    let statements: StatementCache
    /// Carries shared lessees' statements (pipelined multiplexing, `pipelineDepth` > 1).
    let multiplexer: PipelineMultiplexer
    /// For `db.report()`, read from other threads while the connection is leased.
    private let info = Locked(Info())

    struct Info {
        var lastStatement: String?
        var preparedStatements = 0
        var transactionStatus = TransactionStatus.idle
        var broken = false
    }

    /// Whether shared lessees may use it (`pipelineDepth` > 1): only then can a reader linger.
    let multiplexes: Bool

    init(connection: Connection, statements: StatementCache, multiplexes: Bool) {
        self.connection = connection
        self.statements = statements
        self.multiplexer = PipelineMultiplexer(connection: connection)
        self.multiplexes = multiplexes
    }

    /// Makes the connection its caller's alone, the one way in for every exclusive use (a lease
    /// that is not shared, the pool's ping and rollback): a multiplexed reader lingering at the
    /// end of its poller's turn stops first, so the connection is out of pipeline mode and nothing
    /// else watches its socket.
    func takeExclusively() {
        if multiplexes { multiplexer.stopIdleReader() }
    }

    /// What the report shows, as of the lessee's last statement: the report runs on other
    /// threads and must not read the connection or its cache while the lessee uses them.
    var snapshot: Info {
        var snap = info.withLock { $0 }
        // the cache publishes its size itself: multiplexed lessees change it under their own lock
        snap.preparedStatements = statements.publishedCount
        // shortened here, when a report asks, not for every statement
        if let sql = snap.lastStatement, sql.utf8.count > 120, sql.count > 120 { snap.lastStatement = String(sql.prefix(119)) + "…" }
        return snap
    }

    /// Copies what the report shows out of the lessee-only connection and cache. Called by the
    /// lessee after each statement.
    func refreshSnapshot() {
        let status = connection.transactionStatus
        let broken = connection.isBroken || connection.isClosed
        info.withLock {
            $0.transactionStatus = status
            $0.broken = broken
        }
    }

    func noteStatement(_ sql: String) {
        // the report shows the statement text, never parameter values
        info.withLock { $0.lastStatement = sql }
    }

    /// `DISCARD ALL` ran: the server forgot every prepared statement of this connection.
    func sessionWasReset() { statements.invalidateAll() }

    // MARK: PoolableConnection

    /// With shared lessees' statements in flight the socket is readable because results arrive on
    /// it, so only a connection with nothing in flight is checked.
    func isAlive() -> Bool { multiplexer.isAliveWhenIdle() }

    func ping() async -> Bool {
        takeExclusively()
        // an empty query is one round trip and touches nothing
        return (try? await connection.simpleQuery("")) != nil && connection.transactionStatus == .idle
    }

    func reset() async -> Bool {
        takeExclusively()
        guard (try? await connection.simpleQuery("ROLLBACK")) != nil else { return false }
        return connection.transactionStatus == .idle
    }

    // never on the caller's thread: PQcancel opens a connection and may block
    func interrupt() { connection.cancelInBackground() }

    // under the multiplexer's lock, so a shared lessee never sends on a connection being freed
    func close() { multiplexer.close() }

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
