import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
/// Rows of a large result, fetched in batches through a server-side cursor while you iterate.
///
/// The stream holds its connection until the rows are consumed, the iteration is cancelled, or
/// the stream is dropped; then it closes the cursor, ends its transaction and returns the
/// connection. Outside a transaction it opens one of its own (a cursor lives in a transaction).
public struct RowStream: AsyncSequence, Sendable {
    /// Each element is one row of the result.
    public typealias Element = Row
    let database: Database
    let query: NormalizedQuery
    let parameters: [PostgresBind]
    let batchSize: Int
    let callSite: CallSite

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(cursor: StreamCursor(database: database, query: query, parameters: parameters, batchSize: batchSize, callSite: callSite))
    }

    /// Yields the rows, fetching the next batch from the cursor when one is used up.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let cursor: StreamCursor
        var batch: QueryResult?
        var index = 0

        public mutating func next() async throws -> Row? {
            while true {
                if let batch, index < batch.count {
                    defer { index += 1 }
                    return batch[index]
                }
                guard let next = try await cursor.fetch() else { return nil }
                batch = next
                index = 0
            }
        }
    }
}

/// The cursor behind a ``RowStream``; cleans up when finished or dropped.
final class StreamCursor: @unchecked Sendable {
    let database: Database
    let query: NormalizedQuery
    let parameters: [PostgresBind]
    let batchSize: Int
    let callSite: CallSite
    // Only touched by the iterating task (an iterator is not shared), or by deinit.
    private var lease: ConnectionPool<PooledConnection>.Lease?
    private var finished = false

    init(database: Database, query: NormalizedQuery, parameters: [PostgresBind], batchSize: Int, callSite: CallSite) {
        self.database = database
        self.query = query
        self.parameters = parameters
        self.batchSize = batchSize
        self.callSite = callSite
    }

    deinit {
        // dropped before the end: give the connection back after rolling back
        if let lease {
            let pool = database.pool
            Task {
                _ = try? await lease.resource.connection.simpleQuery("ROLLBACK")
                pool.release(lease, state: lease.resource.releaseState)
            }
        }
    }

    /// The next batch, or nil at the end (after cleaning up).
    func fetch() async throws -> QueryResult? {
        if finished { return nil }
        do {
            if lease == nil {
                try Self.checkStreamable(query)
                let l = try await database.lease(callSite: callSite)
                lease = l
                l.resource.noteStatement(query.sql)
                for r in try await l.resource.connection.pipeline(Self.openSteps(query, parameters)) { _ = try r.get() }
            }
            let batch = try await lease!.resource.connection.query(Self.fetchSQL(batchSize))
            if batch.count < batchSize {
                try await finish()
                return batch.isEmpty ? nil : batch
            }
            return batch
        } catch {
            await abandon()
            throw error
        }
    }

    // Shared with the blocking stream (`BlockingDatabase.forEachRow`).

    static func checkStreamable(_ query: NormalizedQuery) throws {
        guard query.kind == .preparable || query.kind == .unlexable else {
            throw UsageError(message: "stream() needs a query that returns rows (SELECT, VALUES, TABLE or WITH ... SELECT); `\(UsageError.abbreviate(query.sql))` is not one")
        }
    }

    /// A cursor lives in a transaction: open one and declare the cursor, in one round trip.
    static func openSteps(_ query: NormalizedQuery, _ parameters: [PostgresBind]) -> [PipelineStep] {
        [.query("BEGIN", []), .query("DECLARE realpool_stream NO SCROLL CURSOR FOR " + query.executableSQL, parameters)]
    }

    static func fetchSQL(_ batchSize: Int) -> String { "FETCH FORWARD \(batchSize) FROM realpool_stream" }

    private func finish() async throws {
        finished = true
        guard let l = lease else { return }
        lease = nil
        do {
            _ = try await l.resource.connection.simpleQuery("COMMIT")
        } catch {
            database.pool.release(l, state: l.resource.releaseState)
            throw error
        }
        database.pool.release(l, state: l.resource.releaseState)
    }

    private func abandon() async {
        finished = true
        guard let l = lease else { return }
        lease = nil
        if database.connectionUsable(l), l.resource.connection.transactionStatus != .idle {
            _ = try? await l.resource.connection.simpleQuery("ROLLBACK")
        }
        database.pool.release(l, state: l.resource.releaseState)
    }
}

extension Database {
    /// Streams the rows of a query that may return more than fits in memory. The connection is
    /// held until the rows are consumed or the iteration stops.
    public func stream(_ query: SQLQuery, batchSize: Int = 1000, file: String = #fileID, line: Int = #line) -> RowStream {
        RowStream(database: self, query: normalize(query.sql, dollarStyle: true), parameters: query.parameters,
                  batchSize: max(1, batchSize), callSite: CallSite(file: file, line: line))
    }

    /// Streams the rows of a query with positional parameters (`$1`, or the configured placeholder
    /// style). The connection is held until the rows are consumed or the iteration stops.
    public func stream(_ sql: String, parameters: [any PostgresEncodable], batchSize: Int = 1000, file: String = #fileID, line: Int = #line) -> RowStream {
        RowStream(database: self, query: normalize(sql, dollarStyle: false), parameters: parameters.map(\.postgresBind),
                  batchSize: max(1, batchSize), callSite: CallSite(file: file, line: line))
    }
}
