import RealPoolConnection
import RealPoolNormalizer
/// Counters of one connection's statement cache. Add them up (`+`) for a pool-wide figure.
public struct StatementCacheStatistics: Sendable, Hashable {
    /// Executions of a statement the connection had already prepared.
    public var hits = 0
    /// Statements prepared (`Parse` sent for a named statement), re-preparations included.
    public var misses = 0
    /// Re-preparations after the server no longer had the statement (SQLSTATE 26000).
    public var repreparesMissing = 0
    /// Re-preparations after DDL invalidated the plan (0A000 from `RevalidateCachedQuery`).
    public var repreparesPlanChanged = 0
    /// Prepares that found the name taken on the server (42P05), adopted or replaced.
    public var repreparesNameExists = 0
    /// Entries pushed out of the cache by its bounds.
    public var evictions = 0
    /// `DEALLOCATE`s that the server confirmed.
    public var deallocations = 0
    /// Matching queries run plainly because the prepared statement might not mean the same as the
    /// plain text: a string literal filling a target parameter used at several places, an untyped
    /// parameter the server typed differently at two places, or a statement whose described types
    /// differ from the declared ones (each logged at debug level with the reason).
    public var typeMismatchFallbacks = 0
    /// Statements run plainly (no target, or a fallback).
    public var plainExecutions = 0
    /// Requests (pipelines, each one round trip) sent for statements.
    public var roundTrips = 0

    /// All counters at zero.
    public init() {}

    /// Re-preparations of every cause.
    public var reprepares: Int { repreparesMissing + repreparesPlanChanged + repreparesNameExists }

    /// The counters as a flat dictionary, with the keys `db.statistics` uses.
    public func asDictionary() -> [String: Int] {
        [
            "cacheHits": hits, "cacheMisses": misses, "repreparesMissing": repreparesMissing,
            "repreparesPlanChanged": repreparesPlanChanged, "repreparesNameExists": repreparesNameExists,
            "evictions": evictions, "deallocations": deallocations, "typeMismatchFallbacks": typeMismatchFallbacks,
            "plainExecutions": plainExecutions, "statementRoundTrips": roundTrips,
        ]
    }

    /// What happened between two readings of the same cache.
    public static func - (a: Self, b: Self) -> Self {
        var s = a
        s.hits -= b.hits
        s.misses -= b.misses
        s.repreparesMissing -= b.repreparesMissing
        s.repreparesPlanChanged -= b.repreparesPlanChanged
        s.repreparesNameExists -= b.repreparesNameExists
        s.evictions -= b.evictions
        s.deallocations -= b.deallocations
        s.typeMismatchFallbacks -= b.typeMismatchFallbacks
        s.plainExecutions -= b.plainExecutions
        s.roundTrips -= b.roundTrips
        return s
    }

    /// The counters summed, e.g. over every connection of a pool.
    public static func + (a: Self, b: Self) -> Self {
        var s = a
        s.hits += b.hits
        s.misses += b.misses
        s.repreparesMissing += b.repreparesMissing
        s.repreparesPlanChanged += b.repreparesPlanChanged
        s.repreparesNameExists += b.repreparesNameExists
        s.evictions += b.evictions
        s.deallocations += b.deallocations
        s.typeMismatchFallbacks += b.typeMismatchFallbacks
        s.plainExecutions += b.plainExecutions
        s.roundTrips += b.roundTrips
        return s
    }
}
