import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
/// A logical connection for code that manages transactions itself or needs session state.
///
/// While idle it leases a connection per statement, like the ``Database``. `BEGIN` pins the
/// connection until `COMMIT` or `ROLLBACK`; a session-state statement (`SET`, `LISTEN`, a
/// temporary table, ...) pins it for the rest of the session, after which it is reset with
/// `DISCARD ALL` (or closed if that fails) before anyone else gets it.
public final class Session: StatementExecutor {
    let pin: SessionPin

    init(database: Database) { pin = SessionPin(database: database) }

    /// Whether the session currently holds a connection (for tests and diagnostics).
    public var isPinned: Bool { pin.isPinned }

    public func run(_ sql: String, _ parameters: [PostgresBind], dollarStyle: Bool, callSite: CallSite) async throws -> QueryResult {
        let database = pin.database
        let query = database.normalize(sql, dollarStyle: dollarStyle)
        try pin.usage.enter()
        defer { pin.usage.leave() }
        let (pinned, pinsForLife) = pin.prepare(query)
        let lease = if let pinned { pinned } else { try await database.lease(callSite: callSite) }
        defer { pin.settle(lease, forLife: pinsForLife) }
        return try await database.runStatement(query, parameters, on: lease.resource)
    }

    func end() async {
        guard let (lease, reset) = pin.end() else { return }
        var cleaned = true
        for sql in pin.cleanup(lease, reset: reset) where cleaned {
            cleaned = (try? await lease.resource.connection.simpleQuery(sql)) != nil
        }
        pin.release(lease, cleaned: cleaned, reset: reset)
    }
}

/// A ``Session`` for thread-based code (see ``BlockingDatabase/withSession(_:)``).
public final class BlockingSession: BlockingStatementExecutor {
    let pin: SessionPin

    init(database: Database) { pin = SessionPin(database: database) }

    /// Whether the session currently holds a connection (for tests and diagnostics).
    public var isPinned: Bool { pin.isPinned }

    public func run(_ sql: String, _ parameters: [PostgresBind], dollarStyle: Bool, callSite: CallSite) throws -> QueryResult {
        let database = pin.database
        let query = database.normalize(sql, dollarStyle: dollarStyle)
        try pin.usage.enter()
        defer { pin.usage.leave() }
        let (pinned, pinsForLife) = pin.prepare(query)
        let lease = if let pinned { pinned } else { try database.leaseBlocking(callSite: callSite) }
        defer { pin.settle(lease, forLife: pinsForLife) }
        return try database.runStatement(query, parameters, on: lease.resource)
    }

    func end() {
        guard let (lease, reset) = pin.end() else { return }
        var cleaned = true
        for sql in pin.cleanup(lease, reset: reset) where cleaned {
            cleaned = (try? lease.resource.connection.simpleQuery(sql)) != nil
        }
        pin.release(lease, cleaned: cleaned, reset: reset)
    }
}

extension Database {
    /// Runs `body` with a ``Session``: statements lease per statement while idle; `BEGIN` pins
    /// the connection until the transaction ends; session state pins it for the session.
    @discardableResult
    public func withSession<T>(_ body: (Session) async throws -> T) async throws -> T {
        let session = Session(database: self)
        do {
            let value = try await body(session)
            await session.end()
            return value
        } catch {
            await session.end()
            throw error
        }
    }
}

extension BlockingDatabase {
    /// The blocking twin of ``Database/withSession(_:)``.
    @discardableResult
    public func withSession<T>(_ body: (BlockingSession) throws -> T) throws -> T {
        let session = BlockingSession(database: database)
        defer { session.end() }
        return try body(session)
    }
}
