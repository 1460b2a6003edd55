import RealPoolSupport
import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool

/// One connection held for a `transaction { }` block. Runs one statement at a time.
public final class Transaction: StatementExecutor {
    let database: Database
    let lease: ConnectionPool<PooledConnection>.Lease
    let block: TransactionBlock
    let usage: LeaseGuard
    /// Whether this block (not a nested one) is still open.
    private let open = Locked(true)
    private let savepoints: Locked<Int>

    init(database: Database, lease: ConnectionPool<PooledConnection>.Lease, block: TransactionBlock, usage: LeaseGuard) {
        self.database = database
        self.lease = lease
        self.block = block
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
        let block = self.block.nested(number: savepoints.withLock { n -> Int in n += 1; return n })
        try await control(block.begin)
        let inner = Transaction(database: database, lease: lease, block: block, usage: usage)
        do {
            let value = try await body(inner)
            inner.close()
            try await control(block.commit)
            return value
        } catch {
            inner.close()
            if block.mayRollBack(connectionUsable: database.connectionUsable(lease), status: lease.resource.connection.transactionStatus) {
                for sql in block.rollback { try? await control(sql) }
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
        let block = TransactionBlock.outermost
        let tx = Transaction(database: self, lease: lease, block: block, usage: LeaseGuard())
        let value: T
        let commitTag: String?
        do {
            try await tx.control(block.begin)
            value = try await body(tx)
            tx.close()
            commitTag = try await lease.resource.connection.simpleQuery(block.commit).first?.commandTag
        } catch {
            tx.close()
            if block.mayRollBack(connectionUsable: connectionUsable(lease), status: lease.resource.connection.transactionStatus) {
                for sql in block.rollback { _ = try? await lease.resource.connection.simpleQuery(sql) }
            }
            pool.release(lease, state: lease.resource.releaseState)
            throw error
        }
        // released once, before the verdict on the COMMIT: the connection is idle either way
        pool.release(lease, state: lease.resource.releaseState)
        try block.checkCommitted(commandTag: commitTag)
        return value
    }

    func connectionUsable(_ lease: ConnectionPool<PooledConnection>.Lease) -> Bool {
        let c = lease.resource.connection
        return !c.isClosed && !c.isBroken
    }
}
