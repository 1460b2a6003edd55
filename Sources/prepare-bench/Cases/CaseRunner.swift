import Foundation
import Histogram
import RealPool

/// Runs one case: W worker tasks loop (pick a request by weight, generate its parameters from
/// the seeded stream, run it, record its latency) for warmup + duration seconds; only requests
/// that complete inside the measurement window count.
struct CaseRunner: Sendable {
    var duration: Double
    var warmup: Double
    var seed: UInt64
    var thinkMs: Int
    /// `--inline-literals`: parameters are written into the SQL text (see `InlineLiterals`).
    var inlineLiterals = false

    func run(_ benchCase: BenchCase, workload: Workload, executor: any BenchExecutor) async -> CaseResult {
        let clock = ContinuousClock()
        let start = clock.now
        let measureFrom = start.advanced(by: .milliseconds(Int(warmup * 1000)))
        let measureUntil = measureFrom.advanced(by: .milliseconds(Int(duration * 1000)))
        let hold = benchCase.hold
        let thinkMs = thinkMs
        let seed = seed
        let inlineLiterals = inlineLiterals

        let before = ManagedCounters()
        let total = await withTaskGroup(of: WorkerOutcome.self) { group -> WorkerOutcome in
            // snapshot the cache counters when measurement starts
            group.addTask {
                try? await Task.sleep(until: measureFrom, clock: clock)
                await before.set(executor.counters())
                return WorkerOutcome()
            }
            for worker in 0..<benchCase.workers {
                group.addTask(executorPreference: benchCase.executor.preference(forWorker: worker)) {
                    var rng = SeededGenerator(seed: seed, stream: UInt64(worker))
                    var outcome = WorkerOutcome()
                    while !Task.isCancelled {
                        let began = clock.now
                        if began >= measureUntil { break }
                        var request = workload.pick(&rng)
                        var parameters = request.statements.map { $0.bind(&rng) }
                        if inlineLiterals { (request, parameters) = InlineLiterals.apply(request, parameters) }
                        do {
                            try await executor.run(request, parameters, thinkMs: thinkMs, hold: hold)
                            let ended = clock.now
                            if ended >= measureFrom && ended <= measureUntil {
                                let c = (ended - began).components
                                _ = outcome.histogram.record(UInt64(max(0, c.seconds * 1_000_000 + c.attoseconds / 1_000_000_000_000)))
                                outcome.operations += 1
                            }
                        } catch {
                            if error is CancellationError { break }
                            outcome.errors += 1
                            if outcome.firstError == nil {
                                outcome.firstError = BenchError.oneLine(error)
                                outcome.firstErrorAt = clock.now
                            }
                            // a failing server answers fast: do not spin
                            if outcome.errors > 100 { try? await Task.sleep(for: .milliseconds(10)) }
                        }
                    }
                    return outcome
                }
            }
            var total = WorkerOutcome()
            for await outcome in group { total.merge(outcome) }
            return total
        }
        let after = await executor.counters()
        let first = await before.value ?? ExecutorCounters(connectionsOpened: 0, maxInUse: 0, cacheHits: nil, cacheMisses: nil)

        let h = total.histogram
        let hasLatency = h.totalCount > 0
        func ms(_ us: UInt64) -> Double { Double(us) / 1000 }
        let bound: Double? = workload.isBursty && thinkMs > 0 ? Double(benchCase.workers) * 1000 / Double(thinkMs) : nil
        let opsPerS = Double(total.operations) / duration
        return CaseResult(
            workload: benchCase.workload,
            mode: benchCase.mode.rawValue,
            pool: benchCase.poolLabel,
            workers: benchCase.workers,
            poolSize: benchCase.poolSize,
            pipelineDepth: benchCase.pipelineDepth,
            executor: benchCase.executor.rawValue,
            thinkMs: workload.isBursty ? thinkMs : nil,
            unit: workload.isBursty ? "requests" : "ops",
            durationS: duration,
            operations: total.operations,
            opsPerS: opsPerS,
            p50Ms: hasLatency ? ms(h.valueAtPercentile(50)) : nil,
            p95Ms: hasLatency ? ms(h.valueAtPercentile(95)) : nil,
            p99Ms: hasLatency ? ms(h.valueAtPercentile(99)) : nil,
            maxMs: hasLatency ? ms(h.max) : nil,
            meanMs: hasLatency ? h.mean / 1000 : nil,
            errors: total.errors,
            firstError: total.firstError,
            connectionsOpened: after.connectionsOpened,
            maxInUse: after.maxInUse,
            cacheHits: after.cacheHits.map { $0 - (first.cacheHits ?? 0) },
            cacheMisses: after.cacheMisses.map { $0 - (first.cacheMisses ?? 0) },
            typeFallbacks: after.typeFallbacks.map { $0 - (first.typeFallbacks ?? 0) },
            boundPerS: bound,
            pctOfBound: bound.map { opsPerS / $0 * 100 },
            preparedVia: benchCase.mode == .plain ? nil : CaseResult.preparedVia
        )
    }
}
