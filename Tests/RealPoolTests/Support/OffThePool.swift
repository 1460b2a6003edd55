import Foundation
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

/// Runs blocking work (starting or restarting a server, waiting for a process to exit) on a
/// thread of its own and suspends until it is done.
///
/// Blocking calls made straight from an async test hold a thread of Swift's cooperative pool,
/// which has one thread per core: two of them at once on this 2-core machine freeze every task of
/// the process, the library's timers included, for as long as `initdb` or `pg_ctl` takes. That
/// is what made deadlines fire seconds late in other tests running beside them (a shutdown that
/// missed its grace period, a statement deadline seen past its stall limit).
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// A value made once by blocking work (a server started on first use), made off the cooperative
/// pool; every caller awaits the same attempt, and a failure is kept, as a `static let` would.
final class MadeOnce<Value: Sendable>: Sendable {
    private let make: @Sendable () throws -> Value
    private let attempt = Locked<Task<Value, any Error>?>(nil)

    init(_ make: @escaping @Sendable () throws -> Value) { self.make = make }

    func get() async throws -> Value {
        let task = attempt.withLock { a -> Task<Value, any Error> in
            if let a { return a }
            let make = self.make
            let t = Task { try await offThePool(make) }
            a = t
            return t
        }
        return try await task.value
    }

}
