import RealPoolSupport
import RealPoolConnection
import RealPoolNormalizer

/// Per-shape query statistics: the "most common queries and their average runtime" report.
///
/// Keyed by shape fingerprint, so `id = 1` and `id = 2` count as one query. Memory is bounded: past
/// `capacity` shapes, new shapes are counted together under one `<other shapes>` entry rather than
/// evicting known ones, so the figures of the shapes being watched never reset.
public final class QueryStatistics: Sendable {
    /// One shape's figures.
    public struct Entry: Sendable, Hashable {
        /// The shape's canonical text (literals shown as `$n` slots).
        public var canonical: String
        /// The shape's fingerprint; 0 for the entry that counts every shape past `capacity`.
        public var fingerprint: UInt64
        /// Executions, failed ones included.
        public var calls = 0
        /// Time spent in all of them, from sending to the result read.
        public var totalTime: Duration = .zero
        /// The longest one.
        public var maxTime: Duration = .zero
        /// Rows returned in all.
        public var rows = 0
        /// Executions that ran as a prepared statement.
        public var preparedExecutions = 0
        /// Executions that ran plainly.
        public var plainExecutions = 0
        /// Executions that threw.
        public var errors = 0

        /// `totalTime / calls`.
        public var meanTime: Duration { calls == 0 ? .zero : totalTime / calls }

        mutating func add(duration: Duration, rows: Int, prepared: Bool, failed: Bool) {
            calls += 1
            totalTime += duration
            maxTime = max(maxTime, duration)
            self.rows += rows
            if prepared { preparedExecutions += 1 } else { plainExecutions += 1 }
            if failed { errors += 1 }
        }
    }

    /// Shapes tracked individually; further shapes share one `<other shapes>` entry.
    public let capacity: Int
    private let entries = Locked<[UInt64: Entry]>([:])
    static let otherFingerprint: UInt64 = 0

    /// Statistics for at most `capacity` shapes.
    public init(capacity: Int = 1000) {
        self.capacity = max(1, capacity)
    }

    package func record(_ query: NormalizedQuery, duration: Duration, rows: Int, prepared: Bool, failed: Bool) {
        entries.withLock { e in
            let known = e.count < capacity || e.index(forKey: query.fingerprint) != nil
            let key = known ? query.fingerprint : Self.otherFingerprint
            // updated in place: one hash lookup per statement
            e[key, default: Entry(canonical: known ? query.canonical : "<other shapes>", fingerprint: key)]
                .add(duration: duration, rows: rows, prepared: prepared, failed: failed)
        }
    }

    /// The `n` shapes with the most total time, most first.
    public func top(_ n: Int) -> [Entry] {
        entries.withLock { Array($0.values) }.sorted { $0.totalTime > $1.totalTime }.prefix(max(0, n)).map { $0 }
    }

    /// Forgets every figure, e.g. after a warm-up.
    public func removeAll() { entries.withLock { $0.removeAll() } }
}
