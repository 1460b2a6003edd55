#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Waits for socket readiness on the calling thread with `poll(2)`. Used by the blocking API only,
/// which by contract runs on the caller's own thread, never on the cooperative pool.
enum BlockingSocketWait {
    /// Returns false when the deadline passed first.
    static func wait(socket: Int32, for interest: IOInterest, deadline: ContinuousClock.Instant?) throws -> Bool {
        var pfd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        if case .readWrite = interest { pfd.events |= Int16(POLLOUT) }
        while true {
            var timeoutMs: Int32 = -1
            if let deadline {
                let left = ContinuousClock.now.duration(to: deadline)
                if left <= .zero { return false }
                let (s, atto) = left.components
                timeoutMs = Int32(clamping: s * 1000 + atto / 1_000_000_000_000_000 + 1)
            }
            let r = poll(&pfd, 1, timeoutMs)
            if r > 0 { return true }
            if r == 0 { continue }  // re-check the deadline
            if errno == EINTR { continue }
            throw PostgresError(.connectionLost, "poll() failed: \(String(cString: strerror(errno)))")
        }
    }
}
