import Logging

enum BenchLogging {
    /// Library logs to stderr, errors only: the benchmark's own progress and table are the output,
    /// and the faults a soak injects would otherwise flood it with expected warnings.
    static func bootstrapErrorsOnly() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
    }
}
