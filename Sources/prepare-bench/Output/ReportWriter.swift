import Foundation

/// JSON and CSV output of a run.
struct ReportWriter {
    struct Document: Encodable {
        var tool = "prepare-bench"
        var server: String
        var serverVersion: String
        var scale: Int
        var seed: UInt64
        var durationS: Double
        var warmupS: Double
        var preparedVia: String
        /// `--inline-literals`: parameters written into the SQL text as literals.
        var inlineLiterals: Bool
        /// `--server-cpus`: the CPUs of the server and of the benchmark; nil when not split.
        var serverCPUs: [Int]?
        var clientCPUs: [Int]?
        var results: [CaseResult]
        var pgbench: [PgbenchComparison.Row]

        enum CodingKeys: String, CodingKey {
            case tool, server, scale, seed, results, pgbench
            case serverVersion = "server_version", durationS = "duration_s", warmupS = "warmup_s", preparedVia = "prepared_via", inlineLiterals = "inline_literals"
            case serverCPUs = "server_cpus", clientCPUs = "client_cpus"
        }
    }

    static func json(_ document: Document) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    static let csvColumns = [
        "workload", "mode", "pool", "workers", "pool_size", "pipeline_depth", "executor", "think_ms", "unit", "duration_s", "operations", "ops_per_s",
        "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms", "errors", "first_error", "connections_opened", "max_in_use",
        "cache_hits", "cache_misses", "type_fallbacks", "speedup_vs_plain", "bound_per_s", "pct_of_bound", "asap_over_hold", "prepared_via", "speedup_vs_unpipelined", "unpipelined_p99_ms",
        "speedup_vs_global_executor",
    ]

    static func csv(_ results: [CaseResult]) -> String {
        func d(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "" }
        func i(_ v: Int?) -> String { v.map(String.init) ?? "" }
        func q(_ s: String?) -> String {
            guard let s else { return "" }
            if s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) {
                return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return s
        }
        var out = csvColumns.joined(separator: ",") + "\n"
        for r in results {
            let fields: [String] = [
                q(r.workload), r.mode, r.pool, i(r.workers), i(r.poolSize), i(r.pipelineDepth), r.executor, i(r.thinkMs), r.unit, d(r.durationS), i(r.operations),
                d(r.opsPerS), d(r.p50Ms), d(r.p95Ms), d(r.p99Ms), d(r.maxMs), d(r.meanMs), i(r.errors), q(r.firstError),
                i(r.connectionsOpened), i(r.maxInUse), i(r.cacheHits), i(r.cacheMisses), i(r.typeFallbacks), d(r.speedupVsPlain), d(r.boundPerS),
                d(r.pctOfBound), d(r.asapOverHold), q(r.preparedVia), d(r.speedupVsUnpipelined), d(r.unpipelinedP99Ms),
                d(r.speedupVsGlobalExecutor),
            ]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }
}
