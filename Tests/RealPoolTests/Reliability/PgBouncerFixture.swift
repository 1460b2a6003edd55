import EmbeddedPostgres
import Foundation
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

/// A pgbouncer in front of the shared embedded server (or a server of its own when the tests run
/// against `REALPOOL_TEST_DSN`, whose socket it cannot reach), a table `t(id, name)` with
/// `name = 'n' || id`, and Databases pointed at the pooler.
struct PgBouncerFixture {
    let bouncer: PgBouncer
    let table: String
    /// Only when the fixture had to start its own server.
    let ownServer: EmbeddedPostgres?
    let direct: String

    /// Starts a fixture, runs `body`, and stops the fixture whatever `body` does: a PgBouncer a
    /// test started must never outlive it.
    static func with<T>(poolMode: String = "transaction", serverConnections: Int = 2,
                        _ body: (PgBouncerFixture) async throws -> T) async throws -> T {
        let f = try await start(poolMode: poolMode, serverConnections: serverConnections)
        do {
            let result = try await body(f)
            try await f.stop()
            return result
        } catch {
            try? await f.stop()
            throw error
        }
    }

    private static func start(poolMode: String, serverConnections: Int) async throws -> PgBouncerFixture {
        let own: EmbeddedPostgres? = try TestServer.embedded() == nil ? try await offThePool { try EmbeddedPostgres.start() } : nil
        let server = try own ?? TestServer.embedded()!
        let bouncer: PgBouncer
        do {
            bouncer = try await offThePool { try PgBouncer.start(inFrontOf: server, poolMode: poolMode, serverConnections: serverConnections) }
        } catch {
            if let own { try? await offThePool { own.stop() } }
            throw error
        }
        do {
            try await bouncer.waitUntilReady()
            let table = TestServer.uniqueName("bouncer")
            let c = try await Connection.connect(ConnectionConfiguration(server.connectionString))
            defer { c.close() }
            _ = try await c.simpleQuery("CREATE TABLE \(table) (id int PRIMARY KEY, name text NOT NULL); INSERT INTO \(table) SELECT g, 'n' || g FROM generate_series(1, 100) g")
            return PgBouncerFixture(bouncer: bouncer, table: table, ownServer: own, direct: server.connectionString)
        } catch {
            try? await offThePool { bouncer.stop(); own?.stop() }
            throw error
        }
    }

    /// A Database whose every connection goes through the pooler.
    func database(maxConnections: Int, capture: LogCapture? = nil, _ adjust: (inout DatabaseConfiguration) -> Void = { _ in }) -> Database {
        var pool = PoolConfiguration()
        pool.maxConnections = maxConnections
        pool.acquireTimeout = .seconds(30)
        var config = DatabaseConfiguration(ConnectionConfiguration(bouncer.connectionString, connectTimeout: .seconds(30), applicationName: "RealPoolTests"), pool: pool)
        if let capture { config.logger = capture.logger() }
        adjust(&config)
        return Database(config)
    }

    /// The registered shape every test runs.
    var lookup: String { "SELECT name FROM \(table) WHERE id = $1" }

    func stop() async throws {
        let c = try await Connection.connect(ConnectionConfiguration(direct))
        _ = try? await c.simpleQuery("DROP TABLE IF EXISTS \(table)")
        c.close()
        let (bouncer, ownServer) = (self.bouncer, self.ownServer)
        try await offThePool { bouncer.stop(); ownServer?.stop() }
    }
}
