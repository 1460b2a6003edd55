import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
/// One-shot statements: lease, run, release before returning.
extension Database: StatementExecutor {
    public func run(_ sql: String, _ parameters: [PostgresBind], dollarStyle: Bool, callSite: CallSite) async throws -> QueryResult {
        let query = normalize(sql, dollarStyle: dollarStyle)
        try Self.checkOneShot(query)
        if configuration.pipelineDepth > 1, query.kind == .preparable, Self.fitsAPipeline(query, parameters) {
            return try await runMultiplexed(query, parameters, callSite: callSite)
        }
        let lease = try await self.lease(callSite: callSite)
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

    /// Runs one statement on a leased connection: rewritten into the connection's prepared
    /// statement when it matches a prepare target, plainly otherwise. Several statements in one
    /// string go through the simple protocol (which allows them), and their command tags still
    /// reach the cache (`DISCARD ALL`, `DEALLOCATE ALL`).
    func runStatement(_ query: NormalizedQuery, _ parameters: [PostgresBind], on pooled: PooledConnection) async throws -> QueryResult {
        let started = ContinuousClock.now
        var counters = StatementCacheStatistics()
        do {
            let result = try await runStatementUnmeasured(query, parameters, on: pooled, counting: &counters)
            record(query, since: started, delta: counters, pooled: pooled, result: result)
            return result
        } catch {
            record(query, since: started, delta: counters, pooled: pooled, result: nil)
            throw error
        }
    }

    func runStatement(_ query: NormalizedQuery, _ parameters: [PostgresBind], on pooled: PooledConnection) throws -> QueryResult {
        let started = ContinuousClock.now
        var counters = StatementCacheStatistics()
        do {
            let result = try runStatementUnmeasured(query, parameters, on: pooled, counting: &counters)
            record(query, since: started, delta: counters, pooled: pooled, result: result)
            return result
        } catch {
            record(query, since: started, delta: counters, pooled: pooled, result: nil)
            throw error
        }
    }

    /// Folds what the statement did to its connection's cache into the totals, and its figures
    /// into the per-shape statistics.
    private func record(_ query: NormalizedQuery, since started: ContinuousClock.Instant, delta: StatementCacheStatistics,
                        pooled: PooledConnection, result: QueryResult?) {
        pooled.refreshSnapshot()
        record(query, since: started, delta: delta, result: result)
    }

    func record(_ query: NormalizedQuery, since started: ContinuousClock.Instant, delta: StatementCacheStatistics, result: QueryResult?) {
        statementTotals.withLock { $0 = $0 + delta }
        statementMetrics.record(delta)
        let duration = ContinuousClock.now - started
        statementMetrics.recordDuration(duration, fingerprint: query.fingerprint, fingerprintHex: query.fingerprintHex)
        queryStatistics.record(query, duration: duration, rows: result?.count ?? 0,
                               prepared: delta.hits + delta.misses > 0 && delta.plainExecutions == 0, failed: result == nil)
    }

    private func runStatementUnmeasured(_ query: NormalizedQuery, _ parameters: [PostgresBind], on pooled: PooledConnection,
                                        counting counters: inout StatementCacheStatistics) async throws -> QueryResult {
        pooled.noteStatement(query.sql)
        if query.kind == .multiStatement && parameters.isEmpty {
            let results = try Self.allResults(await pooled.connection.run(.simple(query.executableSQL), deadline: statementDeadline()), pooled)
            return results.last ?? QueryResult(commandTag: "")
        }
        return try await runner.execute(query, parameters, on: pooled.connection, cache: pooled.statements,
                                        deadline: statementDeadline(), counting: &counters)
    }

    private func runStatementUnmeasured(_ query: NormalizedQuery, _ parameters: [PostgresBind], on pooled: PooledConnection,
                                        counting counters: inout StatementCacheStatistics) throws -> QueryResult {
        pooled.noteStatement(query.sql)
        if query.kind == .multiStatement && parameters.isEmpty {
            let results = try Self.allResults(pooled.connection.run(.simple(query.executableSQL), deadline: statementDeadline()), pooled)
            return results.last ?? QueryResult(commandTag: "")
        }
        return try runner.execute(query, parameters, on: pooled.connection, cache: pooled.statements,
                                  deadline: statementDeadline(), counting: &counters)
    }

    func statementDeadline() -> ContinuousClock.Instant? {
        configuration.statementDeadline.map { ContinuousClock.now.advanced(by: $0) }
    }

    /// The results of a simple-protocol string; the cache sees every command tag even when a
    /// later statement failed.
    static func allResults(_ outcomes: [Result<QueryResult, PostgresError>], _ pooled: PooledConnection) throws -> [QueryResult] {
        let succeeded = outcomes.compactMap { try? $0.get() }
        pooled.statements.observe(succeeded)
        return try outcomes.map { try $0.get() }
    }
}
