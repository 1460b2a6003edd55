import Logging
import RealPoolSupport

/// Runs the pool's ``PoolStateMachine`` for async and blocking callers alike.
///
/// Every decision is the state machine's; this type only carries out its actions: it opens,
/// pings, resets and closes connections in tasks, runs timers from one sleeping task, and wakes the
/// waiter a connection was given to. The hot path (an idle connection is free) takes one lock,
/// creates no task and does not suspend.
package final class ConnectionPool<Resource: PoolableConnection>: Sendable {
    typealias ConnectionID = PoolStateMachine.ConnectionID
    typealias RequestID = PoolStateMachine.RequestID
    typealias Action = PoolStateMachine.Action
    typealias Gauges = PoolMetrics.Gauges

    /// A connection handed to one caller, until it is released.
    package struct Lease: Sendable {
        let connectionID: ConnectionID
        let request: RequestID
        package let resource: Resource
    }

    enum WaiterSlot {
        /// Registered, no continuation yet: the answer may arrive before the caller suspends.
        case pending
        case async(CheckedContinuation<Result<Lease, any Error>, Never>)
        case blocking(BlockingWaiter<Lease>)
        /// The answer arrived before the caller was ready for it.
        case resolved(Result<Lease, any Error>)
    }

    struct LeaseInfo: Sendable {
        let connectionID: ConnectionID
        let callSite: CallSite
        let since: ContinuousClock.Instant
    }

    struct ResourceInfo {
        var resource: Resource?
        var connectTask: Task<Void, Never>?
        var abortConnect = false
        var createdAt: ContinuousClock.Instant
        /// A ping or a rollback of the pool's own is running on it. Closed meanwhile (the
        /// shutdown deadline), it is only interrupted: that task closes it when it is done. Closed
        /// under a task that waits on its socket, its descriptor number could be reused by a new
        /// connection while the poller still holds the old wait under that number.
        var checkRunning = false
    }

    private enum Wake { case none, async(CheckedContinuation<Result<Lease, any Error>, Never>), blocking(BlockingWaiter<Lease>), giveBack(Lease) }
    private enum CloseStep { case gone, aborting, close(Resource), interrupt(Resource), interruptCheck(Resource) }

    struct State {
        var machine: PoolStateMachine
        var nextRequestID = 0
        var waiters: [RequestID: WaiterSlot] = [:]
        var callSites: [RequestID: CallSite] = [:]
        var leases: [RequestID: LeaseInfo] = [:]
        /// The buffer a lease request's actions go into; a lease served at once takes its grant
        /// out and leaves it empty, and it comes back here with its capacity for the next one.
        var spareActions: [Action] = []
        var resources: [ConnectionID: ResourceInfo] = [:]
        /// Scheduled timers and when they are due. One sleeping task waits for the earliest: a
        /// task per timer would cost a task and a cancellation for every lease that waits (each
        /// has an acquire timeout), which under load is most of them.
        var timers: [PoolStateMachine.Timer: ContinuousClock.Instant] = [:]
        var sleeper: Task<Void, Never>?
        var sleeperDeadline: ContinuousClock.Instant?
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
        var shutdownCompleted = false

        // read per event: the full statistics are not copied for three numbers
        var gauges: Gauges {
            let st = machine.statistics
            return (st.idle, st.leased + st.checking + st.resetting, st.waiting)
        }
    }

    let name: String
    let configuration: PoolConfiguration
    let logger: Logger
    let metrics: PoolMetrics
    private let origin = ContinuousClock.now
    private let state: Locked<State>
    private let factory: @Sendable () async throws -> Resource

    /// A pool of connections made by `factory`. `sharedLesseesPerConnection` above 1 lets shared
    /// leases carry that many lessees on one connection (the caller's pipelined multiplexing).
    package init(name: String, configuration: PoolConfiguration, sharedLesseesPerConnection: Int = 1, logger: Logger,
                 factory: @escaping @Sendable () async throws -> Resource) {
        self.name = name
        var logger = logger
        logger[metadataKey: "db.client.connection.pool.name"] = "\(name)"
        self.logger = logger
        // fields set after `PoolConfiguration.init` are checked here, and corrected loudly
        let (configuration, corrections) = configuration.inRange()
        for correction in corrections { logger.warning("\(correction)") }
        self.configuration = configuration
        self.factory = factory
        self.metrics = PoolMetrics(poolName: name, configuration: configuration)
        self.state = Locked(State(machine: PoolStateMachine(configuration: configuration, sharedLesseesPerConnection: sharedLesseesPerConnection)))
        let actions = state.withLock { $0.machine.start(now: .origin) }
        perform(actions)
    }

    var now: PoolStateMachine.Instant { instant(.now) }

    /// The state machine's time for a clock reading (one reading serves both on the hot path).
    func instant(_ clock: ContinuousClock.Instant) -> PoolStateMachine.Instant {
        PoolStateMachine.Instant(origin.duration(to: clock))
    }

    // MARK: leasing

    /// Waits for a connection, suspending (never blocking) while none is free. A `shared` lease may be
    /// a connection that other shared lessees hold at the same time (pipelined multiplexing).
    /// `affinity` names the caller's thread when connections last leased from it are preferred.
    package func lease(callSite: CallSite, shared: Bool = false, affinity: Int? = nil) async throws -> Lease {
        let started = ContinuousClock.now
        let request: RequestID
        switch register(callSite, shared: shared, affinity: affinity, at: started) {
        case .leased(let lease):
            // served under the one lock: no wait worth another clock reading
            metrics.waitTime.recordNanoseconds(0)
            return lease
        case .queued(let queued): request = queued
        }
        if let ready = takeResolved(request) { return try granted(ready, since: started) }
        return try granted(await waitForLease(request), since: started)
    }

    /// Suspends until the request is answered (or the task is cancelled).
    private func waitForLease(_ request: RequestID) async -> Result<Lease, any Error> {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Lease, any Error>, Never>) in
                let ready = state.withLock { s -> Result<Lease, any Error>? in
                    if case .resolved(let r)? = s.waiters[request] {
                        s.waiters[request] = nil
                        return r
                    }
                    s.waiters[request] = .async(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let now = self.now
            perform(state.withLock { $0.machine.requestCancelled(request, now: now) })
        }
    }

    private func granted(_ result: Result<Lease, any Error>, since started: ContinuousClock.Instant) throws -> Lease {
        let lease = try result.get()
        metrics.waitTime.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
        return lease
    }

    /// Waits for a connection on the calling thread. Never call from async code.
    package func leaseBlocking(callSite: CallSite) throws -> Lease {
        let started = ContinuousClock.now
        let request: RequestID
        switch register(callSite, at: started) {
        case .leased(let lease):
            metrics.waitTime.recordNanoseconds(0)
            return lease
        case .queued(let queued): request = queued
        }
        if let ready = takeResolved(request) { return try granted(ready, since: started) }
        let waiter = BlockingWaiter<Lease>()
        let ready = state.withLock { s -> Result<Lease, any Error>? in
            if case .resolved(let r)? = s.waiters[request] {
                s.waiters[request] = nil
                return r
            }
            s.waiters[request] = .blocking(waiter)
            return nil
        }
        if let ready { return try granted(ready, since: started) }
        return try granted(waiter.wait(), since: started)
    }

    private enum Registration {
        /// Served at once: the lease is the caller's.
        case leased(Lease)
        /// Waiting (or being answered by actions just performed): see `takeResolved`.
        case queued(RequestID)
    }

    /// Asks the state machine for a connection. The hot path, a connection free for the taking,
    /// is settled under this one lock: the lease is recorded and returned without passing through
    /// the waiter slots, which only a request that has to wait needs.
    private func register(_ callSite: CallSite, shared: Bool = false, affinity: Int? = nil, at clock: ContinuousClock.Instant) -> Registration {
        let now = instant(clock)
        let (request, actions, served, gauges) = state.withLock { s -> (RequestID, [Action], (lease: Lease, joining: Bool)?, Gauges) in
            let id = s.nextRequestID
            s.nextRequestID += 1
            var actions = s.spareActions
            s.spareActions = []
            s.machine.leaseRequested(id, shared: shared, affinity: affinity, now: now, into: &actions)
            if let index = actions.firstIndex(where: { $0.grant(to: id) != nil }),
               let (connectionID, joining) = actions[index].grant(to: id),
               let resource = s.resources[connectionID]?.resource {
                actions.remove(at: index)
                if actions.isEmpty {
                    s.spareActions = actions
                    actions = []
                }
                s.leases[id] = LeaseInfo(connectionID: connectionID, callSite: callSite, since: clock)
                return (id, actions, (Lease(connectionID: connectionID, request: id, resource: resource), joining), s.gauges)
            }
            s.waiters[id] = .pending
            s.callSites[id] = callSite
            return (id, actions, nil, s.gauges)
        }
        guard let (served, joining) = served else {
            perform(actions, gauges: gauges)
            return .queued(request)
        }
        // A connection that was idle gets the zero-round-trip liveness check first; one joined
        // by shared lessees is in use, and its reader notices a lost socket.
        if !joining, !served.resource.isAlive() {
            logger.debug("idle connection found dead at lease; replacing it", metadata: served.resource.logMetadata.merging(["pool.connection": "\(served.connectionID)"]) { a, _ in a })
            perform(actions, gauges: gauges)
            let now = self.now
            perform(state.withLock { s -> [Action] in
                s.leases[request] = nil
                s.waiters[request] = .pending
                s.callSites[request] = callSite
                return s.machine.connectionFoundBroken(served.connectionID, request: request, now: now)
            })
            return .queued(request)
        }
        perform(actions, gauges: gauges)
        return .leased(served)
    }

    private func takeResolved(_ request: RequestID) -> Result<Lease, any Error>? {
        state.withLock { s in
            guard case .resolved(let r)? = s.waiters[request] else { return nil }
            s.waiters[request] = nil
            return r
        }
    }

    /// Gives the connection back. `state` says whether it can be reused as it is.
    package func release(_ lease: Lease, state releaseState: PoolStateMachine.ReleaseState) {
        let clock = ContinuousClock.now
        let now = instant(clock)
        let (actions, orphaned, gauges) = state.withLock { s -> ([Action], Bool, Gauges) in
            if let info = s.leases.removeValue(forKey: lease.request) {
                metrics.useTime.recordNanoseconds((clock - info.since).nanoseconds)
            }
            s.callSites[lease.request] = nil
            // a connection force-closed at the shutdown deadline is no longer the pool's
            let orphaned = s.resources[lease.connectionID] == nil
            let actions = s.machine.released(lease.connectionID, lessee: lease.request, now: now, state: releaseState)
            return (actions, orphaned, s.gauges)
        }
        if orphaned { lease.resource.close() }
        perform(actions, gauges: gauges)
    }

    // MARK: shutdown and inspection

    /// Stops handing out connections, fails waiters, closes idle connections and waits up to
    /// `gracePeriod` for leased ones to come back; then closes whatever is left.
    package func shutdown(gracePeriod: Duration) async {
        let now = self.now
        let actions = state.withLock { $0.machine.shutdown(now: now, deadline: now + gracePeriod) }
        perform(actions)
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.shutdownCompleted { return true }
                s.shutdownWaiters.append(c)
                return false
            }
            if done { c.resume() }
        }
    }

    package var statistics: PoolStatistics { state.withLock { $0.machine.statistics } }

    package struct ConnectionSnapshot: Sendable {
        let id: ConnectionID
        package let resource: Resource?
        package let state: String
        package let lessee: CallSite?
        package let leasedFor: Duration?
        package let age: Duration
    }

    package func snapshot() -> [ConnectionSnapshot] {
        let nowClock = ContinuousClock.now
        return state.withLock { s in
            let leaseByConnection = Dictionary(s.leases.values.map { ($0.connectionID, $0) }, uniquingKeysWith: { a, _ in a })
            return s.machine.connections.values.sorted { $0.id < $1.id }.map { record in
                let info = s.resources[record.id]
                let lease = leaseByConnection[record.id]
                let stateName: String
                switch record.state {
                case .connecting: stateName = "connecting"
                case .idle: stateName = "idle"
                case .checking: stateName = "checking"
                case .leased: stateName = "leased"
                case .resetting: stateName = "resetting"
                case .closing: stateName = "closing"
                }
                return ConnectionSnapshot(
                    id: record.id, resource: info?.resource, state: stateName, lessee: lease?.callSite,
                    leasedFor: lease.map { nowClock - $0.since }, age: info.map { nowClock - $0.createdAt } ?? .zero)
            }
        }
    }

    // MARK: carrying out actions

    func perform(_ actions: [Action]) {
        for action in actions { perform(action) }
        metrics.update(state.withLock { $0.gauges })
    }

    /// As `perform(_:)`, with the gauges read under the lock that produced the actions. With no
    /// actions nothing can have moved them since; otherwise they are read again afterwards.
    private func perform(_ actions: [Action], gauges: Gauges) {
        if actions.isEmpty {
            metrics.update(gauges)
        } else {
            perform(actions)
        }
    }

    private func perform(_ action: Action) {
        switch action {
        case .leaseConnection(let id, let request), .joinConnection(let id, let request):
            let resource = state.withLock { $0.resources[id]?.resource }
            let joining = if case .joinConnection = action { true } else { false }
            guard let resource, joining || resource.isAlive() else {
                logger.debug("idle connection found dead at lease; replacing it", metadata: (resource?.logMetadata ?? [:]).merging(["pool.connection": "\(id)"]) { a, _ in a })
                let now = self.now
                perform(state.withLock { $0.machine.connectionFoundBroken(id, request: request, now: now) })
                return
            }
            let lease = Lease(connectionID: id, request: request, resource: resource)
            let handedOver = state.withLock { s -> Bool in
                guard let site = s.callSites[request] else { return false }
                s.leases[request] = LeaseInfo(connectionID: id, callSite: site, since: .now)
                return true
            }
            if handedOver {
                resolve(request, .success(lease))
            } else {
                release(lease, state: .idle)
            }

        case .failRequest(let request, let reason):
            let error: any Error
            switch reason {
            case .cancelled:
                error = CancellationError()
            case .timeout(let lastConnectError):
                metrics.timeouts.increment()
                // the state machine keeps the last connect error (its text), and says it here
                let cause = lastConnectError.map { "; the last connection attempt failed: \($0)" } ?? ""
                error = PoolError(kind: .acquireTimeout, message: "no connection became free within the pool's acquireTimeout (\(configuration.acquireTimeout)); the pool has \(configuration.maxConnections) connections at most\(cause)")
            case .tooManyWaiters:
                error = PoolError(kind: .tooManyWaiters, message: "\(configuration.maxWaiters) callers are already waiting for a connection (maxWaiters); not queueing another")
            case .shutdown:
                error = PoolError(kind: .shutdown, message: "the pool is shut down")
            }
            state.withLock { _ = $0.callSites.removeValue(forKey: request) }
            resolve(request, .failure(error))

        case .createConnection(let id):
            state.withLock { s in
                s.resources[id] = ResourceInfo(createdAt: .now)
                s.resources[id]!.connectTask = Task { await self.connect(id) }
            }

        case .pingConnection(let id):
            guard let resource = startCheck(id) else { return }
            Task {
                let ok = await resource.ping()
                guard endCheck(id, resource) else { return }
                let now = self.now
                perform(state.withLock { ok ? $0.machine.pingSucceeded(id, now: now) : $0.machine.pingFailed(id, now: now) })
            }

        case .resetConnection(let id):
            guard let resource = startCheck(id) else { return }
            logger.warning("connection returned inside a transaction; rolling it back", metadata: resource.logMetadata.merging(["pool.connection": "\(id)"]) { a, _ in a })
            metrics.returnsRolledBack.increment()
            Task {
                let ok = await resource.reset()
                guard endCheck(id, resource) else { return }
                let now = self.now
                perform(state.withLock { ok ? $0.machine.resetSucceeded(id, now: now) : $0.machine.resetFailed(id, now: now) })
            }

        case .closeConnection(let id, let reason):
            close(id, reason: reason)

        case .scheduleTimer(let timer, let at):
            let deadline = origin.advanced(by: at.sinceOrigin)
            state.withLock { s in
                s.timers[timer] = deadline
                if s.sleeperDeadline.map({ deadline < $0 }) ?? true { armSleeper(&s, until: deadline) }
            }

        case .cancelTimer(let timer):
            // the sleeper wakes for nothing at worst, and then sleeps until the next timer
            state.withLock { _ = $0.timers.removeValue(forKey: timer) }

        case .leakWarning(let id, let request, let heldFor):
            let (site, resource) = state.withLock { ($0.leases[request]?.callSite, $0.resources[id]?.resource) }
            logger.warning(
                "a connection has been leased for \(heldFor), longer than leakDetectionThreshold; it is held at \(site?.description ?? "an unknown call site")",
                metadata: (resource?.logMetadata ?? [:]).merging(["pool.connection": "\(id)", "code.location": "\(site?.description ?? "?")"]) { a, _ in a })

        case .shutdownCompleted:
            let (waiters, sleeper) = state.withLock { s -> ([CheckedContinuation<Void, Never>], Task<Void, Never>?) in
                s.shutdownCompleted = true
                let w = s.shutdownWaiters
                s.shutdownWaiters = []
                s.timers = [:]
                defer { s.sleeper = nil; s.sleeperDeadline = nil }
                return (w, s.sleeper)
            }
            sleeper?.cancel()
            waiters.forEach { $0.resume() }
        }
    }

    /// Replaces the sleeping task with one that wakes at `deadline`. Called under the lock.
    private func armSleeper(_ s: inout State, until deadline: ContinuousClock.Instant) {
        s.sleeper?.cancel()
        s.sleeperDeadline = deadline
        s.sleeper = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            if Task.isCancelled { return }
            self.fireDueTimers()
        }
    }

    /// Fires every timer that is due, in deadline order, and sleeps until the next one.
    private func fireDueTimers() {
        let clock = ContinuousClock.now
        let due = state.withLock { s -> [PoolStateMachine.Timer] in
            let due = s.timers.filter { $0.value <= clock }.sorted { $0.value < $1.value }.map(\.key)
            for timer in due { s.timers[timer] = nil }
            s.sleeper = nil
            s.sleeperDeadline = nil
            if let next = s.timers.values.min() { armSleeper(&s, until: next) }
            return due
        }
        for timer in due {
            let now = self.now
            perform(state.withLock { s -> [Action] in
                s.machine.timerFired(timer, now: now)
            })
        }
    }

    private func resolve(_ request: RequestID, _ result: Result<Lease, any Error>) {
        let wake = state.withLock { s -> Wake in
            switch s.waiters[request] {
            case .pending?:
                s.waiters[request] = .resolved(result)
                return .none
            case .async(let c)?:
                s.waiters[request] = nil
                return .async(c)
            case .blocking(let b)?:
                s.waiters[request] = nil
                return .blocking(b)
            case .resolved?, nil:
                if case .success(let lease) = result { return .giveBack(lease) }
                return .none
            }
        }
        switch wake {
        case .none: break
        case .async(let c): c.resume(returning: result)
        case .blocking(let b): b.resume(result)
        case .giveBack(let lease): release(lease, state: .idle)
        }
    }

    private func connect(_ id: ConnectionID) async {
        let outcome: Result<Resource, any Error>
        let started = ContinuousClock.now
        do { outcome = .success(try await factory()) } catch { outcome = .failure(error) }
        if case .success = outcome { metrics.createTime.recordNanoseconds((ContinuousClock.now - started).nanoseconds) }
        let now = self.now
        let lifetime = configuration.jitteredLifetime(random: Double.random(in: 0..<1))
        var closeNow: Resource?
        let actions = state.withLock { s -> [Action] in
            s.resources[id]?.connectTask = nil
            if s.resources[id]?.abortConnect ?? true {
                // the state machine asked to close it while it was being opened
                if case .success(let r) = outcome { closeNow = r }
                s.resources[id] = nil
                return s.machine.connectionClosed(id, now: now)
            }
            switch outcome {
            case .success(let r):
                s.resources[id]?.resource = r
                s.resources[id]?.createdAt = .now
                return s.machine.connectSucceeded(id, now: now, lifetime: lifetime)
            case .failure(let e):
                s.resources[id] = nil
                return s.machine.connectFailed(id, error: "\(e)", now: now, random: Double.random(in: 0..<1))
            }
        }
        if case .failure(let e) = outcome {
            logger.warning("cannot open a connection: \(e)")
        }
        closeNow?.close()
        perform(actions)
    }

    /// The connection a ping or rollback is about to use, marked as in use by it.
    private func startCheck(_ id: ConnectionID) -> Resource? {
        state.withLock { s in
            guard let resource = s.resources[id]?.resource else { return nil }
            s.resources[id]!.checkRunning = true
            return resource
        }
    }

    /// The ping or rollback is done. False when the pool closed the connection meanwhile: it is
    /// closed now, and its outcome concerns nobody.
    private func endCheck(_ id: ConnectionID, _ resource: Resource) -> Bool {
        let stillOurs = state.withLock { s -> Bool in
            guard s.resources[id] != nil else { return false }
            s.resources[id]!.checkRunning = false
            return true
        }
        if !stillOurs { resource.close() }
        return stillOurs
    }

    private func close(_ id: ConnectionID, reason: PoolStateMachine.CloseReason) {
        let step = state.withLock { s -> CloseStep in
            guard let info = s.resources[id] else { return .gone }
            if info.resource == nil {
                s.resources[id]?.abortConnect = true
                info.connectTask?.cancel()
                return .aborting
            }
            s.resources[id] = nil
            if reason == .shutdownForced, s.leases.values.contains(where: { $0.connectionID == id }) {
                return .interrupt(info.resource!)
            }
            if info.checkRunning { return .interruptCheck(info.resource!) }
            return .close(info.resource!)
        }
        switch step {
        case .aborting:
            return  // `connect` reports connectionClosed when the attempt ends
        case .gone:
            break
        case .close(let r):
            logger.debug("closing a connection", metadata: r.logMetadata.merging(["pool.connection": "\(id)", "reason": "\(reason)"]) { a, _ in a })
            r.close()
        case .interrupt(let r):
            // still in use: stop its statement; the lessee's release closes it
            logger.warning("shutdown deadline passed with a connection still leased; cancelling its statement", metadata: r.logMetadata.merging(["pool.connection": "\(id)"]) { a, _ in a })
            r.interrupt()
        case .interruptCheck(let r):
            // the ping or rollback running on it closes it when it ends (`endCheck`)
            logger.debug("closing a connection once its check ends", metadata: r.logMetadata.merging(["pool.connection": "\(id)", "reason": "\(reason)"]) { a, _ in a })
            r.interrupt()
        }
        let now = self.now
        perform(state.withLock { $0.machine.connectionClosed(id, now: now) })
    }
}
