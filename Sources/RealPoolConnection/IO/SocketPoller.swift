#if canImport(Glibc)
import Glibc
import CEpoll
import RealPoolSupport

/// A background thread that waits on connections' sockets with epoll and resumes the task that
/// waits for it. Async callers therefore never park a cooperative-pool thread in libpq: they
/// suspend, and the poller wakes them when the server has answered. One (`shared`) serves every
/// task by default; more can be started as executors (``Database/ioExecutors(_:)``), each waiting
/// for the sockets of the tasks that run on it.
///
/// The thread is also a `TaskExecutor` (``Database/ioExecutor``, in `SocketPoller+TaskExecutor`):
/// tasks that prefer it run between polls on this very thread, so a statement's reply resumes its
/// task with no hand-over to another thread.
///
/// Registrations are one-shot (`EPOLLONESHOT`): each wait arms the socket once, and the poller
/// disarms it as it fires, so no stale wake-up can reach the next waiter of a reused descriptor.
/// The one exception, `watchContinuously`, is for a multiplexer's reader on this very thread,
/// on its own `dup` of the socket, which it removes from epoll before closing.
package final class SocketPoller: Sendable {
    /// The first I/O thread: every wait from outside the I/O threads goes here.
    package static let shared = SocketPoller(index: 0)

    /// The I/O threads started so far beyond `shared`, in order (``Database/ioExecutors(_:)``).
    private static let others = Locked<[SocketPoller]>([])

    /// The first `count` I/O threads, starting those not running yet. They live as long as the
    /// process, like `shared`.
    package static func pollers(_ count: Int) -> [SocketPoller] {
        precondition(count >= 1, "RealPool: at least one I/O thread")
        return [shared] + others.withLock { others in
            while others.count < count - 1 { others.append(SocketPoller(index: others.count + 1)) }
            return Array(others.prefix(count - 1))
        }
    }

    /// The I/O thread the caller runs on, if it runs on one.
    package static var current: SocketPoller? {
        guard let me = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<SocketPoller>.fromOpaque(me).takeUnretainedValue()
    }

    /// Where the caller's waits go: its own I/O thread, so that the reply resumes it there with no
    /// hand-over, or `shared` from any other thread.
    static var forCurrentThread: SocketPoller { current ?? shared }

    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "RealPool: cannot create a thread-local key")
        return key
    }()

    enum WaitOutcome: Sendable { case ready, timedOut }

    /// Who to tell when a socket is ready: a suspended task, or a handler that runs on the
    /// poller's thread itself (a connection's multiplexer reads its results there, saving a hop
    /// through the cooperative pool for every batch of results).
    private enum Wake {
        /// A waiter leaves `waiters` under the lock before it is resumed, so it is resumed once
        /// (see ``ResumedOnce`` for the checked and unchecked variants).
        case task(ResumedOnce<WaitOutcome>)
        case handler(@Sendable (WaitOutcome) -> Void)

        func callAsFunction(_ outcome: WaitOutcome) {
            switch self {
            case .task(let c): c.resume(returning: outcome)
            case .handler(let h): h(outcome)
            }
        }
    }

    private struct Waiter {
        var wake: Wake
        var deadline: ContinuousClock.Instant?
        var id: UInt64
        /// Set for `watchContinuously`: armed level-triggered for this interest, and kept after
        /// it fires.
        var continuous: IOInterest? = nil
    }

    /// The waiters by socket, counting those with a deadline: without any, a turn skips both
    /// scans for the earliest and the expired, which otherwise copy every waiter every turn.
    private struct WaiterTable {
        private(set) var bySocket: [Int32: Waiter] = [:]
        private(set) var withDeadline = 0

        subscript(socket: Int32) -> Waiter? {
            get { bySocket[socket] }
            set {
                if bySocket[socket]?.deadline != nil { withDeadline -= 1 }
                if newValue?.deadline != nil { withDeadline += 1 }
                bySocket[socket] = newValue
            }
        }

        mutating func removeValue(forKey socket: Int32) -> Waiter? {
            let removed = bySocket.removeValue(forKey: socket)
            if removed?.deadline != nil { withDeadline -= 1 }
            return removed
        }
    }

    private struct State {
        var waiters = WaiterTable()
        var nextID: UInt64 = 0
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let state = Locked(State())
    /// Jobs of tasks that prefer this thread as their executor.
    let jobs = Locked(JobQueue())

    struct JobQueue {
        var pending: [UnownedJob] = []
        /// The buffer of the batch run last, kept for the next batch: swapping the two saves an
        /// allocation per turn.
        var spare: [UnownedJob] = []
        /// True while the poller sleeps in epoll_wait with no job pending: an enqueue must wake it.
        var sleeping = false
        /// `afterQueuedJobs`: run after the next batch of jobs, before the poller sleeps again, or
        /// after the one following it when registered by a job of the batch running now.
        var afterBatch: [@Sendable () -> Void] = []
        var afterNextBatch: [@Sendable () -> Void] = []
        var runningBatch = false
    }

    /// Whether the caller runs on the poller's thread (a job of a task that prefers the I/O executor).
    var isCurrentThread: Bool { Self.current === self }

    /// Its place among the I/O threads (0 for `shared`): the pool's affinity for connections
    /// leased from this thread.
    package let index: Int

    private init(index: Int) {
        self.index = index
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
            try await withResumedOnce { (cont: ResumedOnce<WaitOutcome>) in
                if cancellable && Task.isCancelled {
                    cont.resume(throwing: CancellationError())
                    return
                }
                if let error = register(socket, interest, Waiter(wake: .task(cont), deadline: deadline, id: id)) {
                    if case .task(let c)? = state.withLock({ $0.waiters.removeValue(forKey: socket) })?.wake {
                        c.resume(throwing: error)
                    }
                }
            }
        } onCancel: {
            guard cancellable else { return }
            let w = state.withLock { s -> Waiter? in
                guard let w = s.waiters[socket], w.id == id else { return nil }
                s.waiters[socket] = nil
                return w
            }
            if case .task(let c)? = w?.wake { c.resume(throwing: CancellationError()) }
        }
    }

    /// Calls `handler` on the poller's thread once `socket` is ready for `interest` or the
    /// deadline passes. The handler must not block; it may watch again. Returns an error, and
    /// never calls the handler, when the socket cannot be watched.
    func watch(socket: Int32, for interest: IOInterest, deadline: ContinuousClock.Instant?,
               handler: @escaping @Sendable (WaitOutcome) -> Void) -> PostgresError? {
        let id = state.withLock { s -> UInt64 in s.nextID &+= 1; return s.nextID }
        guard let error = register(socket, interest, Waiter(wake: .handler(handler), deadline: deadline, id: id)) else { return nil }
        state.withLock { _ = $0.waiters.removeValue(forKey: socket) }
        return error
    }

    /// Like `watch`, but the registration stays armed after it fires (level-triggered), so a
    /// handler that watches again after every batch of results costs no `epoll_ctl`: only its
    /// deadline changes. Only for handlers that run on the poller's thread and read the socket
    /// before they return; otherwise readiness would fire again every turn. Ends with
    /// `forget(socket:)`, or a one-shot `watch` takes its place.
    func watchContinuously(socket: Int32, for interest: IOInterest, deadline: ContinuousClock.Instant?,
                           handler: @escaping @Sendable (WaitOutcome) -> Void) -> PostgresError? {
        // already armed for this interest: only the deadline and handler change; otherwise a new id
        let id = state.withLock { s -> UInt64? in
            if s.waiters[socket]?.continuous == interest {
                s.waiters[socket]!.deadline = deadline
                s.waiters[socket]!.wake = .handler(handler)
                return nil
            }
            s.nextID &+= 1
            return s.nextID
        }
        guard let id else {
            if deadline != nil, !isCurrentThread { wake() }
            return nil
        }
        guard let error = register(socket, interest, Waiter(wake: .handler(handler), deadline: deadline, id: id, continuous: interest)) else { return nil }
        state.withLock { _ = $0.waiters.removeValue(forKey: socket) }
        return error
    }

    /// Descriptors someone waits on that are closed: always a bug (whoever closed it left a wait
    /// behind, under a number the next socket may get). For tests.
    var waitsOnClosedDescriptors: [Int32] {
        state.withLock { s in s.waiters.bySocket.keys.filter { fcntl($0, F_GETFD) == -1 && errno == EBADF }.sorted() }
    }

    /// Drops a `watch` on `socket` without calling its handler and removes the descriptor from
    /// epoll, before it is closed. Essential for a `dup`ed descriptor: epoll forgets a
    /// registration only when the last descriptor of the socket closes, so an armed one would
    /// report the socket's activity under a number another connection may have by then.
    func forget(socket: Int32) {
        state.withLock { s in
            if case .handler? = s.waiters[socket]?.wake { s.waiters[socket] = nil }
        }
        var ev = epoll_event()
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, socket, &ev)
    }

    /// Records the waiter and arms the socket (one-shot). Returns the error if it cannot be armed
    /// (the waiter is then still recorded; the caller removes it).
    private func register(_ socket: Int32, _ interest: IOInterest, _ waiter: Waiter) -> PostgresError? {
        state.withLock { s in
            // a continuous watch is replaced by the next registration of its owner
            precondition(s.waiters[socket] == nil || s.waiters[socket]?.continuous != nil, "RealPool: two waiters on one socket")
            s.waiters[socket] = waiter
        }
        var ev = epoll_event()
        ev.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        if waiter.continuous == nil { ev.events |= EPOLLONESHOT.rawValue }
        if case .readWrite = interest { ev.events |= EPOLLOUT.rawValue }
        ev.data.fd = socket
        if epoll_ctl(epollFD, EPOLL_CTL_MOD, socket, &ev) != 0, epoll_ctl(epollFD, EPOLL_CTL_ADD, socket, &ev) != 0 {
            return PostgresError(.connectionLost, "cannot wait on the connection's socket: \(String(cString: strerror(errno)))")
        }
        // the poller must recompute its timeout when a waiter with a deadline arrives (on its own
        // thread it does so before it next sleeps)
        if waiter.deadline != nil, !isCurrentThread { wake() }
        return nil
    }

    func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    private func run(epollFD: Int32, wakeFD: Int32) {
        // pollers are never deallocated: an unretained reference is safe for the thread's life
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        // kept across turns, like `events`: a turn allocates nothing of its own
        var ready: [Wake] = []
        while true {
            runPendingJobs()
            // with jobs queued (by the jobs just run, or from other threads) only peek at the sockets
            let sleeping = jobs.withLock { q -> Bool in
                q.sleeping = q.pending.isEmpty && q.afterBatch.isEmpty
                return q.sleeping
            }
            let timeout = sleeping ? nextTimeoutMilliseconds() : 0
            let n = events.withUnsafeMutableBufferPointer { epoll_wait(epollFD, $0.baseAddress, 64, timeout) }
            if sleeping { jobs.withLock { $0.sleeping = false } }
            if n < 0 {
                if errno == EINTR { continue }
                fatalError("RealPool: epoll_wait failed: \(String(cString: strerror(errno)))")
            }
            state.withLock { s in
                for i in 0..<Int(n) {
                    let fd = events[i].data.fd
                    if fd == wakeFD { continue }
                    guard let w = s.waiters[fd] else { continue }
                    if w.continuous == nil { s.waiters[fd] = nil }
                    ready.append(w.wake)
                }
            }
            for i in 0..<Int(n) where events[i].data.fd == wakeFD {
                var v: UInt64 = 0
                _ = read(wakeFD, &v, 8)
            }
            for w in ready { w(.ready) }
            // emptied now, not next turn: an idle poller must not keep a handler's connection alive
            ready.removeAll(keepingCapacity: true)
            expireDeadlines()
        }
    }

    private func nextTimeoutMilliseconds() -> Int32 {
        let earliest = state.withLock { s -> ContinuousClock.Instant? in
            guard s.waiters.withDeadline > 0 else { return nil }
            var earliest: ContinuousClock.Instant?
            for waiter in s.waiters.bySocket.values {
                if let d = waiter.deadline, earliest.map({ d < $0 }) ?? true { earliest = d }
            }
            return earliest
        }
        guard let earliest else { return -1 }
        let left = ContinuousClock.now.duration(to: earliest)
        if left <= .zero { return 0 }
        let (sec, atto) = left.components
        return Int32(clamping: sec * 1000 + atto / 1_000_000_000_000_000 + 1)
    }

    private func expireDeadlines() {
        let expired = state.withLock { s -> [Wake] in
            guard s.waiters.withDeadline > 0 else { return [] }
            let now = ContinuousClock.now
            var out: [Wake] = []
            for (fd, w) in s.waiters.bySocket where w.deadline.map({ $0 <= now }) ?? false {
                out.append(w.wake)
                // a continuous watch stays armed; its handler sets the next deadline
                if w.continuous == nil { s.waiters[fd] = nil } else { s.waiters[fd]!.deadline = nil }
            }
            return out
        }
        for w in expired { w(.timedOut) }
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
