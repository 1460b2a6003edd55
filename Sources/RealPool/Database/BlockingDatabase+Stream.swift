import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
/// Streaming for thread-based code: rows of a large result fetched in batches through a
/// server-side cursor, handed to a closure one by one.
extension BlockingDatabase {
    /// Calls `body` with every row of a query that may return more than fits in memory. The
    /// connection is held until the last row has been handled or `body` throws; then the cursor
    /// is closed, its transaction ended (rolled back after a throw) and the connection returned.
    public func forEachRow(_ query: SQLQuery, batchSize: Int = 1000, file: String = #fileID, line: Int = #line,
                           _ body: (Row) throws -> Void) throws {
        try forEachRow(database.normalize(query.sql, dollarStyle: true), query.parameters, batchSize: batchSize,
                       callSite: CallSite(file: file, line: line), body)
    }

    /// ``forEachRow(_:batchSize:file:line:_:)`` with positional parameters (`$1`, or the
    /// configured placeholder style).
    public func forEachRow(_ sql: String, parameters: [any PostgresEncodable], batchSize: Int = 1000, file: String = #fileID,
                           line: Int = #line, _ body: (Row) throws -> Void) throws {
        try forEachRow(database.normalize(sql, dollarStyle: false), parameters.map(\.postgresBind), batchSize: batchSize,
                       callSite: CallSite(file: file, line: line), body)
    }

    private func forEachRow(_ query: NormalizedQuery, _ parameters: [PostgresBind], batchSize: Int, callSite: CallSite,
                            _ body: (Row) throws -> Void) throws {
        try StreamCursor.checkStreamable(query)
        let batchSize = max(1, batchSize)
        let lease = try database.leaseBlocking(callSite: callSite)
        let connection = lease.resource.connection
        lease.resource.noteStatement(query.sql)
        do {
            for r in try connection.pipeline(StreamCursor.openSteps(query, parameters)) { _ = try r.get() }
            while true {
                let batch = try connection.query(StreamCursor.fetchSQL(batchSize))
                for row in batch { try body(row) }
                if batch.count < batchSize { break }
            }
            _ = try connection.simpleQuery("COMMIT")
        } catch {
            if database.connectionUsable(lease), connection.transactionStatus != .idle {
                _ = try? connection.simpleQuery("ROLLBACK")
            }
            database.pool.release(lease, state: lease.resource.releaseState)
            throw error
        }
        database.pool.release(lease, state: lease.resource.releaseState)
    }
}
