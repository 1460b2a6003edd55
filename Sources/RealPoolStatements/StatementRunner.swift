import RealPoolConnection
import RealPoolNormalizer
/// Runs one statement on one connection, rewriting it into the connection's prepared statement
/// when it matches a prepare target, preparing lazily, and healing a forgotten or invalidated
/// statement. The `async` and the blocking variant share every decision (`StatementExecution`);
/// they differ only in how they wait for the connection.
///
/// The runner is stateless apart from the shared registry; the per-connection state lives in the
/// connection's `StatementCache`, which the caller passes with the connection (both belong to the
/// same lease).
public struct StatementRunner: Sendable {
    /// The targets queries are matched against.
    public let registry: PrepareTargetRegistry

    /// A runner for the targets of `registry`.
    public init(registry: PrepareTargetRegistry) {
        self.registry = registry
    }

    /// Runs `query` (normalised by the caller, usually through a `ShapeCache`) with the caller's
    /// parameters. Returns exactly what the plain statement returns and throws what it throws;
    /// errors from the connection (lost, timed out, invalid input) propagate unchanged and are
    /// never retried.
    public func execute(_ query: NormalizedQuery, _ parameters: [PostgresBind], on connection: Connection,
                        cache: StatementCache, deadline: ContinuousClock.Instant? = nil) async throws -> QueryResult {
        var counters = StatementCacheStatistics()
        return try await execute(query, parameters, on: connection, cache: cache, deadline: deadline, counting: &counters)
    }

    /// As `execute`, and `counters` gets what this statement did to the cache (hits, misses,
    /// re-preparations, round trips, plain or not), also when it throws. The cache's own totals
    /// move with it; nobody has to read them before and after.
    package func execute(_ query: NormalizedQuery, _ parameters: [PostgresBind], on connection: Connection,
                 cache: StatementCache, deadline: ContinuousClock.Instant?,
                 counting counters: inout StatementCacheStatistics) async throws -> QueryResult {
        var execution = makeExecution(query, parameters, connection: connection, cache: cache)
        var roundTrips = 0
        defer {
            counters = execution.counted
            counters.roundTrips = roundTrips
        }
        var next = execution.start()
        while true {
            switch next {
            case .send(let steps):
                cache.statistics.roundTrips += 1
                roundTrips += 1
                let outcomes = try await connection.pipeline(steps, deadline: deadline)
                next = execution.handle(outcomes, transactionStatus: connection.transactionStatus)
            case .finished(let result):
                return result
            case .failed(let error):
                throw error
            }
        }
    }

    /// The blocking variant of `execute`: waits on the caller's thread.
    public func execute(_ query: NormalizedQuery, _ parameters: [PostgresBind], on connection: Connection,
                        cache: StatementCache, deadline: ContinuousClock.Instant? = nil) throws -> QueryResult {
        var counters = StatementCacheStatistics()
        return try execute(query, parameters, on: connection, cache: cache, deadline: deadline, counting: &counters)
    }

    /// The blocking variant of `execute(_:_:on:cache:deadline:counting:)`.
    package func execute(_ query: NormalizedQuery, _ parameters: [PostgresBind], on connection: Connection,
                 cache: StatementCache, deadline: ContinuousClock.Instant?,
                 counting counters: inout StatementCacheStatistics) throws -> QueryResult {
        var execution = makeExecution(query, parameters, connection: connection, cache: cache)
        var roundTrips = 0
        defer {
            counters = execution.counted
            counters.roundTrips = roundTrips
        }
        var next = execution.start()
        while true {
            switch next {
            case .send(let steps):
                cache.statistics.roundTrips += 1
                roundTrips += 1
                let outcomes = try connection.pipeline(steps, deadline: deadline)
                next = execution.handle(outcomes, transactionStatus: connection.transactionStatus)
            case .finished(let result):
                return result
            case .failed(let error):
                throw error
            }
        }
    }

    /// Runs `query` as one autocommit request among other callers' on a multiplexed connection.
    /// Every decision is made under the multiplexer's lock, just before its steps are sent, so the
    /// cache is in step with the order of sends (a Parse one caller sent is usable by the next).
    ///
    /// - Returns: the result and this statement's own cache counters (the cache's totals move
    ///   with other callers' statements too).
    /// - Throws: as `execute`, plus `PipelineMultiplexer.Abandoned` when the caller stopped
    ///   waiting (then `onAbandoned` runs once the request has been read).
    package func executeMultiplexed(_ query: NormalizedQuery, _ parameters: [PostgresBind], on multiplexer: PipelineMultiplexer,
                            cache: StatementCache, deadline: ContinuousClock.Instant?,
                            onAbandoned: @escaping @Sendable (_ broken: Bool) -> Void) async throws -> (QueryResult, StatementCacheStatistics) {
        // Checked before anything is decided, so a refused statement leaves no trace in the cache.
        if query.executableSQLContainsNUL { try Exchange.checkText(query.executableSQL, what: "SQL text") }
        try Exchange.checkParameters(parameters)
        let match = registry.resolveMatchNotingExecution(query)
        var execution: StatementExecution?
        var previous: [Result<QueryResult, PostgresError>]?
        var roundTrips = 0
        while true {
            var next: StatementExecution.Next?
            let outcomes = try await multiplexer.submit(deadline: deadline, onAbandoned: onAbandoned) { () -> PipelineMultiplexer.Groups? in
                if let outcomes = previous {
                    next = execution!.handle(outcomes, transactionStatus: .idle)
                } else {
                    // Between multiplexed requests the connection is always idle: each ends with its Sync.
                    execution = StatementExecution(query: query, parameters: parameters, match: match, registry: registry,
                                                   cache: cache, transactionStatus: .idle, logger: multiplexer.connection.logger)
                    next = execution!.start()
                }
                if case .send(let steps)? = next {
                    cache.statistics.roundTrips += 1
                    roundTrips += 1
                    // Each DEALLOCATE in a group of its own: one that fails (the server no longer
                    // had the statement) then skips nothing of the caller's.
                    let deallocations = execution!.sentDeallocations.count
                    if deallocations == 0 { return .one(steps) }
                    return .several(steps.prefix(deallocations).map { [$0] } + [Array(steps.dropFirst(deallocations))])
                }
                return nil
            }
            if let outcomes {
                previous = outcomes
                continue
            }
            switch next {
            case .finished(let result)?:
                var counters = execution?.counted ?? StatementCacheStatistics()
                counters.roundTrips = roundTrips
                return (result, counters)
            case .failed(let error)?: throw error
            case .send?, nil: throw PostgresError(.misuse, "the statement layer sent nothing and has no outcome; this is a bug in RealPool")
            }
        }
    }

    private func makeExecution(_ query: NormalizedQuery, _ parameters: [PostgresBind], connection: Connection,
                               cache: StatementCache) -> StatementExecution {
        StatementExecution(
            query: query, parameters: parameters, match: registry.resolveMatchNotingExecution(query),
            registry: registry, cache: cache, transactionStatus: connection.transactionStatus,
            logger: connection.logger
        )
    }
}
