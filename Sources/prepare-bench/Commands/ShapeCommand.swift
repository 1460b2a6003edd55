import ArgumentParser
import Foundation
import RealPool

/// `prepare-bench shape`: shows what the normaliser makes of one SQL text, and optionally whether
/// it matches a prepare target and with which parameters.
struct ShapeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shape",
        abstract: "Print a query's shape: canonical text, fingerprint, kind and lifted literals.",
        discussion: """
            Reads the SQL from the argument, or from standard input when no argument is given. \
            With --target (written in the same placeholder style), also prints whether the query \
            runs as that target's prepared statement and the parameters it would bind: a literal's \
            value, or null where the query passes its own parameter.
            """
    )

    @Argument(help: "The SQL text (default: read standard input).")
    var sql: String?

    @Option(help: "Placeholder style of the query and the target: dollar, question or percent.")
    var style: StyleArgument = .dollar

    @Option(help: "A prepare target to match the query against.")
    var target: String?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    enum StyleArgument: String, ExpressibleByArgument, CaseIterable {
        case dollar, question, percent

        var style: PlaceholderStyle {
            switch self {
            case .dollar: return .dollar
            case .question: return .question
            case .percent: return .percent
            }
        }
    }

    struct Output: Encodable {
        struct Literal: Encodable {
            var text: String
            var value: String
            var kind: String
            var position: Int
            /// The type its parameter is declared with when prepared (`int4`, `int8`, `numeric`),
            /// or `unknown` for a string, whose parameter stays undeclared.
            var declaredType: String
        }

        var canonical: String
        var fingerprint: String
        var kind: String
        var preparable: Bool
        var lexable: Bool
        var lexError: String?
        var executableSQL: String
        var literals: [Literal]
        var matches: Bool?
        var parameters: [String?]?
    }

    func run() throws {
        let text: String
        if let sql {
            text = sql
        } else {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            text = String(decoding: data, as: UTF8.self)
        }
        let normalizer = Normalizer(style: style.style)
        let query = normalizer.normalize(text)
        var output = Output(
            canonical: query.canonical,
            fingerprint: query.fingerprintHex,
            kind: query.kind.rawValue,
            preparable: query.isPreparable,
            lexable: query.isLexable,
            lexError: query.lexError,
            executableSQL: query.executableSQL,
            literals: query.literals.map {
                Output.Literal(text: $0.text, value: $0.value, kind: $0.kind.rawValue, position: $0.position,
                               declaredType: $0.declaredTypeOID == 0 ? "unknown" : PostgresType($0.declaredTypeOID).description)
            }
        )
        if let target {
            let sources = query.match(against: normalizer.normalize(target))
            output.matches = sources != nil
            output.parameters = sources.map { list in
                list.map { source -> String? in
                    switch source {
                    case .queryParameter: return nil
                    case .literal(let literal): return literal.value
                    }
                }
            } ?? []
            if let sources, !json {
                // Keep which query parameter feeds each target parameter for the text output.
                output.parameters = sources.map { source -> String? in
                    switch source {
                    case .queryParameter(let n): return "$\(n) (the query's own)"
                    case .literal(let literal): return literal.value
                    }
                }
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        } else {
            printText(output, original: text)
        }
    }

    func printText(_ output: Output, original: String) {
        print("canonical:   \(output.canonical)")
        print("fingerprint: \(output.fingerprint)")
        print("kind:        \(output.kind)")
        print("preparable:  \(output.preparable ? "yes" : "no")")
        if let error = output.lexError {
            print("lexed:       no (\(error))")
        } else {
            print("lexed:       yes")
        }
        if output.executableSQL != original {
            print("executable:  \(output.executableSQL)")
        }
        if output.literals.isEmpty {
            print("literals:    none")
        } else {
            print("literals:")
            for (index, literal) in output.literals.enumerated() {
                print("  \(index + 1). \(literal.kind) \(literal.text) = \(literal.value.debugDescription) at byte \(literal.position), \(literal.declaredType == "unknown" ? "undeclared (unknown)" : "declared \(literal.declaredType)")")
            }
        }
        if let matches = output.matches {
            print("matches:     \(matches ? "yes" : "no")")
            if matches, let parameters = output.parameters {
                for (index, parameter) in parameters.enumerated() {
                    print("  $\(index + 1) = \(parameter ?? "null")")
                }
            }
        }
    }
}
