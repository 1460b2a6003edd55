@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

typealias PoolSM = PoolStateMachine
typealias PoolAction = PoolStateMachine.Action

/// An instant `seconds` after the origin.
func poolTime(_ seconds: Double) -> PoolStateMachine.Instant {
    PoolStateMachine.Instant(.nanoseconds(Int64((seconds * 1e9).rounded())))
}

/// A configuration with everything optional switched off, so each test turns on only what it checks.
func plainPoolConfiguration(
    min: Int = 0,
    max: Int = 2,
    acquireTimeout: Duration = .seconds(10),
    maxLifetime: Duration? = nil,
    maxIdleTime: Duration? = nil,
    pingAfterIdle: Duration? = nil,
    maxWaiters: Int = 100,
    leakDetectionThreshold: Duration? = nil,
    backgroundMaintenance: Bool = true,
    backoff: PoolConfiguration.ConnectRetryBackoff = .init(initial: .seconds(1), maximum: .seconds(8), jitter: 0)
) -> PoolConfiguration {
    PoolConfiguration(
        minConnections: min, maxConnections: max, acquireTimeout: acquireTimeout,
        maxLifetime: maxLifetime, lifetimeJitter: 0, maxIdleTime: maxIdleTime,
        pingAfterIdle: pingAfterIdle, maxWaiters: maxWaiters,
        leakDetectionThreshold: leakDetectionThreshold,
        backgroundMaintenance: backgroundMaintenance, connectRetryBackoff: backoff)
}

extension Array where Element == PoolStateMachine.Action {
    var created: [PoolStateMachine.ConnectionID] {
        compactMap { if case .createConnection(let id) = $0 { id } else { nil } }
    }
    var leases: [(connection: Int, request: Int)] {
        compactMap { if case .leaseConnection(let c, let r) = $0 { (c, r) } else { nil } }
    }
    var failures: [(request: Int, reason: PoolStateMachine.FailureReason)] {
        compactMap { if case .failRequest(let r, let reason) = $0 { (r, reason) } else { nil } }
    }
    var closed: [(connection: Int, reason: PoolStateMachine.CloseReason)] {
        compactMap { if case .closeConnection(let c, let reason) = $0 { (c, reason) } else { nil } }
    }
    var scheduled: [(timer: PoolStateMachine.Timer, at: PoolStateMachine.Instant)] {
        compactMap { if case .scheduleTimer(let t, let i) = $0 { (t, i) } else { nil } }
    }
    var cancelled: [PoolStateMachine.Timer] {
        compactMap { if case .cancelTimer(let t) = $0 { t } else { nil } }
    }
    var pings: [Int] { compactMap { if case .pingConnection(let c) = $0 { c } else { nil } } }
    var resets: [Int] { compactMap { if case .resetConnection(let c) = $0 { c } else { nil } } }
}

extension PoolStateMachine {
    /// Opens a connection for a first request and leases it: returns the connection id.
    mutating func leaseFresh(_ request: RequestID, now: Instant, lifetime: Duration? = nil) -> ConnectionID {
        let id = leaseRequested(request, now: now).created[0]
        _ = connectSucceeded(id, now: now, lifetime: lifetime)
        return id
    }
}
