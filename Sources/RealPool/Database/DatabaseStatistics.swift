import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
/// What `db.statistics` counts, typed: the pool's gauges and counters, and the statement caches'
/// counters summed over every connection the pool has had.
///
/// Read fields by name, `db.statistics.leased` or `db.statistics.hits` (either part's fields, by
/// dynamic member lookup; the two share no name), so a misspelt counter does not compile.
/// `asDictionary()` is the flat export for logs, JSON and metrics back ends, with the keys the
/// README and `db.report()` use (`cacheHits`, `cacheMisses` and `statementRoundTrips` for the
/// cache's `hits`, `misses` and `roundTrips`).
@dynamicMemberLookup
public struct DatabaseStatistics: Sendable, Hashable {
    /// The pool's gauges (`leased`, `idle`, `waiting`, ...) and counters (`acquires`, ...).
    public let pool: PoolStatistics
    /// The statement caches' counters (`hits`, `misses`, `typeMismatchFallbacks`, ...).
    public let statements: StatementCacheStatistics

    public init(pool: PoolStatistics, statements: StatementCacheStatistics) {
        self.pool = pool
        self.statements = statements
    }

    public subscript<T>(dynamicMember field: KeyPath<PoolStatistics, T>) -> T { pool[keyPath: field] }

    public subscript<T>(dynamicMember field: KeyPath<StatementCacheStatistics, T>) -> T { statements[keyPath: field] }

    /// Every counter in one flat dictionary.
    public func asDictionary() -> [String: Int] {
        pool.asDictionary().merging(statements.asDictionary()) { a, _ in a }
    }
}
