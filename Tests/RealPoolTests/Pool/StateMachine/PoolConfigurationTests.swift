import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolConnectionPool

@Suite("Pool configuration and statistics")
struct PoolConfigurationTests {
    @Test func documentedDefaults() {
        let config = PoolConfiguration()
        #expect(config.minConnections == 1 && config.maxConnections == 10)
        #expect(config.acquireTimeout == .seconds(30))
        #expect(config.maxLifetime == .seconds(1800) && config.lifetimeJitter == 0.1)
        #expect(config.maxIdleTime == .seconds(600) && config.pingAfterIdle == .seconds(60))
        #expect(config.maxWaiters == 10_000 && config.leakDetectionThreshold == nil)
        #expect(config.backgroundMaintenance)
        #expect(config.connectRetryBackoff == .init(initial: .milliseconds(100), maximum: .seconds(10), multiplier: 2, jitter: 0.2))
    }

    @Test func nonsensicalValuesAreClamped() {
        let config = PoolConfiguration(minConnections: 20, maxConnections: 0, lifetimeJitter: 3, maxWaiters: -1)
        #expect(config.maxConnections == 1 && config.minConnections == 1)
        #expect(config.lifetimeJitter == 1 && config.maxWaiters == 0)
    }

    @Test func fieldsSetAfterInitAreBroughtIntoRangeAndSaidSo() {
        var config = PoolConfiguration()
        config.maxConnections = 0
        config.minConnections = 5
        config.acquireTimeout = .seconds(-1)
        let (fixed, corrections) = config.inRange()
        #expect(fixed.maxConnections == 1 && fixed.minConnections == 1 && fixed.acquireTimeout == .zero)
        #expect(corrections.count == 3)
        #expect(corrections.first == "pool.maxConnections = 0 is out of range; using 1")
        #expect(PoolConfiguration().inRange().corrections.isEmpty)
    }

    /// The way the README writes settings: the pool created from them logs each correction.
    @Test func aPoolWithAFieldOutOfRangeWarnsWhenItIsCreated() async {
        let capture = LogCapture()
        var config = DatabaseConfiguration("host=/nonexistent dbname=none")
        config.pool.minConnections = 0
        config.pool.maxConnections = 0
        config.logger = capture.logger()
        let db = Database(config)
        #expect(capture.messages.contains { $0.contains("pool.maxConnections = 0 is out of range; using 1") })
        await db.shutdown()
    }

    @Test func statisticsDictionaryIsFlatAndComplete() {
        var sm = PoolSM(configuration: plainPoolConfiguration(max: 1))
        _ = sm.leaseFresh(1, now: poolTime(0))
        let dictionary = sm.statistics.asDictionary()
        #expect(dictionary["size"] == 1 && dictionary["leased"] == 1 && dictionary["acquires"] == 1)
        #expect(dictionary["connectionsOpened"] == 1 && dictionary["maxLeased"] == 1)
        // Every stored property is exported (a new counter cannot be forgotten).
        #expect(dictionary.count == Mirror(reflecting: sm.statistics).children.count)
    }

    @Test func waiterQueueKeepsOrderThroughRemovalsAndPushFront() {
        var queue = PoolStateMachine.WaiterQueue()
        func waiter(_ id: Int) -> PoolStateMachine.Waiter {
            .init(id: id, enqueuedAt: poolTime(0), deadline: poolTime(1))
        }
        for id in 0..<5000 { queue.append(waiter(id)) }
        for id in stride(from: 1, to: 5000, by: 2) { queue.remove(id) }
        #expect(queue.count == 2500)
        var popped: [Int] = []
        for _ in 0..<1500 { popped.append(queue.popFirst()!.id) }
        #expect(popped == Array(stride(from: 0, to: 3000, by: 2)))
        queue.pushFront(waiter(-1))
        #expect(queue.popFirst()?.id == -1)
        #expect(queue.removeAll().map(\.id) == Array(stride(from: 3000, to: 5000, by: 2)))
        #expect(queue.isEmpty && queue.popFirst() == nil)
    }
}
