import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements

@Suite("Reply spin")
struct ReplySpinTests {
    @Test func aConnectionStopsPollingAfterRepeatedMissesAndTriesAgainLater() {
        var history = ReplySpinHistory()
        var polled: [Bool] = []
        for _ in 0..<(ReplySpin.missesBeforePause - 1) {
            polled.append(history.shouldPoll())
            history.record(hit: false)
        }
        // a hit in between resets the count
        polled.append(history.shouldPoll())
        history.record(hit: true)
        for _ in 0..<ReplySpin.missesBeforePause {
            polled.append(history.shouldPoll())
            history.record(hit: false)
        }
        #expect(polled.allSatisfy { $0 })
        var paused: [Bool] = []
        for _ in 0..<ReplySpin.pauseStatements { paused.append(history.shouldPoll()) }
        #expect(paused.allSatisfy { !$0 })
        let again = history.shouldPoll()
        #expect(again)
    }

    @Test func statementsGiveTheSameResultsWithAndWithoutThePoll() async throws {
        var quick = try TestServer.configuration()
        quick.replySpin = .milliseconds(5)
        var off = quick
        off.replySpin = nil
        for configuration in [quick, off] {
            let c = try await Connection.connect(configuration)
            defer { c.close() }
            for i in 0..<50 {
                #expect(try await c.query("SELECT $1::int * 2", [i])[0].decode(Int.self, column: 0) == i * 2)
            }
            // a reply slower than the window: the poll gives up, the statement still completes
            #expect(try await c.query("SELECT pg_sleep(0.05)::text")[0].decode(String.self, column: 0) == "")
        }
    }
}
