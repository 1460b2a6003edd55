/// One row of the output: a case's measurements. Encoded with the snake_case keys documented in
/// Docs/prepare-bench.md.
struct CaseResult: Codable, Sendable {
    var workload: String
    var mode: String
    /// `asap` (release-ASAP, RealPool's model) or `hold` (a connection per request).
    var pool: String
    var workers: Int
    var poolSize: Int
    /// `--pipeline-depth`: statements one connection carries at once (1 = no multiplexing).
    var pipelineDepth: Int
    /// `--executor`: `global`, `io` (worker tasks prefer `Database.ioExecutor`) or `ioN` (spread over
    /// `Database.ioExecutors(N)`).
    var executor: String
    var thinkMs: Int?
    /// `ops` or, for bursty workloads, `requests`.
    var unit: String
    var durationS: Double
    var operations: Int
    var opsPerS: Double
    var p50Ms: Double?
    var p95Ms: Double?
    var p99Ms: Double?
    var maxMs: Double?
    var meanMs: Double?
    var errors: Int
    var firstError: String?
    var connectionsOpened: Int
    var maxInUse: Int
    var cacheHits: Int?
    var cacheMisses: Int?
    /// Matching queries that ran plainly because the prepared statement might not mean the same
    /// (the statement statistics' `typeMismatchFallbacks`, during the measurement).
    var typeFallbacks: Int?
    /// ops/s divided by the plain mode's at the same workload, workers, pool size and pool model.
    var speedupVsPlain: Double?
    /// Multiplexed rows: ops/s divided by the same case's at pipeline depth 1.
    var speedupVsUnpipelined: Double?
    /// Multiplexed rows: p99 of the same case at pipeline depth 1, to read beside this row's.
    var unpipelinedP99Ms: Double?
    /// `io`/`ioN` rows: ops/s divided by the same case's on the global executor.
    var speedupVsGlobalExecutor: Double?
    /// Bursty only: W / T, the most requests/s W workers thinking T ms each can make.
    var boundPerS: Double?
    var pctOfBound: Double?
    /// Hold rows: the release-ASAP pool's ops/s divided by this row's (same mode, W and P).
    var asapOverHold: Double?
    /// What ran the prepared modes: `realpool` for prepared/auto rows, nil for plain.
    var preparedVia: String?

    /// The value of `prepared_via`: the statements are prepared by RealPool's statement cache.
    static let preparedVia = "realpool"

    /// The mode and what sets the row apart, as the pgbench comparison names it: `prepared D=16 io`.
    var modeLabel: String {
        var label = mode
        if pipelineDepth > 1 { label += " D=\(pipelineDepth)" }
        if executor != BenchExecutorKind.global.rawValue { label += " \(executor)" }
        return label
    }

    enum CodingKeys: String, CodingKey {
        case workload, mode, pool, workers, unit, operations, errors
        case poolSize = "pool_size", pipelineDepth = "pipeline_depth", executor, thinkMs = "think_ms", durationS = "duration_s", opsPerS = "ops_per_s"
        case p50Ms = "p50_ms", p95Ms = "p95_ms", p99Ms = "p99_ms", maxMs = "max_ms", meanMs = "mean_ms"
        case firstError = "first_error", connectionsOpened = "connections_opened", maxInUse = "max_in_use"
        case cacheHits = "cache_hits", cacheMisses = "cache_misses", typeFallbacks = "type_fallbacks", speedupVsPlain = "speedup_vs_plain"
        case boundPerS = "bound_per_s", pctOfBound = "pct_of_bound", asapOverHold = "asap_over_hold"
        case preparedVia = "prepared_via"
        case speedupVsUnpipelined = "speedup_vs_unpipelined", unpipelinedP99Ms = "unpipelined_p99_ms"
        case speedupVsGlobalExecutor = "speedup_vs_global_executor"
    }

    /// Encodes nil as JSON null (the synthesized encoder would omit the key), so every row has
    /// every key.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(workload, forKey: .workload)
        try c.encode(mode, forKey: .mode)
        try c.encode(pool, forKey: .pool)
        try c.encode(workers, forKey: .workers)
        try c.encode(poolSize, forKey: .poolSize)
        try c.encode(pipelineDepth, forKey: .pipelineDepth)
        try c.encode(executor, forKey: .executor)
        try c.encode(thinkMs, forKey: .thinkMs)
        try c.encode(unit, forKey: .unit)
        try c.encode(durationS, forKey: .durationS)
        try c.encode(operations, forKey: .operations)
        try c.encode(opsPerS, forKey: .opsPerS)
        try c.encode(p50Ms, forKey: .p50Ms)
        try c.encode(p95Ms, forKey: .p95Ms)
        try c.encode(p99Ms, forKey: .p99Ms)
        try c.encode(maxMs, forKey: .maxMs)
        try c.encode(meanMs, forKey: .meanMs)
        try c.encode(errors, forKey: .errors)
        try c.encode(firstError, forKey: .firstError)
        try c.encode(connectionsOpened, forKey: .connectionsOpened)
        try c.encode(maxInUse, forKey: .maxInUse)
        try c.encode(cacheHits, forKey: .cacheHits)
        try c.encode(cacheMisses, forKey: .cacheMisses)
        try c.encode(typeFallbacks, forKey: .typeFallbacks)
        try c.encode(speedupVsPlain, forKey: .speedupVsPlain)
        try c.encode(speedupVsUnpipelined, forKey: .speedupVsUnpipelined)
        try c.encode(unpipelinedP99Ms, forKey: .unpipelinedP99Ms)
        try c.encode(speedupVsGlobalExecutor, forKey: .speedupVsGlobalExecutor)
        try c.encode(boundPerS, forKey: .boundPerS)
        try c.encode(pctOfBound, forKey: .pctOfBound)
        try c.encode(asapOverHold, forKey: .asapOverHold)
        try c.encode(preparedVia, forKey: .preparedVia)
    }
}
