/// Statement classification from the leading keywords (and, for queries, the functions called).
extension ShapeBuilder {
    /// Functions whose effect outlives the statement on its connection. The `_xact_` advisory-lock
    /// variants end with the transaction and are not listed. `set_config(...)` is listed because
    /// with `is_local = false` it is a session-level `SET`.
    static let sessionFunctions: [[UInt8]] = [
        "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock",
        "pg_try_advisory_lock_shared", "pg_advisory_unlock", "pg_advisory_unlock_shared",
        "pg_advisory_unlock_all", "set_config",
    ].map { Array($0.utf8) }

    func classify() -> (StatementKind, TransactionCommand?) {
        if count == 0 { return (.empty, nil) }
        for i in 0..<count where isPunctuation(i, UInt8(ascii: ";")) {
            return (.multiStatement, nil)
        }
        var first = 0
        while first < count && isPunctuation(first, UInt8(ascii: "(")) { first += 1 }
        guard let verb = key(first) else { return (.utility, nil) }
        func word(_ offset: Int) -> WordKey? { key(first + offset) }

        switch verb {
        case Keyword.begin:
            return (.transactionControl, .begin)
        case Keyword.start:
            return word(1) == Keyword.transaction ? (.transactionControl, .begin) : (.utility, nil)
        case Keyword.commit:
            return (.transactionControl, word(1) == Keyword.prepared ? .commitPrepared : .commit)
        case Keyword.end:
            return (.transactionControl, .commit)
        case Keyword.abort:
            return (.transactionControl, .rollback)
        case Keyword.rollback:
            if word(1) == Keyword.prepared { return (.transactionControl, .rollbackPrepared) }
            var j = 1
            if word(j) == Keyword.work || word(j) == Keyword.transaction { j += 1 }
            return (.transactionControl, word(j) == Keyword.to ? .rollbackToSavepoint : .rollback)
        case Keyword.savepoint:
            return (.transactionControl, .savepoint)
        case Keyword.release:
            return (.transactionControl, .release)
        case Keyword.prepare:
            return word(1) == Keyword.transaction ? (.transactionControl, .prepareTransaction) : (.sessionState, nil)
        case Keyword.set:
            // SET LOCAL, SET TRANSACTION and SET CONSTRAINTS last until the transaction ends.
            let next = word(1)
            if next == Keyword.local || next == Keyword.transaction || next == Keyword.constraints {
                return (.utility, nil)
            }
            return (.sessionState, nil)
        case Keyword.reset, Keyword.listen, Keyword.unlisten, Keyword.execute, Keyword.deallocate,
             Keyword.discard, Keyword.load:
            return (.sessionState, nil)
        case Keyword.create:
            var j = 1
            while let w = word(j), w == Keyword.or || w == Keyword.replace || w == Keyword.global || w == Keyword.local {
                j += 1
            }
            let w = word(j)
            return w == Keyword.temp || w == Keyword.temporary ? (.sessionState, nil) : (.utility, nil)
        case Keyword.declare:
            // DECLARE name ... [WITH HOLD] FOR query: only a holdable cursor outlives the transaction.
            var j = first + 1
            while j + 1 < count, key(j) != Keyword.for {
                if key(j) == Keyword.with && key(j + 1) == Keyword.hold { return (.sessionState, nil) }
                j += 1
            }
            return (.utility, nil)
        case Keyword.select, Keyword.values, Keyword.table, Keyword.insert, Keyword.update,
             Keyword.delete, Keyword.merge:
            return classifyQuery(mainVerbIsSelect: verb == Keyword.select, from: first)
        case Keyword.with:
            // The main statement is the first top-level query verb after the CTE definitions.
            var depth = 0
            var j = first + 1
            while j < count {
                if isPunctuation(j, UInt8(ascii: "(")) || isPunctuation(j, UInt8(ascii: "[")) {
                    depth += 1
                } else if isPunctuation(j, UInt8(ascii: ")")) || isPunctuation(j, UInt8(ascii: "]")) {
                    depth -= 1
                } else if depth == 0, let k = key(j),
                          k == Keyword.select || k == Keyword.values || k == Keyword.insert || k == Keyword.update
                          || k == Keyword.delete || k == Keyword.merge
                          || (k == Keyword.table && isPunctuation(j - 1, UInt8(ascii: ")"))) {
                    // (`TABLE name` only counts right after a CTE's `)`, not in `CREATE TABLE`.)
                    return classifyQuery(mainVerbIsSelect: k == Keyword.select, from: j)
                }
                j += 1
            }
            return (.utility, nil)
        default:
            return (.utility, nil)
        }
    }

    /// A query is preparable unless it calls a session-state function, or is `SELECT ... INTO`
    /// (really `CREATE TABLE AS`: session state into a temporary table, utility otherwise).
    func classifyQuery(mainVerbIsSelect: Bool, from verbIndex: Int) -> (StatementKind, TransactionCommand?) {
        for i in 0..<count where callsSessionFunction(i) {
            return (.sessionState, nil)
        }
        if mainVerbIsSelect {
            var depth = 0
            var j = verbIndex + 1
            while j < count {
                if isPunctuation(j, UInt8(ascii: "(")) || isPunctuation(j, UInt8(ascii: "[")) {
                    depth += 1
                } else if isPunctuation(j, UInt8(ascii: ")")) || isPunctuation(j, UInt8(ascii: "]")) {
                    depth -= 1
                } else if depth == 0, key(j) == Keyword.into {
                    var k = j + 1
                    while let w = key(k), w == Keyword.local || w == Keyword.global || w == Keyword.unlogged { k += 1 }
                    let w = key(k)
                    return w == Keyword.temp || w == Keyword.temporary ? (.sessionState, nil) : (.utility, nil)
                }
                j += 1
            }
        }
        return (.preparable, nil)
    }

    func callsSessionFunction(_ i: Int) -> Bool {
        let t = tokens[i]
        switch t.kind {
        case .word:
            let length = t.end - t.start
            // Cheap filter first: every name is 10+ bytes and starts with `p` or `s`.
            guard length >= 10, bytes[t.start] | 0x20 == UInt8(ascii: "p") || bytes[t.start] | 0x20 == UInt8(ascii: "s") else {
                return false
            }
            return Self.sessionFunctions.contains { name in
                name.count == length && name.indices.allSatisfy { SQLByte.lowercased(bytes[t.start + $0]) == name[$0] }
            }
        case .quotedIdentifier:
            let name = t.decoded ?? Array(bytes[t.valueStart..<t.valueEnd])
            return Self.sessionFunctions.contains(name)
        default:
            return false
        }
    }
}
