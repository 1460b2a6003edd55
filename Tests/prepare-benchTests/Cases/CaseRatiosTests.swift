import Testing
@testable import prepare_bench

@Suite struct CaseRatiosTests {
    /// A measured row with only what the ratios read.
    static func row(_ mode: String = "plain", pool: String = "asap", workload: String = "point", workers: Int = 4, poolSize: Int = 4,
                    depth: Int = 1, executor: String = "global", ops: Double, p99: Double? = nil) -> CaseResult {
        CaseResult(workload: workload, mode: mode, pool: pool, workers: workers, poolSize: poolSize, pipelineDepth: depth, executor: executor,
                   thinkMs: nil, unit: "ops", durationS: 3, operations: Int(ops * 3), opsPerS: ops, p50Ms: nil, p95Ms: nil, p99Ms: p99,
                   maxMs: nil, meanMs: nil, errors: 0, firstError: nil, connectionsOpened: poolSize, maxInUse: poolSize,
                   cacheHits: nil, cacheMisses: nil, typeFallbacks: nil)
    }

    @Test func keyChangesOneField() {
        let key = CaseKey(Self.row("prepared", depth: 16, executor: "io", ops: 1))
        #expect(key == CaseKey(workload: "point", mode: "prepared", pool: "asap", workers: 4, poolSize: 4, pipelineDepth: 16, executor: "io"))
        #expect(key.with(\.mode, "plain") == CaseKey(workload: "point", mode: "plain", pool: "asap", workers: 4, poolSize: 4, pipelineDepth: 16, executor: "io"))
        #expect(key.with(\.pipelineDepth, 16) == key)
        #expect(key.with(\.workers, 1) != key)
    }

    @Test func preparedOverPlainAtTheSameCaseOnly() {
        let results = CaseRatios.add(to: [
            Self.row(ops: 1000),
            Self.row("prepared", ops: 1500),
            Self.row("auto", ops: 1200),
            Self.row("prepared", workers: 1, poolSize: 1, ops: 800),  // no plain row at W = 1
            Self.row("prepared", workload: "join", ops: 900),          // nor for join
        ])
        #expect(results[0].speedupVsPlain == nil)
        #expect(results[1].speedupVsPlain == 1.5)
        #expect(results[2].speedupVsPlain == 1.2)
        #expect(results[3].speedupVsPlain == nil)
        #expect(results[4].speedupVsPlain == nil)
        #expect(results.allSatisfy { $0.speedupVsUnpipelined == nil && $0.speedupVsGlobalExecutor == nil && $0.asapOverHold == nil })
    }

    @Test func pipelinedOverDepthOneWithItsP99() {
        let results = CaseRatios.add(to: [
            Self.row("prepared", ops: 1000, p99: 2.5),
            Self.row("prepared", depth: 16, ops: 3000, p99: 1.5),
            Self.row("plain", depth: 16, ops: 500),  // no plain row at depth 1
        ])
        #expect(results[1].speedupVsUnpipelined == 3)
        #expect(results[1].unpipelinedP99Ms == 2.5)
        #expect(results[0].speedupVsUnpipelined == nil)
        #expect(results[2].speedupVsUnpipelined == nil)
        #expect(results[2].unpipelinedP99Ms == nil)
        // and the plain row at depth 16 is the prepared one's baseline there
        #expect(results[1].speedupVsPlain == 6)
    }

    @Test func ioExecutorsOverGlobal() {
        let results = CaseRatios.add(to: [
            Self.row("prepared", ops: 1000),
            Self.row("prepared", executor: "io", ops: 1250),
            Self.row("prepared", executor: "io2", ops: 1500),
            Self.row("prepared", depth: 4, executor: "io", ops: 2000),  // no global row at depth 4
        ])
        #expect(results[0].speedupVsGlobalExecutor == nil)
        #expect(results[1].speedupVsGlobalExecutor == 1.25)
        #expect(results[2].speedupVsGlobalExecutor == 1.5)
        #expect(results[3].speedupVsGlobalExecutor == nil)
    }

    @Test func asapOverHoldOnHoldRows() {
        let results = CaseRatios.add(to: [
            Self.row(workload: "bursty", workers: 16, poolSize: 1, ops: 800),
            Self.row(pool: "hold", workload: "bursty", workers: 16, poolSize: 1, ops: 50),
            Self.row(pool: "hold", workload: "bursty", workers: 256, poolSize: 4, ops: 200),  // no asap row
        ])
        #expect(results[1].asapOverHold == 16)
        #expect(results[0].asapOverHold == nil)
        #expect(results[2].asapOverHold == nil)
    }

    @Test func noRatioAgainstZeroThroughput() {
        let results = CaseRatios.add(to: [
            Self.row(ops: 0),
            Self.row("prepared", ops: 100),
            Self.row("prepared", depth: 8, ops: 0),
            Self.row("prepared", depth: 8, executor: "io", ops: 0),
            Self.row(pool: "hold", ops: 0),
        ])
        #expect(results[1].speedupVsPlain == nil)  // plain did nothing
        #expect(results[2].speedupVsUnpipelined == 0)
        #expect(results[3].speedupVsGlobalExecutor == nil)  // the global row did nothing
        #expect(results[4].asapOverHold == nil)  // the hold row did nothing
    }

    @Test func theFirstRowOfARepeatedCaseIsTheBaseline() {
        let results = CaseRatios.add(to: [
            Self.row(ops: 1000),
            Self.row(ops: 2000),
            Self.row("prepared", ops: 3000),
        ])
        #expect(results[2].speedupVsPlain == 3)
    }

    @Test func keepsTheRowsAndTheirOrder() {
        let rows = [Self.row("prepared", ops: 2), Self.row(ops: 1), Self.row(pool: "hold", ops: 1)]
        let results = CaseRatios.add(to: rows)
        #expect(results.map(\.mode) == ["prepared", "plain", "plain"])
        #expect(results.map(\.pool) == ["asap", "asap", "hold"])
        #expect(results.map(\.opsPerS) == [2, 1, 1])
    }
}
