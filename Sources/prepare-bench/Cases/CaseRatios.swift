/// The ratios between the rows of one run, each row against its baseline: the row with the same
/// key but for one field.
///
/// - `speedup_vs_plain`: a prepared or auto row over the `plain` row;
/// - `speedup_vs_unpipelined` (and the baseline's p99): a row at depth D > 1 over the row at D = 1;
/// - `speedup_vs_global_executor`: an `io`/`ioN` row over the `global` row;
/// - `asap_over_hold`: on a hold row, the release-ASAP row over this one.
///
/// A missing baseline, or one with no throughput to divide by, leaves the ratio nil.
enum CaseRatios {
    static func add(to results: [CaseResult]) -> [CaseResult] {
        var byKey: [CaseKey: CaseResult] = [:]
        for r in results where byKey[CaseKey(r)] == nil { byKey[CaseKey(r)] = r }  // the first row of a key, should a run repeat one
        func baseline<Value>(of r: CaseResult, _ field: WritableKeyPath<CaseKey, Value>, _ value: Value) -> CaseResult? {
            byKey[CaseKey(r).with(field, value)]
        }
        return results.map { r in
            var r = r
            if r.mode != BenchMode.plain.rawValue, let plain = baseline(of: r, \.mode, BenchMode.plain.rawValue), plain.opsPerS > 0 {
                r.speedupVsPlain = r.opsPerS / plain.opsPerS
            }
            if r.pipelineDepth > 1, let single = baseline(of: r, \.pipelineDepth, 1), single.opsPerS > 0 {
                r.speedupVsUnpipelined = r.opsPerS / single.opsPerS
                r.unpipelinedP99Ms = single.p99Ms
            }
            let global = BenchExecutorKind.global.rawValue
            if r.executor != global, let onGlobal = baseline(of: r, \.executor, global), onGlobal.opsPerS > 0 {
                r.speedupVsGlobalExecutor = r.opsPerS / onGlobal.opsPerS
            }
            if r.pool == "hold", let asap = baseline(of: r, \.pool, "asap"), r.opsPerS > 0 {
                r.asapOverHold = asap.opsPerS / r.opsPerS
            }
            return r
        }
    }
}
