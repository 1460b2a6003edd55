import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
/// Something that runs statements: the ``Database`` itself (release-ASAP), a ``Transaction`` or
/// a ``Session``. The `execute` overloads are written once, here.
public protocol StatementExecutor: Sendable {
    /// Runs one statement. `sql` uses the executor's placeholder style unless `dollarStyle`.
    func run(_ sql: String, _ parameters: [PostgresBind], dollarStyle: Bool, callSite: CallSite) async throws -> QueryResult
}

extension StatementExecutor {
    /// Runs SQL built by interpolation; interpolated values are bound as parameters.
    @discardableResult
    public func execute(_ query: SQLQuery, file: String = #fileID, line: Int = #line) async throws -> QueryResult {
        try await run(query.sql, query.parameters, dollarStyle: true, callSite: CallSite(file: file, line: line))
    }

    /// Runs SQL with positional parameters (`$1`, or the configured placeholder style).
    @discardableResult
    public func execute(_ sql: String, parameters: [any PostgresEncodable], file: String = #fileID, line: Int = #line) async throws -> QueryResult {
        try await run(sql, parameters.map(\.postgresBind), dollarStyle: false, callSite: CallSite(file: file, line: line))
    }

    /// Runs SQL with positional parameters: `db.execute("... WHERE id = $1", id)`.
    @discardableResult
    public func execute(_ sql: String, _ first: any PostgresEncodable, _ rest: any PostgresEncodable..., file: String = #fileID, line: Int = #line) async throws -> QueryResult {
        try await run(sql, [first.postgresBind] + rest.map(\.postgresBind), dollarStyle: false, callSite: CallSite(file: file, line: line))
    }
}

/// The blocking twin of ``StatementExecutor``, for thread-based code. Never call it from async
/// code: it waits on the calling thread.
public protocol BlockingStatementExecutor: Sendable {
    /// Runs one statement, waiting on the calling thread. `sql` uses the executor's placeholder
    /// style unless `dollarStyle`.
    func run(_ sql: String, _ parameters: [PostgresBind], dollarStyle: Bool, callSite: CallSite) throws -> QueryResult
}

extension BlockingStatementExecutor {
    /// Runs SQL built by interpolation; interpolated values are bound as parameters.
    @discardableResult
    public func execute(_ query: SQLQuery, file: String = #fileID, line: Int = #line) throws -> QueryResult {
        try run(query.sql, query.parameters, dollarStyle: true, callSite: CallSite(file: file, line: line))
    }

    /// Runs SQL with positional parameters (`$1`, or the configured placeholder style).
    @discardableResult
    public func execute(_ sql: String, parameters: [any PostgresEncodable], file: String = #fileID, line: Int = #line) throws -> QueryResult {
        try run(sql, parameters.map(\.postgresBind), dollarStyle: false, callSite: CallSite(file: file, line: line))
    }

    /// Runs SQL with positional parameters: `db.blocking.execute("... WHERE id = $1", id)`.
    @discardableResult
    public func execute(_ sql: String, _ first: any PostgresEncodable, _ rest: any PostgresEncodable..., file: String = #fileID, line: Int = #line) throws -> QueryResult {
        try run(sql, [first.postgresBind] + rest.map(\.postgresBind), dollarStyle: false, callSite: CallSite(file: file, line: line))
    }
}
