import RealPool

/// The soak run's application: tasks that move money (a ledger row and a balance update in one
/// transaction, keyed by a request id), read balances and ledger counts, read the side table the
/// DDL loop alters, and check the ledger invariant in one statement. Every result is checked.
struct SoakWorkers: Sendable {
    let db: Database
    let schema: SoakSchema
    let counters: SoakCounters

    func run(until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            switch Int.random(in: 0..<10) {
            case 0..<3: await transfer()
            case 3, 4: await transferInOneStatement()
            case 5, 6: await read()
            case 7, 8: await readSide()
            default: await checkInvariant()
            }
        }
    }

    private func transfer() async {
        let id = counters.nextRequestID()
        let account = Int.random(in: 1...schema.accounts)
        let amount = Int.random(in: 1...100)
        // set at the end of the block: an error after it came from COMMIT (or its answer), so
        // the write may have been committed; an error before it means nothing was
        var reachedCommit = false
        do {
            try await db.transaction { tx in
                try await tx.execute(schema.insertLedger, parameters: [id, account, amount])
                try await tx.execute(schema.addToBalance, parameters: [amount, account])
                reachedCommit = true
            }
            counters.committed(id, statements: 4)
        } catch {
            counters.failed(id, atCommit: reachedCommit)
            counters.error(error)
        }
    }

    /// The same write as one autocommit statement. Its commit is the statement's end, so a lost
    /// connection leaves it ambiguous (it may have committed), like a lost COMMIT; any other error
    /// means it did not.
    private func transferInOneStatement() async {
        let id = counters.nextRequestID()
        let account = Int.random(in: 1...schema.accounts)
        let amount = Int.random(in: 1...100)
        do {
            let result = try await db.execute(schema.transferInOneStatement, parameters: [id, account, amount])
            counters.committed(id, statements: 1)
            // `UPDATE 1`, nothing else (another caller's result would say otherwise)
            if result.affectedRows != 1 || !result.isEmpty { counters.update { $0.wrongResults += 1 } }
        } catch {
            counters.failed(id, atCommit: SoakCounters.isExpected(error))
            counters.error(error)
        }
    }

    private func read() async {
        let account = Int.random(in: 1...schema.accounts)
        do {
            let rows = try await db.execute(Bool.random() ? schema.readBalance : schema.countLedger, account)
            counters.read(ok: rows.count == 1)
        } catch {
            counters.error(error)
        }
    }

    private func readSide() async {
        let id = Int.random(in: 1...100)
        do {
            let rows = try await db.execute(schema.readSide, id)
            counters.read(ok: rows.count == 1 && (try? rows[0].decode(Int.self, column: "id")) == id)
        } catch {
            counters.error(error)
        }
    }

    private func checkInvariant() async {
        let account = Int.random(in: 1...schema.accounts)
        do {
            let rows = try await db.execute(schema.consistent, account)
            counters.read(ok: rows.count == 1 && (try? rows[0].decode(Bool.self, column: 0)) == true)
        } catch {
            counters.error(error)
        }
    }
}
