/// What tells one measured row from another in a run. A ratio compares a row with the row whose
/// key differs in one field only (the mode, the pipeline depth, the executor or the pool model).
struct CaseKey: Hashable, Sendable {
    var workload: String
    var mode: String
    /// `asap` or `hold`.
    var pool: String
    var workers: Int
    var poolSize: Int
    var pipelineDepth: Int
    var executor: String

    init(workload: String, mode: String, pool: String, workers: Int, poolSize: Int, pipelineDepth: Int, executor: String) {
        self.workload = workload
        self.mode = mode
        self.pool = pool
        self.workers = workers
        self.poolSize = poolSize
        self.pipelineDepth = pipelineDepth
        self.executor = executor
    }

    init(_ result: CaseResult) {
        self.init(workload: result.workload, mode: result.mode, pool: result.pool, workers: result.workers,
                  poolSize: result.poolSize, pipelineDepth: result.pipelineDepth, executor: result.executor)
    }

    /// The same key with one field changed.
    func with<Value>(_ field: WritableKeyPath<CaseKey, Value>, _ value: Value) -> CaseKey {
        var key = self
        key[keyPath: field] = value
        return key
    }
}
