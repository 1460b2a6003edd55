extension NormalizedQuery {
    /// `executableSQL` with each lifted literal replaced by a new parameter, numbered
    /// `$(parameterCount + 1)...` in order, for turning a frequently seen query into a prepare
    /// target of its own. The result has the same shape as this query, and this query matches it
    /// with its own parameters followed by its literals. A space is inserted after a parameter that
    /// would otherwise run into an identifier character (`'a'as x` → `$1 as x`).
    public var parameterizedSQL: String {
        guard !literalRanges.isEmpty else { return executableSQL }
        let bytes = Array(executableSQL.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 4 * literalRanges.count)
        var copied = 0
        for (index, range) in literalRanges.enumerated() {
            out.append(contentsOf: bytes[copied..<range.lowerBound])
            out.append(SQLByte.dollar)
            out.append(contentsOf: String(parameterCount + index + 1).utf8)
            if range.upperBound < bytes.count && SQLByte.isIdentifierContinue(bytes[range.upperBound]) {
                out.append(0x20)
            }
            copied = range.upperBound
        }
        out.append(contentsOf: bytes[copied...])
        return String(decoding: out, as: UTF8.self)
    }
}
