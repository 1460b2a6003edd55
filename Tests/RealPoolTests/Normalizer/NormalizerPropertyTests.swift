import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

/// Generated variants: whitespace, comments, keyword case and literal values (in every notation)
/// keep the shape and are lifted with the right values; a changed identifier or operator does not.
@Suite struct NormalizerPropertyTests {
    enum Piece {
        case keyword(String)
        case identifier(String)
        case symbol(String)
        case op(String)
        case integer
        case string
    }

    static let templates: [[Piece]] = [
        [.keyword("select"), .identifier("id"), .symbol(","), .identifier("name"), .keyword("from"), .identifier("users"),
         .keyword("where"), .identifier("status"), .op("="), .string, .keyword("and"), .identifier("age"), .op(">"), .integer,
         .keyword("order"), .keyword("by"), .identifier("name"), .keyword("limit"), .integer],
        [.keyword("insert"), .keyword("into"), .identifier("t"), .symbol("("), .identifier("a"), .symbol(","), .identifier("b"),
         .symbol(")"), .keyword("values"), .symbol("("), .integer, .symbol(","), .string, .symbol(")")],
        [.keyword("update"), .identifier("t"), .keyword("set"), .identifier("a"), .op("="), .string, .keyword("where"),
         .identifier("id"), .op("="), .integer],
        [.keyword("delete"), .keyword("from"), .identifier("t"), .keyword("where"), .identifier("id"), .keyword("in"),
         .symbol("("), .integer, .symbol(","), .integer, .symbol(","), .integer, .symbol(")")],
        [.keyword("select"), .keyword("count"), .symbol("("), .symbol("*"), .symbol(")"), .keyword("from"), .identifier("t"),
         .identifier("x"), .keyword("join"), .identifier("u"), .keyword("on"), .identifier("x"), .symbol("."), .identifier("id"),
         .op("="), .identifier("u"), .symbol("."), .identifier("xid"), .keyword("where"), .identifier("v"), .keyword("between"),
         .integer, .keyword("and"), .integer],
        [.keyword("with"), .identifier("c"), .keyword("as"), .symbol("("), .keyword("select"), .identifier("a"), .keyword("from"),
         .identifier("t"), .keyword("where"), .identifier("b"), .op("="), .string, .symbol(")"), .keyword("select"), .symbol("*"),
         .keyword("from"), .identifier("c")],
        [.keyword("select"), .identifier("a"), .keyword("from"), .identifier("t"), .keyword("where"), .identifier("b"),
         .keyword("like"), .string, .keyword("or"), .identifier("c"), .op("<>"), .integer],
        [.keyword("select"), .identifier("a"), .symbol("::"), .keyword("text"), .keyword("from"), .identifier("t"),
         .keyword("where"), .identifier("j"), .op("@>"), .string, .symbol("::"), .keyword("jsonb")],
    ]

    static let separators = [" ", "  ", "\t", "\n", "\r\n", " /* comment */ ", " /* nested /* inner */ */ ", " -- line\n", "\n\t "]
    static let operators = ["=", "<>", "<", ">", "<=", ">=", "~~", "@>", "||"]

    /// Renders the template: placeholders `$n` when `values` is nil, otherwise the given literals.
    static func render(_ template: [Piece], literals: [String]?, rng: inout SeededGenerator, vary: Bool) -> String {
        var out = ""
        var slot = 0
        for (index, piece) in template.enumerated() {
            if index > 0 { out += vary ? separators.randomElement(using: &rng)! : " " }
            switch piece {
            case .keyword(let word), .identifier(let word):
                out += vary ? randomCase(word, rng: &rng) : word
            case .symbol(let text), .op(let text):
                out += text
            case .integer, .string:
                if let literals {
                    out += literals[slot]
                } else {
                    out += "$\(slot + 1)"
                }
                slot += 1
            }
        }
        return out
    }

    static func randomCase(_ word: String, rng: inout SeededGenerator) -> String {
        String(word.map { Bool.random(using: &rng) ? Character($0.uppercased()) : $0 })
    }

