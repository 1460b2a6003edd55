/// The ``Database`` for thread-based code: the same pool, the same queue, the same rules, but
/// every call waits on the calling thread. Never use it from async code (it would block a thread
/// of the cooperative pool).
public struct BlockingDatabase: BlockingStatementExecutor {
    let database: Database

    public func run(_ sql: String, _ parameters: [PostgresBind], dollarStyle: Bool, callSite: CallSite) throws -> QueryResult {
        let query = database.normalize(sql, dollarStyle: dollarStyle)
        try Database.checkOneShot(query)
        let lease = try database.leaseBlocking(callSite: callSite)
        let result: QueryResult
        do {
            result = try database.runStatement(query, parameters, on: lease.resource)
        } catch {
            database.pool.release(lease, state: lease.resource.releaseState)
            throw error
        }
        try database.finishOneShot(query, lease)
        return result
    }

    /// Runs `body` in a transaction on one connection: commit on normal exit, rollback on a throw.
    @discardableResult
    public func transaction<T>(file: String = #fileID, line: Int = #line, _ body: (BlockingTransaction) throws -> T) throws -> T {
        let lease = try database.leaseBlocking(callSite: CallSite(file: file, line: line))
        let tx = BlockingTransaction(database: database, lease: lease, usage: LeaseGuard())
        let connection = lease.resource.connection
        do {
            _ = try connection.simpleQuery("BEGIN")
            let value = try body(tx)
            tx.usage.finish()
            let commit = try connection.simpleQuery("COMMIT")
            database.pool.release(lease, state: lease.resource.releaseState)
            if commit.first?.commandTag == "ROLLBACK" {
                throw UsageError(message: "the transaction had failed (a statement in it raised an error that was caught), so COMMIT rolled it back: nothing was written")
            }
            return value
        } catch {
            tx.usage.finish()
            if database.connectionUsable(lease), connection.transactionStatus != .idle {
                _ = try? connection.simpleQuery("ROLLBACK")
            }
            database.pool.release(lease, state: lease.resource.releaseState)
            throw error
        }
    }
}

/// A transaction for thread-based code (see ``BlockingDatabase/transaction(file:line:_:)``).
public final class BlockingTransaction: BlockingStatementExecutor {
    let database: Database
    let lease: ConnectionPool<PooledConnection>.Lease
    let usage: LeaseGuard

    init(database: Database, lease: ConnectionPool<PooledConnection>.Lease, usage: LeaseGuard) {
        self.database = database
        self.lease = lease
        self.usage = usage
    }

    public func run(_ sql: String, _ parameters: [PostgresBind], dollarStyle: Bool, callSite: CallSite) throws -> QueryResult {
        let query = database.normalize(sql, dollarStyle: dollarStyle)
        try Transaction.check(query)
        try usage.enter()
        defer { usage.leave() }
        return try database.runStatement(query, parameters, on: lease.resource)
    }
}

extension Database {
    /// The blocking API over the same pool.
    public var blocking: BlockingDatabase { BlockingDatabase(database: self) }
}
