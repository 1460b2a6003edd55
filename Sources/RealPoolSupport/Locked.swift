#if canImport(Glibc)
import Glibc
#endif

/// State guarded by a pthread mutex: RealPool's one lock.
///
/// Not `Synchronization.Mutex`: ThreadSanitizer understands pthread mutexes, but the standard
/// library is not instrumented, so every access under a `Mutex` shared with a plain thread (the
/// socket poller, blocking callers) would be reported as a race, and real races would drown in
/// them. The cost is the same uncontended atomic either way.
package final class Locked<State>: @unchecked Sendable {
    // Allocated, not a stored `var`: a pointer to a stored property would cost a dynamic
    // exclusivity check per call, and its address is only stable this way.
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    // The mutex is what makes access exclusive; the runtime's dynamic check on every withLock
    // (begin/end access, 4–5 % of a statement's CPU on the I/O thread) only repeats it.
    @usableFromInline @exclusivity(unchecked) var state: State

    package init(_ state: State) {
        self.state = state
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    // Inlinable: every layer takes this lock on its hot path, now from other modules.
    @inlinable
    package func withLock<T>(_ body: (inout State) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}
