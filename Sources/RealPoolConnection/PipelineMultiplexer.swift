import CLibPQ
import Synchronization
#if canImport(Glibc)
import Glibc
import RealPoolSupport
#endif

/// Several callers' requests in flight on one connection at once (libpq pipeline mode): each
/// request is its steps followed by its own Sync, so each is its own implicit transaction and an
/// error in one skips only that request's later steps, never a neighbour's.
///
/// Callers `submit` from any task; the steps go out at once, behind whatever is already in
/// flight. While requests are in flight, one reader per connection (a watch on the socket poller,
/// then a short task each time the socket is ready) reads results in order and hands each
/// request's outcomes to its caller. Every libpq call on the connection happens under one lock,
/// so sends and reads never interleave inside libpq.
///
/// The connection must not be used any other way while requests are in flight (the pool grants
/// exclusive leases only on connections without shared lessees, and a shared lessee keeps its
/// lease until its request has been read). When the last request is read the connection leaves
/// pipeline mode and is an ordinary connection again; a reader on an I/O thread whose callers run
/// there waits for the end of that thread's turn first, and whoever takes the connection another
/// way stops it (`stopIdleReader`).
///
/// A caller that stops waiting (its task is cancelled, or its deadline passes) gets its error at
/// once; its request cannot be taken back, so its results are read and dropped, never handed to
/// anyone else, and `onAbandoned` runs when they have been read. No cancel request is sent: it
/// would stop whichever statement the server happens to run, possibly a neighbour's. Past the
/// deadline plus a grace period without any answer, the connection is considered stalled: it is
/// closed and every request in flight fails with `connectionLost`.
package final class PipelineMultiplexer: @unchecked Sendable {
    package typealias Outcomes = [Result<QueryResult, PostgresError>]
    /// A caller waiting for its outcomes. Every resume takes it out of the state under the lock
    /// first (a request leaves `requests`, or its `waiter` becomes nil), so each is resumed once
    /// (see ``ResumedOnce`` for the checked and unchecked variants).
    typealias Waiter = ResumedOnce<Outcomes?>

    /// What one request sends: groups of steps, each ended by its own Sync. Almost always one
    /// group, which then needs no array of groups (this is built for every statement).
    package enum Groups {
        case one([PipelineStep])
        case several([[PipelineStep]])
    }

    /// Thrown to a caller that stopped waiting while its request was in flight; `reason` is what
    /// the caller sees (`CancellationError` or a `.timeout` error).
    package struct Abandoned: Error {
        package let reason: any Error
    }

    private struct Request {
        let id: UInt64
        let stepCount: Int
        /// Syncs still to be read: a request may be several groups, each ended by its own Sync.
        var syncsLeft: Int
        let deadline: ContinuousClock.Instant?
        /// When the reader told the caller its deadline had passed: the stall grace period runs
        /// from here, not from `deadline`, so a reader that wakes late (a starved process) hands
        /// out `.timeout` first and judges a stall only after a real grace period of its own.
        var timedOutAt: ContinuousClock.Instant?
        var outcomes: Outcomes = []
        var pending: Result<QueryResult, PostgresError>?
        /// nil once the caller stopped waiting.
        var waiter: Waiter?
        var onAbandoned: (@Sendable (_ broken: Bool) -> Void)?
    }

    private struct State {
        var requests: [Request] = []
        /// The reader's own descriptor for the connection's socket (a `dup`), open exactly while
        /// the reader runs, and the one it watches. libpq closes its own descriptor from whichever
        /// call finds the connection dead (a caller's send, say), possibly while a watch is armed
        /// on it; the watch would then never fire, and would linger under a number the next
        /// connection reuses. The dup is closed only by the reader's end, after it left epoll.
        var readerSocket: Int32 = -1
        var readerRunning: Bool { readerSocket >= 0 }
        /// The I/O thread whose epoll watches `readerSocket`: the claimant's own, or `shared`.
        var readerPoller: SocketPoller?
        var needsFlush = false
        var inPipelineMode = false
        var lost: PostgresError?
        /// The I/O thread the latest caller runs on (``Database/ioExecutor``), if any. When it is
        /// the reader's own, the callers chose to run on that thread, so the reader reads there
        /// too, in the poller's turn, rather than hopping to another thread and back.
        var callerPoller: SocketPoller?
        /// Counts readers: a wake-up meant for an earlier reader (its watch fired just as it
        /// ended) must not touch the connection, which may have another user by then.
        var readerGeneration: UInt64 = 0
        /// The reader ran dry but stays for the rest of its poller's turn (`lingerOrFinish`).
        var lingering = false
        /// What the reader's continuous watch is armed for, so that a batch which leaves it
        /// unchanged (the common case: read, no deadline) does not arm it again.
        var armedWatch: ArmedWatch?
    }

    struct ArmedWatch: Equatable {
        let generation: UInt64
        let interest: IOInterest
        let deadline: ContinuousClock.Instant?
    }

    /// What the reader must do after one pass, worked out under the lock and done outside it.
    private struct Deliveries {
        var completed: [(Waiter, Result<Outcomes?, any Error>)] = []
        var abandoned: [@Sendable (_ broken: Bool) -> Void] = []
        var broken = false

        mutating func finish(_ request: Request, _ result: Result<Outcomes, any Error>) {
            if let waiter = request.waiter {
                // one allocation for a whole batch rather than one per doubling
                if completed.capacity == 0 { completed.reserveCapacity(8) }
                completed.append((waiter, result.map { Optional($0) }))
            } else if let onAbandoned = request.onAbandoned {
                abandoned.append(onAbandoned)
            }
        }

        func run() {
            // leases of abandoned requests first: whoever sees a later result also sees them back
            for release in abandoned { release(broken) }
            for (waiter, result) in completed { waiter.resume(with: result) }
        }
    }

    package let connection: Connection
    private let state = Locked(State())
    private let requestIDs = Atomic<UInt64>(0)
    /// What `expire` reads as the time. Tests pass a clock that jumps, to play a reader that
    /// wakes seconds after its deadline; the watches themselves always use the real clock.
    private let now: @Sendable () -> ContinuousClock.Instant

    package init(connection: Connection, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.connection = connection
        self.now = now
    }

    /// Requests sent and not yet read (abandoned ones included).
    var requestsInFlight: Int { state.withLock { $0.requests.count } }

    /// Whether a reader is running (for tests: it ends when nothing is in flight).
    var isReading: Bool { state.withLock { $0.readerRunning } }

    /// Readers started so far (for tests: one that lingers is not started again by the next burst).
    var readersStarted: UInt64 { state.withLock { $0.readerGeneration } }

    /// Whether the connection was lost (or closed as stalled) while multiplexing.
    package var isBroken: Bool { state.withLock { $0.lost != nil } }

    /// The connection's zero-round-trip liveness check, unless requests are in flight (their
    /// results make the socket readable; the reader notices a lost connection itself).
    package func isAliveWhenIdle() -> Bool {
        state.withLock { s in
            if s.lost != nil { return false }
            return !s.requests.isEmpty || connection.isAlive()
        }
    }

    /// Closes the connection; requests still in flight fail with `connectionLost`.
    package func close() {
        var failed = Deliveries()
        state.withLock { s in
            if s.requests.isEmpty {
                releaseReaderSocket(&s)
                connection.close()
            } else {
                lose(PostgresError(.connectionLost, "the connection was closed by the pool"), &s, &failed)
            }
        }
        failed.run()
    }

    /// Sends the groups of steps `build` returns (called under the lock, so whatever it decides
    /// from per-connection state is in step with the order of sends), each followed by its own
    /// Sync, and waits for their outcomes, one per step. `build` returning nil sends nothing and
    /// returns nil. The steps must already be valid (no NUL, at most 65535 parameters): nothing
    /// here checks them again.
    ///
    /// - Throws: `Abandoned` when the caller stopped waiting (task cancelled, `deadline` passed);
    ///   `onAbandoned` then runs once the request's results have been read. `connectionLost` when
    ///   the connection failed: every request in flight fails, and none may be retried.
    package func submit(
        deadline: ContinuousClock.Instant?,
        onAbandoned: @escaping @Sendable (_ broken: Bool) -> Void,
        build: () -> Groups?
    ) async throws -> Outcomes? {
        // not under the connection's lock, which the reader often holds for a whole batch of results
        let id = requestIDs.add(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withResumedOnce { (continuation: Waiter) in
                var failed = Deliveries()
                let (startReader, early) = state.withLock { s -> (Bool, Result<Outcomes?, any Error>?) in
                    // Not sent yet, so nothing to drop later: a plain cancellation.
                    if Task.isCancelled { return (false, .failure(CancellationError())) }
                    if let lost = s.lost { return (false, .failure(lost)) }
                    if connection.isClosed { return (false, .failure(PostgresError(.connectionLost, "the connection is closed"))) }
                    guard let request = build() else { return (false, .success(nil)) }
                    let stepCount: Int
                    let syncs: Int
                    do {
                        switch request {
                        case .one(let steps):
                            guard !steps.isEmpty else { return (false, .success(nil)) }
                            try send(steps, &s)
                            (stepCount, syncs) = (steps.count, 1)
                        case .several(let all):
                            let groups = all.filter { !$0.isEmpty }
                            guard !groups.isEmpty else { return (false, .success(nil)) }
                            for group in groups { try send(group, &s) }
                            (stepCount, syncs) = (groups.reduce(0) { $0 + $1.count }, groups.count)
                        }
                        try flush(&s)
                    } catch {
                        // A failed send leaves the connection's protocol state unknown.
                        lose(error as? PostgresError ?? PostgresError(.connectionLost, "\(error)"), &s, &failed)
                        return (false, .failure(s.lost ?? error))
                    }
                    s.callerPoller = SocketPoller.current
                    s.requests.append(Request(id: id, stepCount: stepCount, syncsLeft: syncs,
                                              deadline: deadline, waiter: continuation, onAbandoned: onAbandoned))
                    return (claimReader(&s, &failed), nil)
                }
                failed.run()
                if let early {
                    continuation.resume(with: early)
                    return
                }
                if startReader { drive() }
            }
        } onCancel: {
            abandon(id, reason: CancellationError())
        }
    }

    // MARK: sending

    /// The steps are not validated again here: the statement layer checks the caller's SQL and
    /// parameters before it decides anything (a refusal must leave no trace in the cache), and
    /// everything else in the steps comes from registered targets or is RealPool's own.
    private func send(_ group: [PipelineStep], _ s: inout State) throws {
        let pg = connection.pg
        if !s.inPipelineMode {
            guard PQenterPipelineMode(pg) == 1 else { throw sendFailure() }
            s.inPipelineMode = true
        }
        for step in group {
            guard Exchange.send(step, on: pg) == 1 else { throw sendFailure() }
        }
        guard PQpipelineSync(pg) == 1 else { throw sendFailure() }
    }

    private func flush(_ s: inout State) throws {
        let pg = connection.pg
        if !s.needsFlush {
            switch PQflush(pg) {
            case 0: break
            // The rest goes out when the reader next runs: it flushes before it reads, and it
            // will run, since a request already flushed completely is still in flight.
            case 1: s.needsFlush = true
            default: throw sendFailure()
            }
        }
    }

    private func sendFailure() -> PostgresError {
        PostgresError(.connectionLost, "connection to the server was lost: \(connection.lastErrorMessage())")
    }

    /// Makes the caller the reader unless one is running. Called right after a successful send,
    /// so the connection's socket is open.
    private func claimReader(_ s: inout State, _ out: inout Deliveries) -> Bool {
        guard !s.readerRunning else { return false }
        let socket = fcntl(PQsocket(connection.pg), F_DUPFD_CLOEXEC, 0)
        guard socket >= 0 else {
            // the request is in `s.requests`: `lose` fails it with the others
            lose(PostgresError(.connectionLost, "cannot duplicate the connection's socket: \(String(cString: strerror(errno)))"), &s, &out)
            return false
        }
        s.readerSocket = socket
        s.readerPoller = SocketPoller.forCurrentThread
        s.readerGeneration &+= 1
        return true
    }

    /// The reader is done: its descriptor leaves epoll, then closes.
    private func releaseReaderSocket(_ s: inout State) {
        s.lingering = false
        s.armedWatch = nil
        guard s.readerSocket >= 0 else { return }
        s.readerPoller?.forget(socket: s.readerSocket)
        Glibc.close(s.readerSocket)
        s.readerSocket = -1
        s.readerPoller = nil
    }

    // MARK: waiting and abandoning

    /// The caller stopped waiting: it gets `reason` now, its results are dropped when read.
    private func abandon(_ id: UInt64, reason: any Error) {
        let waiter = state.withLock { s -> Waiter? in
            guard let index = s.requests.firstIndex(where: { $0.id == id }) else { return nil }
            defer { s.requests[index].waiter = nil }
            return s.requests[index].waiter
        }
        waiter?.resume(throwing: Abandoned(reason: reason))
    }

    // MARK: reading

    /// Reads what has arrived and, while requests are in flight, watches the socket for more.
    /// Runs on the submitting caller's thread for the first request of a burst, then in a short
    /// task each time the socket is ready. Never blocks.
    private func drive() {
        var deliveries = Deliveries()
        state.withLock { s in
            guard let (interest, wakeBy) = pump(&s, &deliveries) else { return }
            // Armed under the lock, so that `lose` (which closes the socket under it too) can
            // never leave a watch on a descriptor another connection may reuse.
            let poller = s.readerPoller!
            let generation = s.readerGeneration
            let error: PostgresError?
            if s.callerPoller === poller {
                // The callers run on the poller's thread, so the reader does too, in the poller's
                // turn; it reads before it returns, so its watch can stay armed between batches.
                let wanted = ArmedWatch(generation: generation, interest: interest, deadline: wakeBy)
                if s.armedWatch == wanted {
                    error = nil
                } else {
                    error = poller.watchContinuously(socket: s.readerSocket, for: interest, deadline: wakeBy) { [self] outcome in
                        self.resume(after: outcome, generation: generation)
                    }
                    s.armedWatch = error == nil ? wanted : nil
                }
            } else {
                s.armedWatch = nil
                // Read in a task, not on the poller's thread: a large result takes a while to
                // parse, and the wake-ups of every connection it watches go through that thread.
                // The task runs where the latest caller runs (its I/O thread, or the global pool).
                let callers = s.callerPoller
                error = poller.watch(socket: s.readerSocket, for: interest, deadline: wakeBy) { [self] outcome in
                    Task(executorPreference: callers) { self.resume(after: outcome, generation: generation) }
                }
            }
            if let error { lose(error, &s, &deliveries) }
        }
        deliveries.run()
    }

    /// The socket is readable (or writable), or a deadline passed.
    private func resume(after outcome: SocketPoller.WaitOutcome, generation: UInt64) {
        var late = Deliveries()
        let current = state.withLock { s -> Bool in
            guard s.readerRunning, s.readerGeneration == generation else { return false }
            if outcome == .timedOut {
                // the poller dropped the deadline as it fired: the next batch must set one again
                s.armedWatch = nil
                expire(&s, &late)
            }
            if s.lost == nil, PQconsumeInput(connection.pg) == 0 {
                // Read what the server said before closing (57P01 ...), then fail the rest.
                let message = connection.lastErrorMessage()
                _ = pump(&s, &late)
                if s.lost == nil, !s.requests.isEmpty {
                    lose(PostgresError(.connectionLost, "connection to the server was lost: \(message)"), &s, &late)
                }
            }
            return true
        }
        late.run()
        if current { drive() }
    }

    /// Reads every result available without waiting. Returns what to wait for next and until when,
    /// or nil when nothing is in flight (the reader then ends; the connection has left pipeline
    /// mode).
    private func pump(_ s: inout State, _ out: inout Deliveries) -> (IOInterest, ContinuousClock.Instant?)? {
        let pg = connection.pg
        if s.lost != nil || s.requests.isEmpty { return finishReading(&s) }
        if s.needsFlush {
            switch PQflush(pg) {
            case 0: s.needsFlush = false
            case 1:
                // keep reading while we write, or a server blocked on a full socket deadlocks us
                if PQconsumeInput(pg) == 0 {
                    lose(PostgresError(.connectionLost, "connection to the server was lost: \(connection.lastErrorMessage())"), &s, &out)
                    return finishReading(&s)
                }
                return (.readWrite, wakeBy(s))
            default:
                lose(sendFailure(), &s, &out)
                return finishReading(&s)
            }
        }
        var nullsInARow = 0
        while !s.requests.isEmpty {
            if PQisBusy(pg) == 1 { return (.read, wakeBy(s)) }
            guard let raw = PQgetResult(pg) else {
                // A step's terminating NULL. A second one in a row means libpq has nothing more:
                // after a lost connection it returns NULL forever.
                nullsInARow += 1
                if nullsInARow > 1 {
                    guard PQstatus(pg) == CONNECTION_BAD else { return (.read, wakeBy(s)) }
                    lose(PostgresError(.connectionLost, "connection to the server was lost: \(connection.lastErrorMessage())"), &s, &out)
                    return finishReading(&s)
                }
                if let p = s.requests[0].pending {
                    s.requests[0].outcomes.append(p)
                    s.requests[0].pending = nil
                }
                continue
            }
            nullsInARow = 0
            switch Exchange.event(for: raw, on: pg) {
            case .sync:
                s.requests[0].syncsLeft -= 1
                guard s.requests[0].syncsLeft == 0 else { continue }
                let request = s.requests.removeFirst()
                if request.outcomes.count == request.stepCount {
                    out.finish(request, .success(request.outcomes))
                } else {
                    out.finish(request, .failure(PostgresError(.misuse, "\(request.outcomes.count) results for \(request.stepCount) steps")))
                }
                if s.requests.isEmpty { return lingerOrFinish(&s) }
            case .step(let outcome):
                s.requests[0].pending = outcome
            case .ignored:
                continue
            case .connectionBroken(var error):
                error.kind = .connectionLost
                lose(error, &s, &out)
                return finishReading(&s)
            case .unusable(let error):
                lose(error, &s, &out)
                return finishReading(&s)
            }
        }
        return finishReading(&s)
    }

    /// Ran dry. A reader whose callers run on its own poller's thread stays, still in pipeline
    /// mode with its watch armed, until the tasks it just resumed have had their turn: those
    /// typically send their next statement at once, and then nothing has to be set up again (a
    /// `dup`, two `epoll_ctl`s, a `close` and leaving and entering pipeline mode per burst).
    /// Whatever happens, it ends by the end of that turn (`settle`), or before anyone uses the
    /// connection another way (`stopIdleReader`).
    private func lingerOrFinish(_ s: inout State) -> (IOInterest, ContinuousClock.Instant?)? {
        guard s.lost == nil, let poller = s.readerPoller, s.callerPoller === poller, poller.isCurrentThread else {
            return finishReading(&s)
        }
        if !s.lingering {
            s.lingering = true
            let generation = s.readerGeneration
            poller.afterQueuedJobs { [self] in self.settle(generation: generation) }
        }
        return (.read, nil)
    }

    /// The end of the turn after the reader ran dry: stop it unless the callers sent more.
    private func settle(generation: UInt64) {
        state.withLock { s in
            guard s.readerGeneration == generation, s.lingering else { return }
            s.lingering = false
            stopIfIdle(&s)
        }
    }

    /// Stops a reader that ran dry and lingers, before the connection is used any other way
    /// (an exclusive lease, the pool's ping or reset): it must be out of pipeline mode, and
    /// nothing may watch its socket.
    package func stopIdleReader() {
        state.withLock { stopIfIdle(&$0) }
    }

    private func stopIfIdle(_ s: inout State) {
        if s.readerRunning, s.requests.isEmpty { _ = finishReading(&s) }
    }

    private func finishReading(_ s: inout State) -> (IOInterest, ContinuousClock.Instant?)? {
        if s.lost == nil, s.inPipelineMode {
            PQexitPipelineMode(connection.pg)
            s.inPipelineMode = false
        }
        releaseReaderSocket(&s)
        return nil
    }

    /// The earliest instant the reader must wake without news from the server: a waiting caller's
    /// deadline, or the point where the oldest request counts as stalled.
    private func wakeBy(_ s: State) -> ContinuousClock.Instant? {
        var earliest: ContinuousClock.Instant?
        for request in s.requests {
            guard let deadline = request.deadline else { continue }
            let due = request.waiter == nil ? (request.timedOutAt ?? deadline).advanced(by: Connection.cancelGrace) : deadline
            earliest = earliest.map { min($0, due) } ?? due
        }
        return earliest
    }

    /// Deadlines passed: their callers get `.timeout` now; a request that has had no answer even
    /// a grace period after its caller got that timeout means the server or network has stalled,
    /// and the connection goes.
    ///
    /// The grace period is measured from when this reader handed out the timeout, never from the
    /// deadline itself: a wake-up that comes seconds late (every thread of a loaded machine's
    /// cooperative pool busy, say) must not turn a deadline into `connectionLost`. And an answer
    /// that arrived while the reader was kept from running is no stall.
    private func expire(_ s: inout State, _ out: inout Deliveries) {
        let now = self.now()
        if let oldest = s.requests.first, let deadline = oldest.deadline, oldest.waiter == nil,
           (oldest.timedOutAt ?? deadline).advanced(by: Connection.cancelGrace) <= now, !answerArrived() {
            lose(PostgresError(.connectionLost, "the server did not answer in time (statementDeadline plus \(Connection.cancelGrace)); the connection was closed"), &s, &out)
            return
        }
        for i in s.requests.indices {
            guard let deadline = s.requests[i].deadline, deadline <= now, let waiter = s.requests[i].waiter else { continue }
            s.requests[i].waiter = nil
            s.requests[i].timedOutAt = now
            out.completed.append((waiter, .failure(Abandoned(reason: PostgresError(.timeout, "the statement did not finish within statementDeadline; it may still run (a multiplexed statement is never cancelled, since a cancel could hit a neighbour's statement); its result will be discarded")))))
        }
    }

    /// Whether the server has sent a whole result that nobody has read yet. A failed read says
    /// nothing here: the reader finds out after `expire`.
    private func answerArrived() -> Bool {
        PQconsumeInput(connection.pg) == 1 && PQisBusy(connection.pg) == 0
    }

    /// The connection is unusable: close it and fail every request in flight.
    private func lose(_ error: PostgresError, _ s: inout State, _ out: inout Deliveries) {
        guard s.lost == nil else { return }
        var e = error
        if e.kind != .misuse { e.kind = .connectionLost }
        s.lost = e
        out.broken = true
        connection.markBroken()
        // A watch armed now never fires (nothing more is read): end the reader here. A handler
        // that has already fired finds the connection lost and ends too.
        releaseReaderSocket(&s)
        connection.close()
        for request in s.requests { out.finish(request, .failure(e)) }
        s.requests = []
        s.inPipelineMode = false
    }
}
