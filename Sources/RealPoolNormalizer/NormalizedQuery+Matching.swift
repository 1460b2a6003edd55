extension NormalizedQuery {
    /// Whether this query can run as the prepared statement of `target` (whose `executableSQL`
    /// is what gets prepared, its literals staying literal), and with which parameters.
    ///
    /// Both must lex and be preparable and have equal canonical text. Then, slot by slot: where the
    /// target has a parameter `$k`, this query's parameter or literal becomes the value of `$k`;
    /// where the target has a literal, this query must have an equal literal (same kind, same
    /// value). A target parameter used at several slots needs the same source at each (the same
    /// query parameter, or equal literals). Returns one source per target parameter
    /// `$1...$target.parameterCount`, or nil when the query does not match.
    ///
    /// A literal bound in place of a parameter is only meaning-preserving when the parameter is
    /// declared with the literal's own type (`LiftedLiteral.declaredTypeOID`) when the target is
    /// prepared, as the statement layer does.
    public func match(against target: NormalizedQuery) -> [ParameterSource]? {
        guard lexError == nil, target.lexError == nil,
              kind == .preparable, target.kind == .preparable,
              fingerprint == target.fingerprint, canonical == target.canonical,
              slots.count == target.slots.count else { return nil }
        var sources = [ParameterSource?](repeating: nil, count: target.parameterCount)
        for (targetSlot, querySlot) in zip(target.slots, slots) {
            switch targetSlot {
            case .parameter(let k):
                let source: ParameterSource
                switch querySlot {
                case .parameter(let n): source = .queryParameter(n)
                case .literal(let index): source = .literal(literals[index])
                }
                if let existing = sources[k - 1] {
                    guard Self.sameValue(existing, source) else { return nil }
                } else {
                    sources[k - 1] = source
                }
            case .literal(let targetIndex):
                guard case .literal(let queryIndex) = querySlot else { return nil }
                let expected = target.literals[targetIndex]
                let actual = literals[queryIndex]
                guard expected.kind == actual.kind, expected.value == actual.value else { return nil }
            }
        }
        // A target parameter that no slot uses cannot be bound from this query.
        var result: [ParameterSource] = []
        result.reserveCapacity(sources.count)
        for source in sources {
            guard let source else { return nil }
            result.append(source)
        }
        return result
    }

    /// Two sources for one target parameter agree when they are the same query parameter or
    /// literals of the same kind and value (how they were written does not matter).
    static func sameValue(_ a: ParameterSource, _ b: ParameterSource) -> Bool {
        switch (a, b) {
        case (.queryParameter(let x), .queryParameter(let y)): return x == y
        case (.literal(let x), .literal(let y)): return x.kind == y.kind && x.value == y.value
        default: return false
        }
    }
}
