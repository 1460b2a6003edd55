/// One measured combination: a workload in one mode at one worker count and pool size.
struct BenchCase: Sendable, Hashable {
    var workload: String
    var mode: BenchMode
    var workers: Int
    var poolSize: Int
    /// The hold-for-the-whole-request baseline instead of release-ASAP.
    var hold: Bool
    /// Autocommit statements one connection may carry at once (`pipelineDepth`; 1 = no multiplexing).
    var pipelineDepth = 1
    /// Where the worker tasks run: the global executor, or RealPool's I/O executor.
    var executor = BenchExecutorKind.global

    var poolLabel: String { hold ? "hold" : "asap" }
    var label: String { "\(workload) \(mode.rawValue) \(poolLabel) W=\(workers) P=\(poolSize)" + (pipelineDepth > 1 ? " D=\(pipelineDepth)" : "") + (executor == .global ? "" : " \(executor.rawValue)") }
}
