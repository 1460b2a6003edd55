import RealPoolConnection
import RealPoolNormalizer
/// When a matched query may use the target's prepared statement without changing its meaning.
///
/// The plain statement is parsed from the caller's text with the caller's parameter types; the
/// prepared one from the target's text with the variant's declared types (`StatementVariant`). They
/// parse identically when the query differs from the target only in whitespace, comments, keyword
/// case, placeholder style, parameter numbering and constants lifted into parameters:
/// - a lifted number is declared with its own type (`int4`, `int8`, `numeric`), which the server
///   resolves exactly like the constant;
/// - a caller parameter with an explicit type (`Double` is sent as `float8`, `Date` as
///   `timestamptz`, ...) is declared with that type, as the plain query declares it;
/// - a lifted string is `unknown`-typed, like an undeclared parameter at the same place, except
///   where one target parameter stands for several places (one type for all of them, where the
///   plain query types each written constant by its own context): that runs plainly;
/// - one untyped caller parameter feeding two target parameters: the plain query deduces one type
///   for it, the target one per place, so it is bound only when both got the same type (checked
///   against the types the server reported by describe).
/// The statement's described types are checked against the declared ones before every use, so a
/// statement prepared under the name by someone else (42P05 adoption) is never bound wrongly.
extension StatementExecution {
    /// Why a matched query cannot use its target at all, nil when it may (types aside). A
    /// parameter count that does not fit is no type matter (the plain statement's own error is
    /// wanted) and is not counted as a fallback.
    enum Unfit {
        case parameterCount
        case sharedStringLiteral
    }

    /// Checks that need no types: the caller passed exactly the parameters the query uses, and no
    /// string literal is lifted into a target parameter used at several places.
    static func unfit(_ match: TargetMatch, parameters: [PostgresBind], query: NormalizedQuery) -> Unfit? {
        guard parameters.count == query.parameterCount else { return .parameterCount }
        // On the hot path: flags in scratch memory, not a Set.
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: parameters.count) { used -> Unfit? in
            used.initialize(repeating: false)
            var usedCount = 0
            for (k, source) in match.sources.enumerated() {
                switch source {
                case .queryParameter(let n):
                    guard n >= 1, n <= parameters.count else { return .parameterCount }
                    if !used[n - 1] { used[n - 1] = true; usedCount += 1 }
                case .literal(let literal):
                    if literal.kind == .string, match.registered.sharedParameters.contains(k + 1) { return .sharedStringLiteral }
                }
            }
            return usedCount == parameters.count ? nil : .parameterCount
        }
    }

    /// Whether binding can only be judged once the parameter types are known: an untyped caller
    /// parameter feeds more than one target parameter.
    static func needsTypeCheck(_ match: TargetMatch, parameters: [PostgresBind]) -> Bool {
        var seen = Set<Int>()
        for case .queryParameter(let n) in match.sources where parameters[n - 1].type == .unspecified {
            if !seen.insert(n).inserted { return true }
        }
        return false
    }

    /// Whether every difference between the target's parse and the caller's is a number lifted
    /// into a parameter declared with its own type: no string literal lifted (`unknown` resolves
    /// by context), no untyped parameter filling several places.
    static func liftsOnlyDeclaredNumbers(_ match: TargetMatch, parameters: [PostgresBind]) -> Bool {
        for case .literal(let literal) in match.sources where literal.kind == .string { return false }
        return !needsTypeCheck(match, parameters: parameters)
    }

    /// Whether the target's text may fail to parse where the caller's parses: a constant became a
    /// parameter (where the grammar wants a constant), or a type is left to inference.
    static func parseMayDiffer(_ match: TargetMatch, parameters: [PostgresBind]) -> Bool {
        match.liftsLiterals || needsTypeCheck(match, parameters: parameters)
    }

    /// Why the sources may not be bound to a statement with these described parameter types, nil
    /// when they may.
    static func mismatch(_ match: TargetMatch, parameters: [PostgresBind], variant: StatementVariant,
                         types: [PostgresType]) -> String? {
        guard types.count == match.sources.count else {
            return "the statement has \(types.count) parameters, the target \(match.sources.count)"
        }
        // The type each untyped caller parameter got so far (`.unspecified` = not seen yet).
        return withUnsafeTemporaryAllocation(of: PostgresType.self, capacity: parameters.count) { typeOfCallerParameter -> String? in
            typeOfCallerParameter.initialize(repeating: .unspecified)
            defer { typeOfCallerParameter.deinitialize() }
            for (k, source) in match.sources.enumerated() {
                let type = types[k]
                let declared = variant.declaredType(k)
                if declared != .unspecified {
                    if declared != type { return "parameter $\(k + 1) is \(type), not the declared \(declared)" }
                    continue
                }
                guard case .queryParameter(let n) = source else { continue }  // a string: unknown-typed
                let other = typeOfCallerParameter[n - 1]
                if other != .unspecified, other != type {
                    return "the untyped parameter $\(n) fills places the server typed \(other) and \(type)"
                }
                typeOfCallerParameter[n - 1] = type
            }
            return nil
        }
    }
}
