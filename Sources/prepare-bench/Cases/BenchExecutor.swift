import RealPool

/// Runs a workload's requests against the server for one case.
protocol BenchExecutor: Sendable {
    /// Runs one request: its statements with these parameters (one list per statement) and its
    /// think pauses. `hold` keeps one connection for the whole request.
    func run(_ request: Workload.Request, _ parameters: [[PostgresBind]], thinkMs: Int, hold: Bool) async throws
    /// Counters so far (pool counters since the executor was made; cache counters since then too).
    func counters() async -> ExecutorCounters
    func shutdown() async
}
