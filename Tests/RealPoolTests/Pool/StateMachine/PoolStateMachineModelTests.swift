import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

/// The model test's deterministic generator: every run drives the same event sequences.
typealias PoolModelRandom = SeededGenerator

/// A simulated executor: it runs the state machine's actions against a fake world (connects, pings,
/// resets and closes that complete later, a fake clock, leases held by fake callers) and checks, after
/// every event, both the state machine's own invariants and what the callers observe.
struct PoolModelExecutor {
    enum Outcome: Equatable { case waiting, offered(Int), held(Int), released, failed(PoolStateMachine.FailureReason) }

    var sm: PoolStateMachine
    var rng: PoolModelRandom
    var now = 0.0
    var timers: [PoolStateMachine.Timer: PoolStateMachine.Instant] = [:]
    var connecting: Set<Int> = []
    var pinging: Set<Int> = []
    var resetting: Set<Int> = []
    var closing: Set<Int> = []
    /// Connections handed over by a `leaseConnection` action but not yet checked by the executor.
    var offered: [(connection: Int, request: Int)] = []
    var held: [Int: Int] = [:]  // request → connection
    var outcomes: [Int: Outcome] = [:]
    var nextRequest = 1
    /// Requests made as shared leases (pipelined multiplexing).
    var sharedRequests: Set<Int> = []
    var shutdownCompleted = false
    var problems: [String] = []
    var steps = 0

    init(configuration: PoolConfiguration, sharedLesseesPerConnection: Int, seed: UInt64) {
        sm = PoolStateMachine(configuration: configuration, sharedLesseesPerConnection: sharedLesseesPerConnection)
        rng = PoolModelRandom(seed: seed)
    }

    var instant: PoolStateMachine.Instant { poolTime(now) }

    mutating func fail(_ message: String) {
        if problems.count < 20 { problems.append("step \(steps): \(message)") }
    }

