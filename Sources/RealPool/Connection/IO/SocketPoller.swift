#if canImport(Glibc)
import Glibc
import CEpoll

/// One background thread that waits on every connection's socket with epoll and resumes the task
/// that waits for it. Async callers therefore never park a cooperative-pool thread in libpq: they
/// suspend, and the poller wakes them when the server has answered.
///
/// Registrations are one-shot (`EPOLLONESHOT`): each wait arms the socket once, and the poller
/// disarms it as it fires, so no stale wake-up can reach the next waiter of a reused descriptor.
final class SocketPoller: Sendable {
    static let shared = SocketPoller()

    enum WaitOutcome: Sendable { case ready, timedOut }

    private struct Waiter {
        var continuation: CheckedContinuation<WaitOutcome, any Error>
        var deadline: ContinuousClock.Instant?
        var id: UInt64
    }

    private struct State {
        var waiters: [Int32: Waiter] = [:]
        var nextID: UInt64 = 0
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let state = Locked(State())

    private init() {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        precondition(epollFD >= 0 && wakeFD >= 0, "RealPool: cannot create epoll/eventfd: \(String(cString: strerror(errno)))")
        var ev = epoll_event()
        ev.events = EPOLLIN.rawValue
        ev.data.fd = wakeFD
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &ev)
        let epollFD = self.epollFD
        let wakeFD = self.wakeFD
        let thread = PollerThread { [unowned self] in self.run(epollFD: epollFD, wakeFD: wakeFD) }
        thread.start()
    }

    /// Suspends until `socket` is ready for `interest`, the deadline passes, or (when
    /// `cancellable`) the task is cancelled, which throws `CancellationError`.
    func wait(socket: Int32, for interest: IOInterest, deadline: ContinuousClock.Instant?, cancellable: Bool = true) async throws -> WaitOutcome {
        let id = state.withLock { s -> UInt64 in s.nextID &+= 1; return s.nextID }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (cont: CheckedContinuation<WaitOutcome, any Error>) in
                if cancellable && Task.isCancelled {
                    cont.resume(throwing: CancellationError())
                    return
                }
                let earlierDeadline = state.withLock { s -> Bool in
                    precondition(s.waiters[socket] == nil, "RealPool: two waiters on one socket")
                    s.waiters[socket] = Waiter(continuation: cont, deadline: deadline, id: id)
                    return deadline != nil
                }
                var ev = epoll_event()
                ev.events = EPOLLIN.rawValue | EPOLLONESHOT.rawValue | EPOLLRDHUP.rawValue
                if case .readWrite = interest { ev.events |= EPOLLOUT.rawValue }
                ev.data.fd = socket
                if epoll_ctl(epollFD, EPOLL_CTL_MOD, socket, &ev) != 0 {
                    if epoll_ctl(epollFD, EPOLL_CTL_ADD, socket, &ev) != 0 {
                        let message = String(cString: strerror(errno))
                        if let w = state.withLock({ $0.waiters.removeValue(forKey: socket) }) {
                            w.continuation.resume(throwing: PostgresError(.connectionLost, "cannot wait on the connection's socket: \(message)"))
                        }
                        return
                    }
                }
                // the poller must recompute its timeout when a waiter with a deadline arrives
                if earlierDeadline { wake() }
            }
        } onCancel: {
            guard cancellable else { return }
            let w = state.withLock { s -> Waiter? in
                guard let w = s.waiters[socket], w.id == id else { return nil }
                s.waiters[socket] = nil
                return w
            }
            w?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Removes `socket` from the epoll set. For a descriptor about to be closed while another
    /// descriptor still refers to the same socket (the multiplexer's reader waits on a `dup` of the
    /// connection's socket): the kernel drops a registration only when the socket itself is closed,
    /// so a leftover armed registration would report the socket's later activity under a
    /// descriptor number that may by then belong to another connection. Call it with no wait
    /// pending on `socket`.
    func forget(socket: Int32) {
        var ev = epoll_event()
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, socket, &ev)
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    private func run(epollFD: Int32, wakeFD: Int32) {
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while true {
            let timeout = nextTimeoutMilliseconds()
            let n = events.withUnsafeMutableBufferPointer { epoll_wait(epollFD, $0.baseAddress, 64, timeout) }
            if n < 0 {
                if errno == EINTR { continue }
                fatalError("RealPool: epoll_wait failed: \(String(cString: strerror(errno)))")
            }
            var ready: [CheckedContinuation<WaitOutcome, any Error>] = []
            state.withLock { s in
                for i in 0..<Int(n) {
                    let fd = events[i].data.fd
                    if fd == wakeFD { continue }
                    if let w = s.waiters.removeValue(forKey: fd) { ready.append(w.continuation) }
                }
            }
            for i in 0..<Int(n) where events[i].data.fd == wakeFD {
                var v: UInt64 = 0
                _ = read(wakeFD, &v, 8)
            }
            for c in ready { c.resume(returning: .ready) }
            expireDeadlines()
        }
    }

    private func nextTimeoutMilliseconds() -> Int32 {
        let earliest = state.withLock { s in s.waiters.values.compactMap(\.deadline).min() }
        guard let earliest else { return -1 }
        let left = ContinuousClock.now.duration(to: earliest)
        if left <= .zero { return 0 }
        let (sec, atto) = left.components
        return Int32(clamping: sec * 1000 + atto / 1_000_000_000_000_000 + 1)
    }

    private func expireDeadlines() {
        let now = ContinuousClock.now
        let expired = state.withLock { s -> [CheckedContinuation<WaitOutcome, any Error>] in
            var out: [CheckedContinuation<WaitOutcome, any Error>] = []
            for (fd, w) in s.waiters where w.deadline.map({ $0 <= now }) ?? false {
                out.append(w.continuation)
                s.waiters[fd] = nil
            }
            return out
        }
        for c in expired { c.resume(returning: .timedOut) }
    }
}

/// A plain pthread for the poller: it blocks in epoll_wait, which must never happen on the
/// cooperative pool or on Dispatch's limited worker threads.
private final class PollerThread: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }

    func start() {
        var tid = pthread_t()
        let box = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&tid, nil, { arg in
            let me = Unmanaged<PollerThread>.fromOpaque(arg!).takeRetainedValue()
            me.body()
            return nil
        }, box)
        precondition(rc == 0, "RealPool: cannot start the socket poller thread")
        pthread_detach(tid)
    }
}
#endif
