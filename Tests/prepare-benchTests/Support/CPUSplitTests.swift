import Testing
@testable import prepare_bench

@Suite struct CPUSplitTests {
    @Test(arguments: [
        ("1", [1]),
        ("0-3", [0, 1, 2, 3]),
        ("1,3,5-7", [1, 3, 5, 6, 7]),
        ("3,1,2-3", [1, 2, 3]),
        (" 2 - 3 , 0", [0, 2, 3]),
        ("1023", [1023]),
    ])
    func parsesTasksetLists(text: String, cpus: [Int]) throws {
        #expect(try CPUSplit.parseList(text) == cpus)
    }

    @Test(arguments: ["", "a", "1,", ",1", "3-1", "-1", "1-", "1-2-3", "1024", "0-1024", "1;2", "1..2"])
    func rejectsMalformedLists(text: String) {
        let error = #expect(throws: BenchError.self) { try CPUSplit.parseList(text) }
        #expect(error?.message == "--server-cpus `\(text)`: expected CPU numbers and ranges such as 1 or 0-1,3")
    }

    @Test func describesAList() {
        #expect(CPUSplit.describe([0, 2, 3]) == "0,2,3")
        let split = CPUSplit(serverCPUs: [1], clientCPUs: [0])
        #expect(split.summary == "server on CPU 1; benchmark and pgbench on CPU 0 (--server-cpus)")
    }

    #if os(Linux)
    @Test func planRefusesToLeaveTheBenchmarkWithoutACPU() {
        // every CPU there can be: either some are not this process's, or none is left for it
        let error = #expect(throws: BenchError.self) { try CPUSplit.plan("0-1023") }
        #expect(error?.message.hasPrefix("--server-cpus") == true)
    }

    @Test func planChecksTheSyntaxFirst() {
        #expect(throws: BenchError.self) { try CPUSplit.plan("two") }
    }
    #endif
}
