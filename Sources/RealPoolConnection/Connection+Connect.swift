import CLibPQ
import Foundation
import Logging

extension Connection {
    /// Opens a connection, waiting on the calling thread. Use from threads, never from async code.
    public static func connect(_ configuration: ConnectionConfiguration, logger: Logger = Logger(label: "RealPool.Connection")) throws -> Connection {
        let attempt = try ConnectAttempt(configuration)
        let deadline = ContinuousClock.now.advanced(by: configuration.connectTimeout)
        while let interest = try attempt.advance() {
            guard try BlockingSocketWait.wait(socket: PQsocket(attempt.pg), for: interest, deadline: deadline) else {
                throw attempt.timedOut()
            }
        }
        return try attempt.finish(logger: logger)
    }

    /// Opens a connection without blocking a thread: waits for the socket through the poller.
    public static func connect(_ configuration: ConnectionConfiguration, logger: Logger = Logger(label: "RealPool.Connection")) async throws -> Connection {
        let attempt = try ConnectAttempt(configuration)
        let deadline = ContinuousClock.now.advanced(by: configuration.connectTimeout)
        while let interest = try attempt.advance() {
            if try await SocketPoller.forCurrentThread.wait(socket: PQsocket(attempt.pg), for: interest, deadline: deadline) == .timedOut {
                throw attempt.timedOut()
            }
        }
        return try await attempt.finishAsync(logger: logger)
    }
}

/// The non-blocking connect handshake (`PQconnectStartParams` + `PQconnectPoll`), shared by the
/// blocking and the async `connect`.
final class ConnectAttempt {
    let pg: OpaquePointer
    let configuration: ConnectionConfiguration
    private var state = PGRES_POLLING_WRITING
    private var owned = true

    init(_ configuration: ConnectionConfiguration) throws {
        self.configuration = configuration
        if configuration.connectionString.utf8.contains(0) {
            throw PostgresError.invalidInput("the connection string contains a NUL byte")
        }
        let timeoutSeconds = max(2, Int(configuration.connectTimeout.components.seconds))
        // Order matters: with expand_dbname, later keywords override earlier ones. The caller's
        // string may override application_name and connect_timeout; client_encoding is forced
        // to UTF8 because every String RealPool builds assumes it.
        let pairs: [(String, String)] = [
            ("application_name", configuration.applicationName),
            ("connect_timeout", String(timeoutSeconds)),
            ("dbname", configuration.connectionString),
            ("client_encoding", "UTF8"),
        ]
        let keys = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer { for p in keys { free(p) }; for p in values { free(p) } }
        var k: [UnsafePointer<CChar>?] = keys.map { UnsafePointer<CChar>($0) }
        k.append(nil)
        var v: [UnsafePointer<CChar>?] = values.map { UnsafePointer<CChar>($0) }
        v.append(nil)
        guard let pg = PQconnectStartParams(&k, &v, 1) else {
            throw PostgresError(.connectionFailed, "out of memory starting a connection")
        }
        self.pg = pg
        if PQstatus(pg) == CONNECTION_BAD {
            let message = String(cString: PQerrorMessage(pg)).trimmingTrailingNewlines
            PQfinish(pg)
            owned = false
            throw PostgresError(.connectionFailed, "cannot connect to \(configuration.redactedConnectionString): \(message)")
        }
    }

    deinit { if owned { PQfinish(pg) } }

    /// Drives the handshake; returns what to wait for, or nil once connected.
    func advance() throws -> IOInterest? {
        switch state {
        case PGRES_POLLING_OK:
            return nil
        case PGRES_POLLING_FAILED:
            throw failure()
        default:
            break
        }
        // The first poll happens as if the socket were writable, as libpq documents: `state`
        // starts as PGRES_POLLING_WRITING.
        state = PQconnectPoll(pg)
        switch state {
        case PGRES_POLLING_OK: return nil
        case PGRES_POLLING_FAILED: throw failure()
        case PGRES_POLLING_READING: return .read
        default: return .readWrite
        }
    }

    func failure() -> PostgresError {
        let message = String(cString: PQerrorMessage(pg)).trimmingTrailingNewlines
        return PostgresError(.connectionFailed, "cannot connect to \(configuration.redactedConnectionString): \(message)")
    }

    func timedOut() -> PostgresError {
        PostgresError(.connectionFailed, "cannot connect to \(configuration.redactedConnectionString): timed out after \(configuration.connectTimeout)")
    }

    /// Hands the handle to a ``Connection`` and applies the settings every connection needs.
    func finish(logger: Logger) throws -> Connection {
        owned = false
        let connection = Connection(pg: pg, configuration: configuration, logger: logger)
        if let sql = connection.settingsToApply() { _ = try connection.simpleQuery(sql) }
        return connection
    }

    func finishAsync(logger: Logger) async throws -> Connection {
        owned = false
        let connection = Connection(pg: pg, configuration: configuration, logger: logger)
        if let sql = connection.settingsToApply() { _ = try await connection.simpleQuery(sql) }
        return connection
    }
}

extension Connection {
    /// Dates decode from ISO text, and the normaliser reads `'...'` with backslashes as plain
    /// characters; a DateStyle or standard_conforming_strings set otherwise in the connection
    /// string or on the role is overridden here, so neither depends on it. Usually nothing to do.
    func settingsToApply() -> String? {
        var sets: [String] = []
        if parameterStatus("DateStyle")?.hasPrefix("ISO") != true { sets.append("SET DateStyle TO ISO") }
        if parameterStatus("standard_conforming_strings") != "on" { sets.append("SET standard_conforming_strings TO on") }
        return sets.isEmpty ? nil : sets.joined(separator: "; ")
    }
}
