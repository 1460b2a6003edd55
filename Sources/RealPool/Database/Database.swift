import Logging

/// The entry point: a pool of PostgreSQL connections that you use like a single connection.
///
/// - `execute` outside a transaction leases a connection for one statement and returns it to the
///   pool as soon as the result has been read, before `execute` returns (release-ASAP), so many
///   more concurrent callers than connections are served.
/// - `transaction { tx in ... }` holds one connection for the block: commit on normal exit,
///   rollback on a thrown error; a nested `tx.transaction` is a savepoint.
/// - `withSession { s in ... }` is a logical connection for code that issues `BEGIN`/`COMMIT`
///   itself or needs session state.
///
/// All of it exists as `async` (primary; it never blocks the cooperative thread pool) and, through
/// ``blocking``, for thread-based code; both share one pool and one queue.
public final class Database: Sendable {
    public let configuration: DatabaseConfiguration
    let pool: ConnectionPool<PooledConnection>
    let shapes = ShapeCache()
    let logger: Logger

    public init(_ configuration: DatabaseConfiguration) {
        self.configuration = configuration
        var logger = configuration.logger
        logger[metadataKey: "db.client.connection.pool.name"] = "\(configuration.name)"
        self.logger = logger
        let connectionConfiguration = configuration.connection
        let setup = configuration.connectionSetup
        let connectionLogger = logger
        pool = ConnectionPool(name: configuration.name, configuration: configuration.pool, logger: logger) {
            let connection = try await Connection.connect(connectionConfiguration, logger: connectionLogger)
            do {
                for step in setup {
                    _ = try await connection.run(.pipeline([.query(step.sql, step.parameters)])).map { try $0.get() }
                }
            } catch {
                connection.close()
                throw error
            }
            return PooledConnection(connection: connection)
        }
    }

    public convenience init(_ connectionString: String, pool: PoolConfiguration = PoolConfiguration()) {
        self.init(DatabaseConfiguration(connectionString, pool: pool))
    }

    /// Pool statistics as a flat dictionary of counters you can print or export.
    public var statistics: [String: Int] { pool.statistics.asDictionary() }

    /// Closes the pool: waiting callers fail, idle connections close, leased ones close when they
    /// come back or at the grace period's end. Never hangs longer than the grace period.
    public func shutdown() async {
        await pool.shutdown(gracePeriod: configuration.shutdownGracePeriod)
    }
}
