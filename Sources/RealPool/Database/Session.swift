
/// A logical connection for code that manages transactions itself or needs session state.
///
/// While idle it leases a connection per statement, like the ``Database``. `BEGIN` pins the
/// connection until `COMMIT` or `ROLLBACK`; a session-state statement (`SET`, `LISTEN`, a
/// temporary table, ...) pins it for the rest of the session, after which it is reset with
/// `DISCARD ALL` (or closed if that fails) before anyone else gets it.
public final class Session: StatementExecutor {
    let database: Database
    let usage = LeaseGuard()
    private let state = Locked(State())

    struct State {
        var pinned: ConnectionPool<PooledConnection>.Lease?
        var pinnedForLife = false
    }

    init(database: Database) { self.database = database }

    /// Whether the session currently holds a connection (for tests and diagnostics).
    public var isPinned: Bool { state.withLock { $0.pinned != nil } }

    public func run(_ sql: String, _ parameters: [PostgresBind], dollarStyle: Bool, callSite: CallSite) async throws -> QueryResult {
        let query = database.normalize(sql, dollarStyle: dollarStyle)
        try usage.enter()
        defer { usage.leave() }

        let (pinned, forLife) = state.withLock { ($0.pinned, $0.pinnedForLife) }
        let lease: ConnectionPool<PooledConnection>.Lease
        if let pinned {
            lease = pinned
        } else {
            lease = try await database.pool.lease(callSite: callSite)
        }
        // What this statement does to the pin, decided before running it: a failed BEGIN
        // leaves nothing open, so the status after the statement settles it.
        let pinsForLife = forLife || query.kind == .sessionState || query.kind == .multiStatement
        let result: QueryResult
        do {
            result = try await database.runStatement(query, parameters, on: lease.resource)
        } catch {
            settle(lease, forLife: pinsForLife)
            throw error
        }
        settle(lease, forLife: pinsForLife)
        return result
    }

    /// Keeps the connection pinned while a transaction is open or session state was set, and
    /// returns it to the pool otherwise.
    private func settle(_ lease: ConnectionPool<PooledConnection>.Lease, forLife: Bool) {
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

    /// Ends the session: rolls back an open transaction (with a warning), resets session state,
    /// and returns the connection.
    func end() async {
        usage.finish()
        let (pinned, forLife) = state.withLock { s -> (ConnectionPool<PooledConnection>.Lease?, Bool) in
            defer { s.pinned = nil; s.pinnedForLife = false }
            return (s.pinned, s.pinnedForLife)
        }
        guard let lease = pinned else { return }
        let connection = lease.resource.connection
        if database.connectionUsable(lease), connection.transactionStatus != .idle {
            database.logger.warning("a session ended with its transaction still open; rolling it back")
            _ = try? await connection.simpleQuery("ROLLBACK")
        }
        if forLife, database.connectionUsable(lease), connection.transactionStatus == .idle {
            // DISCARD ALL resets settings, roles, temp tables, LISTENs, advisory locks, cursors and
            // prepared statements; a connection it cannot clean is not reused.
            if (try? await connection.simpleQuery("DISCARD ALL")) == nil {
                database.pool.release(lease, state: .broken)
                return
            }
            lease.resource.sessionWasReset()
        }
        database.pool.release(lease, state: lease.resource.releaseState)
    }
}

extension Database {
    /// Runs `body` with a ``Session``: statements lease per statement while idle; `BEGIN` pins
    /// the connection until the transaction ends; session state pins it for the session.
    @discardableResult
    public func withSession<T>(_ body: (Session) async throws -> T) async throws -> T {
        let session = Session(database: self)
        do {
            let value = try await body(session)
            await session.end()
            return value
        } catch {
            await session.end()
            throw error
        }
    }
}
