import Foundation

/// How to reach a PostgreSQL server: a libpq conninfo string (`host=... dbname=...`) or a
/// `postgres://` / `postgresql://` URL, plus the knobs RealPool sets itself.
///
/// The string is handed to libpq unchanged (`expand_dbname`), so every libpq parameter and
/// environment variable (`PGHOST`, `PGPASSWORD`, `~/.pgpass`, ...) works as usual.
public struct ConnectionConfiguration: Sendable, CustomStringConvertible, CustomReflectable {
    /// The conninfo string or URL as given. Never printed: ``description`` redacts the password.
    public var connectionString: String
    /// Seconds to wait for the connection to be established (libpq `connect_timeout`).
    /// Default 10 s: long enough for a loaded server, short enough that a dead host is reported
    /// while the caller still cares. Applied by RealPool around the whole handshake, too.
    public var connectTimeout: Duration = .seconds(10)
    /// `application_name` reported in `pg_stat_activity`. Default `"RealPool"`; a value in the
    /// connection string wins.
    public var applicationName: String = "RealPool"
    /// How long a statement polls for its reply before it suspends or sleeps (default 200 µs; nil
    /// turns it off). A reply on a local network or socket often comes within tens to a couple of
    /// hundred microseconds, and catching it there saves the thread hand-overs of waking up (for an
    /// async caller the socket poller's thread, then a cooperative thread), which at low
    /// concurrency roughly doubles throughput. A poll that is answered costs no more CPU than the
    /// reply took. 200 µs, not less, because a short join (130 µs of server time here) missed a
    /// 75 µs window every time: one task ran it at 4.5k statements/s with 75 µs, 7.4k with 200 µs.
    /// It is bounded and adaptive: it happens only while no other statement of the process is
    /// waiting for a reply (so it never takes a core other work needs), and a connection whose
    /// replies keep coming later than the window stops trying for a while (so a remote server
    /// costs nothing). The Tuning article has measured figures.
    public var replySpin: Duration? = .microseconds(200)

    /// A configuration for a conninfo string or `postgres://` URL.
    public init(_ connectionString: String, connectTimeout: Duration = .seconds(10), applicationName: String = "RealPool") {
        self.connectionString = connectionString
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
    }

    /// The connection string with any password replaced by `***`, safe for logs and errors.
    public var redactedConnectionString: String { Self.redact(connectionString) }

    public var description: String { "ConnectionConfiguration(\(redactedConnectionString))" }

    /// `dump`, debuggers and anything else that reflects over the fields see the redacted string:
    /// the default mirror would show `connectionString` with its password, even though
    /// `description` hides it.
    public var customMirror: Mirror {
        Mirror(self, children: ["connectionString": redactedConnectionString, "connectTimeout": connectTimeout,
                                "applicationName": applicationName, "replySpin": replySpin as Any], displayStyle: .struct)
    }

    /// Replaces passwords in both URL (`user:secret@host`, `?password=secret`) and keyword
    /// (`password=secret`, `password='se cret'`) forms.
    static func redact(_ s: String) -> String {
        var out = s
        if let schemeEnd = out.range(of: "://") {
            // userinfo password: between the first ':' after the scheme and the last '@' before the path
            let afterScheme = out[schemeEnd.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? out.endIndex
            let authority = out[schemeEnd.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                out.replaceSubrange(out.index(after: colon)..<at, with: "***")
            }
        }
        // keyword form and URL query parameter form
        var result = ""
        var rest = Substring(out)
        while let r = rest.range(of: "password", options: .caseInsensitive) {
            result += rest[..<r.upperBound]
            rest = rest[r.upperBound...]
            var i = rest.startIndex
            while i < rest.endIndex, rest[i] == " " { i = rest.index(after: i) }
            guard i < rest.endIndex, rest[i] == "=" else { continue }
            i = rest.index(after: i)
            while i < rest.endIndex, rest[i] == " " { i = rest.index(after: i) }
            result += rest[rest.startIndex..<i] + "***"
            if i < rest.endIndex, rest[i] == "'" {
                var j = rest.index(after: i)
                while j < rest.endIndex, rest[j] != "'" {
                    if rest[j] == "\\" { j = rest.index(after: j); if j == rest.endIndex { break } }
                    j = rest.index(after: j)
                }
                rest = j < rest.endIndex ? rest[rest.index(after: j)...] : rest[j...]
            } else {
                let j = rest[i...].firstIndex(where: { $0 == " " || $0 == "&" }) ?? rest.endIndex
                rest = rest[j...]
            }
        }
        return result + rest
    }
}
