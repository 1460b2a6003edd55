/// Reads the workload file format (documented in Docs/prepare-bench.md):
///
/// ```
/// # comment
/// workload NAME                  optional; default: the file name without extension
/// request NAME [weight N]        starts a request (one timed operation); weight default 1
/// transaction                    run this request's statements in one transaction
/// sql SELECT ... WHERE id = $1   a statement; continues on following lines that are indented
/// param int:1..{users}           one line per $n of the preceding sql, in order
/// think [MS]                     pause MS milliseconds (default --think-ms) holding no connection
/// ```
///
/// Directives start at the beginning of a line; an indented line continues the previous `sql`.
/// A `sql` before any `request` starts an implicit request named after its position.
struct WorkloadParser {
    var variables: [String: Int]

    func parse(_ text: String, source: String, defaultName: String) throws -> Workload {
        var name = defaultName
        var requests: [Workload.Request] = []
        var current: Workload.Request?
        var lastWasSQL = false

        func fail(_ line: Int, _ message: String) -> BenchError {
            BenchError("\(source):\(line): \(message)")
        }
        func finish() {
            if let c = current { requests.append(c) }
            current = nil
        }
        func ensureRequest(_ line: Int) {
            if current == nil { current = Workload.Request(name: "request\(requests.count + 1)", line: line) }
        }

        // "\r\n" is one Character in Swift, so split on every kind of line end, not on "\n"
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if line.first == " " || line.first == "\t" {
                guard lastWasSQL, var c = current, case .statement(var s)? = c.steps.last else {
                    throw fail(number, "an indented line continues a `sql` statement, but there is none before it")
                }
                s.sql += "\n" + trimmed
                c.steps[c.steps.count - 1] = .statement(s)
                current = c
                continue
            }
            let keyword = trimmed.prefix { !$0.isWhitespace }
            let rest = trimmed.dropFirst(keyword.count).trimmingCharacters(in: .whitespaces)
            lastWasSQL = false
            switch keyword {
            case "workload":
                guard !rest.isEmpty, !rest.contains(where: \.isWhitespace) else {
                    throw fail(number, "`workload` needs one name without spaces")
                }
                name = rest
            case "request":
                finish()
                let words = rest.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                guard let requestName = words.first else { throw fail(number, "`request` needs a name") }
                var request = Workload.Request(name: requestName, line: number)
                if words.count > 1 {
                    guard words.count == 3, words[1] == "weight", let w = Int(words[2]), w > 0 else {
                        throw fail(number, "expected `request NAME [weight N]` with N a positive integer")
                    }
                    request.weight = w
                }
                current = request
            case "transaction":
                guard rest.isEmpty else { throw fail(number, "`transaction` takes no arguments") }
                ensureRequest(number)
                current!.transaction = true
            case "sql":
                guard !rest.isEmpty else { throw fail(number, "`sql` needs the statement on the same line") }
                ensureRequest(number)
                current!.steps.append(.statement(Workload.Statement(sql: rest, line: number)))
                lastWasSQL = true
            case "param":
                guard var c = current, case .statement(var s)? = c.steps.last else {
                    throw fail(number, "`param` must follow the `sql` it belongs to")
                }
                do {
                    s.parameters.append(try ParameterGenerator.parse(rest, variables: variables))
                } catch let error as BenchError {
                    throw fail(number, error.message)
                }
                c.steps[c.steps.count - 1] = .statement(s)
                current = c
                lastWasSQL = false
            case "think":
                ensureRequest(number)
                if rest.isEmpty {
                    current!.steps.append(.think(milliseconds: nil))
                } else if let ms = Int(rest), ms >= 0 {
                    current!.steps.append(.think(milliseconds: ms))
                } else {
                    throw fail(number, "`think` takes an optional number of milliseconds >= 0")
                }
            default:
                throw fail(number, "unknown directive `\(keyword)` (expected workload, request, transaction, sql, param or think; indent SQL continuation lines)")
            }
        }
        finish()
        guard !requests.isEmpty else { throw BenchError("\(source): no requests (a workload needs at least one `sql` line)") }
        for request in requests where request.statements.isEmpty {
            throw fail(request.line, "request `\(request.name)` has no `sql`")
        }
        for request in requests where request.transaction && request.thinks {
            throw fail(request.line, "request `\(request.name)`: `think` inside a `transaction` is not supported")
        }
        return Workload(name: name, source: source, requests: requests)
    }
}
