import RealPoolSupport
import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
/// What a session holds and the rules for holding it, shared by ``Session`` (async) and
/// ``BlockingSession``: they differ only in how they wait for the pool and the server.
final class SessionPin: Sendable {
    typealias Lease = ConnectionPool<PooledConnection>.Lease

    let database: Database
    let usage = LeaseGuard()
    private let state = Locked(State())

    struct State {
        var pinned: Lease?
        var pinnedForLife = false
    }

    init(database: Database) { self.database = database }

    var isPinned: Bool { state.withLock { $0.pinned != nil } }

    /// The pinned connection, if any, and whether this statement pins for the rest of the
    /// session: session state (and several statements in one string, which may hide it) do.
    func prepare(_ query: NormalizedQuery) -> (pinned: Lease?, pinsForLife: Bool) {
        let (pinned, forLife) = state.withLock { ($0.pinned, $0.pinnedForLife) }
        return (pinned, forLife || query.kind == .sessionState || query.kind == .multiStatement)
    }

    /// After a statement: keeps the connection pinned while a transaction is open or session
    /// state was set, and returns it to the pool otherwise.
    func settle(_ lease: Lease, forLife: Bool) {
        let usable = database.connectionUsable(lease)
        let inTransaction = usable && lease.resource.connection.transactionStatus != .idle
        if usable && (forLife || inTransaction) {
            state.withLock { s in
                s.pinned = lease
                s.pinnedForLife = forLife
            }
            return
        }
        state.withLock { s in
            s.pinned = nil
            s.pinnedForLife = false
        }
        database.pool.release(lease, state: lease.resource.releaseState)
    }

    /// Ends the session's use of its connection: what is pinned, and whether it must be reset.
    func end() -> (lease: Lease, reset: Bool)? {
        usage.finish()
        let (pinned, forLife) = state.withLock { s -> (Lease?, Bool) in
            defer { s.pinned = nil; s.pinnedForLife = false }
            return (s.pinned, s.pinnedForLife)
        }
        return pinned.map { ($0, forLife) }
    }

    /// The statements that clean the connection at the end: `ROLLBACK` of an open transaction
    /// (with a warning), then `DISCARD ALL` when session state was set. DISCARD ALL resets
    /// settings, roles, temp tables, LISTENs, advisory locks, cursors and prepared statements.
    func cleanup(_ lease: Lease, reset: Bool) -> [String] {
        guard database.connectionUsable(lease) else { return [] }
        var sql: [String] = []
        if lease.resource.connection.transactionStatus != .idle {
            database.logger.warning("a session ended with its transaction still open; rolling it back", metadata: lease.resource.logMetadata)
            sql.append("ROLLBACK")
        }
        if reset { sql.append("DISCARD ALL") }
        return sql
    }

    /// Returns the connection after cleanup; one that could not be cleaned is not reused.
    func release(_ lease: Lease, cleaned: Bool, reset: Bool) {
        guard cleaned else {
            database.pool.release(lease, state: .broken)
            return
        }
        if reset { lease.resource.sessionWasReset() }
        database.pool.release(lease, state: lease.resource.releaseState)
    }
}