    /// Runs one event through the state machine, applying and checking its actions.
    mutating func run(_ event: (inout PoolStateMachine) -> [PoolAction]) {
        steps += 1
        let queueBefore = sm.queue.orderedIDs
        let actions = event(&sm)
        var failedNow: Set<Int> = []
        var leasedNow: Set<Int> = []
        for action in actions {
            switch action {
            case .createConnection(let c):
                if !connecting.insert(c).inserted { fail("connection \(c) created twice") }
            case .leaseConnection(let c, let r):
                if offered.contains(where: { $0.connection == c }) || held.values.contains(c) {
                    fail("connection \(c) leased to \(r) while leased to another request")
                }
                switch outcomes[r] {
                case .waiting?: break
                default: fail("request \(r) leased while \(String(describing: outcomes[r]))")
                }
                outcomes[r] = .offered(c)
                offered.append((c, r))
                leasedNow.insert(r)
            case .joinConnection(let c, let r):
                let holders = held.filter { $0.value == c }.map(\.key) + offered.filter { $0.connection == c }.map(\.request)
                if !sharedRequests.contains(r) { fail("exclusive request \(r) joined connection \(c)") }
                if holders.isEmpty { fail("request \(r) joined connection \(c), which nobody holds") }
                if holders.contains(where: { !sharedRequests.contains($0) }) { fail("request \(r) joined \(c), held exclusively") }
                if holders.count + 1 > sm.sharedLesseesPerConnection { fail("connection \(c) over its depth") }
                if sm.statistics.size < sm.configuration.maxConnections { fail("joined \(c) while the pool could grow") }
                switch outcomes[r] {
                case .waiting?: break
                default: fail("request \(r) joined while \(String(describing: outcomes[r]))")
                }
                // no liveness check for a join: held at once
                outcomes[r] = .held(c)
                held[r] = c
                leasedNow.insert(r)
            case .pingConnection(let c):
                if !pinging.insert(c).inserted { fail("connection \(c) pinged twice at once") }
            case .resetConnection(let c):
                if !resetting.insert(c).inserted { fail("connection \(c) reset twice at once") }
            case .closeConnection(let c, _):
                if !closing.insert(c).inserted { fail("connection \(c) closed twice") }
            case .failRequest(let r, let reason):
                guard outcomes[r] == .waiting else {
                    fail("request \(r) failed (\(reason)) while \(String(describing: outcomes[r]))")
                    continue
                }
                outcomes[r] = .failed(reason)
                failedNow.insert(r)
            case .scheduleTimer(let timer, let when):
                if when < instant { fail("timer \(timer) scheduled in the past") }
                timers[timer] = when
            case .cancelTimer(let timer):
                timers[timer] = nil
            case .leakWarning(let c, let r, let heldFor):
                if held[r] != c && !offered.contains(where: { $0 == (c, r) }) {
                    fail("leak warning for \(r) on \(c), which it does not hold")
                }
                if let threshold = sm.configuration.leakDetectionThreshold, heldFor < threshold {
                    fail("early leak warning")
                }
            case .shutdownCompleted:
                if shutdownCompleted { fail("shutdown completed twice") }
                shutdownCompleted = true
            }
        }
        // While connects are failing, only one probe at a time is started.
        if sm.connectFailureStreak > 0 && !actions.created.isEmpty
            && (actions.created.count != 1 || sm.statistics.connecting != 1) {
            fail("opened \(actions.created.count) with \(sm.statistics.connecting) in flight while connects fail")
        }
        // First-come first-served: a request served from the queue had only served or failed requests
        // ahead of it.
        let servedFromQueue = Set(queueBefore).intersection(leasedNow.union(sm.checkingRequests.keys))
        for r in servedFromQueue {
            for earlier in queueBefore.prefix(while: { $0 != r })
            where !servedFromQueue.contains(earlier) && !failedNow.contains(earlier) {
                fail("request \(r) served before \(earlier), which was ahead of it")
            }
        }
        problems += sm.invariantViolations().map { "step \(steps): \($0)" }
        let waitingInModel = outcomes.values.filter { $0 == .waiting }.count
        if waitingInModel != sm.queue.count + sm.checkingRequests.count {
            fail("model has \(waitingInModel) waiting, machine \(sm.queue.count) + \(sm.checkingRequests.count)")
        }
        if sm.statistics.size > sm.configuration.maxConnections { fail("over capacity") }
    }

