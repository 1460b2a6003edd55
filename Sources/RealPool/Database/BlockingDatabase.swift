import RealPoolSupport
import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool

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
    /// A nested `tx.transaction { }` is a savepoint, as with the async API; both take their
    /// decisions from the same ``TransactionBlock``.
    @discardableResult
    public func transaction<T>(file: String = #fileID, line: Int = #line, _ body: (BlockingTransaction) throws -> T) throws -> T {
        let lease = try database.leaseBlocking(callSite: CallSite(file: file, line: line))
        let block = TransactionBlock.outermost
        let tx = BlockingTransaction(database: database, lease: lease, block: block, usage: LeaseGuard())
        let connection = lease.resource.connection
        let value: T
        let commitTag: String?
        do {
            try tx.control(block.begin)
            value = try body(tx)
            tx.close()
            commitTag = try connection.simpleQuery(block.commit).first?.commandTag
        } catch {
            tx.close()
            if block.mayRollBack(connectionUsable: database.connectionUsable(lease), status: connection.transactionStatus) {
                for sql in block.rollback { _ = try? connection.simpleQuery(sql) }
            }
            database.pool.release(lease, state: lease.resource.releaseState)
            throw error
        }
        database.pool.release(lease, state: lease.resource.releaseState)
        try block.checkCommitted(commandTag: commitTag)
        return value
    }
}

/// A transaction for thread-based code (see ``BlockingDatabase/transaction(file:line:_:)``).
public final class BlockingTransaction: BlockingStatementExecutor {
    let database: Database
    let lease: ConnectionPool<PooledConnection>.Lease
    let block: TransactionBlock
    let usage: LeaseGuard
    /// Whether this block (not a nested one) is still open.
    private let open = Locked(true)
    private let savepoints = Locked(0)

    init(database: Database, lease: ConnectionPool<PooledConnection>.Lease, block: TransactionBlock, usage: LeaseGuard) {
        self.database = database
        self.lease = lease
        self.block = block
        self.usage = usage
    }

    public func run(_ sql: String, _ parameters: [PostgresBind], dollarStyle: Bool, callSite: CallSite) throws -> QueryResult {
        let query = database.normalize(sql, dollarStyle: dollarStyle)
        try Transaction.check(query)
        try enter()
        defer { usage.leave() }
        return try database.runStatement(query, parameters, on: lease.resource)
    }

    /// A nested transaction: a savepoint, released on normal exit, rolled back to on a throw.
    @discardableResult
    public func transaction<T>(_ body: (BlockingTransaction) throws -> T) throws -> T {
        let block = self.block.nested(number: savepoints.withLock { n -> Int in n += 1; return n })
        try control(block.begin)
        let inner = BlockingTransaction(database: database, lease: lease, block: block, usage: usage)
        do {
            let value = try body(inner)
            inner.close()
            try control(block.commit)
            return value
        } catch {
            inner.close()
            if block.mayRollBack(connectionUsable: database.connectionUsable(lease), status: lease.resource.connection.transactionStatus) {
                for sql in block.rollback { try? control(sql) }
            }
            throw error
        }
    }

    func enter() throws {
        guard open.withLock({ $0 }) else { throw UsageError.finished }
        try usage.enter()
    }

    func close() { open.withLock { $0 = false } }

    func control(_ sql: String) throws {
        try enter()
        defer { usage.leave() }
        defer { lease.resource.refreshSnapshot() }
        _ = try lease.resource.connection.simpleQuery(sql)
    }
}

extension Database {
    /// The blocking API over the same pool.
    public var blocking: BlockingDatabase { BlockingDatabase(database: self) }
}
