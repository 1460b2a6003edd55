import Logging
import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool

/// Everything a ``Database`` needs: where the server is, how the pool behaves, and what every new
/// connection is set up with.
public struct DatabaseConfiguration: Sendable {
    /// The server (conninfo or URL), connect timeout and `application_name`.
    public var connection: ConnectionConfiguration
    /// Pool sizing, timeouts and health checks; see ``PoolConfiguration`` for every knob.
    public var pool: PoolConfiguration
    /// The pool's name in logs and metrics. Default `"default"`.
    public var name: String = "default"
    /// How placeholders are written in the SQL given to `execute`. Default `.dollar` (`$1`):
    /// `?` and `%s` are never guessed, since `?` is a jsonb operator and `%` is modulo.
    public var placeholderStyle: PlaceholderStyle = .dollar

    // Prepared statements (see the statement cache guide).

    /// Prepared statements each physical connection keeps at most; the least recently used is
    /// deallocated beyond it. Default 100: hot shapes in a service are few, and each prepared
    /// statement costs server memory per backend.
    public var maxPreparedStatements = 100
    /// Total SQL text of the prepared statements a connection keeps. Default 1 MiB: bounds the
    /// server memory a few huge statements can pin.
    public var maxPreparedSQLBytes = 1 << 20
    /// Prepare a shape automatically once it has run this many times, like psycopg's
    /// `prepare_threshold`. Default nil (off): only shapes registered with `addPrepareTarget`
    /// are prepared, so nothing changes behind your back.
    public var autoPrepareThreshold: Int?
    /// Keep rewriting into prepared statements when a connection pooler sits between RealPool and
    /// the server. Default false: RealPool notices a pooler at connect (the backend PID the
    /// startup reported is not the one running the statements), logs one warning and runs every
    /// statement plainly, because a pooler in transaction mode moves prepared statements between
    /// server connections, and inside a transaction that cannot be healed. Set it for a pooler
    /// that keeps them in place: PgBouncer in session mode, or PgBouncer 1.21 or later with
    /// `max_prepared_statements` above 0. See the article "Behind PgBouncer".
    public var rewriteBehindPooler = false
    /// Query shapes `topQueries` tracks individually; further shapes are counted together.
    /// Default 1000: enough for an application's distinct queries, bounded against generated SQL.
    public var maxTrackedQueryShapes = 1000

    // Per-connection settings. Session state must not be changed by one lessee for the next, so
    // settings that should hold for every statement are applied to every new connection here.

    /// `search_path` for every connection. Default nil: the server's or role's setting.
    public var searchPath: String?
    /// `TimeZone` for every connection. Default nil: the server's setting.
    public var timeZone: String?
    /// `statement_timeout` for every connection. Default nil: the server's setting (usually none).
    public var statementTimeout: Duration?
    /// Client-side limit on one statement's wait for the server. Default nil (none). Unlike
    /// `statementTimeout`, which the server enforces, this also ends a wait on a server or network
    /// that has stalled: past it RealPool sends a cancel request, and if the server still does not
    /// answer within 5 s it closes the connection (the pool replaces it) and throws
    /// `PostgresError` of kind `.timeout`. A statement that timed out may have run; it is never
    /// retried.
    public var statementDeadline: Duration?
    /// How many one-shot autocommit statements one connection may carry at once, pipelined, each
    /// with its own Sync (see the Multiplexing article). Default 1: off, every statement has its
    /// connection to itself. With N > 1, once every connection is busy (the pool is at
    /// `maxConnections`), a one-shot `execute` of an ordinary statement (`SELECT`, `INSERT`,
    /// `UPDATE`, `DELETE`, `MERGE`, `VALUES`, `WITH`) joins a busy connection with fewer than N
    /// statements in flight instead of waiting for a free one: the server runs them back to back,
    /// with no idle round trip between. Transactions, sessions, streams, blocking calls, utility
    /// and multi-statement SQL, and statements over 1 MiB always get a connection to themselves. A slow statement delays the
    /// statements queued behind it on its connection; use `statementTimeout` to bound it.
    public var pipelineDepth = 1
    /// Any further SQL run on every new connection, in order, before its first lease.
    public var setupSQL: [String] = []
    /// How long `shutdown()` waits for leased connections before closing them anyway. Default 10 s.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Where pool warnings (leaks, rollbacks on return), notices and debug output go.
    public var logger: Logger = Logger(label: "RealPool")

    /// A configuration for this server, with every other knob at its default.
    public init(_ connection: ConnectionConfiguration, pool: PoolConfiguration = PoolConfiguration()) {
        self.connection = connection
        self.pool = pool
    }

    /// A configuration for a conninfo string or `postgres://` URL, with every other knob at its default.
    public init(_ connectionString: String, pool: PoolConfiguration = PoolConfiguration()) {
        self.init(ConnectionConfiguration(connectionString), pool: pool)
    }

    /// The statements that put a new connection in the configured state. Values are bound, never
    /// spliced into SQL.
    var connectionSetup: [(sql: String, parameters: [PostgresBind])] {
        var steps: [(String, [PostgresBind])] = []
        if let searchPath { steps.append(("SELECT set_config('search_path', $1, false)", [.text(searchPath)])) }
        if let timeZone { steps.append(("SELECT set_config('TimeZone', $1, false)", [.text(timeZone)])) }
        if let statementTimeout {
            let ms = statementTimeout.components.seconds * 1000 + statementTimeout.components.attoseconds / 1_000_000_000_000_000
            steps.append(("SELECT set_config('statement_timeout', $1, false)", [.text("\(ms)ms")]))
        }
        for sql in setupSQL { steps.append((sql, [])) }
        return steps
    }
}
