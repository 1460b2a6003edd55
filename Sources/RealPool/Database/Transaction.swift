import RealPoolSupport

/// One connection held for a `transaction { }` block. Runs one statement at a time.
public final class Transaction: StatementExecutor {
    let database: Database
    let lease: ConnectionPool<PooledConnection>.Lease
    let depth: Int
    let usage: LeaseGuard
    /// Whether this block (not a nested one) is still open.
    private let open = Locked(true)
    private let savepoints: Locked<Int>

    init(database: Database, lease: ConnectionPool<PooledConnection>.Lease, depth: Int, usage: LeaseGuard) {
        self.database = database
        self.lease = lease
        self.depth = depth
        self.usage = usage
        self.savepoints = Locked(0)
    }

    public func run(_ sql: String, _ parameters: [PostgresBind], dollarStyle: Bool, callSite: CallSite) async throws -> QueryResult {
        let query = database.normalize(sql, dollarStyle: dollarStyle)
        try Self.check(query)
        try enter()
        defer { usage.leave() }
        return try await database.runStatement(query, parameters, on: lease.resource)
    }

    /// A nested transaction: a savepoint, released on normal exit, rolled back to on a throw.
    @discardableResult
    public func transaction<T>(_ body: (Transaction) async throws -> T) async throws -> T {
        let name = "realpool_sp_\(depth + 1)_\(savepoints.withLock { n -> Int in n += 1; return n })"
        try await control("SAVEPOINT \(name)")
        let inner = Transaction(database: database, lease: lease, depth: depth + 1, usage: usage)
        do {
            let value = try await body(inner)
            inner.close()
            try await control("RELEASE SAVEPOINT \(name)")
            return value
        } catch {
            inner.close()
            if database.connectionUsable(lease) {
                try? await control("ROLLBACK TO SAVEPOINT \(name)")
                try? await control("RELEASE SAVEPOINT \(name)")
            }
            throw error
        }
    }

    /// Transaction control that would end the block, and session state that would outlive it,
    /// are refused; savepoints are allowed.
    static func check(_ query: NormalizedQuery) throws {
        if query.kind == .multiStatement {
            for statement in query.statements() { try check(statement) }
            return
        }
        switch query.kind {
        case .sessionState:
            throw UsageError.sessionStateInTransaction(query.sql)
        case .transactionControl:
            switch query.transactionCommand {
            case .savepoint?, .release?, .rollbackToSavepoint?: break
            default: throw UsageError.transactionControlInBlock(query.sql)
            }
        default: break
        }
    }

    func enter() throws {
        guard open.withLock({ $0 }) else { throw UsageError.finished }
        try usage.enter()
    }

    func close() { open.withLock { $0 = false } }

    func control(_ sql: String) async throws {
        try enter()
        defer { usage.leave() }
        defer { lease.resource.refreshSnapshot() }
        _ = try await lease.resource.connection.simpleQuery(sql)
    }
}

extension Database {
    /// Runs `body` in a transaction on one connection: `BEGIN`, then `COMMIT` on normal exit or
    /// `ROLLBACK` on a thrown error. The connection returns to the pool when the block ends.
    @discardableResult
    public func transaction<T>(file: String = #fileID, line: Int = #line, _ body: (Transaction) async throws -> T) async throws -> T {
        let lease = try await self.lease(callSite: CallSite(file: file, line: line))
        let tx = Transaction(database: self, lease: lease, depth: 0, usage: LeaseGuard())
        do {
            try await tx.control("BEGIN")
            let value = try await body(tx)
            tx.close()
            let commit = try await lease.resource.connection.simpleQuery("COMMIT")
            pool.release(lease, state: lease.resource.releaseState)
            if commit.first?.commandTag == "ROLLBACK" {
                throw UsageError(message: "the transaction had failed (a statement in it raised an error that was caught), so COMMIT rolled it back: nothing was written")
            }
            return value
        } catch {
            tx.close()
            if connectionUsable(lease), lease.resource.connection.transactionStatus != .idle {
                _ = try? await lease.resource.connection.simpleQuery("ROLLBACK")
            }
            pool.release(lease, state: lease.resource.releaseState)
            throw error
        }
    }

    func connectionUsable(_ lease: ConnectionPool<PooledConnection>.Lease) -> Bool {
        let c = lease.resource.connection
        return !c.isClosed && !c.isBroken
    }
}
