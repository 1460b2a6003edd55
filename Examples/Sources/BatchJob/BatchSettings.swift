import Foundation

/// What the batch job reads from its environment; every value has a default.
struct BatchSettings: Sendable {
    /// `DATABASE_URL`: a `postgres://` URL or a libpq conninfo string. Unset: a throwaway
    /// PostgreSQL is started and deleted on exit. The job (re)creates its own table,
    /// `realpool_batch_items`, and drops nothing else.
    var databaseURL: String?
    /// `WORKERS` (4): threads, each processing its own range of ids.
    var workers: Int
    /// `ROWS` (20000) to create and process, in chunks of `CHUNK` (200) rows, one transaction each.
    var rows: Int
    var chunk: Int
    /// `DB_MAX_CONNECTIONS` (2): fewer than the workers on purpose. A worker holds a connection
    /// only for a transaction or one statement, so the threads share the pool's connections.
    var maxConnections: Int

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        databaseURL = environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        workers = max(1, environment["WORKERS"].flatMap(Int.init) ?? 4)
        rows = max(1, environment["ROWS"].flatMap(Int.init) ?? 20_000)
        chunk = max(1, environment["CHUNK"].flatMap(Int.init) ?? 200)
        maxConnections = max(1, environment["DB_MAX_CONNECTIONS"].flatMap(Int.init) ?? 2)
    }
}
