import RealPool
import Testing
@testable import prepare_bench

@Suite struct InlineLiteralsTests {
    @Test func writesEachKindOfValue() {
        #expect(InlineLiterals.literal(.text("42"), generatedBy: .int(1, 100)) == "42")
        #expect(InlineLiterals.literal(.text("-7"), generatedBy: .int(-10, 10)) == "-7")
        #expect(InlineLiterals.literal(.text("3.25"), generatedBy: .float(0, 10)) == "3.25")
        #expect(InlineLiterals.literal(.text("t"), generatedBy: .bool) == "true")
        #expect(InlineLiterals.literal(.text("f"), generatedBy: .bool) == "false")
        #expect(InlineLiterals.literal(.null, generatedBy: .null) == "NULL")
        #expect(InlineLiterals.literal(.text("paid"), generatedBy: .choice(["new", "paid"])) == "'paid'")
        #expect(InlineLiterals.literal(.text("abc"), generatedBy: .randomText(3, 3)) == "'abc'")
        #expect(InlineLiterals.literal(.text("12"), generatedBy: .constant("12")) == "'12'")
    }

    @Test func anyNullIsNULLWhateverTheGenerator() {
        #expect(InlineLiterals.literal(.null, generatedBy: .int(1, 2)) == "NULL")
        #expect(InlineLiterals.literal(.null, generatedBy: .constant("x")) == "NULL")
    }

    @Test func doublesQuotesAndLeavesBackslashesAlone() {
        #expect(InlineLiterals.quoted("O'Brien") == "'O''Brien'")
        #expect(InlineLiterals.quoted("''") == "''''''")
        #expect(InlineLiterals.quoted(#"a\b"#) == #"'a\b'"#)
        #expect(InlineLiterals.quoted("") == "''")
        #expect(InlineLiterals.literal(.text("it's"), generatedBy: .constant("it's")) == "'it''s'")
    }

    @Test func replacesPlaceholdersByNumber() {
        #expect(InlineLiterals.substitute("SELECT $2, $1, $10", (1...10).map { "v\($0)" }) == "SELECT v2, v1, v10")
        #expect(InlineLiterals.substitute("WHERE a = $1 AND b = $1", ["'x'"]) == "WHERE a = 'x' AND b = 'x'")
    }

    @Test func leavesQuotedTextCommentsAndOtherDollarsAlone() {
        let sql = """
            SELECT '$1', "col$1", a$1, $3 -- $1
            /* $1 */ FROM t WHERE x = $1
            """
        #expect(InlineLiterals.substitute(sql, ["5"]) == """
            SELECT '$1', "col$1", a$1, $3 -- $1
            /* $1 */ FROM t WHERE x = 5
            """)
        #expect(InlineLiterals.substitute("SELECT 'it''s $1', $1", ["1"]) == "SELECT 'it''s $1', 1")
    }

    @Test func spacesANegativeNumberAfterAnOperator() {
        #expect(InlineLiterals.substitute("SELECT a -$1", ["-5"]) == "SELECT a - -5")
        #expect(InlineLiterals.substitute("WHERE x=$1", ["-5"]) == "WHERE x= -5")
        #expect(InlineLiterals.substitute("WHERE x = $1", ["-5"]) == "WHERE x = -5")
        #expect(InlineLiterals.substitute("VALUES ($1)", ["-5"]) == "VALUES (-5)")
        #expect(InlineLiterals.substitute("SELECT a -$1", ["5"]) == "SELECT a -5")
    }

    @Test func inlinesAWholeRequestAndDropsItsParameters() throws {
        let parser = WorkloadParser(variables: [:])
        let workload = try parser.parse("""
            request r
            sql SELECT * FROM users WHERE name = $1 AND id > $2
            param const:O'Hara
            param int:-3..-3
            think
            sql SELECT $1
            param null
            """, source: "x", defaultName: "x")
        let request = workload.requests[0]
        var rng = SeededGenerator(seed: 1)
        let parameters = request.statements.map { $0.bind(&rng) }
        let (inlined, left) = InlineLiterals.apply(request, parameters)
        #expect(inlined.statements.map(\.sql) == ["SELECT * FROM users WHERE name = 'O''Hara' AND id > -3", "SELECT NULL"])
        #expect(inlined.statements.allSatisfy { $0.parameters.isEmpty })
        #expect(left.map(\.count) == [0, 0])
        #expect(inlined.steps.count == 3)
    }
}
