/// Where a lease was taken, for leak warnings and `db.report()`.
public struct CallSite: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String {
        let short = file.split(separator: "/").last.map(String.init) ?? file
        return "\(short):\(line)"
    }
}
