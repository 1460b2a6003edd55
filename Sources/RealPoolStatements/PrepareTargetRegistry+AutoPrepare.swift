import RealPoolConnection
import RealPoolNormalizer
/// Automatic preparation (`autoPrepareThreshold`), like psycopg's `prepare_threshold`: a
/// preparable shape that has run N times without matching a target becomes a target itself.
extension PrepareTargetRegistry {
    /// Counts one execution of `query` that matched no target, and registers its shape once it has
    /// run `autoPrepareThreshold` times. Returns the new target at that moment, nil otherwise (and
    /// always nil when automatic preparation is off or the query is not preparable).
    ///
    /// The target registered is the query with **every liftable literal turned into a parameter**
    /// (numbered after the query's own), because the count is per shape and a shape's executions
    /// usually differ in their literal values (`id = 7`, `id = 8`): keeping the literals would
    /// prepare a statement that only one value matches. Each later match still goes through the
    /// statement layer's type check, so a literal whose type differs from the inferred parameter
    /// type (an `int4` literal against an `int8` column) runs plainly, and a lifted target the
    /// server cannot prepare (`SELECT 1 + 2` becomes `$1 + $2`, which is ambiguous) is remembered
    /// as failed and those queries run plainly too.
    public func noteExecution(_ query: NormalizedQuery) -> PrepareTarget? {
        guard let threshold = autoPrepareThreshold, query.isPreparable, query.isLexable else { return nil }
        let reached = state.withLock { state -> Bool in
            if let count = state.executionCounts[query.canonical] {
                state.executionCounts[query.canonical] = count + 1
                return count + 1 == threshold
            }
            if state.executionCounts.count >= maxTrackedShapes {
                // Forget the one-off shapes first (typical of generated SQL); if every tracked shape
                // recurs, start counting afresh rather than grow.
                state.executionCounts = state.executionCounts.filter { $0.value > 1 }
                if state.executionCounts.count >= maxTrackedShapes { state.executionCounts.removeAll() }
            }
            state.executionCounts[query.canonical] = 1
            return threshold == 1
        }
        guard reached, let lifted = Self.liftedShape(of: query) else { return nil }
        return insert(lifted, isAutomatic: true)
    }

    /// `resolveMatch`, counting the execution for automatic preparation when nothing matches.
    func resolveMatchNotingExecution(_ query: NormalizedQuery) -> TargetMatch? {
        if let match = resolveMatch(query) { return match }
        guard autoPrepareThreshold != nil, noteExecution(query) != nil else { return nil }
        return resolveMatch(query)
    }

    /// The query's text with each lifted literal replaced by a new parameter, normalised; nil when
    /// the result would not have the same shape (then nothing is registered).
    static func liftedShape(of query: NormalizedQuery) -> NormalizedQuery? {
        if query.literals.isEmpty {
            return Normalizer(style: .dollar).normalize(query.executableSQL)
        }
        // Literal positions refer to the caller's text; re-lex the `$n` form to get positions there.
        let dollar = query.style == .dollar ? query : Normalizer(style: .dollar).normalize(query.executableSQL)
        guard dollar.isLexable, dollar.literals.count == query.literals.count else { return nil }
        var bytes = Array(dollar.executableSQL.utf8)
        // Replace from the end so earlier offsets stay valid. Spaces around `$n` keep it a token of
        // its own (`select'x'` must not become the identifier `select$1`).
        for (i, literal) in dollar.literals.enumerated().reversed() {
            let start = literal.position
            let end = start + literal.text.utf8.count
            guard end <= bytes.count else { return nil }
            bytes.replaceSubrange(start..<end, with: Array(" $\(dollar.parameterCount + i + 1) ".utf8))
        }
        let lifted = Normalizer(style: .dollar).normalize(String(decoding: bytes, as: UTF8.self))
        guard lifted.isPreparable, lifted.literals.isEmpty, lifted.canonical == query.canonical else { return nil }
        return lifted
    }
}
