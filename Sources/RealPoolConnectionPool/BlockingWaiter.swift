import Foundation

/// A thread waiting for a lease. Blocking callers wait in the same queue as tasks; only the way
/// they are woken differs.
final class BlockingWaiter<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<Value, any Error>?

    func wait() -> Result<Value, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }

    func resume(_ r: Result<Value, any Error>) {
        condition.lock()
        result = r
        condition.signal()
        condition.unlock()
    }
}
