import Foundation

/// Conversions between `Date` and PostgreSQL's ISO date/time text (`DateStyle = ISO`, which every
/// RealPool connection ensures at connect). Done by hand: `DateFormatter` is slow and drops
/// microseconds.
enum PostgresDateFormat {
    /// `2024-01-02 03:04:05.123456+00`
    static func timestamptzText(_ date: Date) -> String {
        var micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        if !micros.isFinite { micros = 0 }
        var totalMicros = Int64(micros)
        var days = totalMicros / 86_400_000_000
        totalMicros -= days * 86_400_000_000
        if totalMicros < 0 { totalMicros += 86_400_000_000; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        let secs = totalMicros / 1_000_000
        let frac = totalMicros % 1_000_000
        var s = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2)) \(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))"
        if frac != 0 { s += "." + pad(frac, 6) }
        if y <= 0 { return s } // not representable as AD; let the server reject it clearly
        return s + "+00"
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff]][+HH[:MM[:SS]]]`. Values without an offset are UTC.
    /// Returns nil for anything else (including `infinity` and BC dates).
    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        var i = 0
        func num(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        // the year may have more than 4 digits
        var yearDigits = 0
        while i + yearDigits < b.count, b[i + yearDigits] >= 48, b[i + yearDigits] <= 57 { yearDigits += 1 }
        guard yearDigits >= 4, let year = num(yearDigits), expect(45), let month = num(2), expect(45), let day = num(2) else { return nil }
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        var seconds = Int64(0), micros = Int64(0)
        if i < b.count, b[i] == 32 || b[i] == 84 {  // ' ' or 'T'
            i += 1
            guard let h = num(2), expect(58), let mi = num(2), expect(58), let s = num(2) else { return nil }
            seconds = h * 3600 + mi * 60 + s
            if i < b.count, b[i] == 46 {  // '.'
                i += 1
                var digits = 0
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    if digits < 6 { micros = micros * 10 + Int64(b[i] - 48) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                for _ in digits..<6 where digits < 6 { micros *= 10 }
            }
        }
        var offset = Int64(0)
        if i < b.count, b[i] == 43 || b[i] == 45 {  // '+' '-'
            let sign: Int64 = b[i] == 45 ? -1 : 1
            i += 1
            guard let oh = num(2) else { return nil }
            var off = oh * 3600
            if expect(58) { guard let om = num(2) else { return nil }; off += om * 60 }
            if expect(58) { guard let os = num(2) else { return nil }; off += os }
            offset = sign * off
        }
        guard i == b.count else { return nil }
        let days = days(fromCivil: year, month, day)
        let total = days * 86_400 + seconds - offset
        return Date(timeIntervalSince1970: Double(total) + Double(micros) / 1_000_000)
    }

    // Howard Hinnant's algorithms: exact for the proleptic Gregorian calendar PostgreSQL uses.
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
