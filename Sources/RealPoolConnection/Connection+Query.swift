import Foundation

/// The statement-level API of one connection. Each call exists as `async` (suspends while the
/// server works) and blocking (waits on the caller's thread); both run the same code.
extension Connection {
    // MARK: simple protocol

    /// Runs SQL with the simple query protocol: no parameters, several statements allowed, one
    /// result per statement. Throws the first statement error.
    public func simpleQuery(_ sql: String) throws -> [QueryResult] {
        try Self.allSucceeded(run(.simple(sql)))
    }

    /// The `async` variant: runs SQL with the simple query protocol, one result per statement.
    public func simpleQuery(_ sql: String) async throws -> [QueryResult] {
        try Self.allSucceeded(await run(.simple(sql)))
    }

    // MARK: one statement, extended protocol

    /// Runs one statement with bound parameters (`$1`, `$2`, ...) on the unnamed statement.
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> QueryResult {
        try Self.single(run(.pipeline([.query(sql, parameters.map(\.postgresBind))])))
    }

    /// The `async` variant: runs one statement with bound parameters on the unnamed statement.
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) async throws -> QueryResult {
        try Self.single(await run(.pipeline([.query(sql, parameters.map(\.postgresBind))])))
    }

    /// Creates a named prepared statement. Empty `types` lets the server infer every parameter.
    public func prepare(name: String, sql: String, types: [PostgresType] = []) throws {
        _ = try Self.single(run(.pipeline([.prepare(name: name, sql: sql, types: types)])))
    }

    /// The `async` variant: creates a named prepared statement.
    public func prepare(name: String, sql: String, types: [PostgresType] = []) async throws {
        _ = try Self.single(await run(.pipeline([.prepare(name: name, sql: sql, types: types)])))
    }

    /// Executes a named prepared statement with bound parameters.
    public func executePrepared(name: String, _ parameters: [any PostgresEncodable] = []) throws -> QueryResult {
        try Self.single(run(.pipeline([.executePrepared(name: name, parameters.map(\.postgresBind))])))
    }

    /// The `async` variant: executes a named prepared statement with bound parameters.
    public func executePrepared(name: String, _ parameters: [any PostgresEncodable] = []) async throws -> QueryResult {
        try Self.single(await run(.pipeline([.executePrepared(name: name, parameters.map(\.postgresBind))])))
    }

    /// Parameter types and result columns of a prepared statement.
    public func describePrepared(name: String) throws -> PreparedStatementDescription {
        PreparedStatementDescription(try Self.single(run(.pipeline([.describePrepared(name: name)]))))
    }

    /// The `async` variant: parameter types and result columns of a prepared statement.
    public func describePrepared(name: String) async throws -> PreparedStatementDescription {
        PreparedStatementDescription(try Self.single(await run(.pipeline([.describePrepared(name: name)]))))
    }

    /// Removes a prepared statement from the session (`DEALLOCATE`). libpq 15 has no Close
    /// message call, and `DEALLOCATE` is allowed in the extended protocol, so it pipelines.
    public func deallocate(name: String) throws {
        _ = try Self.single(run(.pipeline([Self.deallocateStep(name)])))
    }

    /// The `async` variant: removes a prepared statement from the session (`DEALLOCATE`).
    public func deallocate(name: String) async throws {
        _ = try Self.single(await run(.pipeline([Self.deallocateStep(name)])))
    }

    package static func deallocateStep(_ name: String) -> PipelineStep {
        .query("DEALLOCATE " + quoteIdentifier(name), [])
    }

    // MARK: pipelines

    /// Sends every step, then one Sync, and reads all results in one round trip. The result has
    /// one entry per step; after a failed step the rest report `.pipelineAborted`, and since one
    /// Sync makes them one implicit transaction, the earlier steps' writes are rolled back too.
    ///
    /// With a `deadline`, a server (or network) that has not answered by then is sent a cancel
    /// request; if it still does not answer, the connection is closed and the call throws
    /// ``PostgresError/Kind-swift.enum/timeout``. A statement the cancel stopped reports
    /// `.timeout` too.
    public func pipeline(_ steps: [PipelineStep], deadline: ContinuousClock.Instant? = nil) throws -> [Result<QueryResult, PostgresError>] {
        try run(.pipeline(steps), deadline: deadline)
    }

    /// The `async` variant: sends every step, then one Sync, and reads all results in one round trip.
    public func pipeline(_ steps: [PipelineStep], deadline: ContinuousClock.Instant? = nil) async throws -> [Result<QueryResult, PostgresError>] {
        try await run(.pipeline(steps), deadline: deadline)
    }

    // MARK: helpers

    static func single(_ outcomes: [Result<QueryResult, PostgresError>]) throws -> QueryResult {
        guard let first = outcomes.first else { return QueryResult(commandTag: "") }
        return try first.get()
    }

    static func allSucceeded(_ outcomes: [Result<QueryResult, PostgresError>]) throws -> [QueryResult] {
        try outcomes.map { try $0.get() }
    }

    /// Double-quotes an identifier the way PostgreSQL reads it back.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// What `describePrepared` reports.
public struct PreparedStatementDescription: Sendable {
    /// The types the server inferred (or was given) for `$1...$n`.
    public let parameterTypes: [PostgresType]
    /// The result columns; empty for a statement that returns no rows.
    public let columns: [QueryResult.Column]

    init(_ result: QueryResult) {
        parameterTypes = result.parameterTypes
        columns = result.columns
    }
}
