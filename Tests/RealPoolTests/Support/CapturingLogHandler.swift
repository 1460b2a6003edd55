import Logging
@testable import RealPool

/// Collects log messages so tests can wait for a warning instead of reading stderr, and check
/// the level and structured metadata of what was logged.
final class LogCapture: Sendable {
    /// One log call: its level, message and metadata (the logger's merged with the call's).
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    private let records = Locked<[Record]>([])

    var messages: [String] { records.withLock { $0.map { "\($0.level): \($0.message)" } } }

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

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, call in call }
        capture.append(LogCapture.Record(level: event.level, message: "\(event.message)", metadata: merged))
    }
}
