import RealPoolSupport
import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool

/// The connection a transaction or session holds, and the rule that it runs one statement at a
/// time.
final class LeaseGuard: Sendable {
    private struct State {
        var active = true
        var busy = false
    }

    private let state = Locked(State())

    /// Marks the holder busy for one statement; throws when it has ended or is already busy.
    func enter() throws {
        try state.withLock { s in
            guard s.active else { throw UsageError.finished }
            guard !s.busy else { throw UsageError.concurrentUse }
            s.busy = true
        }
    }

    func leave() { state.withLock { $0.busy = false } }

    func finish() { state.withLock { $0.active = false } }
}
