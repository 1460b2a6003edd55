/// When a matched query may use the target's prepared statement without changing its meaning.
///
/// The plain statement is parsed from the caller's text with the caller's parameter types; the
/// prepared one from the target's text with no types. They parse identically when the query
/// differs from the target only in whitespace, comments, keyword case, placeholder style and
/// parameter numbering. Three things can make them differ, and each is checked against the
/// parameter types the server inferred for the target (learned from describe):
/// - a numeric literal lifted into a parameter: the literal has a type of its own (`int4`, `int8`,
///   `numeric`), so it is bound only when the parameter's type is exactly that type
///   (`LiftedLiteral.canBind`); a string literal is `unknown`-typed like an untyped parameter and
///   resolves the same way, except where one target parameter stands for several places;
/// - a caller parameter with an explicit type (`Double` is sent as `float8`, `Date` as
///   `timestamptz`, ...): bound only when the inferred type is that type;
/// - one caller parameter feeding two target parameters: bound only when both got the same type
///   (the plain query deduces one type for it).
extension StatementExecution {
    /// Checks that need no types: the caller passed exactly the parameters the query uses (else the
    /// plain statement's own error is wanted), and no string literal is lifted into a target
    /// parameter used at several places.
    static func parametersFit(_ match: TargetMatch, parameters: [PostgresBind], query: NormalizedQuery) -> Bool {
        guard parameters.count == query.parameterCount else { return false }
        // On the hot path: flags in scratch memory, not a Set.
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: parameters.count) { used in
            used.initialize(repeating: false)
            var usedCount = 0
            for (k, source) in match.sources.enumerated() {
                switch source {
                case .queryParameter(let n):
                    guard n >= 1, n <= parameters.count else { return false }
                    if !used[n - 1] { used[n - 1] = true; usedCount += 1 }
                case .literal(let literal):
                    if literal.kind == .string, match.registered.sharedParameters.contains(k + 1) { return false }
                }
            }
            return usedCount == parameters.count
        }
    }

    /// Whether binding can only be judged once the parameter types are known.
    static func needsTypeCheck(_ match: TargetMatch, parameters: [PostgresBind]) -> Bool {
        var seen = Set<Int>()
        for source in match.sources {
            switch source {
            case .literal(let literal):
                if literal.kind != .string { return true }
            case .queryParameter(let n):
                if parameters[n - 1].type != .unspecified { return true }
                if !seen.insert(n).inserted { return true }
            }
        }
        return false
    }

    /// Whether the target's text may parse differently from the caller's (see the type notes).
    static func parseMayDiffer(_ match: TargetMatch, parameters: [PostgresBind]) -> Bool {
        match.liftsLiterals || needsTypeCheck(match, parameters: parameters)
    }

    /// Whether the sources may be bound to a statement with these parameter types.
    static func bindable(_ match: TargetMatch, parameters: [PostgresBind], types: [PostgresType]) -> Bool {
        guard types.count == match.sources.count else { return false }
        // The type each caller parameter got so far (`.unspecified` = not seen yet).
        return withUnsafeTemporaryAllocation(of: PostgresType.self, capacity: parameters.count) { typeOfCallerParameter in
            typeOfCallerParameter.initialize(repeating: .unspecified)
            defer { typeOfCallerParameter.deinitialize() }
            for (k, source) in match.sources.enumerated() {
                let type = types[k]
                switch source {
                case .literal(let literal):
                    guard literal.canBind(toParameterOfType: type.rawValue) else { return false }
                case .queryParameter(let n):
                    let given = parameters[n - 1].type
                    if given != .unspecified, given != type { return false }
                    let other = typeOfCallerParameter[n - 1]
                    if other != .unspecified, other != type { return false }
                    typeOfCallerParameter[n - 1] = type
                }
            }
            return true
        }
    }
}
