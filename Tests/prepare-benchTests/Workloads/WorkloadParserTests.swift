import Testing
@testable import prepare_bench

@Suite struct WorkloadParserTests {
    let parser = WorkloadParser(variables: ["users": 10_000, "products": 2_000, "scale": 1])

    @Test func readsRequestsStatementsParametersAndThinks() throws {
        let text = """
            # a comment
            workload orders_by_status
            request by_status weight 3
            sql SELECT id, total FROM orders
                  WHERE status = $1 AND user_id = $2
            param text:choice(new, paid,shipped)
            param int:1..{users}

            request checkout
            transaction
            sql UPDATE products SET stock = stock - 1 WHERE id = $1
            param int:1..{products}
            request page
            sql SELECT name FROM users WHERE id = $1
            param int:1..{users}
            think
            think 50
            sql SELECT 1
            """
        let workload = try parser.parse(text, source: "test.workload", defaultName: "test")
        #expect(workload.name == "orders_by_status")
        #expect(workload.source == "test.workload")
        #expect(workload.requests.map(\.name) == ["by_status", "checkout", "page"])
        #expect(workload.requests.map(\.weight) == [3, 1, 1])
        #expect(workload.totalWeight == 5)
        #expect(workload.requests.map(\.transaction) == [false, true, false])
        #expect(workload.requests.map(\.line) == [3, 9, 13])
        #expect(workload.isBursty)

        let first = try #require(workload.requests[0].statements.first)
        #expect(first.sql == "SELECT id, total FROM orders\nWHERE status = $1 AND user_id = $2")
        #expect(first.parameters == [.choice(["new", "paid", "shipped"]), .int(1, 10_000)])
        #expect(first.line == 4)
        #expect(workload.requests[1].statements[0].parameters == [.int(1, 2_000)])

        let page = workload.requests[2]
        #expect(page.statements.count == 2)
        #expect(page.steps.count == 4)
        guard case .think(let pause) = page.steps[1], case .think(let fifty) = page.steps[2] else {
            Issue.record("expected two think steps, got \(page.steps)")
            return
        }
        #expect(pause == nil)
        #expect(fifty == 50)
        #expect(page.callSiteFile == "prepare-bench/page")
    }

    @Test func defaultsTheNameAndStartsAnImplicitRequest() throws {
        let workload = try parser.parse("sql SELECT 1\nsql SELECT $1\nparam null\n", source: "x", defaultName: "fallback")
        #expect(workload.name == "fallback")
        try #require(workload.requests.count == 1)
        #expect(workload.requests[0].name == "request1")
        try #require(workload.statements.count == 2)
        #expect(workload.statements.map(\.sql) == ["SELECT 1", "SELECT $1"])
        #expect(workload.statements[1].parameters == [.null])
        #expect(!workload.isBursty)
    }

    @Test func readsWindowsLineEnds() throws {
        let workload = try parser.parse("request r\r\nsql SELECT $1\r\n    FROM users\r\nparam int:1..{users}\r\n", source: "x", defaultName: "x")
        try #require(workload.statements.count == 1)
        #expect(workload.statements[0].sql == "SELECT $1\nFROM users")
        #expect(workload.statements[0].parameters == [.int(1, 10_000)])
        let error = #expect(throws: BenchError.self) { try parser.parse("sql SELECT 1\r\n\r\nbogus", source: "x", defaultName: "x") }
        #expect(error?.message.hasPrefix("x:3: unknown directive `bogus`") == true)
    }

    @Test func readsEveryGenerator() throws {
        let text = """
            sql SELECT $1, $2, $3, $4, $5, $6, $7, $8
            param int:-5..5
            param float:0.5..2
            param text:choice(a)
            param text:random(3)
            param text:random(2..4)
            param bool
            param const:it's
            param null
            """
        let parameters = try parser.parse(text, source: "x", defaultName: "x").statements[0].parameters
        #expect(parameters == [.int(-5, 5), .float(0.5, 2), .choice(["a"]), .randomText(3, 3), .randomText(2, 4), .bool, .constant("it's"), .null])
    }

    @Test(arguments: [
        ("  SELECT 1", "x:1: an indented line continues a `sql` statement, but there is none before it"),
        ("workload two words", "x:1: `workload` needs one name without spaces"),
        ("request", "x:1: `request` needs a name"),
        ("request r weight 0\nsql SELECT 1", "x:1: expected `request NAME [weight N]` with N a positive integer"),
        ("request r heavy\nsql SELECT 1", "x:1: expected `request NAME [weight N]` with N a positive integer"),
        ("transaction now", "x:1: `transaction` takes no arguments"),
        ("sql", "x:1: `sql` needs the statement on the same line"),
        ("param int:1..2", "x:1: `param` must follow the `sql` it belongs to"),
        ("sql SELECT $1\nparam int:5..1", "x:2: parameter `int:5..1`: empty range 5..1"),
        ("sql SELECT $1\nparam int:1..{nope}", "x:2: parameter `int:1..{nope}`: unknown variable {nope} (known: {products}, {scale}, {users})"),
        ("sql SELECT $1\nparam text:shout", "x:2: parameter `text:shout`: unknown generator (expected int:LO..HI, float:LO..HI, text:choice(a,b), text:random(N), bool, const:VALUE or null)"),
        ("sql SELECT 1\nthink -1", "x:2: `think` takes an optional number of milliseconds >= 0"),
        ("select 1", "x:1: unknown directive `select` (expected workload, request, transaction, sql, param or think; indent SQL continuation lines)"),
        ("# only a comment", "x: no requests (a workload needs at least one `sql` line)"),
        ("request r\nthink 5", "x:1: request `r` has no `sql`"),
        ("request r\ntransaction\nsql SELECT 1\nthink", "x:1: request `r`: `think` inside a `transaction` is not supported"),
    ])
    func rejectsBadInputWithItsLine(text: String, message: String) {
        let error = #expect(throws: BenchError.self) { try parser.parse(text, source: "x", defaultName: "x") }
        #expect(error?.message == message)
    }
}
