import RealPoolSupport

/// A bounded, thread-safe cache from (exact text, placeholder style) to its `NormalizedQuery`, so
/// that a text seen before costs one hash lookup. When full, the oldest entry is evicted (FIFO):
/// cheap, and a workload's hot texts are re-inserted at once if they ever fall out.
public final class ShapeCache: Sendable {
    struct Key: Hashable, Sendable {
        let sql: String
        let style: PlaceholderStyle
    }

    struct State {
        var entries: [Key: NormalizedQuery] = [:]
        /// Insertion order, as a ring buffer of keys.
        var order: [Key?]
        var next = 0
        /// The text found last. A hot statement's text is usually the very same string every time
        /// (a literal, a stored property), which compares equal at once, without hashing it.
        var last: (key: Key, query: NormalizedQuery)?
    }

    /// Texts kept at most; the oldest is evicted beyond it.
    public let capacity: Int
    /// Texts longer than this (UTF-8 bytes) are normalised every time and never cached: a cache of
    /// `capacity` entries must not pin gigabytes when an application generates huge one-off
    /// statements (bulk `INSERT ... VALUES` with inline data). Default 64 KiB.
    public let maxCachedTextBytes: Int
    private let state: Locked<State>

    /// A cache of `capacity` texts (default 4096), none longer than `maxCachedTextBytes`.
    public init(capacity: Int = 4096, maxCachedTextBytes: Int = 64 * 1024) {
        let capacity = max(1, capacity)
        self.capacity = capacity
        self.maxCachedTextBytes = maxCachedTextBytes
        self.state = Locked(State(order: [Key?](repeating: nil, count: capacity)))
    }

    /// The normalised form of `sql` under `style`, from the cache or computed and remembered.
    public func normalize(_ sql: String, style: PlaceholderStyle) -> NormalizedQuery {
        if sql.utf8.count > maxCachedTextBytes { return Normalizer(style: style).normalize(sql) }
        let key = Key(sql: sql, style: style)
        let hit = state.withLock { s -> NormalizedQuery? in
            if let last = s.last, last.key.style == style, last.key.sql == sql { return last.query }
            guard let query = s.entries[key] else { return nil }
            s.last = (key, query)
            return query
        }
        if let hit { return hit }
        // Normalise outside the lock: it is pure, and two threads racing on the same new text
        // just compute the same value twice.
        let query = Normalizer(style: style).normalize(sql)
        state.withLock { state in
            guard state.entries[key] == nil else { return }
            if let evicted = state.order[state.next] { state.entries[evicted] = nil }
            state.order[state.next] = key
            state.next = (state.next + 1) % capacity
            state.entries[key] = query
        }
        return query
    }

    /// The number of cached texts.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Forgets every cached text.
    public func removeAll() {
        state.withLock { state in
            state.entries.removeAll(keepingCapacity: true)
            state.last = nil
            for i in state.order.indices { state.order[i] = nil }
            state.next = 0
        }
    }
}