    /// A random value and one way of writing it.
    static func randomLiteral(_ piece: Piece, rng: inout SeededGenerator) -> (text: String, value: String) {
        if case .integer = piece {
            let value = Int.random(in: -100_000...100_000, using: &rng)
            return ("\(value)", "\(value)")
        }
        let alphabet: [Character] = ["a", "b", "Z", "'", "\\", "$", " ", "é", "😀", "%", "?", "\n", "\"", "-"]
        let value = String((0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
            return ("'" + value.replacingOccurrences(of: "'", with: "''") + "'", value)
        case 1:
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
                .replacingOccurrences(of: "\n", with: "\\n")
            return ("E'" + escaped + "'", value)
        case 2:
            var tag = ""
            while value.contains("$" + tag + "$") || (value.hasSuffix("$") && tag.isEmpty) || value.hasSuffix("$" + tag) {
                tag += "q"
            }
            return ("$" + tag + "$" + value + "$" + tag + "$", value)
        case 3:
            let split = value.index(value.startIndex, offsetBy: value.count / 2)
            let first = value[..<split].replacingOccurrences(of: "'", with: "''")
            let second = value[split...].replacingOccurrences(of: "'", with: "''")
            return ("'" + first + "'\n  '" + second + "'", value)
        default:
            var escaped = ""
            for scalar in value.unicodeScalars {
                if scalar == "\\" {
                    escaped += "\\\\"
                } else if scalar == "'" {
                    escaped += "''"
                } else if scalar.value > 0x7F {
                    escaped += scalar.value > 0xFFFF ? "\\+" + hex(scalar.value, width: 6) : "\\" + hex(scalar.value, width: 4)
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
            return ("U&'" + escaped + "'", value)
        }
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: width - digits.count) + digits
    }

    @Test func variantsKeepTheShapeAndLiftTheirValues() {
        var rng = SeededGenerator(seed: 0x5EED)
        for template in Self.templates {
            let targetSQL = Self.render(template, literals: nil, rng: &rng, vary: false)
            let target = Normalizer().normalize(targetSQL)
            #expect(target.isPreparable, "\(targetSQL)")
            let holes = template.filter {
                if case .integer = $0 { return true }
                if case .string = $0 { return true }
                return false
            }
            for _ in 0..<150 {
                let literals = holes.map { Self.randomLiteral($0, rng: &rng) }
                let sql = Self.render(template, literals: literals.map(\.text), rng: &rng, vary: true)
                let query = Normalizer().normalize(sql)
                #expect(query.canonical == target.canonical, "\(sql.debugDescription): \(query.lexError ?? "")")
                #expect(query.literals.map(\.value) == literals.map(\.value), "\(sql.debugDescription)")
                let parameters = query.match(against: target)
                #expect(parameters == literals.indices.map { .literal(query.literals[$0]) }, "\(sql.debugDescription)")
            }
        }
    }

    @Test func placeholderStylesKeepTheShape() {
        var rng = SeededGenerator(seed: 7)
        for template in Self.templates {
            let dollar = Normalizer().normalize(Self.render(template, literals: nil, rng: &rng, vary: false))
            let count = dollar.parameterCount
            let question = Self.render(template, literals: Array(repeating: "?", count: count), rng: &rng, vary: true)
            let percent = Self.render(template, literals: Array(repeating: "%s", count: count), rng: &rng, vary: true)
            let q = Normalizer(style: .question).normalize(question)
            let p = Normalizer(style: .percent).normalize(percent)
            #expect(q.canonical == dollar.canonical, "\(question)")
            #expect(p.canonical == dollar.canonical, "\(percent)")
            #expect(q.match(against: dollar) == (1...count).map { .queryParameter($0) })
            #expect(p.match(against: dollar) == (1...count).map { .queryParameter($0) })
        }
    }

    @Test func changingAnIdentifierOrOperatorChangesTheShape() {
        var rng = SeededGenerator(seed: 99)
        for template in Self.templates {
            let base = Normalizer().normalize(Self.render(template, literals: nil, rng: &rng, vary: false))
            for (index, piece) in template.enumerated() {
                var mutated = template
                switch piece {
                case .identifier(let name):
                    mutated[index] = .identifier(name + "_x")
                case .op(let op):
                    mutated[index] = .op(Self.operators.filter { $0 != op }.randomElement(using: &rng)!)
                default:
                    continue
                }
                let changed = Normalizer().normalize(Self.render(mutated, literals: nil, rng: &rng, vary: true))
                #expect(changed.canonical != base.canonical, "\(changed.sql)")
                #expect(changed.fingerprint != base.fingerprint)
                #expect(changed.match(against: base) == nil)
            }
        }
    }

    @Test func quotedIdentifierCaseChangesTheShape() {
        let a = Normalizer().normalize("select \"Name\" from t")
        let b = Normalizer().normalize("select \"name\" from t")
        let c = Normalizer().normalize("select NAME from t")
        #expect(a.canonical != b.canonical)
        #expect(b.canonical != c.canonical)  // "name" and name are the same column, but the shape is textual
    }
}
