import RealPool

/// The one place that touches the library's prepared-statement API (issue 5), so that the
/// benchmark builds before and after the lead wires it into `Database`:
///
/// - `db.addPrepareTarget(sql)` registers a shape; later `db.execute` of matching SQL runs as a
///   named prepared statement on whichever connection is leased;
/// - `DatabaseConfiguration.autoPrepareThreshold` turns on automatic preparation;
/// - `db.statistics.hits` / `.misses` are the statement-cache counters
///   (read by `DatabaseExecutor.counters()` whatever this file says).
///
/// The library's path is the default. Building with `-Xswiftc -DREALPOOL_BENCH_FALLBACK` instead
/// runs `prepared` and `auto` through `ExplicitPrepareExecutor`: raw connections that prepare each
/// statement explicitly (the stand-in used before the statement layer was wired into `Database`;
/// kept for comparison and for bisecting). Results say which one ran (`prepared_via` in JSON/CSV,
/// a footnote under the table).
enum RewritingAdapter {
#if !REALPOOL_BENCH_FALLBACK
    static let libraryRewriting = true

    static func makeExecutor(configuration: DatabaseConfiguration, mode: BenchMode, statements: [String]) async throws -> any BenchExecutor {
        var configuration = configuration
        if mode == .auto { configuration.autoPrepareThreshold = BenchMode.autoThreshold }
        let database = Database(configuration)
        if mode == .prepared {
            do {
                for sql in Set(statements).sorted() { _ = try database.addPrepareTarget(sql) }
            } catch {
                await database.shutdown()
                throw error
            }
        }
        return DatabaseExecutor(database: database)
    }
#else
    static let libraryRewriting = false

    static func makeExecutor(configuration: DatabaseConfiguration, mode: BenchMode, statements: [String]) async throws -> any BenchExecutor {
        switch mode {
        case .plain:
            return DatabaseExecutor(database: Database(configuration))
        case .prepared, .auto:
            return ExplicitPrepareExecutor(
                configuration: configuration.connection,
                searchPath: configuration.searchPath ?? "public",
                poolSize: configuration.pool.maxConnections,
                threshold: mode == .auto ? BenchMode.autoThreshold : nil,
                statements: statements)
        }
    }
#endif

    /// What ran the prepared modes, for the output.
    static var preparedVia: String { libraryRewriting ? "realpool" : "explicit-prepare-fallback" }
}
