/// Which cases a run measures: for each workload, its worker counts × executors × pipeline depths
/// × modes, then the hold baseline, and in the default suite the opt-in features where callers
/// far outnumber connections.
struct CasePlanner: Sendable {
    /// `--workers`; nil: 1 and 4 (bursty workloads: 16 and 256).
    var workers: [Int]?
    /// `--pool-size`; nil: min(W, 4) (bursty workloads: max(1, W / 64)).
    var poolSize: Int?
    /// `--pipeline-depth`.
    var pipelineDepths: [Int] = [1]
    /// `--executor`.
    var executors: [BenchExecutorKind] = [.global]
    /// `--hold`: every case once more with the hold-for-the-request baseline.
    var hold = false
    /// No `--workload` given: the default suite, which adds the hold baseline and the opt-in
    /// features for bursty workloads.
    var defaultSuite = false

    func cases(_ workloads: [Workload], modes: [BenchMode]) -> [BenchCase] {
        var cases: [BenchCase] = []
        for workload in workloads {
            let counts = workers ?? (workload.isBursty ? [16, 256] : [1, 4])
            for w in counts {
                let p = poolSize ?? (workload.isBursty ? max(1, w / 64) : min(w, 4))
                for kind in executors {
                    for depth in pipelineDepths {
                        for mode in modes { cases.append(BenchCase(workload: workload.name, mode: mode, workers: w, poolSize: p, hold: false, pipelineDepth: depth, executor: kind)) }
                    }
                }
                if hold {
                    for mode in modes { cases.append(BenchCase(workload: workload.name, mode: mode, workers: w, poolSize: p, hold: true)) }
                } else if defaultSuite && workload.isBursty {
                    cases.append(BenchCase(workload: workload.name, mode: .plain, workers: w, poolSize: p, hold: true))
                }
                // what the opt-in features do where callers far outnumber connections
                if defaultSuite && workload.isBursty && w > 16 * p {
                    cases.append(BenchCase(workload: workload.name, mode: .prepared, workers: w, poolSize: p, hold: false, pipelineDepth: 16, executor: .io))
                }
            }
        }
        return cases
    }
}
