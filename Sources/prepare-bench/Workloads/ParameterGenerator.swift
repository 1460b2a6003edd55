import RealPool

/// How one statement parameter is generated, as written after `param` in a workload file:
///
/// - `int:LO..HI`        uniform integer in [LO, HI]
/// - `float:LO..HI`      uniform decimal in [LO, HI], two decimal places
/// - `text:choice(a,b,c)` one of the listed strings (no quoting; items are trimmed)
/// - `text:random(N)` or `text:random(N..M)`  N (to M) random lowercase letters
/// - `bool`              true or false
/// - `const:VALUE`       always VALUE (sent as text; the server infers the type)
/// - `null`              SQL NULL
///
/// `{name}` inside a spec is replaced by a fixture variable before parsing (`{users}` is the
/// number of rows in `users`, and so on for every fixture table; `{scale}` is `--scale`).
/// Values are sent as untyped text parameters, so the server types them from the statement.
enum ParameterGenerator: Sendable, Equatable {
    case int(Int, Int)
    case float(Double, Double)
    case choice([String])
    case randomText(Int, Int)
    case bool
    case constant(String)
    case null

    static func parse(_ spec: String, variables: [String: Int]) throws -> ParameterGenerator {
        let text = try substitute(spec.trimmingCharacters(in: .whitespaces), variables: variables)
        func range<T>(_ body: Substring, _ convert: (String) -> T?) throws -> (T, T) {
            let parts = body.components(separatedBy: "..")
            guard parts.count == 2, let lo = convert(parts[0].trimmingCharacters(in: .whitespaces)),
                  let hi = convert(parts[1].trimmingCharacters(in: .whitespaces)) else {
                throw BenchError("parameter `\(spec)`: expected a range LO..HI")
            }
            return (lo, hi)
        }
        if text == "bool" { return .bool }
        if text == "null" { return .null }
        if text.hasPrefix("const:") { return .constant(String(text.dropFirst(6))) }
        if text.hasPrefix("int:") {
            let (lo, hi) = try range(text.dropFirst(4)) { Int($0) }
            guard lo <= hi else { throw BenchError("parameter `\(spec)`: empty range \(lo)..\(hi)") }
            return .int(lo, hi)
        }
        if text.hasPrefix("float:") {
            let (lo, hi) = try range(text.dropFirst(6)) { Double($0) }
            guard lo <= hi, lo.isFinite, hi.isFinite else { throw BenchError("parameter `\(spec)`: empty or infinite range") }
            return .float(lo, hi)
        }
        if text.hasPrefix("text:choice(") && text.hasSuffix(")") {
            let items = text.dropFirst(12).dropLast().split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !items.isEmpty, !(items.count == 1 && items[0].isEmpty) else {
                throw BenchError("parameter `\(spec)`: choice() needs at least one item")
            }
            return .choice(items)
        }
        if text.hasPrefix("text:random(") && text.hasSuffix(")") {
            let body = text.dropFirst(12).dropLast()
            let bounds: (Int, Int)
            if body.contains("..") { bounds = try range(body) { Int($0) } } else if let n = Int(body) { bounds = (n, n) } else {
                throw BenchError("parameter `\(spec)`: random() needs a length N or N..M")
            }
            guard bounds.0 >= 0, bounds.0 <= bounds.1, bounds.1 <= 1_000_000 else {
                throw BenchError("parameter `\(spec)`: lengths must be 0 <= N <= M <= 1000000")
            }
            return .randomText(bounds.0, bounds.1)
        }
        throw BenchError("parameter `\(spec)`: unknown generator (expected int:LO..HI, float:LO..HI, text:choice(a,b), text:random(N), bool, const:VALUE or null)")
    }

    /// Replaces `{name}` with the variable's value.
    static func substitute(_ text: String, variables: [String: Int]) throws -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw BenchError("parameter `\(text)`: `{` without a closing `}`")
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard let value = variables[name] else {
                let known = variables.keys.sorted().map { "{\($0)}" }.joined(separator: ", ")
                throw BenchError("parameter `\(text)`: unknown variable {\(name)} (known: \(known))")
            }
            out += String(value)
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    func generate(_ rng: inout SeededGenerator) -> PostgresBind {
        switch self {
        case .int(let lo, let hi):
            return .text(String(Int.random(in: lo...hi, using: &rng)))
        case .float(let lo, let hi):
            let v = Double.random(in: lo...hi, using: &rng)
            return .text(String((v * 100).rounded() / 100))
        case .choice(let items):
            return .text(items[Int.random(in: 0..<items.count, using: &rng)])
        case .randomText(let lo, let hi):
            let n = Int.random(in: lo...hi, using: &rng)
            var bytes = [UInt8]()
            bytes.reserveCapacity(n)
            for _ in 0..<n { bytes.append(UInt8.random(in: 97...122, using: &rng)) }
            return .text(String(decoding: bytes, as: UTF8.self))
        case .bool:
            return .text(Bool.random(using: &rng) ? "t" : "f")
        case .constant(let v):
            return .text(v)
        case .null:
            return .null
        }
    }

    /// The same generator as a pgbench `\set` expression, when pgbench can express it.
    var pgbenchExpression: String? {
        switch self {
        case .int(let lo, let hi): return "random(\(lo), \(hi))"
        case .float(let lo, let hi): return "random(\(Int((lo * 100).rounded())), \(Int((hi * 100).rounded()))) / 100.0"
        case .constant(let v): return Int(v) != nil || Double(v) != nil ? v : nil
        case .choice, .randomText, .null, .bool: return nil
        }
    }
}
