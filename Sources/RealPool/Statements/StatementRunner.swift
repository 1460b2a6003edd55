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
        var execution = makeExecution(query, parameters, connection: connection, cache: cache)
        var next = execution.start()
        while true {
            switch next {
            case .send(let steps):
                cache.statistics.roundTrips += 1
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
        var execution = makeExecution(query, parameters, connection: connection, cache: cache)
        var next = execution.start()
        while true {
            switch next {
            case .send(let steps):
                cache.statistics.roundTrips += 1
                let outcomes = try connection.pipeline(steps, deadline: deadline)
                next = execution.handle(outcomes, transactionStatus: connection.transactionStatus)
            case .finished(let result):
                return result
            case .failed(let error):
                throw error
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
