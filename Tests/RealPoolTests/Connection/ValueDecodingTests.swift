import Foundation
import Testing
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements

@Suite("Value encoding and decoding")
struct ValueDecodingTests {
    @Test func integersAtTheirLimits() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let r = try await c.query(
            "SELECT $1::int8 AS min, $2::int8 AS max, $3::int2 AS small, $4::int4 AS i4, NULL::int8 AS n",
            [Int64.min, Int64.max, Int16.min, Int32.max])
        #expect(try r[0].decode(Int64.self, column: "min") == Int64.min)
        #expect(try r[0].decode(Int64.self, column: "max") == Int64.max)
        #expect(try r[0].decode(Int16.self, column: "small") == Int16.min)
        #expect(try r[0].decode(Int32.self, column: "i4") == Int32.max)
        #expect(try r[0].decode(Int?.self, column: "n") == nil)
        let e = #expect(throws: PostgresError.self) { try r[0].decode(Int.self, column: "n") }
        #expect(e?.kind == .decoding)
        #expect(e?.message.contains("\"n\"") == true)
        // Int16 cannot hold Int32.max: an error, not a wrapped value
        #expect(throws: PostgresError.self) { try r[0].decode(Int16.self, column: "i4") }
    }

    @Test func wrongTypeNamesColumnAndBothTypes() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let r = try await c.query("SELECT 'abc'::text AS label")
        let e = #expect(throws: PostgresError.self) { try r[0].decode(Int.self, column: "label") }
        #expect(e?.kind == .decoding)
        #expect(e?.message.contains("\"label\"") == true)
        #expect(e?.message.contains("text") == true)
        #expect(e?.message.contains("Int") == true)
    }

    @Test func numericKeepsEveryDigit() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let forty = "1234567890123456789012345678901234567890.0123456789"
        let r = try await c.query("SELECT $1::numeric AS n, 'NaN'::numeric AS nan, $2::numeric AS d", [PostgresNumeric(forty)!, Decimal(string: "-12.75")!])
        #expect(try r[0].decode(PostgresNumeric.self, column: "n").text == forty)
        #expect(try r[0].decode(PostgresNumeric.self, column: "nan").text == "NaN")
        #expect(try r[0].decode(Decimal.self, column: "d") == Decimal(string: "-12.75")!)
        #expect(try r[0].decode(Double.self, column: "d") == -12.75)
    }

    @Test func floatsAndBooleans() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let r = try await c.query("SELECT $1::float8 AS d, $2::float4 AS f, 'Infinity'::float8 AS inf, $3::bool AS t, false AS f2",
                                  [0.1 + 0.2, Float(1.5), true])
        #expect(try r[0].decode(Double.self, column: "d") == 0.1 + 0.2)
        #expect(try r[0].decode(Float.self, column: "f") == 1.5)
        #expect(try r[0].decode(Double.self, column: "inf") == .infinity)
        #expect(try r[0].decode(Bool.self, column: "t") == true)
        #expect(try r[0].decode(Bool.self, column: "f2") == false)
    }

    @Test func textEmptyVersusNullAndNonASCII() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let s = "Grüße, 世界 🐘 — \"quotes\" 'and' \\backslash"
        let r = try await c.query("SELECT $1::text AS s, ''::text AS empty, NULL::text AS null_text, $2::text AS bound_null",
                                  [s, Optional<String>.none])
        #expect(try r[0].decode(String.self, column: "s") == s)
        #expect(try r[0].decode(String?.self, column: "empty") == "")
        #expect(try r[0].decode(String?.self, column: "null_text") == nil)
        #expect(try r[0].decode(String?.self, column: "bound_null") == nil)
        #expect(r[0].isNull(2))
        #expect(!r[0].isNull(1))
    }

    @Test func byteaWithZeroBytes() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let bytes: [UInt8] = [0, 1, 2, 0, 255, 0x5c, 0x27, 0]
        let r = try await c.query("SELECT $1::bytea AS b, length($1::bytea) AS n", [PostgresBytes(bytes)])
        #expect(try r[0].decode(PostgresBytes.self, column: "b").bytes == bytes)
        #expect(try r[0].decode(Data.self, column: "b") == Data(bytes))
        #expect(try r[0].decode(Int.self, column: "n") == bytes.count)
    }

    @Test func datesAndTimestamps() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let instant = Date(timeIntervalSince1970: 1_700_000_000.123456)
        let r = try await c.query("""
            SELECT $1::timestamptz AS tz, '2024-02-29 13:14:15.5'::timestamp AS ts, '2024-02-29'::date AS d,
                   '1969-07-20 20:17:40+00'::timestamptz AS moon, ('2024-01-01 00:00:00+05:30')::timestamptz AS ist
            """, [instant])
        let tz = try r[0].decode(Date.self, column: "tz")
        #expect(abs(tz.timeIntervalSince1970 - instant.timeIntervalSince1970) < 0.000001)
        #expect(try r[0].decode(Date.self, column: "ts").timeIntervalSince1970 == 1_709_212_455.5)
        #expect(try r[0].decode(Date.self, column: "d").timeIntervalSince1970 == 1_709_164_800)
        #expect(try r[0].decode(Date.self, column: "moon").timeIntervalSince1970 == -14_182_940)
        #expect(try r[0].decode(Date.self, column: "ist").timeIntervalSince1970 == 1_704_047_400)
    }

    @Test func uuidAndJSON() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let id = UUID()
        struct Payload: Codable, Equatable { var a: Int; var b: [String] }
        let r = try await c.query("SELECT $1::uuid AS id, $2::jsonb AS j, '{\"a\": 1}'::json AS plain",
                                  [id, try PostgresJSON(encoding: Payload(a: 1, b: ["x", "ü"]))])
        #expect(try r[0].decode(UUID.self, column: "id") == id)
        #expect(try r[0].decode(PostgresJSON.self, column: "j").decode(Payload.self) == Payload(a: 1, b: ["x", "ü"]))
        #expect(try r[0].decode(PostgresJSON.self, column: "plain").text == "{\"a\": 1}")
        #expect(try r[0].decode(String.self, column: "id") == id.uuidString.lowercased())
    }

    @Test func columnsReportNamesAndTypes() async throws {
        let c = try await TestServer.connect()
        defer { c.close() }
        let r = try await c.query("SELECT 1::int4 AS a, 'x'::varchar AS b, now() AS c, 1.5::numeric AS d")
        #expect(r.columns.map(\.name) == ["a", "b", "c", "d"])
        #expect(r.columns.map(\.type) == [.int4, .varchar, .timestamptz, .numeric])
    }
}
