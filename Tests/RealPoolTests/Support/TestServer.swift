import EmbeddedPostgres
import Foundation
import Logging
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

/// The PostgreSQL server every test in this process shares: an embedded throwaway server, or the
/// server named by `REALPOOL_TEST_DSN` when set. Started once, on first use, and stopped at exit.
enum TestServer {
    private static let server: Result<EmbeddedPostgres?, any Error> = {
        if ProcessInfo.processInfo.environment["REALPOOL_TEST_DSN"] != nil { return .success(nil) }
        do {
            let s = try EmbeddedPostgres.start()
            atexit { TestServer.stopAtExit() }
            return .success(s)
        } catch {
            return .failure(error)
        }
    }()

    private static func stopAtExit() {
        if case .success(let s?) = server { s.stop() }
    }

    /// The embedded server, for tests that restart or stop it.
    static func embedded() throws -> EmbeddedPostgres? { try server.get() }

    /// Unix-socket conninfo of the shared server.
    static func connectionString() throws -> String {
        if let dsn = ProcessInfo.processInfo.environment["REALPOOL_TEST_DSN"] { return dsn }
        return try server.get()!.connectionString
    }

    static func configuration() throws -> ConnectionConfiguration {
        _ = StallProbe.started
        return ConnectionConfiguration(try connectionString(), connectTimeout: .seconds(30), applicationName: "RealPoolTests")
    }

    static func connect() throws -> Connection { try Connection.connect(configuration()) }
    static func connect() async throws -> Connection { try await Connection.connect(configuration()) }

    /// Tests that need the embedded server itself (its TCP port, its password) are reported as
    /// skipped when `REALPOOL_TEST_DSN` points the suite at another server.
    static var embeddedOnly: ConditionTrait {
        .enabled(if: ProcessInfo.processInfo.environment["REALPOOL_TEST_DSN"] == nil,
                 "needs the embedded server (its port and password); REALPOOL_TEST_DSN names another server")
    }

    /// Whether a statement whose text contains `tag` is running on the server now, seen from a
    /// connection of its own (a statement's arrival is a condition to wait for, not a guess).
    static func isRunning(_ tag: String) async throws -> Bool {
        let observer = try await connect()
        defer { observer.close() }
        return try await observer.query(
            "SELECT count(*)::int FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()",
            ["%\(tag)%"])[0].decode(Int.self, column: 0) > 0
    }

    /// A table name no other test uses, so tests can run in parallel on one database.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Waits for a condition instead of sleeping a guessed time; fails after `timeout`.
    static func waitUntil(timeout: Duration = .seconds(10), _ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while try await !condition() {
            if ContinuousClock.now >= deadline { throw TestFailure("timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension TestServer {
    /// A Database on the shared server with a small pool, for pool behaviour tests.
    /// The reliability suite runs every scenario unmultiplexed and multiplexed (`pipelineDepth`).
    static let pipelineDepths = [1, 16]

    static func database(maxConnections: Int = 1, minConnections: Int = 0, pipelineDepth: Int = 1,
                         _ adjust: (inout DatabaseConfiguration) -> Void = { _ in }) throws -> Database {
        var pool = PoolConfiguration()
        pool.maxConnections = maxConnections
        pool.minConnections = minConnections
        pool.acquireTimeout = .seconds(30)  // generous: a loaded 2-core machine can be slow to connect
        var config = DatabaseConfiguration(try configuration(), pool: pool)
        config.pipelineDepth = pipelineDepth
        adjust(&config)
        return Database(config)
    }
}
