/// The table printed at the end of a soak run: what ran, what was injected, what RealPool did
/// about it, and the verdict of each check.
struct SoakSummary {
    let elapsed: Duration
    let tasks: Int
    let executor: String
    let poolSize: Int
    let pipelineDepth: Int
    let counters: SoakCounters.Snapshot
    let statistics: [String: Int]
    let checks: [SoakVerifier.Check]

    func render() -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let s = counters
        let stat = { (key: String) in "\(statistics[key] ?? 0)" }
        var rows: [[String]] = [
            ["duration", ResultTable.format(seconds, 1) + " s"],
            ["tasks (executor) / connections", "\(tasks) (\(executor)) / \(poolSize)"],
            ["pipeline depth / shared joins", "\(pipelineDepth) / \(stat("sharedJoins"))"],
            ["statements (BEGIN and COMMIT included)", "\(s.statements) (\(ResultTable.format(Double(s.statements) / max(seconds, 0.001), 0))/s)"],
            ["transactions committed / failed", "\(s.transactionsCommitted) / \(s.transactionsFailed)"],
            ["reads checked", "\(s.reads)"],
            ["backends killed", "\(s.kills)"],
            ["DISCARD ALL sessions", "\(s.discards)"],
            ["DDL statements", "\(s.ddl)"],
            ["fault-loop errors (not RealPool's)", "\(s.faultErrors)"],
            ["caller errors: expected (killed backend)", "\(s.expectedErrors)"],
            ["connections opened / lost", "\(stat("connectionsOpened")) / \(stat("connectionsLost"))"],
            ["dead idle connections replaced at lease", stat("brokenAtLease")],
            ["prepared hits / misses", "\(stat("cacheHits")) / \(stat("cacheMisses"))"],
            ["re-prepared: missing (26000) / plan changed (0A000)", "\(stat("repreparesMissing")) / \(stat("repreparesPlanChanged"))"],
        ]
        rows.append(["", ""])
        for c in checks { rows.append([c.name, c.value + (c.ok ? "  ok" : "  VIOLATION")]) }
        let width = rows.map { $0[0].count }.max() ?? 0
        var out = "soak summary\n"
        for row in rows {
            out += row[0].isEmpty ? "\n" : row[0].padding(toLength: width, withPad: " ", startingAt: 0) + "  " + row[1] + "\n"
        }
        for e in s.firstUnexpected { out += "unexpected: \(e)\n" }
        out += checks.allSatisfy(\.ok) ? "soak: PASS\n" : "soak: FAIL\n"
        return out
    }
}
