import Foundation
import Logging

/// What the service reads from its environment. Everything has a default, so that
/// `swift run --package-path Examples TodoService` works with no set-up at all.
struct ServiceConfiguration: Sendable {
    /// `DATABASE_URL`: a `postgres://` URL or a libpq conninfo string. Unset: the service starts a
    /// throwaway PostgreSQL of its own and deletes it on exit.
    var databaseURL: String?
    /// `HOST` (127.0.0.1) and `PORT` (8080): where the HTTP server listens.
    var host: String
    var port: Int
    /// `DB_MAX_CONNECTIONS` (4): far fewer than the concurrent requests it serves, since a request
    /// holds a connection only while one of its statements runs (the release point).
    var maxConnections: Int
    /// `LOG_LEVEL` (info). `debug` shows the statement cache at work: prepares, re-prepares,
    /// plain fallbacks, each with its shape's fingerprint and the backend PID.
    var logLevel: Logger.Level

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        databaseURL = environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        host = environment["HOST"] ?? "127.0.0.1"
        port = environment["PORT"].flatMap(Int.init) ?? 8080
        maxConnections = environment["DB_MAX_CONNECTIONS"].flatMap(Int.init) ?? 4
        logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    }
}
