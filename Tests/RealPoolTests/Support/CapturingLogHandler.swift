import Logging
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

/// Collects log messages so tests can wait for a warning instead of reading stderr, and check
/// the level and structured metadata of what was logged.
final class LogCapture: Sendable {
    /// One log call: its level, message and metadata (the logger's merged with the call's).
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
        var error: String? = nil

        /// The whole line as a handler would print it: level, message, metadata, error.
        var line: String {
            let shown = metadata.isEmpty ? "" : " " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(level): \(message)\(shown)" + (error.map { " error=\($0)" } ?? "")
        }
    }

    private let records = Locked<[Record]>([])

    /// Every line with its metadata, so a test that looks for a secret also sees what a handler
    /// would print beside the message.
    var messages: [String] { records.withLock { $0.map(\.line) } }

    var entries: [Record] { records.withLock { $0 } }

    func append(_ record: Record) { records.withLock { $0.append(record) } }

    func logger(_ label: String = "test") -> Logger {
        Logger(label: label) { _ in CapturingLogHandler(capture: self) }
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The metadata goes into the line too, so that a test that looks for a secret in the logs
    /// also sees what a handler would print beside the message.
    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, call in call }
        capture.append(LogCapture.Record(level: event.level, message: "\(event.message)", metadata: merged, error: event.error.map { "\($0)" }))
    }
}
