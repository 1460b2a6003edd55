import EmbeddedPostgres
import Foundation
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

/// A second embedded server, started with `ssl = on` and a throwaway CA, for the TLS tests only
/// (the shared `TestServer` stays as it is). Started on first use, stopped at exit.
enum TLSTestServer {
    private static let server = MadeOnce { () throws -> EmbeddedPostgres in
        let s = try EmbeddedPostgres.start(tls: true)
        started.withLock { $0 = s }
        atexit { TLSTestServer.started.withLock { $0 }?.stop() }
        return s
    }
    private static let started = Locked<EmbeddedPostgres?>(nil)

    /// Started off the cooperative pool on first use (see `offThePool`).
    static func get() async throws -> EmbeddedPostgres { try await server.get() }

    /// Loopback TCP with the password (scram-sha-256) and the given libpq TLS options, keyword form.
    static func conninfo(host: String = "127.0.0.1", _ tls: String) async throws -> String {
        let s = try await get()
        return "host=\(host) port=\(s.port) user=\(s.user) password=\(s.password) dbname=postgres \(tls)"
    }

    /// The same as a URL, the password in the userinfo.
    static func url(host: String = "localhost", _ query: String) async throws -> String {
        let s = try await get()
        return "postgres://\(s.user):\(s.password)@\(host):\(s.port)/postgres?\(query)"
    }

    /// A CA that signed nothing of the server's, made once (off the cooperative pool: openssl).
    static let wrongRoot = MadeOnce { () throws -> String in
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("realpool-wrong-ca-\(getpid())")
        let ca = try TLSCertificates.makeAuthority(in: dir, name: "wrong")
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "/realpool-wrong-ca-\(getpid())") }
        return ca.certificate
    }
}
