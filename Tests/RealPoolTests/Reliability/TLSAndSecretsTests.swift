import EmbeddedPostgres
import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

/// A server with `ssl = on` and a self-signed CA: libpq's `sslmode` passes through RealPool, and
/// the password shows up in no error, log line, report or description.
@Suite("TLS and secrets")
struct TLSAndSecretsTests {
    private func sslInUse(_ c: Connection) async throws -> Bool {
        try await c.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")[0].decode(Bool.self, column: 0)
    }

    @Test func sslmodeRequireEncrypts() async throws {
        let c = try await Connection.connect(ConnectionConfiguration(try await TLSTestServer.conninfo("sslmode=require"), connectTimeout: .seconds(30)))
        defer { c.close() }
        #expect(try await sslInUse(c))
        // and through a pool
        let db = Database(DatabaseConfiguration(try await TLSTestServer.conninfo("sslmode=require")))
        #expect(try await db.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")[0].decode(Bool.self, column: 0))
        await db.shutdown()
    }

    @Test func verifyFullAgainstTheRightRootConnects() async throws {
        let ca = try #require(await TLSTestServer.get().tls).caCertificate
        let c = try await Connection.connect(ConnectionConfiguration(
            try await TLSTestServer.conninfo(host: "localhost", "sslmode=verify-full sslrootcert=\(ca)"), connectTimeout: .seconds(30)))
        defer { c.close() }
        #expect(try await sslInUse(c))
        // the certificate names 127.0.0.1 too
        let byAddress = try await Connection.connect(ConnectionConfiguration(
            try await TLSTestServer.conninfo(host: "127.0.0.1", "sslmode=verify-full sslrootcert=\(ca)"), connectTimeout: .seconds(30)))
        defer { byAddress.close() }
        #expect(try await sslInUse(byAddress))
    }

    @Test func verifyFullAgainstAWrongRootFailsClearly() async throws {
        let password = try await TLSTestServer.get().password
        let wrong = try await TLSTestServer.wrongRoot.get()
        for string in [try await TLSTestServer.conninfo(host: "localhost", "sslmode=verify-full sslrootcert=\(wrong)"),
                       try await TLSTestServer.url("sslmode=verify-full&sslrootcert=\(wrong)")] {
            let error = await #expect(throws: PostgresError.self) {
                try await Connection.connect(ConnectionConfiguration(string, connectTimeout: .seconds(30)))
            }
            #expect(error?.kind == .connectionFailed)
            let text = "\(error.map { "\($0)" } ?? "")"
            #expect(text.contains("certificate"), "unclear: \(text)")
            #expect(!text.contains(password), "the password leaked: \(text)")
        }
    }

    /// Every place a secret could surface: errors (wrong root, wrong password, a failed statement),
    /// log lines with their metadata, `db.report()`, statistics, and descriptions and dumps of the
    /// configurations, in URL and keyword form.
    @Test func thePasswordAppearsNowhere() async throws {
        let server = try await TLSTestServer.get()
        let password = server.password
        let ca = try #require(server.tls).caCertificate
        let wrong = try await TLSTestServer.wrongRoot.get()
        var seen: [String] = []

        let capture = LogCapture()
        // short acquire timeout only where connecting must fail: a loaded machine may take
        // seconds for a TLS handshake plus SCRAM
        func database(_ string: String, acquireTimeout: Duration = .seconds(30)) -> Database {
            var pool = PoolConfiguration()
            pool.maxConnections = 2
            pool.acquireTimeout = acquireTimeout
            var config = DatabaseConfiguration(ConnectionConfiguration(string, connectTimeout: .seconds(30)), pool: pool)
            config.logger = capture.logger()
            seen += [String(describing: config), String(reflecting: config), String(describing: config.connection),
                     String(reflecting: config.connection), config.connection.redactedConnectionString]
            var dumped = ""
            dump(config, to: &dumped)
            seen.append(dumped)
            return Database(config)
        }

        // a good connection: statements, a failing statement, the report
        for string in [try await TLSTestServer.url("sslmode=verify-full&sslrootcert=\(ca)"),
                       try await TLSTestServer.conninfo(host: "localhost", "sslmode=verify-full sslrootcert=\(ca)")] {
            let db = database(string)
            try db.addPrepareTarget("SELECT $1::text AS v")
            #expect(try await db.execute("SELECT \("x")::text AS v")[0].decode(String.self, column: 0) == "x")
            let failure = await #expect(throws: PostgresError.self) { try await db.execute("SELECT * FROM no_such_table_\(unsafeRaw: "x")") }
            seen.append("\(failure.map { "\($0)" } ?? "")")
            seen.append(db.report().description)
            seen.append("\(db.statistics)")
            await db.shutdown()
        }
        // connections that fail: a wrong root, a wrong password
        let wrongPassword = "Wrong\(password)"
        for string in [try await TLSTestServer.url("sslmode=verify-full&sslrootcert=\(wrong)"),
                       try await TLSTestServer.conninfo(host: "localhost", "sslmode=verify-full sslrootcert=\(wrong)"),
                       try await TLSTestServer.conninfo("sslmode=require").replacingOccurrences(of: password, with: wrongPassword)] {
            let direct = await #expect(throws: PostgresError.self) {
                try await Connection.connect(ConnectionConfiguration(string, connectTimeout: .seconds(30)))
            }
            #expect(direct?.kind == .connectionFailed)
            seen.append("\(direct.map { "\($0)" } ?? "")")
            let db = database(string, acquireTimeout: .seconds(2))
            let pooled = await #expect(throws: (any Error).self) { try await db.execute("SELECT 1") }
            seen.append("\(pooled.map { "\($0)" } ?? "")")
            seen.append(db.report().description)
            await db.shutdown()
        }
        seen += capture.messages
        #expect(capture.messages.contains { $0.contains("certificate") }, "the pool logged no connect failure: \(capture.messages)")
        #expect(capture.messages.contains { $0.contains("password authentication failed") }, "no log of the failed login: \(capture.messages)")
        // the text just before each occurrence says where it leaked, without printing it all
        let leaks = seen.filter { $0.contains(password) }.map { String($0[..<$0.range(of: password)!.lowerBound].suffix(160)) }
        #expect(leaks.isEmpty, "the password appears after: \(leaks)")
    }
}
