import Synchronization
import RealPoolConnection
import RealPoolNormalizer

/// What one physical connection has prepared: an LRU of named statements, bounded by count and by
/// total SQL size (pgx's `stmtcache` model), plus the statements evicted but not yet deallocated.
///
/// One cache per physical connection, created with it and dropped with it (a replaced connection
/// starts empty). The cache is not thread-safe on purpose: an exclusive lease guarantees that one
/// caller at a time uses the connection, and multiplexed callers touch it only under the
/// connection's `PipelineMultiplexer` lock, the same lock that orders their sends. That is why it
/// is `@unchecked Sendable`: it travels with the connection between tasks and threads, never used
/// by two at once.
public final class StatementCache: @unchecked Sendable {
    /// A statement the connection has prepared, with what describe reported.
    public struct Entry: Sendable {
        /// The server-side statement name, `rp_<fingerprint>`.
        public let name: String
        /// The text that was prepared.
        public let sql: String
        /// The parameter types the server reported.
        public let parameterTypes: [PostgresType]
        /// The result columns the server reported.
        public let columns: [QueryResult.Column]
        var sqlBytes: Int { sql.utf8.count }
    }

    /// At most this many prepared statements per connection. Default 100 (psycopg's
    /// `prepared_max`): each statement holds a parse tree and cached plan in the backend's memory
    /// (tens of kilobytes for a multi-join), multiplied by every pooled connection; an application's
    /// hot set of shapes is normally far smaller, and a miss costs only one pipelined Parse.
    public let maxPreparedStatements: Int
    /// At most this many bytes of SQL text prepared per connection. Default 1 MiB: backend memory
    /// grows with the text's size, so a handful of huge generated statements must not pin
    /// megabytes per connection. A single statement larger than this is never prepared.
    public let maxPreparedSQLBytes: Int

    /// This connection's counters.
    public internal(set) var statistics = StatementCacheStatistics()
    /// Total SQL bytes of the cached entries.
    public private(set) var totalSQLBytes = 0

    // LRU as a doubly linked list over array slots: O(1) get, put and evict.
    private struct Node {
        var entry: Entry
        var newer: Int  // towards head (most recent); -1 = none
        var older: Int  // towards tail (least recent); -1 = none
    }
    private var nodes: [Node] = []
    private var freeSlots: [Int] = []
    private var slotByName: [String: Int] = [:] {
        didSet { published.store(slotByName.count, ordering: .relaxed) }
    }
    /// `count`, readable from any thread (for `db.report()`, which must not touch the cache while
    /// a lessee, or the multiplexer's shared lessees, use it).
    private let published = Atomic<Int>(0)
    private var head = -1  // most recently used
    private var tail = -1  // least recently used

    /// Statements the server still has but the cache dropped, to `DEALLOCATE` with a later
    /// statement. An evicted entry is kept so it can be taken back if its shape comes back before
    /// the deallocation was sent; a stale one (plan invalidated) is nil and must be deallocated.
    private var pending: [String: Entry?] = [:]
    /// Order in which `pending` names were added (deallocated oldest first).
    private var pendingOrder: [String] = []
    /// Statements whose Parse has been sent but whose outcome has not been read yet. With
    /// multiplexing, a later caller's Bind goes out behind that Parse, so it may use the statement
    /// already.
    private var preparing: Set<String> = []
    /// Pending names whose `DEALLOCATE` has been sent and not yet answered: nobody may send it
    /// again (it would remove a statement prepared anew behind the first), nor take the entry back.
    private var claimed: Set<String> = []
    /// How many times a Parse of each name has been sent. An error about a statement sent before
    /// the latest Parse of its name is about an older statement and must not change the cache.
    private var generations: [String: Int] = [:]

    /// An empty cache with these bounds.
    public init(maxPreparedStatements: Int = 100, maxPreparedSQLBytes: Int = 1 << 20) {
        self.maxPreparedStatements = max(1, maxPreparedStatements)
        self.maxPreparedSQLBytes = max(0, maxPreparedSQLBytes)
    }

    /// Statements cached now.
    public var count: Int { slotByName.count }

    /// How many statements the cache holds, as last published: safe to read from any thread.
    public var publishedCount: Int { published.load(ordering: .relaxed) }

    /// Names of the cached entries, most recently used first.
    public var names: [String] {
        var out: [String] = []
        var i = head
        while i >= 0 { out.append(nodes[i].entry.name); i = nodes[i].older }
        return out
    }

    /// Names the server still has and that will be deallocated with a later statement.
    public var pendingDeallocation: [String] { pendingOrder }

    /// Pending names to deallocate now, each handed out once until its outcome is known
    /// (`didDeallocate`, `forgetPending`, or `unclaim` when the server skipped it).
    func claimPendingDeallocations() -> [String] {
        if pendingOrder.isEmpty { return [] }  // every statement asks; almost always nothing
        let names = pendingOrder.filter { !claimed.contains($0) }
        claimed.formUnion(names)
        return names
    }

    /// The server skipped the `DEALLOCATE name` that was sent: it is still pending.
    func unclaim(_ name: String) { claimed.remove(name) }

    /// The entry for `name`, marked most recently used.
    public func get(_ name: String) -> Entry? {
        guard let slot = slotByName[name] else { return nil }
        moveToHead(slot)
        return nodes[slot].entry
    }

    /// A Parse of `name` was sent; `put` or `invalidate` ends it, as does `preparationEnded`.
    func markPreparing(_ name: String) {
        preparing.insert(name)
        generations[name, default: 0] += 1
    }

