import RealPool

/// A benchmark workload: weighted requests, each a sequence of statements (and think pauses).
/// One request is one timed operation. Built-in workloads and `--workload FILE` use the same
/// file format (see `WorkloadParser`).
struct Workload: Sendable {
    struct Request: Sendable {
        var name: String {
            didSet { callSiteFile = Self.callSiteFile(name) }
        }
        var weight: Int = 1
        /// Run the statements in `db.transaction { }` (BEGIN ... COMMIT on one connection).
        var transaction = false
        var steps: [Step] = [] {
            didSet { statements = Self.statements(of: steps) }
        }
        /// Line in the file where the request starts (for error messages).
        var line: Int
        /// Kept with the steps, not worked out per operation: the harness's own work per
        /// statement counts against RealPool when set beside pgbench's C loop.
        private(set) var statements: [Statement] = []
        /// The call site its statements report (`prepare-bench/<name>`).
        private(set) var callSiteFile: String

        init(name: String, line: Int) {
            self.name = name
            self.line = line
            self.callSiteFile = Self.callSiteFile(name)
        }

        private static func callSiteFile(_ name: String) -> String { "prepare-bench/\(name)" }

        private static func statements(of steps: [Step]) -> [Statement] {
            steps.compactMap { if case .statement(let s) = $0 { return s } else { return nil } }
        }
        var thinks: Bool {
            steps.contains { if case .think = $0 { return true } else { return false } }
        }
    }

    enum Step: Sendable {
        case statement(Statement)
        /// Pause without a connection: nil means `--think-ms`.
        case think(milliseconds: Int?)
    }

    struct Statement: Sendable {
        var sql: String
        var parameters: [ParameterGenerator] = []
        var line: Int

        func bind(_ rng: inout SeededGenerator) -> [PostgresBind] {
            parameters.map { $0.generate(&rng) }
        }
    }

    var name: String
    /// Where it came from: `built-in` or the file's path.
    var source: String
    var requests: [Request]

    var totalWeight: Int { requests.reduce(0) { $0 + $1.weight } }

    /// Whether requests are bursty (contain think pauses): reported as requests/s with the W/T bound.
    var isBursty: Bool { requests.contains { $0.thinks } }

    var statements: [Statement] { requests.flatMap(\.statements) }

    /// Picks a request by weight.
    func pick(_ rng: inout SeededGenerator) -> Request {
        if requests.count == 1 { return requests[0] }
        var r = Int.random(in: 0..<totalWeight, using: &rng)
        for request in requests {
            if r < request.weight { return request }
            r -= request.weight
        }
        return requests[requests.count - 1]
    }
}