    mutating func randomElement<T>(_ values: some Collection<T>) -> T? {
        values.isEmpty ? nil : values[values.index(values.startIndex, offsetBy: Int.random(in: 0..<values.count, using: &rng))]
    }

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    /// One random event.
    /// - Parameter quiet: few new requests, so connections go idle long enough to be pinged and trimmed.
    mutating func step(allowShutdown: Bool, quiet: Bool) {
        let t = instant
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<18 where quiet && chance(0.9):
            advance(by: Double.random(in: 0...4, using: &rng))
        case 0..<18:
            let r = nextRequest
            nextRequest += 1
            outcomes[r] = .waiting
            let shared = sm.sharedLesseesPerConnection > 1 && chance(0.7)
            if shared { sharedRequests.insert(r) }
            run { $0.leaseRequested(r, shared: shared, now: t) }
        case 18..<30:
            guard !offered.isEmpty else { return }
            let (c, r) = offered.remove(at: Int.random(in: 0..<offered.count, using: &rng))
            if chance(0.1) {
                outcomes[r] = .waiting
                run { $0.connectionFoundBroken(c, request: r, now: t) }
            } else {
                outcomes[r] = .held(c)
                held[r] = c
            }
        case 30..<45:
            guard let (r, c) = randomElement(held.sorted(by: { $0.key < $1.key })) else { return }
            held[r] = nil
            outcomes[r] = .released
            let state: PoolStateMachine.ReleaseState = chance(0.7) ? .idle : (chance(0.6) ? .needsReset : .broken)
            run { $0.released(c, lessee: r, now: t, state: state) }
        case 45..<57:
            guard let c = randomElement(connecting.sorted()) else { return }
            connecting.remove(c)
            if chance(0.7) {
                let lifetime = sm.configuration.jitteredLifetime(random: Double.random(in: 0...1, using: &rng))
                run { $0.connectSucceeded(c, now: t, lifetime: lifetime) }
            } else {
                let random = Double.random(in: 0...1, using: &rng)
                run { $0.connectFailed(c, error: "refused \(c)", now: t, random: random) }
            }
        case 57..<62:
            guard let c = randomElement(pinging.sorted()) else { return }
            pinging.remove(c)
            if chance(0.8) { run { $0.pingSucceeded(c, now: t) } } else { run { $0.pingFailed(c, now: t) } }
        case 62..<67:
            guard let c = randomElement(resetting.sorted()) else { return }
            resetting.remove(c)
            if chance(0.85) { run { $0.resetSucceeded(c, now: t) } } else { run { $0.resetFailed(c, now: t) } }
        case 67..<75:
            guard let c = randomElement(closing.sorted()) else { return }
            closing.remove(c)
            connecting.remove(c); pinging.remove(c); resetting.remove(c)
            run { $0.connectionClosed(c, now: t) }
        case 75..<88:
            advance(by: Double.random(in: 0...3, using: &rng))
        case 88..<94:
            // Cancellation, sometimes racing with a lease already granted.
            guard let r = randomElement(outcomes.keys.sorted()) else { return }
            run { $0.requestCancelled(r, now: t) }
        case 94..<97:
            guard let c = randomElement(sm.connections.keys.sorted()) else { return }
            run { $0.connectionLost(c, now: t) }
        case 97..<99:
            // The executor closes a connection on its own (rare).
            guard let c = randomElement(sm.connections.keys.sorted()), !closing.contains(c) else { return }
            connecting.remove(c); pinging.remove(c); resetting.remove(c)
            offered.removeAll { $0.connection == c }
            let holders = held.filter { $0.value == c }.map(\.key)
            for r in holders { held[r] = nil; outcomes[r] = .released }
            run { $0.connectionClosed(c, now: t) }
            // Offered (not yet handed over) requests on it are now leases the machine revoked.
            for (r, outcome) in outcomes where outcome == .offered(c) { outcomes[r] = .released }
        default:
            guard allowShutdown else { return }
            let deadline = poolTime(now + Double.random(in: 0...10, using: &rng))
            run { $0.shutdown(now: t, deadline: deadline) }
        }
    }

    /// Moves the clock forward, firing due timers in order.
    mutating func advance(by seconds: Double) {
        let target = now + seconds
        while let (timer, when) = timers.min(by: { ($0.value, "\($0.key)") < ($1.value, "\($1.key)") }),
              when <= poolTime(target) {
            timers[timer] = nil
            now = max(now, when.sinceOrigin.poolSeconds)
            let t = instant
            run { $0.timerFired(timer, now: t) }
        }
        now = target
    }

    /// Shuts down and plays the executor until the shutdown completes, answering everything.
    mutating func drain() {
        if sm.isRunning {
            let t = instant
            let deadline = poolTime(now + 5)
            run { $0.shutdown(now: t, deadline: deadline) }
        }
        // Half the time nothing outstanding answers before the deadline: everything is force-closed.
        if chance(0.5) { advance(by: 11) }
        var rounds = 0
        while !shutdownCompleted && rounds < 10_000 {
            rounds += 1
            let t = instant
            if let (c, r) = offered.popLast() {
                outcomes[r] = .held(c)
                held[r] = c
            } else if let (r, c) = held.first {
                held[r] = nil
                outcomes[r] = .released
                run { $0.released(c, lessee: r, now: t, state: .idle) }
            } else if let c = connecting.first {
                connecting.remove(c)
                run { $0.connectSucceeded(c, now: t, lifetime: nil) }
            } else if let c = pinging.first {
                pinging.remove(c)
                run { $0.pingSucceeded(c, now: t) }
            } else if let c = resetting.first {
                resetting.remove(c)
                run { $0.resetSucceeded(c, now: t) }
            } else if let c = closing.first {
                closing.remove(c)
                run { $0.connectionClosed(c, now: t) }
            } else {
                advance(by: 1)
            }
        }
        if !shutdownCompleted { fail("shutdown never completed") }
        if !sm.connections.isEmpty { fail("connections left after shutdown") }
        for (r, outcome) in outcomes {
            switch outcome {
            case .released, .failed: break
            default: fail("request \(r) left \(outcome)")
            }
        }
        let s = sm.statistics
        if s.size + s.idle + s.leased + s.connecting + s.checking + s.resetting + s.closing + s.waiting != 0 {
            fail("gauges not back to zero: \(s)")
        }
        // Stale timers still pending in the executor must be harmless.
        for timer in timers.keys.sorted(by: { "\($0)" < "\($1)" }) {
            let t = instant
            let before = sm.statistics
            let actions = sm.timerFired(timer, now: t)
            if !actions.isEmpty || sm.statistics != before { fail("timer \(timer) after shutdown did \(actions)") }
        }
    }
}

