/// Where a lease was taken, for leak warnings and `db.report()`.
public struct CallSite: Sendable, Hashable, CustomStringConvertible {
    /// The source file (`#fileID`).
    public let file: String
    /// The line in it.
    public let line: Int

    /// A call site; the `execute`, `transaction` and `withSession` methods take `#fileID` and
    /// `#line` by default.
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String {
        let short = file.split(separator: "/").last.map(String.init) ?? file
        return "\(short):\(line)"
    }
}
