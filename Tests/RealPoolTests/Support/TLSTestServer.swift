import EmbeddedPostgres
import Foundation
@testable import RealPool

/// A second embedded server, started with `ssl = on` and a throwaway CA, for the TLS tests only
/// (the shared `TestServer` stays as it is). Started on first use, stopped at exit.
enum TLSTestServer {
    private static let server: Result<EmbeddedPostgres, any Error> = {
        do {
            let s = try EmbeddedPostgres.start(tls: true)
            atexit { TLSTestServer.stopAtExit() }
            return .success(s)
        } catch {
            return .failure(error)
        }
    }()

    private static func stopAtExit() {
        if case .success(let s) = server { s.stop() }
    }

    static func get() throws -> EmbeddedPostgres { try server.get() }

    /// Loopback TCP with the password (scram-sha-256) and the given libpq TLS options, keyword form.
    static func conninfo(host: String = "127.0.0.1", _ tls: String) throws -> String {
        let s = try get()
        return "host=\(host) port=\(s.port) user=\(s.user) password=\(s.password) dbname=postgres \(tls)"
    }

    /// The same as a URL, the password in the userinfo.
    static func url(host: String = "localhost", _ query: String) throws -> String {
        let s = try get()
        return "postgres://\(s.user):\(s.password)@\(host):\(s.port)/postgres?\(query)"
    }

    /// A CA that signed nothing of the server's, made once.
    static let wrongRoot: Result<String, any Error> = {
        Result {
            let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("realpool-wrong-ca-\(getpid())")
            let ca = try TLSCertificates.makeAuthority(in: dir, name: "wrong")
            atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "/realpool-wrong-ca-\(getpid())") }
            return ca.certificate
        }
    }()
}
