import Histogram

/// What one worker measured: latencies (µs) of the operations completed in the measurement
/// window, and every error it saw.
struct WorkerOutcome: Sendable {
    var histogram = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
    var operations = 0
    var errors = 0
    var firstError: String?
    var firstErrorAt: ContinuousClock.Instant?

    mutating func merge(_ other: WorkerOutcome) {
        histogram.add(other.histogram)
        operations += other.operations
        errors += other.errors
        if let e = other.firstError, let at = other.firstErrorAt, firstErrorAt == nil || at < firstErrorAt! {
            firstError = e
            firstErrorAt = at
        }
    }
}