    /// The number of Parses of `name` sent so far.
    func generation(of name: String) -> Int { generations[name, default: 0] }

    /// The outcome of the Parse of `name` has been read.
    func preparationEnded(_ name: String) { preparing.remove(name) }

    /// Whether a Parse of `name` is in flight ahead of anything sent now.
    func isPreparing(_ name: String) -> Bool { preparing.contains(name) }

    /// Whether the cache may hold a statement of this size at all.
    public func canHold(sqlBytes: Int) -> Bool { sqlBytes <= maxPreparedSQLBytes }

    /// Caches an entry (replacing one of the same name) and evicts least recently used entries
    /// until both bounds hold again. Returns the evicted entries; their names are queued for
    /// deallocation.
    @discardableResult
    public func put(_ entry: Entry) -> [Entry] {
        preparing.remove(entry.name)
        if let slot = slotByName[entry.name] {
            totalSQLBytes += entry.sqlBytes - nodes[slot].entry.sqlBytes
            nodes[slot].entry = entry
            moveToHead(slot)
        } else {
            removePending(entry.name)
            let node = Node(entry: entry, newer: -1, older: head)
            let slot: Int
            if let free = freeSlots.popLast() { slot = free; nodes[slot] = node } else { slot = nodes.count; nodes.append(node) }
            if head >= 0 { nodes[head].newer = slot }
            head = slot
            if tail < 0 { tail = slot }
            slotByName[entry.name] = slot
            totalSQLBytes += entry.sqlBytes
        }
        var evicted: [Entry] = []
        while tail >= 0, tail != head, slotByName.count > maxPreparedStatements || totalSQLBytes > maxPreparedSQLBytes {
            let e = remove(slot: tail)
            evicted.append(e)
            addPending(e.name, reusable: e)
            statistics.evictions += 1
        }
        return evicted
    }

    /// The server no longer has `name` (it answered 26000, or a `DEALLOCATE name` ran): forget it,
    /// and do not deallocate it.
    public func invalidate(_ name: String) {
        preparing.remove(name)
        if let slot = slotByName[name] { _ = remove(slot: slot) }
        removePending(name)
    }

    /// The server still has `name` but it must not be used again (its plan was invalidated by DDL):
    /// forget it and deallocate it with a later statement.
    public func retire(_ name: String) {
        if let slot = slotByName[name] { _ = remove(slot: slot) }
        addPending(name, reusable: nil)
    }

    /// The server has forgotten every prepared statement (`DISCARD ALL`, `DEALLOCATE ALL`, a new
    /// backend): forget everything, deallocate nothing.
    public func invalidateAll() {
        nodes.removeAll()
        freeSlots.removeAll()
        slotByName.removeAll()
        head = -1
        tail = -1
        totalSQLBytes = 0
        pending.removeAll()
        pendingOrder.removeAll()
        preparing.removeAll()
        claimed.removeAll()
    }

    // MARK: pending deallocations

    /// Takes back an evicted entry whose deallocation has not been sent: the server still has it,
    /// so it is cached again instead of deallocated and prepared anew. Nil when `name` is not
    /// pending, or pending because it is stale.
    func reclaim(_ name: String) -> Entry? {
        guard !claimed.contains(name), let reusable = pending[name], let entry = reusable else { return nil }
        removePending(name)
        put(entry)
        return entry
    }

    /// Whether `name` waits for deallocation because it is stale (must be deallocated before the
    /// name can be prepared again).
    func isPendingStale(_ name: String) -> Bool {
        if let reusable = pending[name] { return reusable == nil }
        return false
    }

    /// Whether a stale `name` still needs a `DEALLOCATE` that nobody has sent yet.
    func needsDeallocationFirst(_ name: String) -> Bool {
        isPendingStale(name) && !claimed.contains(name)
    }

    /// The server confirmed `DEALLOCATE name`. Returns whether it counts as a deallocation (the
    /// name was still pending).
    @discardableResult
    func didDeallocate(_ name: String) -> Bool {
        let counted = pending[name] != nil
        if counted { statistics.deallocations += 1 }
        removePending(name)
        return counted
    }

    /// Stops trying to deallocate `name` (the server said it does not have it).
    func forgetPending(_ name: String) { removePending(name) }

    private func addPending(_ name: String, reusable: Entry?) {
        if pending[name] == nil { pendingOrder.append(name) }
        pending[name] = .some(reusable)
    }

    private func removePending(_ name: String) {
        claimed.remove(name)
        guard pending.removeValue(forKey: name) != nil else { return }
        pendingOrder.removeAll { $0 == name }
    }

    // MARK: list surgery

    private func moveToHead(_ slot: Int) {
        guard slot != head else { return }
        unlink(slot)
        nodes[slot].newer = -1
        nodes[slot].older = head
        if head >= 0 { nodes[head].newer = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    private func unlink(_ slot: Int) {
        let n = nodes[slot]
        if n.newer >= 0 { nodes[n.newer].older = n.older } else { head = n.older }
        if n.older >= 0 { nodes[n.older].newer = n.newer } else { tail = n.newer }
    }

    private func remove(slot: Int) -> Entry {
        let entry = nodes[slot].entry
        unlink(slot)
        slotByName[entry.name] = nil
        freeSlots.append(slot)
        totalSQLBytes -= entry.sqlBytes
        return entry
    }
}
