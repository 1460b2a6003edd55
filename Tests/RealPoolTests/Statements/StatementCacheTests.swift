import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements

@Suite("Statements: cache")
struct StatementCacheTests {
    func entry(_ name: String, bytes: Int = 10) -> StatementCache.Entry {
        StatementCache.Entry(name: name, sql: String(repeating: "x", count: bytes), parameterTypes: [], columns: [])
    }

    @Test func leastRecentlyUsedIsEvictedAndQueuedForDeallocation() {
        let cache = StatementCache(maxPreparedStatements: 2)
        cache.put(entry("a"))
        cache.put(entry("b"))
        #expect(cache.get("a") != nil)  // a is now the most recent
        let evicted = cache.put(entry("c"))
        #expect(evicted.map(\.name) == ["b"])
        #expect(cache.names == ["c", "a"])
        #expect(cache.pendingDeallocation == ["b"])
        #expect(cache.statistics.evictions == 1)
        cache.didDeallocate("b")
        #expect(cache.pendingDeallocation.isEmpty)
        #expect(cache.statistics.deallocations == 1)
    }

    @Test func totalSQLBytesAreBounded() {
        let cache = StatementCache(maxPreparedStatements: 100, maxPreparedSQLBytes: 100)
        cache.put(entry("a", bytes: 40))
        cache.put(entry("b", bytes: 40))
        #expect(cache.totalSQLBytes == 80)
        let evicted = cache.put(entry("c", bytes: 40))
        #expect(evicted.map(\.name) == ["a"])
        #expect(cache.totalSQLBytes == 80)
        #expect(!cache.canHold(sqlBytes: 101))
        #expect(cache.canHold(sqlBytes: 100))
    }

    @Test func anEvictedEntryCanBeReclaimedBeforeItIsDeallocated() {
        let cache = StatementCache(maxPreparedStatements: 1)
        cache.put(entry("a"))
        cache.put(entry("b"))
        #expect(cache.pendingDeallocation == ["a"])
        #expect(cache.reclaim("a")?.name == "a")
        // Reclaiming a evicts b in turn.
        #expect(cache.names == ["a"])
        #expect(cache.pendingDeallocation == ["b"])
    }

    @Test func retiredEntriesAreDeallocatedAndNeverReclaimed() {
        let cache = StatementCache()
        cache.put(entry("a"))
        cache.retire("a")
        #expect(cache.get("a") == nil)
        #expect(cache.isPendingStale("a"))
        #expect(cache.reclaim("a") == nil)
        #expect(cache.pendingDeallocation == ["a"])
    }

    @Test func invalidationForgetsWithoutDeallocating() {
        let cache = StatementCache(maxPreparedStatements: 1)
        cache.put(entry("a"))
        cache.put(entry("b"))
        cache.invalidate("a")
        cache.invalidate("b")
        #expect(cache.count == 0)
        #expect(cache.pendingDeallocation.isEmpty)
        cache.put(entry("c"))
        cache.put(entry("d"))
        cache.invalidateAll()
        #expect(cache.count == 0 && cache.totalSQLBytes == 0 && cache.pendingDeallocation.isEmpty)
        // Still usable after a reset.
        cache.put(entry("e"))
        #expect(cache.names == ["e"])
    }

    @Test func manyOperationsKeepTheListConsistent() {
        let cache = StatementCache(maxPreparedStatements: 5)
        var model: [String] = []  // most recent first
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let name = "s\(Int.random(in: 0..<9, using: &rng))"
            switch Int.random(in: 0..<3, using: &rng) {
            case 0:
                if cache.get(name) != nil { model.removeAll { $0 == name }; model.insert(name, at: 0) }
            case 1:
                cache.put(entry(name))
                model.removeAll { $0 == name }
                model.insert(name, at: 0)
                if model.count > 5 { model.removeLast() }
            default:
                cache.invalidate(name)
                model.removeAll { $0 == name }
            }
            #expect(cache.names == model)
        }
        #expect(cache.totalSQLBytes == model.count * 10)
    }

    @Test func deallocatedNamesAreReadFromTheStatement() {
        #expect(StatementCache.deallocatedName("deallocate rp_abc") == "rp_abc")
        #expect(StatementCache.deallocatedName("deallocate prepare \"Rp\"\"x\"") == "Rp\"x")
        #expect(StatementCache.deallocatedName("deallocate all") == nil)
        #expect(StatementCache.deallocatedName("select 1") == nil)
    }
}
