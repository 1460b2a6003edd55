/// One-shot statements: lease, run, release before returning.
extension Database: StatementExecutor {
    public func run(_ sql: String, _ parameters: [PostgresBind], dollarStyle: Bool, callSite: CallSite) async throws -> QueryResult {
        let query = normalize(sql, dollarStyle: dollarStyle)
        try Self.checkOneShot(query)
        let lease = try await pool.lease(callSite: callSite)
        let result: QueryResult
        do {
            result = try await runStatement(query, parameters, on: lease.resource)
        } catch {
            pool.release(lease, state: lease.resource.releaseState)
            throw error
        }
        try finishOneShot(query, lease)
        return result
    }

    func normalize(_ sql: String, dollarStyle: Bool) -> NormalizedQuery {
        shapes.normalize(sql, style: dollarStyle ? .dollar : configuration.placeholderStyle)
    }

    /// Statements a one-shot execute refuses, because their effect would outlive the lease.
    static func checkOneShot(_ query: NormalizedQuery) throws {
        switch query.kind {
        case .sessionState: throw UsageError.sessionState(query.sql)
        case .transactionControl: throw UsageError.transactionControl(query.sql)
        case .multiStatement:
            // BEGIN ... COMMIT inside one string is fine; session state is not
            if let hidden = query.statements().first(where: { $0.kind == .sessionState }) {
                throw UsageError.sessionState(hidden.sql)
            }
        default: break
        }
    }

    /// Releases the connection; a multi-statement string that left a transaction open is an
    /// error (the pool rolls it back), not a silent rollback.
    func finishOneShot(_ query: NormalizedQuery, _ lease: ConnectionPool<PooledConnection>.Lease) throws {
        let state = lease.resource.releaseState
        pool.release(lease, state: state)
        if state == .needsReset {
            throw UsageError(message: "`\(UsageError.abbreviate(query.sql))` left a transaction open; it was rolled back when the connection returned to the pool. Use db.transaction { } or db.withSession { }.")
        }
    }

    /// Runs one statement on a leased connection.
    func runStatement(_ query: NormalizedQuery, _ parameters: [PostgresBind], on pooled: PooledConnection) async throws -> QueryResult {
        pooled.noteStatement(query.sql)
        return try Self.lastResult(await pooled.connection.run(Self.request(query, parameters)))
    }

    func runStatement(_ query: NormalizedQuery, _ parameters: [PostgresBind], on pooled: PooledConnection) throws -> QueryResult {
        pooled.noteStatement(query.sql)
        return try Self.lastResult(pooled.connection.run(Self.request(query, parameters)))
    }

    /// Several statements in one string go through the simple protocol (which allows them);
    /// everything else through the extended protocol with bound parameters.
    static func request(_ query: NormalizedQuery, _ parameters: [PostgresBind]) -> ConnectionRequest {
        if query.kind == .multiStatement && parameters.isEmpty { return .simple(query.executableSQL) }
        return .pipeline([.query(query.executableSQL, parameters)])
    }

    /// A multi-statement string's result is its last statement's; any error is thrown.
    static func lastResult(_ outcomes: [Result<QueryResult, PostgresError>]) throws -> QueryResult {
        var last = QueryResult(commandTag: "")
        for outcome in outcomes { last = try outcome.get() }
        return last
    }
}
