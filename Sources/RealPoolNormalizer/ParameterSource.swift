/// Where the value of one parameter of a matched target comes from.
public enum ParameterSource: Sendable, Equatable {
    /// The query's own parameter `$n` (1-based, after placeholder-style conversion).
    case queryParameter(Int)
    /// A literal written in the query; bind its `value` in text format.
    case literal(LiftedLiteral)
}
