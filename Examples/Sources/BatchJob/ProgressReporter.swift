import Foundation
import Synchronization

/// Counts processed rows across the worker threads and prints a line each time another tenth of
/// the job is done (not per chunk: the output stays readable at any size).
final class ProgressReporter: Sendable {
    private let total: Int
    private let started = ContinuousClock.now
    private let state = Mutex((done: 0, printedTenths: 0, retries: 0))

    init(total: Int) { self.total = total }

    func add(rows: Int) {
        let line: String? = state.withLock { s in
            s.done += rows
            let tenths = s.done * 10 / max(total, 1)
            guard tenths > s.printedTenths else { return nil }
            s.printedTenths = tenths
            return "processed \(s.done)/\(total) rows (\(tenths * 10) %) in \(elapsed), \(s.retries) chunks retried"
        }
        // printed outside the lock; print itself keeps whole lines together
        if let line { print(line) }
    }

    func noteRetry() { state.withLock { $0.retries += 1 } }

    var retries: Int { state.withLock { $0.retries } }

    var elapsed: String {
        let time = (ContinuousClock.now - started).components
        let seconds = Double(time.seconds) + Double(time.attoseconds) / 1e18
        return String(format: "%.2f s", seconds)
    }
}
