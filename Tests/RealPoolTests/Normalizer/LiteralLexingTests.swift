import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

/// The lexing and lifting rules: number syntax every server reads alike, bit strings
/// as constants, a unary minus lifted with its number, canonical text that parses.
@Suite struct LiteralLexingTests {
    func shape(_ sql: String) -> NormalizedQuery { Normalizer().normalize(sql) }

    @Test(arguments: [
        "SELECT 0x1F", "SELECT 0X1f", "SELECT 0o17", "SELECT 0b101", "SELECT 0B1", "SELECT 1_000", "SELECT 1_000.5",
        "SELECT 1.000_5", "SELECT 1e1_0", "SELECT * FROM t WHERE id = 0x10", "SELECT * FROM t LIMIT 1_0", "SELECT -0b1",
        "SELECT 0x", "SELECT 12abc", "SELECT 1.5e", "SELECT 1$",
    ])
    func postgres16NumberSyntaxIsNotLexed(_ sql: String) {
        // PostgreSQL 15 says "trailing junk", 14 and older read `0x1F` as `0 AS x1F`: never lift,
        // never match, run plainly.
        let q = shape(sql)
        #expect(q.kind == .unlexable, "\(sql): \(q.canonical)")
        #expect(q.literals.isEmpty)
        #expect(q.lexError != nil)
    }

    @Test func decimalNumbersStillLift() {
        let q = shape("SELECT 0, 007, 1.5, .5, 5., 1e10, 2.5E-3")
        #expect(q.isLexable)
        #expect(q.literals.map(\.value) == ["0", "007", "1.5", ".5", "5.", "1e10", "2.5E-3"])
        #expect(q.literals.map(\.kind) == [.integer, .integer, .numeric, .numeric, .numeric, .numeric, .numeric])
    }

    @Test func bitStringsAreConstantsInTheShape() {
        let q = shape("SELECT * FROM t WHERE bits = B'101' OR hex = x'1F' OR c = 'b' OR d = ab'1'")
        #expect(q.isLexable)
        #expect(q.canonical == "select * from t where bits = b'101' or hex = x'1F' or c = $1 or d = ab '1'")
        #expect(q.literals.map(\.value) == ["b"])
        // different bit strings are different shapes, never one parameter
        #expect(shape("SELECT B'101'").canonical != shape("SELECT B'100'").canonical)
        #expect(shape("SELECT B'102'").kind == .unlexable || shape("SELECT B'102'").literals.isEmpty)
    }

    @Test func aUnaryMinusIsLiftedWithItsNumber() {
        for sql in ["SELECT * FROM t WHERE a = -8", "SELECT * FROM t WHERE a = - 8", "SELECT * FROM t WHERE a = -/* c */8",
                    "SELECT * FROM t WHERE a = -\n 8"] {
            let q = shape(sql)
            #expect(q.canonical == "select * from t where a = $1", "\(sql)")
            #expect(q.literals.map(\.value) == ["-8"], "\(sql)")
            #expect(q.literals.first?.declaredTypeOID == 23)
        }
        // binary minus: the number alone, the operator stays
        #expect(shape("SELECT a - 8 FROM t").canonical == "select a - $1 from t")
        #expect(shape("SELECT a - 8 FROM t").literals.map(\.value) == ["8"])
        // FETCH FIRST takes a signed constant or a c_expr: `$1`, never `- $1`
        #expect(shape("SELECT * FROM t FETCH FIRST -5 ROWS ONLY").canonical == "select * from t fetch first $1 rows only")
        // binding tighter than unary minus: `-1::text` is `-(1::text)`
        #expect(shape("SELECT -1::text").canonical == "select - $1 :: text")
    }

    @Test func theMinusDecidesTheTypeOnlyAtTwoMagnitudes() {
        // -2147483648 is int4 and 2147483648 int8: lifted with their own sign they keep their type
        #expect(shape("SELECT -2147483648").literals.first?.declaredTypeOID == 23)
        #expect(shape("SELECT 2147483648").literals.first?.declaredTypeOID == 20)
        #expect(shape("SELECT -9223372036854775808").literals.first?.declaredTypeOID == 20)
        #expect(shape("SELECT 9223372036854775808").literals.first?.declaredTypeOID == 1700)
        // where an outer minus reaches them, they stay constants
        for sql in ["SELECT - -2147483648", "SELECT -(2147483648)", "SELECT -((-9223372036854775808))", "SELECT a - 2147483648 FROM t"] {
            #expect(shape(sql).literals.isEmpty, "\(sql)")
        }
        // other magnitudes have one type whatever the sign
        #expect(shape("SELECT - -2147483647").literals.map(\.value) == ["-2147483647"])
        #expect(shape("SELECT -(5)").literals.map(\.value) == ["5"])
    }

    @Test func utilityStatementsKeepTheirConstants() {
        let q = shape("SET LOCAL TIME ZONE -8")
        #expect(q.kind == .utility)
        #expect(q.canonical == "set local time zone - 8")
        #expect(q.literals.isEmpty && q.slots.isEmpty)
        #expect(shape("SET LOCAL statement_timeout = '5s'").literals.isEmpty)
        #expect(shape("CREATE TABLE x (a int DEFAULT -1)").canonical == "create table x ( a int default - 1 )")
        #expect(shape("SELECT 1; SELECT 2").literals.isEmpty)
    }

    @Test func canonicalTextWithValuesPutBackIsTheSameShape() {
        // putting each lifted value back where its slot is gives text of the same shape: no
        // operator was left behind that would apply to the value twice
        for sql in ["SELECT * FROM t WHERE a = - 8 AND b = -1.5e3 AND c IN (-1, - 2, 3) LIMIT 5 OFFSET 10",
                    "SELECT a - -8, a * -2147483647, -(3) FROM t WHERE b BETWEEN -5 AND - 2",
                    "SELECT * FROM t FETCH NEXT -1 ROWS ONLY"] {
            let q = shape(sql)
            var text = q.canonical
            for k in stride(from: q.slots.count, through: 1, by: -1) {
                guard case .literal(let i) = q.slots[k - 1] else { continue }
                text = text.replacingOccurrences(of: "$\(k)", with: q.literals[i].value)
            }
            let again = shape(text)
            #expect(again.canonical == q.canonical, "\(sql) -> \(text)")
            #expect(again.literals.map(\.value) == q.literals.map(\.value), "\(sql)")
        }
    }
}
