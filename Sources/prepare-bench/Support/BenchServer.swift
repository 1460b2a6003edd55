import EmbeddedPostgres
import Foundation
import RealPool

/// The server the benchmark runs against: the one `--dsn` / `DATABASE_URL` names, or a throwaway
/// embedded one that `stop()` removes.
final class BenchServer: @unchecked Sendable {
    let connectionString: String
    let embedded: EmbeddedPostgres?
    private let lock = NSLock()

    private init(connectionString: String, embedded: EmbeddedPostgres?) {
        self.connectionString = connectionString
        self.embedded = embedded
    }

    var isEmbedded: Bool { embedded != nil }

    /// For messages: the password never appears.
    var redacted: String { ConnectionConfiguration(connectionString).redactedConnectionString }

    static func start(dsn: String?) throws -> BenchServer {
        if let dsn { return BenchServer(connectionString: dsn, embedded: nil) }
        do {
            let server = try EmbeddedPostgres.start()
            return BenchServer(connectionString: server.connectionString, embedded: server)
        } catch {
            throw BenchError("cannot start the embedded PostgreSQL: \(BenchError.oneLine(error))")
        }
    }

    /// Idempotent and thread-safe (also called from the SIGINT handler).
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        embedded?.stop()
    }
}
