import Logging
import RealPoolSupport
import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool

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
    /// The configuration the database was created with.
    public let configuration: DatabaseConfiguration
    let pool: ConnectionPool<PooledConnection>
    let shapes = ShapeCache()
    let prepareTargets: PrepareTargetRegistry
    let runner: StatementRunner
    /// Statement-cache counters of every connection, folded in after each statement.
    let statementTotals = Locked(StatementCacheStatistics())
    /// Calls, time, rows and errors per query shape; see ``topQueries(_:)``.
    public let queryStatistics: QueryStatistics
    let statementMetrics: StatementMetrics
    let logger: Logger

    /// Creates the pool. No connection is opened here: the first ones open in the background
    /// (`minConnections`) or on the first statement.
    public init(_ configuration: DatabaseConfiguration) {
        self.configuration = configuration
        var logger = configuration.logger
        logger[metadataKey: "db.client.connection.pool.name"] = "\(configuration.name)"
        self.logger = logger
        let connectionConfiguration = configuration.connection
        let setup = configuration.connectionSetup
        let connectionLogger = logger
        let registry = PrepareTargetRegistry(autoPrepareThreshold: configuration.autoPrepareThreshold)
        let detectPooler = !configuration.rewriteBehindPooler
        prepareTargets = registry
        runner = StatementRunner(registry: prepareTargets)
        queryStatistics = QueryStatistics(capacity: configuration.maxTrackedQueryShapes)
        statementMetrics = StatementMetrics(poolName: configuration.name, maxShapes: configuration.maxTrackedQueryShapes)
        let maxStatements = configuration.maxPreparedStatements
        let maxBytes = configuration.maxPreparedSQLBytes
        let multiplexes = configuration.pipelineDepth > 1
        pool = ConnectionPool(name: configuration.name, configuration: configuration.pool,
                              sharedLesseesPerConnection: configuration.pipelineDepth, logger: logger) {
            let connection = try await Connection.connect(connectionConfiguration, logger: connectionLogger)
            do {
                for step in setup {
                    _ = try await connection.run(.pipeline([.query(step.sql, step.parameters)])).map { try $0.get() }
                }
                if detectPooler { try await PoolerDetection.check(connection, registry: registry, logger: connectionLogger) }
            } catch {
                connection.close()
                throw error
            }
            return PooledConnection(
                connection: connection,
                statements: StatementCache(maxPreparedStatements: maxStatements, maxPreparedSQLBytes: maxBytes),
                multiplexes: multiplexes)
        }
    }

    /// A database for a conninfo string or `postgres://` URL, with every other knob at its default.
    public convenience init(_ connectionString: String, pool: PoolConfiguration = PoolConfiguration()) {
        self.init(DatabaseConfiguration(connectionString, pool: pool))
    }

    /// Registers a query shape: every later statement with this shape (whitespace, comments,
    /// keyword case, placeholder style and literals at parameter positions aside) runs as a
    /// prepared statement, prepared lazily on each connection in the same round trip as its first
    /// execution. Registering the same shape again returns the same target. Throws for SQL that
    /// cannot be prepared (several statements, utility statements, text that does not lex).
    @discardableResult
    public func addPrepareTarget(_ sql: String) throws -> PrepareTarget {
        try prepareTargets.register(sql, style: configuration.placeholderStyle)
    }

    /// The `n` query shapes that took the most total time, with calls, mean and max time, rows,
    /// prepared vs plain executions and errors.
    public func topQueries(_ n: Int = 10) -> [QueryStatistics.Entry] { queryStatistics.top(n) }

    /// Pool and statement-cache statistics, by name (`db.statistics.leased`,
    /// `db.statistics.hits`); `.asDictionary()` gives them as one flat dictionary to print or
    /// export.
    public var statistics: DatabaseStatistics {
        DatabaseStatistics(pool: pool.statistics, statements: statementTotals.withLock { $0 })
    }

    /// Closes the pool: waiting callers fail, idle connections close, leased ones close when they
    /// come back or at the grace period's end. Never hangs longer than the grace period.
    public func shutdown() async {
        await pool.shutdown(gracePeriod: configuration.shutdownGracePeriod)
    }
}
