import RealPool

/// The checks at the end of a soak run, after the workers and faults have stopped: every write
/// the caller saw commit is in the ledger exactly once, nothing the caller saw fail before COMMIT
/// is there, balances agree with the ledger, the pool is back at its baseline (no leaked lease),
/// and every registered shape runs again (the statement caches are in step with the server).
struct SoakVerifier {
    struct Check {
        let name: String
        let value: String
        let ok: Bool
    }

    let db: Database
    let schema: SoakSchema
    let counters: SoakCounters

    func run() async -> [Check] {
        var checks: [Check] = []
        // the pool first: anything still leased now was leaked
        var baseline = false
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ContinuousClock.now < deadline {
            let s = db.statistics
            if s.leased == 0 && s.waiting == 0 && s.resetting == 0 { baseline = true; break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let s = db.statistics
        checks.append(Check(name: "pool back to baseline (leased, waiting, resetting)",
                            value: "\(s.leased), \(s.waiting), \(s.resetting)", ok: baseline))

        var failedShapes: [String] = []
        for sql in schema.readTargets {
            do { _ = try await db.execute(sql, 1) } catch { failedShapes.append(BenchError.oneLine(error)) }
        }
        checks.append(Check(name: "every registered read shape runs afterwards", value: failedShapes.first ?? "\(schema.readTargets.count) of \(schema.readTargets.count)",
                            ok: failedShapes.isEmpty))

        do {
            checks += try await ledgerChecks()
        } catch {
            checks.append(Check(name: "ledger readable", value: BenchError.oneLine(error), ok: false))
        }
        let snap = counters.snapshot
        checks.append(Check(name: "wrong results (rows or invariant)", value: "\(snap.wrongResults)", ok: snap.wrongResults == 0))
        checks.append(Check(name: "unexpected errors", value: "\(snap.unexpectedErrors)", ok: snap.unexpectedErrors == 0))
        return checks
    }

    private func ledgerChecks() async throws -> [Check] {
        let rows = try await db.execute(SQLQuery(unsafeSQL: "SELECT request_id, count(*) FROM \(schema.ledger) GROUP BY request_id"))
        var written = Set<Int>()
        var doubled = 0
        for row in rows {
            written.insert(try row.decode(Int.self, column: 0))
            if try row.decode(Int.self, column: 1) > 1 { doubled += 1 }
        }
        let (committed, failedBeforeCommit, ambiguous) = counters.outcomes
        let lost = committed.subtracting(written)
        let phantom = written.subtracting(committed).subtracting(ambiguous)
        let ambiguousWritten = ambiguous.intersection(written).count
        let mismatched = try await db.execute(SQLQuery(unsafeSQL: """
            SELECT count(*) FROM \(schema.balances) b
            WHERE b.balance <> coalesce((SELECT sum(l.amount) FROM \(schema.ledger) l WHERE l.account = b.id), 0)
            """))[0].decode(Int.self, column: 0)
        return [
            Check(name: "committed writes in the ledger", value: "\(committed.count - lost.count) of \(committed.count)", ok: lost.isEmpty),
            Check(name: "writes applied twice", value: "\(doubled)", ok: doubled == 0),
            Check(name: "writes present though reported failed before COMMIT", value: "\(phantom.count) (of \(failedBeforeCommit.count) failed)", ok: phantom.isEmpty),
            Check(name: "COMMIT lost with the connection (either outcome allowed)", value: "\(ambiguous.count), \(ambiguousWritten) committed", ok: true),
            Check(name: "accounts whose balance differs from their ledger", value: "\(mismatched)", ok: mismatched == 0),
        ]
    }
}