@Suite("Pool state machine: randomized model")
struct PoolStateMachineModelTests {
    static func configuration(_ rng: inout PoolModelRandom) -> PoolConfiguration {
        func maybe(_ value: Duration, _ rng: inout PoolModelRandom) -> Duration? { Bool.random(using: &rng) ? value : nil }
        let max = Int.random(in: 1...4, using: &rng)
        return PoolConfiguration(
            minConnections: Int.random(in: 0...min(2, max), using: &rng),
            maxConnections: max,
            acquireTimeout: .seconds(Int.random(in: 2...20, using: &rng)),
            maxLifetime: maybe(.seconds(30), &rng),
            lifetimeJitter: 0.2,
            maxIdleTime: maybe(.seconds(10), &rng),
            pingAfterIdle: maybe(.seconds(5), &rng),
            maxWaiters: Int.random(in: 0...12, using: &rng),
            leakDetectionThreshold: maybe(.seconds(8), &rng),
            backgroundMaintenance: Bool.random(using: &rng),
            connectRetryBackoff: .init(initial: .milliseconds(200), maximum: .seconds(4), jitter: 0.5))
    }

    /// Counters that must be non-zero summed over a batch, proving the random walk reaches every path.
    static let mustBeExercised = [
        "acquires", "timeouts", "rejectedTooManyWaiters", "cancelledWaiters", "failedShutdown",
        "connectFailures", "connectsAborted", "connectionsLost", "brokenAtLease", "pings", "pingFailures",
        "resets", "resetFailures", "expired", "idleTrimmed", "leakWarnings", "leasesRevoked", "sharedJoins",
    ]

    @Test(arguments: 0..<8)
    func randomEventSequencesKeepEveryInvariant(batch: Int) async {
        var totals: [String: Int] = [:]
        defer {
            for key in Self.mustBeExercised where totals[key, default: 0] == 0 {
                Issue.record("batch \(batch) never exercised \(key)")
            }
        }
        for seed in UInt64(batch * 40)..<UInt64(batch * 40 + 40) {
            // a batch is a quarter of a second of CPU: leave the cooperative pool to the async
            // tests beside it between seeds (see NormalizerFuzzTests.pathologicalInputsFinishQuickly)
            await Task.yield()
            var configRNG = PoolModelRandom(seed: seed &* 7919)
            let configuration = Self.configuration(&configRNG)
            // half the pools multiplex shared requests
            let depth = Bool.random(using: &configRNG) ? 1 : Int.random(in: 2...4, using: &configRNG)
            var model = PoolModelExecutor(configuration: configuration, sharedLesseesPerConnection: depth, seed: seed)
            let t = model.instant
            model.run { $0.start(now: t) }
            for _ in 0..<800 {
                model.step(allowShutdown: model.steps > 600, quiet: (model.steps / 100) % 2 == 1)
                if model.shutdownCompleted || !model.problems.isEmpty { break }
            }
            model.drain()
            totals.merge(model.sm.statistics.asDictionary(), uniquingKeysWith: +)
            #expect(model.problems.isEmpty, "seed \(seed), \(configuration): \(model.problems)")
            if !model.problems.isEmpty { return }
        }
    }
}
