import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
/// One-shot statements on a shared connection (`pipelineDepth` > 1): several callers' autocommit
/// statements in flight on one connection, each its own implicit transaction.
extension Database {
    /// Statements larger than this (SQL text plus parameters) get a connection of their own: libpq
    /// sends a request in one go under the connection's lock, which would hold up every other
    /// caller on it while megabytes go out, and a pipe full of one payload gains nothing anyway.
    static let maxMultiplexedBytes = 1 << 20

    static func fitsAPipeline(_ query: NormalizedQuery, _ parameters: [PostgresBind]) -> Bool {
        var bytes = query.executableSQL.utf8.count
        for p in parameters {
            bytes += p.bytes?.count ?? 0
            if bytes > maxMultiplexedBytes { return false }
        }
        return bytes <= maxMultiplexedBytes
    }

    func runMultiplexed(_ query: NormalizedQuery, _ parameters: [PostgresBind], callSite: CallSite) async throws -> QueryResult {
        let lease = try await self.lease(callSite: callSite, shared: true)
        let pooled = lease.resource
        let pool = self.pool
        pooled.noteStatement(query.sql)
        let started = ContinuousClock.now
        do {
            let (result, delta) = try await runner.executeMultiplexed(
                query, parameters, on: pooled.multiplexer, cache: pooled.statements, deadline: statementDeadline(),
                onAbandoned: { broken in pool.release(lease, state: broken ? .broken : .idle) })
            // Our request was read whole, so the connection was in step then; if it is lost just
            // after, the other lessees return it broken, or the next lease's check finds it dead.
            pool.release(lease, state: .idle)
            record(query, since: started, delta: delta, result: result)
            return result
        } catch let abandoned as PipelineMultiplexer.Abandoned {
            // Still in flight: the multiplexer releases the lease once the result has been read
            // and dropped, so nobody else is handed a connection with it pending.
            record(query, since: started, delta: StatementCacheStatistics(), result: nil)
            throw abandoned.reason
        } catch {
            releaseShared(lease)
            record(query, since: started, delta: StatementCacheStatistics(), result: nil)
            throw error
        }
    }

    private func releaseShared(_ lease: ConnectionPool<PooledConnection>.Lease) {
        pool.release(lease, state: lease.resource.multiplexer.isBroken ? .broken : .idle)
    }
}
