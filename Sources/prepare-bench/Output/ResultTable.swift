import Foundation

/// The human-readable table printed at the end of a run.
struct ResultTable {
    var results: [CaseResult]
    var comparisons: [PgbenchComparison.Row]
    var split: CPUSplit? = nil

    func render() -> String {
        let header = ["workload", "mode", "pool", "W", "P", "D", "exec", "ops/s", "p50 ms", "p95 ms", "p99 ms", "vs plain", "conns", "max used", "hits", "misses", "type fb", "errors", "note"]
        var rows = [header]
        for r in results {
            var note = ""
            if let pct = r.pctOfBound, let bound = r.boundPerS {
                note = "req/s; \(Self.format(pct, 0))% of W/T=\(Self.format(bound, 0))"
            }
            if let x = r.speedupVsUnpipelined {
                note += (note.isEmpty ? "" : "; ") + "\(Self.format(x, 2))x D=1, whose p99 is \(Self.ms(r.unpipelinedP99Ms)) ms"
            }
            if let x = r.speedupVsGlobalExecutor { note += (note.isEmpty ? "" : "; ") + "\(Self.format(x, 2))x global" }
            if let x = r.asapOverHold { note += (note.isEmpty ? "" : "; ") + "asap is \(Self.format(x, 1))x this" }
            rows.append([
                r.workload, r.mode, r.pool, "\(r.workers)", "\(r.poolSize)", "\(r.pipelineDepth)", r.executor, Self.format(r.opsPerS, r.opsPerS < 100 ? 1 : 0),
                Self.ms(r.p50Ms), Self.ms(r.p95Ms), Self.ms(r.p99Ms),
                r.speedupVsPlain.map { Self.format($0, 2) + "x" } ?? "-",
                "\(r.connectionsOpened)", "\(r.maxInUse)",
                r.cacheHits.map(String.init) ?? "-", r.cacheMisses.map(String.init) ?? "-",
                r.typeFallbacks.map(String.init) ?? "-",
                "\(r.errors)", note,
            ])
        }
        let rightAligned: Set<Int> = [3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
        let widths = header.indices.map { col in rows.map { $0[col].count }.max() ?? 0 }
        var out = ""
        for (i, row) in rows.enumerated() {
            let cells = row.enumerated().map { col, cell -> String in
                let pad = String(repeating: " ", count: widths[col] - cell.count)
                return rightAligned.contains(col) ? pad + cell : (col == row.count - 1 ? cell : cell + pad)
            }
            out += cells.joined(separator: "  ") + "\n"
            if i == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        let failing = results.filter { $0.errors > 0 }
        for r in failing {
            out += "errors in \(r.workload) \(r.mode) \(r.pool) W=\(r.workers): \(r.errors), first: \(r.firstError ?? "?")\n"
        }
        if !comparisons.isEmpty {
            out += "\npgbench, same SQL, same server, same client count (-j: pgbench threads):\n"
            for c in comparisons { out += "  " + c.summary + "\n" }
        }
        if let split { out += "\n\(split.summary)\n" }
        return out
    }

    static func ms(_ v: Double?) -> String {
        guard let v else { return "-" }
        return format(v, v < 10 ? 3 : (v < 100 ? 2 : 1))
    }

    static func format(_ v: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", v)
    }
}
