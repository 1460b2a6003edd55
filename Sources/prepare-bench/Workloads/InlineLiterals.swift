import RealPool

/// `--inline-literals`: each request's parameters written into the SQL text as literals, as
/// Django does on psycopg2 (client-side interpolation), so that the executed SQL carries constants
/// and `prepared` measures RealPool's literal lifting against `plain`.
///
/// Numbers are written as they are, strings in single quotes with `'` doubled (the server's
/// `standard_conforming_strings` is on, so a backslash is an ordinary character), `bool` as
/// `true`/`false` and NULL as `NULL`. Placeholders are found by a small scan that skips
/// single-quoted strings, quoted identifiers and comments; the built-in workloads have no
/// dollar-quoted text, and a workload that does should not use this flag.
enum InlineLiterals {
    /// The request with each statement's parameters written into its SQL, and no parameters left.
    static func apply(_ request: Workload.Request, _ parameters: [[PostgresBind]]) -> (Workload.Request, [[PostgresBind]]) {
        var inlined = request
        var index = 0
        inlined.steps = request.steps.map { step in
            guard case .statement(var statement) = step else { return step }
            let literals = zip(statement.parameters, parameters[index]).map { literal($1, generatedBy: $0) }
            statement.sql = substitute(statement.sql, literals)
            statement.parameters = []
            index += 1
            return .statement(statement)
        }
        return (inlined, parameters.map { _ in [] })
    }

    /// The SQL literal for a generated value.
    static func literal(_ bind: PostgresBind, generatedBy generator: ParameterGenerator) -> String {
        guard let bytes = bind.bytes else { return "NULL" }
        let text = String(decoding: bytes, as: UTF8.self)
        switch generator {
        case .int, .float:
            return text
        case .bool:
            return text == "t" ? "true" : "false"
        case .null:
            return "NULL"
        case .choice, .randomText, .constant:
            return quoted(text)
        }
    }

    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// `sql` with `$n` replaced by `literals[n - 1]`. A negative number after an operator
    /// character gets a space first, so that `a -$1` cannot become the comment `a --5`.
    static func substitute(_ sql: String, _ literals: [String]) -> String {
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + literals.reduce(0) { $0 + $1.utf8.count })
        var i = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func isWord(_ c: UInt8) -> Bool { isDigit(c) || c == 0x5F || c >= 0x80 || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                // copy the quoted text; a doubled quote inside is two quoted runs back to back
                var j = i + 1
                while j < bytes.count && bytes[j] != c { j += 1 }
                out.append(contentsOf: bytes[i..<min(j + 1, bytes.count)])
                i = j + 1
            } else if c == UInt8(ascii: "-") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-") {
                var j = i
                while j < bytes.count && bytes[j] != UInt8(ascii: "\n") { j += 1 }
                out.append(contentsOf: bytes[i..<j])
                i = j
            } else if c == UInt8(ascii: "/") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*") {
                var j = i + 2
                while j + 1 < bytes.count && !(bytes[j] == UInt8(ascii: "*") && bytes[j + 1] == UInt8(ascii: "/")) { j += 1 }
                let end = min(j + 2, bytes.count)
                out.append(contentsOf: bytes[i..<end])
                i = end
            } else if c == UInt8(ascii: "$") && i + 1 < bytes.count && isDigit(bytes[i + 1]) && (i == 0 || !isWord(bytes[i - 1])) {
                var j = i + 1
                var n = 0
                while j < bytes.count && isDigit(bytes[j]) { n = n * 10 + Int(bytes[j] - 0x30); j += 1 }
                guard n >= 1 && n <= literals.count else {
                    out.append(contentsOf: bytes[i..<j])
                    i = j
                    continue
                }
                let literal = literals[n - 1]
                if literal.hasPrefix("-"), let last = out.last, "+-*/<>=~!@#%^&|`?".utf8.contains(last) { out.append(0x20) }
                out.append(contentsOf: literal.utf8)
                i = j
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
