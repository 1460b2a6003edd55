/// What an executor reports after a case: pool and statement-cache counters.
struct ExecutorCounters: Sendable {
    var connectionsOpened: Int
    var maxInUse: Int
    /// nil when the executor has no statement-cache counters.
    var cacheHits: Int?
    var cacheMisses: Int?
    /// Matching queries run plainly because the prepared statement might not mean the same
    /// (`typeMismatchFallbacks`); nil when the executor has no such counter.
    var typeFallbacks: Int? = nil
}
