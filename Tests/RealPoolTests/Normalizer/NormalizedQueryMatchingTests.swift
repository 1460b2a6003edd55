import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

@Suite struct NormalizedQueryMatchingTests {
    let normalizer = Normalizer()

    @Test func issueExample() throws {
        let target = normalizer.normalize("SELECT * FROM users WHERE status = 'active' AND id = $1")
        let query = normalizer.normalize("select * from users where STATUS='active' and id=42")
        let parameters = try #require(query.match(against: target))
        #expect(parameters.count == 1)
        guard case .literal(let literal) = parameters[0] else {
            Issue.record("expected a literal, got \(parameters[0])")
            return
        }
        #expect(literal.value == "42")
        #expect(literal.kind == .integer)
        #expect(literal.naturalTypeOID == 23)
        #expect(normalizer.normalize("select * from users where status = 'gone' AND id = 42").match(against: target) == nil)
    }

    @Test func queryParametersAreRenumberedToTheTarget() {
        let target = normalizer.normalize("select * from t where a = $1 and b = $2 and c = $1")
        let query = normalizer.normalize("select * from t where a = $2 and b = 'x' and c = $2")
        let parameters = query.match(against: target)
        #expect(parameters?.count == 2)
        #expect(parameters?.first == .queryParameter(2))
        if case .literal(let literal)? = parameters?.last {
            #expect(literal.value == "x")
        } else {
            Issue.record("expected a literal for $2")
        }
        #expect(normalizer.normalize("select * from t where a = $1 and b = 'x' and c = $2").match(against: target) == nil)
    }

    @Test func nonPreparableNeverMatches() {
        let target = normalizer.normalize("set search_path to x")
        #expect(normalizer.normalize("set search_path to x").match(against: target) == nil)
        let multi = normalizer.normalize("select 1; select 2")
        #expect(multi.match(against: multi) == nil)
    }

    @Test func everyTargetParameterGetsASource() {
        let target = normalizer.normalize("select * from t where a = $1 and b = $3")
        #expect(target.parameterCount == 3)
        #expect(normalizer.normalize("select * from t where a = 1 and b = 2").match(against: target) == nil)
    }
}

@Suite struct LiftedLiteralTypingTests {
    func literal(_ value: String, _ kind: LiftedLiteral.Kind) -> LiftedLiteral {
        LiftedLiteral(text: value, value: value, kind: kind, position: 0)
    }

    @Test func naturalTypes() {
        #expect(literal("42", .integer).naturalTypeOID == 23)
        #expect(literal("-2147483647", .integer).naturalTypeOID == 23)
        #expect(literal("2147483648", .integer).naturalTypeOID == 20)
        #expect(literal("-2147483648", .integer).naturalTypeOID == 23)
        #expect(literal("-9223372036854775808", .integer).naturalTypeOID == 20)
        #expect(literal("9223372036854775808", .integer).naturalTypeOID == 1700)
        #expect(literal("1.5", .numeric).naturalTypeOID == 1700)
        #expect(literal("x", .string).naturalTypeOID == 705)
    }

    @Test func declaredTypes() {
        // numbers are declared with their own type, strings stay undeclared (unknown)
        #expect(literal("42", .integer).declaredTypeOID == 23)
        #expect(literal("-2147483648", .integer).declaredTypeOID == 23)
        #expect(literal("5000000000", .integer).declaredTypeOID == 20)
        #expect(literal("99999999999999999999", .integer).declaredTypeOID == 1700)
        #expect(literal("1.5", .numeric).declaredTypeOID == 1700)
        #expect(literal("1e3", .numeric).declaredTypeOID == 1700)
        #expect(literal("abc", .string).declaredTypeOID == 0)
    }
}

@Suite struct ParameterizedSQLTests {
    @Test func example() {
        let q = Normalizer().normalize("select * from t where a = $1 and b = 'x' and c = -5")
        #expect(q.parameterizedSQL == "select * from t where a = $1 and b = $2 and c = $3")
        #expect(Normalizer().normalize("select 'a'as x").parameterizedSQL == "select $1 as x")
        let question = Normalizer(style: .question).normalize("select ?, 'x'")
        #expect(question.parameterizedSQL == "select $1, $2")
    }

    /// Every lexable, preparable corpus query turned into a target keeps its shape and matches it
    /// with its own parameters followed by its literals.
    @Test func corpusQueriesMatchTheirParameterizedForm() {
        var checked = 0
        for c in NormalizerFixtures.corpus.cases {
            let q = Normalizer(style: NormalizerFixtures.style(c.style)).normalize(c.sql)
            guard q.isPreparable, Set(1...max(q.parameterCount, 1)).isSubset(of: Set(q.slots.compactMap {
                if case .parameter(let n) = $0 { return n } else { return nil }
            })) || q.parameterCount == 0 else { continue }
            let target = Normalizer().normalize(q.parameterizedSQL)
            #expect(target.canonical == q.canonical, "\(c.sql.debugDescription) -> \(q.parameterizedSQL.debugDescription)")
            #expect(target.literals.isEmpty, "\(q.parameterizedSQL.debugDescription)")
            let expected = (1...max(q.parameterCount, 1)).prefix(q.parameterCount).map { ParameterSource.queryParameter($0) }
                + q.literals.map { ParameterSource.literal($0) }
            #expect(q.match(against: target) == expected, "\(c.sql.debugDescription)")
            checked += 1
        }
        #expect(checked > 100)
    }
}
